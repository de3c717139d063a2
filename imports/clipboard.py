"""PLACEHOLDER (owned by the editors helper): write and read the system clipboard."""

from __future__ import annotations

from .errors import PromptFooError


class ClipboardUnavailable(PromptFooError):
    """No clipboard tool works here."""


def copy(text: str, backend: str | None = None) -> str:
    """Put ``text`` on the clipboard; returns the backend name used."""
    raise ClipboardUnavailable("no clipboard backend (placeholder)")


def paste(backend: str | None = None) -> str:
    """The clipboard's text."""
    raise ClipboardUnavailable("no clipboard backend (placeholder)")
