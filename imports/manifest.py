"""PLACEHOLDER (owned by the collect helper): read foo_files.py by parsing it, never importing it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .model import Note

DEFAULT_CHOP = "AI_PHOOEY_CHOP"


@dataclass(frozen=True)
class Entry:
    """One active manifest line."""

    text: str  # after notes are stripped and {k} substituted: "src/a.py", "! ls -la", "https://…"
    kind: str  # "path" | "command" | "url"
    line: int = 0  # line in foo_files.py (0 when the entry came from elsewhere)
    note: str | None = None  # the inline note, if any
    origin: str = "manifest"  # "manifest" | "cli" | "default" | "changed"


@dataclass
class Manifest:
    path: Path
    chop: str
    entries: list[Entry] = field(default_factory=list)
    chops: list[str] = field(default_factory=list)  # every chop name found in the file
    notes: list[Note] = field(default_factory=list)


def read_manifest(root: Path, chop: str = DEFAULT_CHOP, args: dict[str, str] | None = None) -> Manifest | None:
    """The chosen chop of root/foo_files.py; None when there is no foo_files.py."""
    return None


def read_string_var(root: Path, name: str) -> str | None:
    """A top-level string variable of foo_files.py (for the @VAR prompt form)."""
    return None
