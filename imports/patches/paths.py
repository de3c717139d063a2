"""Turn a reply's Target into a path inside the repository root, or refuse it.

A target must stay inside the root without passing through a symlink (a committed link can
point anywhere, including ``.git``), and must not name a git directory in any spelling a
common file system reads as ``.git``: case (macOS, Windows), trailing dots and spaces and
``::$INDEX_ALLOCATION`` (NTFS), 8.3 short names (``GIT~1``), HFS-ignored code points, and
the git directory of any nested repository, whatever it is called. Git itself refuses the
same spellings through ``core.protectHFS``/``core.protectNTFS``.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path, PurePosixPath

_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
_JOURNAL = re.compile(r"^\.prompt-foo(/|$)")
_SHORT_NAME = re.compile(r"^git~\d+$")
# Code points HFS+ ignores when comparing names (git's is_hfs_dotgit list).
_HFS_IGNORED = dict.fromkeys([*range(0x200C, 0x2010), *range(0x202A, 0x202F),
                              *range(0x206A, 0x2070), 0xFEFF])


class PathRefused(ValueError):
    """A target that leaves the root or names something we must not touch."""


def is_git_name(part: str) -> bool:
    """Whether a path component is ``.git`` on some common file system."""
    name = part.translate(_HFS_IGNORED).split(":", 1)[0].rstrip(" .").lower()
    return name == ".git" or bool(_SHORT_NAME.match(name))


def looks_like_git_dir(folder: Path) -> bool:
    """A folder holding a repository's database (a nested repo's git dir, whatever its name)."""
    return (os.path.isfile(folder / "HEAD") and os.path.isdir(folder / "objects")
            and os.path.isdir(folder / "refs"))


def check_way(real_root: Path, rel: str, shown: str) -> Path:
    """The path of ``rel`` under ``real_root``, refusing symlinks and git dirs on the way."""
    cur = real_root
    parts = rel.split("/")
    for k, part in enumerate(parts):
        cur = cur / part
        try:
            st = os.lstat(cur)
        except (FileNotFoundError, NotADirectoryError):
            # Nothing below exists yet (folders to create), or a file stands on the way: the
            # planner refuses that unless the same reply deletes the file first.
            break
        except OSError as exc:
            raise PathRefused(f"{shown!r}: cannot inspect {'/'.join(parts[:k + 1])!r}: "
                              f"{exc.strerror}") from None
        if stat.S_ISLNK(st.st_mode):
            where = "/".join(parts[:k + 1])
            what = "is a symlink" if k == len(parts) - 1 else f"goes through a symlink ({where!r})"
            raise PathRefused(f"{shown!r} {what} to {os.readlink(cur)!r}; "
                              "only regular files inside the root are written")
        if stat.S_ISDIR(st.st_mode) and looks_like_git_dir(cur):
            raise PathRefused(f"{shown!r} is inside a git directory "
                              f"({'/'.join(parts[:k + 1])!r} holds a repository)")
    return real_root.joinpath(*parts)
def _inside_root(root: Path, raw: str, target: str) -> str:
    """An absolute or ``~`` path that lies inside the root, made relative (Pipulate's books
    label files with absolute paths); anything else is refused as before."""
    if ".." in raw.split("/"):  # the OS reads 'link/..' through the link; normpath would not
        raise PathRefused(f"{target!r} climbs out with '..'")
    absolute = os.path.normpath(os.path.expanduser(raw))
    for base in (os.path.abspath(root), os.path.realpath(root)):
        if absolute == base or absolute.startswith(base.rstrip(os.sep) + os.sep):
            return os.path.relpath(absolute, base).replace(os.sep, "/")
    # The CLI hands over the resolved root, so a spelling through a link above it (~ a link
    # to /data/u) is found by the folder's identity: the shortest ancestor that IS the root;
    # links below it are left for check_way to refuse.
    try:
        want = os.stat(root)
    except OSError:
        want = None
    parts = absolute.split(os.sep)
    for k in range(2, len(parts) + 1 if want else 0):
        try:
            st = os.stat(os.sep.join(parts[:k]))
        except OSError:
            break  # nothing deeper exists either
        if (st.st_dev, st.st_ino) == (want.st_dev, want.st_ino):
            return "/".join(parts[k:]) or "."
    raise PathRefused(f"absolute path {target!r} lies outside the repository root {root}")


def resolve_target(root: Path, target: str) -> tuple[str, Path]:
    """(relative posix path, real path to read and write) for ``target`` under ``root``."""
    if "\x00" in target:
        raise PathRefused(f"{target!r} contains a NUL byte")
    raw = target.strip().replace("\\", "/")
    if not raw:
        raise PathRefused("empty target")
    if raw.startswith(("/", "~/")) or raw == "~":  # '~notes.txt' is a file name
        folder = raw.endswith("/")  # normpath drops the slash that says "a folder"
        raw = _inside_root(root, raw, target) + ("/" if folder else "")
    elif _DRIVE.match(target.strip()):
        raise PathRefused(f"absolute path {target!r}: targets are relative to the repository root")
    parts = PurePosixPath(raw).parts
    if ".." in parts:
        raise PathRefused(f"{target!r} climbs out with '..'")
    parts = tuple(p for p in parts if p != ".")
    if not parts or raw.endswith("/"):
        raise PathRefused(f"{target!r} names a folder, not a file")
    if any(is_git_name(p) for p in parts):
        raise PathRefused(f"{target!r} is inside .git/ (or names it in another spelling)")
    rel = "/".join(parts)
    if _JOURNAL.match(rel.lower()):  # outside git the journal sits in the root; undo trusts it
        raise PathRefused(f"{target!r} is part of the undo journal")
    real_root = Path(os.path.realpath(root))
    return rel, check_way(real_root, rel, target)
