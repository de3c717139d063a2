"""Checks made before the first write, so a reply that cannot be written whole writes nothing:
every folder can be written, every name fits the file system (the temporary name has a fixed
length that always fits), there is room for the new files and the saved pre-images, and no
target lies in a submodule (a gitlink in the index).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from .plan import FileChange

_SLACK = 64 << 10  # a manifest, folder entries and block rounding per file system


def _nearest_existing(path: Path) -> Path:
    while not os.path.lexists(path):
        path = path.parent
    return path


def _free(path: Path) -> int:
    st = os.statvfs(path)
    blocks = st.f_bfree if os.geteuid() == 0 else st.f_bavail  # root may use the reserve
    return blocks * st.f_frsize


def _rounded(n: int) -> int:
    return (n + 4095) // 4096 * 4096 + 4096


def _gitlinks(root: Path, rels: list[str]) -> dict[str, str]:
    """Which targets lie at or below a submodule's gitlink: {target: gitlink path}."""
    if not os.path.exists(root / ".git"):
        return {}
    prefixes = {"/".join(r.split("/")[:k]) for r in rels for k in range(1, r.count("/") + 2)}
    try:
        out = subprocess.run(["git", "ls-files", "--stage", "-z", "--", *sorted(prefixes)],
                             cwd=root, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    links = {rec.split(b"\t", 1)[1].decode("utf-8", "replace")
             for rec in out.split(b"\0") if rec.startswith(b"160000 ")}
    found = {}
    for rel in rels:
        for k in range(1, rel.count("/") + 2):
            if (prefix := "/".join(rel.split("/")[:k])) in links:
                found[rel] = prefix
    return found


def preflight(root: Path, jdir: Path, changes: list[FileChange]) -> list[str]:
    """Every reason the changes cannot all be written (empty: go ahead)."""
    problems: list[str] = []
    need: dict[int, tuple[Path, int]] = {}

    def reserve(path: Path, size: int) -> None:
        dev = os.stat(path).st_dev
        where, total = need.get(dev, (path, _SLACK))
        need[dev] = (where, total + _rounded(size))

    for rel, link in _gitlinks(root, [c.rel for c in changes]).items():
        problems.append(f"{rel}: lies in the submodule {link!r} (a gitlink); "
                        "run foo-apply inside that repository")
    for c in changes:
        folder = _nearest_existing(c.path.parent)
        st = os.statvfs(folder)
        for part in c.rel.split("/"):
            if len(part.encode("utf-8", "surrogateescape")) > st.f_namemax:
                problems.append(f"{c.rel}: the name {part[:40]!r}… is "
                                f"{len(part.encode('utf-8', 'surrogateescape'))} bytes; this "
                                f"file system allows {st.f_namemax}")
        if len(os.fsencode(c.path)) >= os.pathconf(folder, "PC_PATH_MAX"):
            problems.append(f"{c.rel}: the full path is longer than this system allows")
        if not os.path.isdir(folder):
            continue  # the planner refuses a file on a folder's path
        if not os.access(folder, os.W_OK | os.X_OK):
            shown = folder.relative_to(root).as_posix() if folder != root else "."
            problems.append(f"{c.rel}: the folder {shown!r} is not writable")
        if c.after is not None:
            reserve(folder, len(c.after))
    if not os.access(jdir, os.W_OK | os.X_OK):
        problems.append(f"the undo journal folder {jdir} is not writable")
    else:
        reserve(jdir, sum(len(c.before) for c in changes if c.before is not None))
    for where, total in need.values():
        free = _free(where)
        if total > free:
            problems.append(f"not enough free space on the file system holding {where}: "
                            f"about {total // 1024} KiB needed, {free // 1024} KiB free")
    return problems
