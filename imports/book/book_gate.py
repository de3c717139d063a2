"""The secrets gate over the finished book: every byte that will leave, not only file bodies.

The book is cut into pieces that cover it exactly: each Codebase source's body (found by
re-rendering its block, so a file cannot fake a section marker) and the frame around them,
split by section. A finding names its section and source: ``path:line`` inside a body, or the
section and line of the frame, with the manifest line when a label there carries it.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass

from .render import SECTION_ORDER, file_block
from .secrets import ALLOW_MARKER, Finding

# Frame sections whose text is labels, command lines and URLs: the repository writes those,
# so an inline marker there would let it wave its own secrets through.
_LABEL_SECTIONS = ("Manifest", "Codebase", "Summary", "Context Recapture")


@dataclass(frozen=True)
class Piece:
    section: str
    label: str  # the source label, or the section name for frame text
    text: str
    repo_file: bool = False  # a file of the repository (its own allow_secrets may apply)


def pieces(compiled) -> list[Piece]:
    """Pieces whose texts, joined in order, are exactly ``compiled.text``."""
    book = compiled.text
    out: list[Piece] = []
    frame: list[str] = []
    pos = 0
    for src, item in zip(compiled.collection.sources, compiled.facts.items):
        head, body, _ = file_block(src, item.tokens)
        at = book.find(head + body, pos)
        if at < 0:  # cannot happen for a book rendered from these sources; scan it all as frame then
            continue
        frame.append(book[pos : at + len(head)])
        frame_piece = "".join(frame)
        frame.clear()
        out.append(Piece("", "", frame_piece))
        repo_file = src.kind in ("file", "notebook") and src.path is not None
        out.append(Piece("Codebase", src.label, body, repo_file))
        pos = at + len(head) + len(body)
    out.append(Piece("", "", book[pos:]))
    assert "".join(p.text for p in out) == book
    split: list[Piece] = []
    current = "Header"
    for p in out:
        if p.section:
            split.append(p)
            continue
        pieces_, current = _split_frame(p.text, current)
        split.extend(pieces_)
    return split


def _split_frame(text: str, current: str) -> tuple[list[Piece], str]:
    """Frame text cut at section START lines; each piece named after its section."""
    out: list[Piece] = []
    start = offset = 0
    markers = {f"--- START: {name} ---\n": name for name in SECTION_ORDER}
    for line in text.splitlines(keepends=True):
        name = markers.get(line)
        if name and offset > start:
            out.append(Piece(current, current, text[start:offset]))
            start = offset
        if name:
            current = name
        offset += len(line)
    if offset > start:
        out.append(Piece(current, current, text[start:]))
    return out, current


def _merge(ps: list[Piece]) -> list[Piece]:
    """Adjacent frame pieces of one section joined (line numbers then count within the section)."""
    merged: list[Piece] = []
    for p in ps:
        if merged and p.section == merged[-1].section and p.label == merged[-1].label == p.section:
            merged[-1] = Piece(p.section, p.label, merged[-1].text + p.text)
        else:
            merged.append(p)
    return merged


def book_pieces(compiled) -> list[Piece]:
    return _merge(pieces(compiled))


def is_allowed(f: Finding, piece: Piece, user_globs: list[str], repo_globs: list[str], line: str) -> bool:
    """The user's globs allow anything they match; the repository's only its own files' bodies;
    the inline marker works in file text, never in the label-bearing sections."""
    if ALLOW_MARKER in line and piece.section not in _LABEL_SECTIONS:
        return True
    if ALLOW_MARKER in line and piece.section == "Codebase" and piece.label != piece.section:
        return True
    where = f"{f.label}:{f.line}"
    globs = user_globs + (repo_globs if piece.repo_file else [])
    return any(fnmatch.fnmatchcase(f.label, g) or fnmatch.fnmatchcase(where, g) for g in globs)


def source_of(line: str, manifest_lines: dict[str, str]) -> str:
    """' (manifest entry foo_files.py:N)' when the line carries the label of a manifest entry
    (``manifest_lines``: entry text -> where it is written, "file:line"; the overlay too)."""
    for text, where in manifest_lines.items():
        if text and text in line:
            return f" (manifest entry {where})"
    return ""
