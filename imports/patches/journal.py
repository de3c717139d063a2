"""The undo journal and the all-or-nothing write.

Before the first file is touched, every pre-image and the plan (hashes before and after)
are saved in the journal, marked "writing". Each file is then written to a temporary file
beside it and renamed into place, so no file is ever half-written. The journal is marked
"done" at the end; a journal still marked "writing" means a run was killed between two
renames, and the next run refuses until ``--undo`` has put the pre-images back.

The journal lives in ``.git/prompt-foo/`` inside a repository (never committed), else in
``.prompt-foo/`` at the root. Only the last application is kept.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from ..config import git_dir
from ..errors import PromptFooError
from .plan import FileChange

MANIFEST = "journal.json"
_KEYS = {"path", "real", "pre", "mode", "pre_sha", "post_sha"}


class JournalRefused(PromptFooError):
    """The journal forbids this step (interrupted run, file changed since, nothing to undo)."""


def journal_dir(root: Path) -> Path:
    gd = git_dir(root)
    return (gd / "prompt-foo") if gd is not None else (root / ".prompt-foo")


def _sha(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def _tmp_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.foo-apply.tmp")


def write_atomic(path: Path, data: bytes, mode: int | None) -> None:
    """Write ``data`` to a temp file beside ``path``, then rename it over ``path``."""
    tmp = _tmp_name(path)
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    if mode is not None:
        os.chmod(tmp, mode)
    os.replace(tmp, path)


def _save_manifest(jdir: Path, manifest: dict) -> None:
    write_atomic(jdir / MANIFEST, json.dumps(manifest, indent=1).encode("utf-8"), None)


def load(root: Path) -> dict | None:
    path = journal_dir(root) / MANIFEST
    if not path.is_file():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        # A hand-edited or foreign journal must refuse, not crash in undo or the rerun check.
        if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list) or \
                not all(isinstance(e, dict) and _KEYS <= e.keys() for e in manifest["files"]):
            raise ValueError("wrong shape")
        return manifest
    except (OSError, ValueError):
        raise JournalRefused(f"the undo journal {path} is unreadable",
                             hint="Inspect it, then delete it to carry on.") from None


def interrupted(root: Path) -> dict | None:
    """The manifest of a run that was killed mid-write, if any."""
    manifest = load(root)
    return manifest if manifest and manifest.get("state") == "writing" else None


def reply_digest(reply: str) -> str:
    return hashlib.sha256(reply.replace("\r\n", "\n").encode("utf-8")).hexdigest()


def last_applied_unchanged(root: Path, digest: str) -> bool:
    """Whether the last completed run applied this very reply and no file changed since."""
    manifest = load(root)
    if not manifest or manifest.get("state") != "done" or manifest.get("reply") != digest:
        return False
    return all(_sha(_current(Path(e["real"]))) == e["post_sha"] for e in manifest["files"])


def apply_changes(root: Path, changes: list[FileChange], digest: str | None = None) -> None:
    """Journal the pre-images, then write every change (temp file + rename each)."""
    jdir = journal_dir(root)
    jdir.mkdir(parents=True, exist_ok=True)
    for old in jdir.glob("pre-*"):
        old.unlink()
    entries = []
    for k, c in enumerate(changes):
        pre = None
        if c.before is not None:
            pre = f"pre-{k}"
            (jdir / pre).write_bytes(c.before)
        # Folders this run will create, deepest first, so undo can take them away again.
        made = [str(d) for d in c.path.parents
                if d.is_relative_to(os.path.realpath(root)) and not d.exists()]
        entries.append({"path": c.rel, "real": str(c.path), "pre": pre, "mode": c.mode,
                        "pre_sha": _sha(c.before), "post_sha": _sha(c.after),
                        "action": c.action, "made_dirs": made})
    manifest = {"version": 1, "state": "writing", "root": str(root), "reply": digest,
                "files": entries}
    _save_manifest(jdir, manifest)
    for c in changes:
        if c.after is None:
            os.unlink(c.path)
        else:
            c.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(c.path, c.after, c.mode)
    manifest["state"] = "done"
    _save_manifest(jdir, manifest)


def _current(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def undo(root: Path) -> list[dict]:
    """Restore the pre-images of the last application; refuse if a file changed since."""
    manifest = load(root)
    if manifest is None or manifest.get("state") not in ("done", "writing"):
        raise JournalRefused("there is no application to undo",
                             hint="Only the last foo-apply run can be undone, once.")
    was_interrupted = manifest["state"] == "writing"
    jdir = journal_dir(root)
    changed = []
    for e in manifest["files"]:
        now = _sha(_current(Path(e["real"])))
        allowed = {e["post_sha"]} | ({e["pre_sha"]} if was_interrupted else set())
        if now not in allowed:
            changed.append(e["path"])
    if changed:
        raise JournalRefused(
            "cannot undo: changed since foo-apply wrote them: " + ", ".join(changed),
            hint="Nothing was restored. Save your edits elsewhere or revert them first.",
        )
    for e in manifest["files"]:
        real = Path(e["real"])
        tmp = _tmp_name(real)
        if tmp.exists():
            tmp.unlink()  # left by a run killed before its rename
        if e["pre"] is None:
            if real.is_file():
                real.unlink()
            for d in e.get("made_dirs", []):
                if os.path.isdir(d) and not os.listdir(d):
                    os.rmdir(d)
        elif _sha(_current(real)) != e["pre_sha"]:
            real.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(real, (jdir / e["pre"]).read_bytes(), e["mode"])
    manifest["state"] = "undone"
    _save_manifest(jdir, manifest)
    return manifest["files"]
