"""File operations that cannot be redirected: every folder is opened with O_NOFOLLOW from the
root down and every name is used relative to that folder's descriptor, so a symlink swapped in
after planning cannot send a write elsewhere. Temporary files get an unpredictable name and are
created with O_EXCL, so a committed file or link of the same name cannot capture them.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import secrets
import stat
from pathlib import Path

TMP_RE = re.compile(r"^\.foo-apply\.[0-9a-f]{16}\.tmp$")
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
NOT_A_FILE = "<not a regular file>"  # a hash that no content has


class UnsafePath(OSError):
    """A folder on the way is a symlink or not a folder (changed since planning)."""


def sha(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def tmp_name() -> str:
    # Fixed length, whatever the target's name: a 255-byte name still has room for it.
    return f".foo-apply.{secrets.token_hex(8)}.tmp"


def open_root(root: Path) -> int:
    return os.open(root, _DIR_FLAGS)


def open_dir(root_fd: int, parts: list[str], made: list[str] | None = None) -> int:
    """A descriptor for the folder ``parts`` below the root; creates missing folders when
    ``made`` is given (appending their relative paths), refuses any symlink on the way."""
    fd = os.dup(root_fd)
    try:
        for k, part in enumerate(parts):
            try:
                nfd = os.open(part, _DIR_FLAGS, dir_fd=fd)
            except FileNotFoundError:
                if made is None:
                    raise
                os.mkdir(part, 0o777, dir_fd=fd)
                made.append("/".join(parts[:k + 1]))
                nfd = os.open(part, _DIR_FLAGS, dir_fd=fd)
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise UnsafePath(exc.errno, f"{'/'.join(parts[:k + 1])} is not a plain "
                                     "folder (a symlink or a file)") from None
                raise
            os.close(fd)
            fd = nfd
        return fd
    except BaseException:
        os.close(fd)
        raise


def read_at(dir_fd: int, name: str) -> bytes | None | str:
    """The file's bytes, None if absent, NOT_A_FILE for a symlink, folder or FIFO."""
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC,
                     dir_fd=dir_fd)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENXIO, errno.EISDIR):
            return NOT_A_FILE
        raise
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return NOT_A_FILE
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def hash_at(dir_fd: int, name: str) -> str | None:
    data = read_at(dir_fd, name)
    return data if data == NOT_A_FILE else sha(data)  # type: ignore[arg-type]


def write_temp(dir_fd: int, data: bytes, mode: int) -> str:
    """A new durable file holding ``data`` in the folder, under a fresh unpredictable name."""
    name = tmp_name()
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                 0o600, dir_fd=dir_fd)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fchmod(fd, mode)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        os.unlink(name, dir_fd=dir_fd)
        raise
    os.close(fd)
    return name


def fsync_dir(dir_fd: int) -> None:
    try:
        os.fsync(dir_fd)
    except OSError:  # some file systems cannot fsync a folder; the rename is still atomic
        pass


def remove_temps(dir_fd: int) -> None:
    """Take away temporary files a killed run left in this folder."""
    for name in os.listdir(dir_fd):
        if TMP_RE.match(name):
            try:
                os.unlink(name, dir_fd=dir_fd)
            except FileNotFoundError:
                pass


def default_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask
