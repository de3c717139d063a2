"""Which files git says changed: now (uncommitted) and in the last commits (evidence for --fit)."""

from __future__ import annotations

import subprocess
from pathlib import Path

RECENT_COMMITS = 20


def _git(root: Path, *args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                              errors="replace", timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return ""  # no git, or a broken one: no evidence, never an error


def changed_files(root: Path, in_git: bool) -> tuple[frozenset[str], frozenset[str]]:
    """(paths changed now, paths changed in the last RECENT_COMMITS commits)."""
    if not in_git:
        return frozenset(), frozenset()
    now = set()
    for record in _git(root, "status", "--porcelain", "-z", "--untracked-files=no").split("\0"):
        if len(record) > 3:
            now.add(record[3:])
    log = _git(root, "-c", "core.quotePath=false", "log", f"-n{RECENT_COMMITS}", "--name-only", "--format=",
               "--no-renames")
    recent = {line for line in log.splitlines() if line}
    return frozenset(now), frozenset(recent)
