"""Trust, as direnv does it: a repository's manifest is someone else's code until the user says so.

Guarded entries are the ones that run or reach beyond the repository: ``!`` commands, URL
entries, and paths outside the root. They are used only when the user has trusted the exact
text of all of them for this repository (``prompt-foo --trust``). The record lives in the
user's state folder, never in the repository: a repository cannot trust itself.

Keyed by the repository's path and a hash of the guarded entries' text, so editing ordinary
file paths never asks again, and changing a command (or an --arg value inside one) does.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from ..atomic import write_atomic
from ..errors import UsageProblem
from ..userconf import state_dir
from .manifest import MANIFEST_NAME, Entry

TRUST_FILE = "trust.json"


def guarded(entries: list[Entry], root: Path) -> list[Entry]:
    """The manifest entries that need trust: commands, URLs and paths outside ``root``.

    Entries named on the command line (-f) are the user's own words and need none."""
    return [e for e in entries if e.origin == "manifest" and why_guarded(e, root)]


def why_guarded(entry: Entry, root: Path) -> str | None:
    if entry.kind == "command":
        return "runs a shell command"
    if entry.kind == "url":
        return "fetches a URL"
    if entry.kind == "path" and _outside(entry.text, root):
        return "reads outside the repository"
    return None


def _outside(written: str, root: Path) -> bool:
    absolute = os.path.normpath(os.path.join(str(root), os.path.expanduser(written)))
    base = str(root).rstrip(os.sep)
    return not (absolute == base or absolute.startswith(base + os.sep))


def fingerprint(entries: list[Entry]) -> str:
    """A hash of the exact text of the guarded entries, in manifest order."""
    return hashlib.sha256("\n".join(e.text for e in entries).encode("utf-8", "surrogatepass")).hexdigest()


def _key(root: Path) -> str:
    return os.path.realpath(str(root))


def _load(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        return {}  # an unreadable record only means asking again
    return data if isinstance(data, dict) else {}


def trust_path() -> Path:
    return state_dir() / TRUST_FILE


def is_trusted(root: Path, entries: list[Entry]) -> bool:
    record = _load(trust_path()).get(_key(root), {})
    return isinstance(record, dict) and fingerprint(entries) in record.get("hashes", [])


def record_trust(root: Path, entries: list[Entry]) -> Path:
    """Remember that the user trusts these exact entries in this repository (atomic write)."""
    path = trust_path()
    data = _load(path)
    record = data.get(_key(root))
    hashes = record.get("hashes", []) if isinstance(record, dict) else []
    digest = fingerprint(entries)
    if digest not in hashes:
        hashes = [*hashes, digest][-20:]  # a few chops per repository; old ones age out
    data[_key(root)] = {"hashes": hashes}
    try:
        write_atomic(path, json.dumps(data, indent=1, sort_keys=True))
    except OSError as exc:
        raise UsageProblem(f"cannot record trust in {path} ({exc.strerror or exc})",
                           hint="Make your prompt-foo state folder writable (PROMPT_FOO_STATE).") from None
    return path


def describe(entries: list[Entry], root: Path) -> str:
    """The guarded entries as the user should read them before trusting."""
    from ..book.secrets import scan_text  # a token in a command line must not reach a CI log

    lines = []
    for e in entries:
        written = e.file or MANIFEST_NAME  # foo_files.py, or the daily overlay (context.txt) the line is in
        where = f"{written}:{e.line}" if e.line else written
        found = scan_text("entry", e.text)
        shown = f"{found[0].excerpt} (a credential in it is redacted here)" if found else e.text
        lines.append(f"  {where}: {shown}    ({why_guarded(e, root)})")
    return "\n".join(lines)
