"""PLACEHOLDER (owned by the collect helper): turn entries into sources."""

from __future__ import annotations

from pathlib import Path

from .config import Workspace
from .manifest import Entry
from .model import Collection, Skipped, Source


def cli_entries(ws: Workspace, paths: list[str]) -> list[Entry]:
    """Entries for files named on the command line (relative to the current folder)."""
    return [Entry(text=p, kind="path", origin="cli") for p in paths]


def default_entries(ws: Workspace, exclude: list[str]) -> tuple[list[Entry], list[Skipped]]:
    """Every tracked text file, minus the default and configured exclusions (listed as skipped)."""
    return [], []


def tracked_files(ws: Workspace) -> list[str]:
    """Repo-relative paths of the files git tracks (or, outside git, a walk of the folder)."""
    return []


def collect(ws: Workspace, entries: list[Entry]) -> Collection:
    """Read every entry into a Source; problems become notes, skipped items or missing entries."""
    col = Collection()
    for e in entries:
        p = ws.root / e.text
        if p.is_file():
            data = p.read_bytes()
            col.sources.append(Source("file", e.text, data.decode("utf-8", "replace"), "", len(data), (), e.text))
        else:
            col.missing.append(e.text)
    return col
