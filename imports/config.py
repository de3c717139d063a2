"""Where things are: the repository root, its [tool.prompt-foo] settings, the cache.

Nothing here is read from a fixed home path; the cache honours PROMPT_FOO_CACHE and
XDG_CACHE_HOME so tests and users can put it anywhere. The settings' keys and checks live in
settings.py; ``Workspace.setting(key)`` is the accessor every stage uses.
"""

from __future__ import annotations

import os
import subprocess
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UsageProblem
from .settings import Settings


@dataclass(frozen=True)
class Workspace:
    """The folder a command works on, and what we know about it."""

    root: Path  # repository root, or the current folder outside git
    in_git: bool
    settings: Mapping = field(default_factory=dict)  # [tool.prompt-foo]: a checked Settings

    def setting(self, key: str, default=None):
        """The setting's value, or ``default``; a value of the wrong shape is a UsageProblem."""
        return self.settings.get(key, default)


def find_git_root(start: Path) -> Path | None:
    """The top of the git work tree containing ``start``, or None."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def read_settings(root: Path) -> Settings:
    """The checked [tool.prompt-foo] table of root/pyproject.toml (empty when absent)."""
    pyproject = root / "pyproject.toml"
    where = f"{root.name}/pyproject.toml"
    if not pyproject.is_file():
        return Settings({}, where)
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageProblem(
            f"{pyproject}: not valid TOML ({exc})",
            hint="Fix the file or remove its [tool.prompt-foo] table.",
        ) from None
    table = data.get("tool", {}).get("prompt-foo", {})
    if not isinstance(table, dict):
        raise UsageProblem(f"{pyproject}: [tool.prompt-foo] must be a table")
    return Settings(table, where)


def open_workspace(start: Path | None = None) -> Workspace:
    """The workspace for ``start`` (default: the current folder)."""
    start = Path.cwd() if start is None else Path(start)
    root = find_git_root(start)
    in_git = root is not None
    root = root or start.resolve()
    return Workspace(root=root, in_git=in_git, settings=read_settings(root))


def cache_dir() -> Path:
    """The per-user cache folder (created on demand by writers)."""
    from .userconf import user_dir

    explicit = os.environ.get("PROMPT_FOO_CACHE")
    return Path(explicit) if explicit else user_dir("cache")


def git_dir(root: Path) -> Path | None:
    """The real .git folder of a work tree (handles worktrees, where .git is a file)."""
    dot_git = root / ".git"
    if dot_git.is_dir():
        return dot_git
    if dot_git.is_file():
        try:
            out = subprocess.run(
                ["git", "rev-parse", "--absolute-git-dir"],
                cwd=root, capture_output=True, text=True, check=True,
            ).stdout.strip()
            return Path(out)
        except (OSError, subprocess.CalledProcessError):
            return None
    return None
