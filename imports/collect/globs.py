"""Include globs (``src/**/*.py``) in the manifest and on the command line, and the files git
does not track yet but does not ignore either (the whole-repository pack lists them as such)."""

from __future__ import annotations

import os
import subprocess

from ..config import Workspace

_GLOB_CHARS = set("*?[")


def is_glob(text: str) -> bool:
    """Whether a path entry is a pattern rather than a name (a file that exists wins; see caller)."""
    return bool(_GLOB_CHARS & set(text))


def untracked_files(ws: Workspace) -> list[str]:
    """Repo-relative files git neither tracks nor ignores (new files not yet added), sorted."""
    if not ws.in_git:
        return []
    try:
        out = subprocess.run(["git", "ls-files", "--others", "--exclude-standard", "-z"], cwd=ws.root,
                             capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return []
    return sorted(p for p in os.fsdecode(out).split("\0") if p and not p.endswith("/"))


def expand_glob(pattern: str, candidates: list[str]) -> list[str]:
    """The candidates (repo-relative, "/" separators) a gitignore-style include pattern matches.

    A pattern with a "/" is anchored at the repository root (``src/**/*.py``); one without
    matches at any depth (``*.md``), as in .gitignore. A leading "./" is dropped."""
    import pathspec

    pattern = pattern[2:] if pattern.startswith("./") else pattern
    spec = pathspec.GitIgnoreSpec.from_lines([pattern])
    return [c for c in candidates if spec.match_file(c)]
