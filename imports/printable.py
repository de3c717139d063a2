"""Text from the outside world made fit for the book: valid UTF-8, one line per path, no home folder in notes.

Python hands over undecodable bytes (in file names, argv, stdin) as lone surrogates, which
cannot be encoded as UTF-8; a newline in a file name would split a `--- START:` line.
"""

from __future__ import annotations

import os
import re


def clean_text(text: str) -> str:
    """``text`` with undecodable bytes (lone surrogates) replaced by U+FFFD."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a surrogate that is not an escaped byte
        return text.encode("utf-8", "replace").decode("utf-8")


def shown_path(path: str) -> str:
    """A path as the book shows it: one printable line (undecodable bytes as \\xNN, control
    characters escaped). A path written explicitly keeps its absolute form (DESIGN.md)."""
    return path if path.isprintable() else "".join(_escape(c) for c in path)


def _escape(char: str) -> str:
    if char.isprintable():
        return char
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a raw byte smuggled through surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    return char.encode("unicode_escape").decode("ascii")


def without_home(text: str) -> str:
    """Free text (a processing note) with the home folder written as ~."""
    home = os.path.expanduser("~").rstrip("/")
    if home in ("", "~"):
        return clean_text(text)
    return clean_text(re.sub(re.escape(home) + r"(?=/|$|[\s'\"),;:])", "~", text))
