"""The undo journal: which files the last run changed, their hashes and saved pre-images.

The journal lives in ``.git/prompt-foo/`` inside a repository (never committed), else in
``.prompt-foo/`` at the root. ``journal.json`` names the current run; that run's pre-images
sit in ``runs/<run id>/``, a folder no other run writes, so saving a new run can never
damage the pre-images the current journal points at. The switch from one run to the next is
one atomic rename of ``journal.json``, made only once the new pre-images are on disk.

Paths in the journal are relative to the root (a copied repository undoes its own files),
and the root it was written for is recorded. States: ``writing`` (a run was stopped between
two renames: ``--undo`` restores), ``done``, ``undoing`` (an undo was stopped: ``--undo``
finishes it), ``undone``. The transaction itself is in ``write.py``.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from ..config import git_dir
from ..errors import PromptFooError
from . import safeio

MANIFEST = "journal.json"
RUNS = "runs"
_KEYS = {"path", "pre", "mode", "pre_sha", "post_sha"}
UNFINISHED = ("writing", "undoing")
_MAX_BYTES = 64 << 20  # a journal is small; a huge one is not ours


class JournalRefused(PromptFooError):
    """The journal forbids this step (interrupted run, file changed since, nothing to undo)."""


def journal_dir(root: Path) -> Path:
    gd = git_dir(root)
    return (gd / "prompt-foo") if gd is not None else (root / ".prompt-foo")


def pre_dir(jdir: Path, manifest: dict) -> Path:
    run = manifest.get("run")
    return jdir / RUNS / run if run else jdir  # version 1 kept pre-N beside the manifest


def save_manifest(jdir: Path, manifest: dict) -> None:
    """Replace journal.json atomically and durably (temp file, fsync, rename, fsync folder)."""
    data = json.dumps(manifest, indent=1).encode("utf-8")
    fd = os.open(jdir, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        tmp = safeio.write_temp(fd, data, 0o644)
        os.replace(tmp, MANIFEST, src_dir_fd=fd, dst_dir_fd=fd)
        safeio.fsync_dir(fd)
    finally:
        os.close(fd)


def remove_manifest(jdir: Path) -> None:
    try:
        os.unlink(jdir / MANIFEST)
    except FileNotFoundError:
        pass


def _valid(manifest) -> bool:
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        return False
    run = manifest.get("run")
    if run is not None and (not isinstance(run, str) or not run.isalnum()):
        return False
    for e in manifest["files"]:
        if not isinstance(e, dict) or not _KEYS <= e.keys() or not isinstance(e["path"], str):
            return False
        if e["pre"] is not None and not (isinstance(e["pre"], str) and e["pre"].startswith("pre-")
                                         and e["pre"][4:].isdigit()):
            return False
    return True


def load(root: Path) -> dict | None:
    path = journal_dir(root) / MANIFEST
    if not os.path.lexists(path):
        return None
    try:
        if os.path.islink(path) or not path.is_file() or path.stat().st_size > _MAX_BYTES:
            raise ValueError("not a journal file")
        manifest = json.loads(path.read_text(encoding="utf-8"))
        # A hand-edited or foreign journal must refuse, not crash in undo or the rerun check.
        if not _valid(manifest):
            raise ValueError("wrong shape")
        return manifest
    except (OSError, ValueError, RecursionError):
        raise JournalRefused(f"the undo journal {path} is unreadable",
                             hint="Inspect it, then delete it to carry on.") from None


def interrupted(root: Path) -> dict | None:
    """The manifest of a run or undo that was stopped midway, if any."""
    manifest = load(root)
    return manifest if manifest and manifest.get("state") in UNFINISHED else None


def reply_digest(reply: str) -> str:
    return hashlib.sha256(reply.replace("\r\n", "\n").encode("utf-8")).hexdigest()


def current_sha(root: Path, rel: str) -> str | None:
    """The hash of a file as it is now (NOT_A_FILE for anything but a regular file)."""
    from .paths import PathRefused, resolve_target

    try:
        path = resolve_target(root, rel)[1]
    except PathRefused:
        return safeio.NOT_A_FILE
    try:
        fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError:
        return safeio.NOT_A_FILE
    try:
        return safeio.hash_at(fd, path.name)
    finally:
        os.close(fd)


def last_applied_unchanged(root: Path, digest: str) -> bool:
    """Whether the last completed run applied this very reply and no file changed since."""
    manifest = load(root)
    if not manifest or manifest.get("state") != "done" or manifest.get("reply") != digest:
        return False
    return all(current_sha(root, e["path"]) == e["post_sha"] for e in manifest["files"])


def apply_changes(root: Path, changes, digest: str | None = None) -> None:
    from .write import apply_changes as run

    run(root, changes, digest)


def undo(root: Path) -> list[dict]:
    from .write import undo as run

    return run(root)
