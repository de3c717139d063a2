"""Pipulate's one-line anchors: a SEARCH that is a unique fragment of one line.

Matching is otherwise by whole lines (see plan.py). A single-line SEARCH that matches no
whole line but occurs exactly once inside a line, starting and ending at word boundaries,
is applied as an edit of that fragment: Pipulate's "tail-append" anchor (SEARCH the end of
a line, REPLACE it with more). The word boundaries keep ``count = 1`` out of
``recount = 1``; several occurrences refuse with their lines.
"""

from __future__ import annotations


def _word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def occurrences(lines: list[str], frag: str, limit: int = 20) -> list[tuple[int, int]]:
    """(line, column) of every occurrence of ``frag`` that starts and ends at a word boundary."""
    out: list[tuple[int, int]] = []
    for i, line in enumerate(lines):
        pos = line.find(frag)
        while pos != -1:
            end = pos + len(frag)
            left_ok = pos == 0 or not (_word(frag[0]) and _word(line[pos - 1]))
            right_ok = end == len(line) or not (_word(frag[-1]) and _word(line[end]))
            # Only a proper fragment: the rest of the line must hold more than whitespace
            # (trailing spaces and indentation are the recoveries' business).
            rest = (line[:pos] + line[end:]).strip()
            if left_ok and right_ok and rest:
                out.append((i, pos))
                if len(out) >= limit:
                    return out
            pos = line.find(frag, pos + 1)
    return out


def fragment_edit(lines: list[str], search: list[str],
                  replace: list[str]) -> tuple[int, list[str]] | str | None:
    """(line index, its new lines) for a unique fragment; a refusal message for several;
    None when SEARCH is not a one-line fragment of the file."""
    if len(search) != 1 or len(search[0].strip()) < 2:
        return None
    frag = search[0]
    found = occurrences(lines, frag)
    if not found:
        return None
    lines_hit = sorted({i for i, _ in found})
    if len(found) > 1:
        at = ", ".join(str(i + 1) for i in lines_hit)
        return f"SEARCH occurs as part of {len(lines_hit)} lines (lines {at})" \
            if len(lines_hit) > 1 else f"SEARCH occurs {len(found)} times inside line {at}"
    i, col = found[0]
    line = lines[i]
    new = line[:col] + "\n".join(replace) + line[col + len(frag):]
    return i, new.split("\n")


def replace_present_fragment(lines: list[str], replaced: str) -> int | None:
    """The 1-based line where a one-line REPLACE stands once as a fragment, or None."""
    if len(replaced.strip()) < 2:
        return None
    found = occurrences(lines, replaced, limit=2)
    return found[0][0] + 1 if len(found) == 1 else None
