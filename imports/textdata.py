"""Text that is data: found in the repository's .prompt-foo/templates/ override first,
then in the templates shipped with prompt-foo (the top-level templates/ folder)."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from .errors import UsageProblem
from .model import Skipped

OVERRIDES = Path(".prompt-foo") / "templates"


def leaves_root(path: Path, root: Path) -> bool:
    """True when ``path`` (through any symlink) resolves outside ``root``: such a file is not followed."""
    real, base = os.path.realpath(path), os.path.realpath(root).rstrip(os.sep)
    return not real.startswith(base + os.sep)


def outside_overrides(root: Path) -> list[Skipped]:
    """Template overrides that are symlinks out of the repository (listed as skipped, never read)."""
    folder = Path(root) / OVERRIDES
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    return [Skipped(f"{OVERRIDES.as_posix()}/{n}", "symlink outside the repository: not followed; "
                    "the shipped template is used") for n in names if leaves_root(folder / n, root)]


def load_template(name: str, root: Path | None = None) -> str:
    """The text of template ``name`` (e.g. "instructions.md")."""
    if root is not None:
        override = root / OVERRIDES / name
        if override.is_file() and not leaves_root(override, root):
            return override.read_text(encoding="utf-8")
    try:
        return resources.files(f"{__package__}.templates").joinpath(name).read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError, TypeError):
        pass
    shipped = Path(__file__).resolve().parent.parent / "templates" / name  # a plain checkout
    if shipped.is_file():
        return shipped.read_text(encoding="utf-8")
    raise UsageProblem(f"template {name!r} not found", hint="Reinstall prompt-foo; its templates/ folder is missing.")
