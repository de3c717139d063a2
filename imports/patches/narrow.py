"""Where an apply_patch hunk may land: its "@@ def name(" headers and "*** End of File".

Codex's reference implementation moves a cursor to the header line before it looks for the
hunk; here a header narrows the hunk to the header's scope (from the header line to the
next line indented no deeper, closing brackets excepted), and the hunk must still be unique
inside it. Several headers in a row narrow step by step (a class, then a method). A header
is matched as a whole stripped line, or failing that as the start of one (models shorten
``def name(self, x):`` to ``def name(``). "*** End of File" keeps only a match that ends at
the file's last line.
"""

from __future__ import annotations

Region = tuple[int, int]  # file lines [start, end)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _scope_end(lines: list[str], i: int, hi: int) -> int:
    j = i + 1
    while j < hi:
        s = lines[j].strip()
        if s and _indent(lines[j]) <= _indent(lines[i]) and s[0] not in ")]}":
            break
        j += 1
    return j


def regions(lines: list[str], anchors: list[str]) -> list[Region] | str:
    """The scopes the headers allow (the whole file without headers), or why none."""
    spans: list[Region] = [(0, len(lines))]
    for header in anchors:
        key = header.strip()
        nxt: list[Region] = []
        for lo, hi in spans:
            hits = [i for i in range(lo, hi) if lines[i].strip() == key] or \
                   [i for i in range(lo, hi) if lines[i].strip().startswith(key)]
            nxt += [(i, _scope_end(lines, i, hi)) for i in hits]
        if not nxt:
            return f"the @@ header {header!r} is not in the file"
        spans = nxt
    return spans


def within(spans: list[Region], start: int, count: int, total: int, at_eof: bool) -> bool:
    """Whether a match of ``count`` lines at ``start`` lies inside one of ``spans``."""
    if at_eof and start + count != total:
        return False
    return any(lo <= start and start + count <= hi for lo, hi in spans)
