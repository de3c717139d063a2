"""Text that is data: found in the repository's .prompt-foo/templates/ override first,
then in the templates shipped with prompt-foo (the top-level templates/ folder)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .errors import UsageProblem


def load_template(name: str, root: Path | None = None) -> str:
    """The text of template ``name`` (e.g. "instructions.md")."""
    if root is not None:
        override = root / ".prompt-foo" / "templates" / name
        if override.is_file():
            return override.read_text(encoding="utf-8")
    try:
        return resources.files(f"{__package__}.templates").joinpath(name).read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError, TypeError):
        pass
    shipped = Path(__file__).resolve().parent.parent / "templates" / name  # a plain checkout
    if shipped.is_file():
        return shipped.read_text(encoding="utf-8")
    raise UsageProblem(f"template {name!r} not found", hint="Reinstall prompt-foo; its templates/ folder is missing.")
