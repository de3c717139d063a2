"""Turn a reply's Target into a path inside the repository root, or refuse it."""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath

_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
_JOURNAL = re.compile(r"^\.prompt-foo/(journal\.json|pre-\d+)$")


class PathRefused(ValueError):
    """A target that leaves the root or names something we must not touch."""


def _inside_root(root: Path, raw: str, target: str) -> str:
    """An absolute or ``~`` path that lies inside the root, made relative (Pipulate's books
    label files with absolute paths); anything else is refused as before."""
    absolute = os.path.normpath(os.path.expanduser(raw))
    for base in (os.path.abspath(root), os.path.realpath(root)):
        if absolute == base or absolute.startswith(base.rstrip(os.sep) + os.sep):
            return os.path.relpath(absolute, base).replace(os.sep, "/")
    raise PathRefused(f"absolute path {target!r} lies outside the repository root {root}")


def resolve_target(root: Path, target: str) -> tuple[str, Path]:
    """(relative posix path, real path to read and write) for ``target`` under ``root``."""
    raw = target.strip().replace("\\", "/")
    if not raw:
        raise PathRefused("empty target")
    if raw.startswith(("/", "~")):
        raw = _inside_root(root, raw, target)
    elif _DRIVE.match(target.strip()):
        raise PathRefused(f"absolute path {target!r}: targets are relative to the repository root")
    parts = PurePosixPath(raw).parts
    if ".." in parts:
        raise PathRefused(f"{target!r} climbs out with '..'")
    parts = tuple(p for p in parts if p != ".")
    if not parts or raw.endswith("/"):
        raise PathRefused(f"{target!r} names a folder, not a file")
    if parts[0] == ".git":
        raise PathRefused(f"{target!r} is inside .git/")
    rel = "/".join(parts)
    if _JOURNAL.match(rel):  # outside git the journal sits in the root; undo trusts it
        raise PathRefused(f"{target!r} is part of the undo journal")
    real_root = Path(os.path.realpath(root))
    real = Path(os.path.realpath(real_root / rel))
    try:
        real.relative_to(real_root)
    except ValueError:
        raise PathRefused(f"{target!r} leads outside the repository root (through a symlink)") from None
    return rel, real
