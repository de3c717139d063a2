"""The daily overlay: an untracked file of manifest lines spliced into a chop's ADHOC slot.

The tracked chop keeps an empty (or default) region between two marker lines; the overlay
(``context.txt`` at the root, or the file named by ``PROMPT_FOO_ADHOC_FILE``) replaces what is
between them for this compile only, so a day's extra files never need a commit. With no overlay
file the slot's own lines stand.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..model import Note

SLOT_START = "# --- ADHOC SLOT START ---"
SLOT_END = "# --- ADHOC SLOT END ---"
DEFAULT_OVERLAY = "context.txt"
OVERLAY_ENV = "PROMPT_FOO_ADHOC_FILE"

Line = tuple[str, int, str]  # (file shown in notes, line number, raw text)


def overlay_path(root: Path) -> tuple[Path, str]:
    """(the overlay file, how the book names it): the environment's choice, else root/context.txt."""
    named = os.environ.get(OVERLAY_ENV)
    if named:
        path = Path(named).expanduser()
        path = path if path.is_absolute() else root / path
        try:
            shown = path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            shown = path.name
        return path, shown
    return root / DEFAULT_OVERLAY, DEFAULT_OVERLAY


def splice_overlay(lines: list[Line], root: Path, chop: str, notes: list[Note], remarks: list[str]) -> list[Line]:
    """``lines`` with the overlay's lines between the slot markers (when both exist)."""
    starts = [i for i, (_, _, raw) in enumerate(lines) if raw.strip() == SLOT_START]
    ends = [i for i, (_, _, raw) in enumerate(lines) if raw.strip() == SLOT_END]
    path, shown = overlay_path(root)
    exists = path.is_file()
    if not starts and not ends:
        if exists:
            notes.append(Note(f"{shown} exists but {chop} has no '{SLOT_START}' / '{SLOT_END}' lines; "
                              "the overlay was not used (add the two marker lines to the chop)", "warn"))
        return lines
    if len(starts) != 1 or len(ends) != 1 or ends[0] < starts[0]:
        notes.append(Note(f"{chop}: the ADHOC slot markers are not one START line followed by one END "
                          "line; the overlay was not used and the lines stand as written", "warn"))
        return lines
    if not exists:
        if os.environ.get(OVERLAY_ENV):
            notes.append(Note(f"{OVERLAY_ENV} names {shown}, which does not exist; the ADHOC slot's own "
                              "lines stand", "warn"))
        return lines
    try:
        text = path.read_bytes().decode("utf-8-sig", "replace")
    except OSError as exc:
        notes.append(Note(f"overlay {shown}: unreadable ({exc.strerror or exc}); the slot's own lines stand",
                          "warn"))
        return lines
    own = ends[0] - starts[0] - 1
    spliced = [(shown, n, raw) for n, raw in enumerate(text.split("\n"), 1)]
    active = sum(1 for _, _, raw in spliced if raw.strip() and not raw.strip().startswith("#"))
    remarks.append(f"Overlay: {shown} spliced into the ADHOC slot of {chop} ({active} active line{'s' if active != 1 else ''}; "
                   f"{own} line{'s' if own != 1 else ''} of the slot replaced for this compile)")
    return lines[: starts[0] + 1] + spliced + lines[ends[0]:]
