"""Airlocks: checks on every file's new bytes before anything is written.

A file that parsed before the edit must still parse after it (Python via compile(), JSON, TOML, Nix);
a file that did not parse before is not held to it, and the note says so. No new bare
patch marker may appear outside Markdown, and no self-referential Markdown autolink
(transport damage from a chat renderer) may arrive outside Markdown.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tomllib
import warnings
from dataclasses import dataclass

from .plan import FileChange

_MARKER_LINE = re.compile(
    r"^[ \t]*(?:[\[{]{3,5}(?:SEARCH|DIVIDER|REPLACE|WRITE_FILE|END_WRITE_FILE)[\]}]{3,5}"
    r"|<{5,9} ?SEARCH|>{5,9} ?REPLACE)[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
# No part may run across a '[' or '(': each try then stops at the next one, so the scan is
# linear (a run of 400,000 '[' took minutes when the label could contain '[').
_AUTOLINK = re.compile(r"\[([^\[\]\s]+)\]\(<?([a-z][a-z0-9+.-]*://)?([^()\[\]\s<>]+)>?\)",
                       re.IGNORECASE)
_PARSE_LIMIT = 32 << 20  # bytes; larger files are not parsed by an airlock (a note says so)


@dataclass
class Finding:
    rel: str
    message: str
    refused: bool  # False: a note (a check skipped, and why)


def _python(text: str) -> str | None:
    # compile() to bytecode checks syntax about twice as fast as ast.parse on big files
    # (no Python-level tree is built); nothing is executed.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, "<airlock>", "exec", dont_inherit=True)
    except SyntaxError as exc:
        return f"Python syntax error at line {exc.lineno}: {exc.msg}"
    except ValueError as exc:  # null bytes
        return f"Python source is not parseable: {exc}"
    except (RecursionError, MemoryError):
        return "Python source is nested too deeply to compile"
    return None


def _json(text: str) -> str | None:
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return f"JSON error at line {exc.lineno}: {exc.msg}"
    except RecursionError:
        return "JSON nested too deeply to parse"
    return None


def _toml(text: str) -> str | None:
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return f"TOML error: {exc}"
    except RecursionError:
        return "TOML nested too deeply to parse"
    return None


def _nix(text: str) -> str | None:
    exe = shutil.which("nix-instantiate")
    if exe is None:
        raise FileNotFoundError("nix-instantiate")
    proc = subprocess.run([exe, "--parse", "-"], input=text, capture_output=True, text=True,
                          timeout=60)
    if proc.returncode != 0:
        first = next((ln for ln in proc.stderr.splitlines() if ln.strip()), "syntax error")
        return f"Nix {first.strip()}"
    return None


CHECKERS = {".py": _python, ".pyi": _python, ".json": _json, ".toml": _toml, ".nix": _nix}


def _text(data: bytes | None) -> str | None:
    if data is None:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def autolinks(text: str) -> list[str]:
    """Markdown links whose visible text is their own target (``[www.x](http://www.x)``)."""
    found = []
    for m in _AUTOLINK.finditer(text):
        label, target = m.group(1).rstrip("/"), m.group(3).rstrip("/")
        if label.lower() in (target.lower(), (m.group(2) or "").lower() + target.lower()):
            found.append(m.group(0))
    return found


def check(change: FileChange) -> list[Finding]:
    """Findings for one file's change (refusals and notes)."""
    rel = change.rel
    after, before = _text(change.after), _text(change.before)
    if after is None:
        return []
    out: list[Finding] = []
    is_md = rel.lower().endswith((".md", ".markdown"))
    if not is_md:
        new_markers = len(_MARKER_LINE.findall(after)) - len(_MARKER_LINE.findall(before or ""))
        if new_markers > 0:
            line = next(m for m in _MARKER_LINE.finditer(after))
            lineno = after.count("\n", 0, line.start()) + 1
            out.append(Finding(rel, f"a bare patch marker would be left in the file "
                               f"(line {lineno}: {line.group(0).strip()!r})", True))
        old_links = set(autolinks(before or ""))
        new_links = [a for a in autolinks(after) if a not in old_links]
        if new_links:
            out.append(Finding(rel, f"REPLACE carries an autolink made by a chat renderer "
                               f"({new_links[0]}); restore the plain text", True))
    suffix = "." + rel.rsplit(".", 1)[-1].lower() if "." in rel.rsplit("/", 1)[-1] else ""
    checker = CHECKERS.get(suffix)
    if checker is None:
        return out
    if max(len(after), len(before or "")) > _PARSE_LIMIT:
        out.append(Finding(rel, f"{suffix} check skipped: the file is larger than "
                           f"{_PARSE_LIMIT >> 20} MiB", False))
        return out
    try:
        if before is not None and checker(before) is not None:
            out.append(Finding(rel, f"{suffix} check skipped: the file did not parse before "
                               "this edit either", False))
            return out
        problem = checker(after)
    except FileNotFoundError as exc:
        out.append(Finding(rel, f"{suffix} check skipped: {exc.args[0]} is not installed", False))
        return out
    if problem:
        out.append(Finding(rel, f"the edit breaks the file: {problem}", True))
    return out


def verify(changes: list[FileChange]) -> list[Finding]:
    """Every finding for every changed file."""
    return [f for c in changes for f in check(c)]
