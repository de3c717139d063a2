"""The one atomic write: a temp file beside the target, then a rename over it.

A reader (or a crash) sees the old file or the new one, never half of one. Used by the book's
emit, every cache and memo, the seal ledger and foo-release's stamps. (The applier keeps its
own journalled transaction in patches/.)
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def stage(path: Path, data: str | bytes, *, mode: int | None = None, durable: bool = False) -> str:
    """Write ``data`` to a new temp file in ``path``'s folder (so the rename stays on one
    filesystem) and return its name. The temp file gets ``mode``, else the existing file's
    permissions, else the umask's default, so a replaced file keeps its mode."""
    path = Path(path)
    if mode is None:
        try:
            mode = path.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, mode)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def publish(tmp: str, path: Path) -> None:
    """Rename a staged temp file over ``path`` (for writers that stage several files first)."""
    os.replace(tmp, path)


def write_atomic(path: Path, data: str | bytes, *, mode: int | None = None, durable: bool = False,
                 make_parents: bool = True) -> None:
    """Replace ``path`` with ``data`` atomically (str is written as UTF-8, newlines as given)."""
    path = Path(path)
    if make_parents:
        path.parent.mkdir(parents=True, exist_ok=True)
    tmp = stage(path, data, mode=mode, durable=durable)
    try:
        publish(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
