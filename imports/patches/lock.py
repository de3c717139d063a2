"""One writer per repository: an flock on the journal folder's lock file.

foo-apply and ``--undo`` read the tree, plan and write under this lock, so two terminals
cannot interleave their reads and renames (a lost edit) or share a journal. The kernel drops
the lock when the holder dies, so a killed run never leaves a stale lock behind.
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path

from ..errors import PromptFooError

LOCK = "lock"
WAIT_SECONDS = 5.0


class Busy(PromptFooError):
    """Another foo-apply or --undo holds this repository's lock."""


def _wait() -> float:
    try:  # a knob for scripts that would rather queue longer (or not at all)
        return max(0.0, float(os.environ.get("PROMPT_FOO_APPLY_LOCK_WAIT", WAIT_SECONDS)))
    except ValueError:
        return WAIT_SECONDS


@contextmanager
def repo_lock(jdir: Path):
    """Hold the repository's write lock; wait a short while, then refuse."""
    if os.path.islink(jdir):  # outside git the folder sits in the tree: a link could aim it anywhere
        raise PromptFooError(f"the journal folder {jdir} is a symlink; foo-apply will not "
                             "write through it", hint="Remove the link, then run again.")
    path = jdir / LOCK
    try:
        jdir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise PromptFooError(f"cannot create the lock {path}: {exc.strerror or exc}",
                             hint="Nothing was written. The journal folder must be "
                                  "writable.") from None
    try:
        deadline = time.monotonic() + _wait()
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise Busy(f"another foo-apply or --undo is writing in this repository "
                               f"(lock {path} held for {_wait():g} s)",
                               hint="Nothing was written. Let the other run finish, then run "
                                    "this one again.") from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing releases the lock
