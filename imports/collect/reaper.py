"""Ending what a `!` command leaves behind, even processes that left its group with setsid.

On Linux the compile makes itself a child subreaper (prctl PR_SET_CHILD_SUBREAPER): an
orphaned descendant is re-parented to us instead of to init, so after a command ends, every
child of ours that did not exist before it is a stray of that command and is killed (with its
own group) and reaped. Elsewhere only the command's process group is ended.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import time

_PR_SET_CHILD_SUBREAPER = 36
_subreaper: bool | None = None


def become_subreaper() -> bool:
    """Once per process; False where the kernel or platform has no such thing."""
    global _subreaper
    if _subreaper is None:
        _subreaper = False
        if sys.platform.startswith("linux"):
            try:
                libc = ctypes.CDLL(None, use_errno=True)
                _subreaper = libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
            except (OSError, AttributeError):
                _subreaper = False
    return _subreaper


def children() -> set[int]:
    """Pids whose parent is this process (from /proc; empty where there is none)."""
    me = os.getpid()
    found = set()
    try:
        names = os.listdir("/proc")
    except OSError:
        return found
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()  # the name may hold spaces and parentheses
        if len(fields) > 1 and int(fields[1]) == me:
            found.add(int(name))
    return found


class Reaper:
    """Snapshot our children before a command; end any new ones after it."""

    def __init__(self):
        self.active = become_subreaper()
        self.before = children() if self.active else set()

    def end_strays(self, rounds: int = 50) -> int:
        """Kill and reap children that appeared since the snapshot; returns how many were ended."""
        if not self.active:
            return 0
        ended = 0
        for _ in range(rounds):  # a killed stray's own children are re-parented to us next
            strays = children() - self.before
            if not strays:
                break
            for pid in strays:
                for kill in (lambda p: os.killpg(os.getpgid(p), signal.SIGKILL), lambda p: os.kill(p, signal.SIGKILL)):
                    try:
                        kill(pid)
                    except (ProcessLookupError, PermissionError, OSError):
                        pass
                try:
                    os.waitpid(pid, 0)
                except ChildProcessError:
                    pass
                ended += 1
            time.sleep(0.01)
        return ended
