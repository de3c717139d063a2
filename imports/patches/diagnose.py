"""Explain a SEARCH that did not match: the nearest window, the first differing line with its
invisible characters shown, and which recovery would (or could not uniquely) have matched."""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict

from .recover import PASSES, UNICODE_SPACES, ZERO_WIDTH

_NAMES = {"\t": "\\t", "\r": "\\r", "\u00a0": "<NBSP>", "\u202f": "<NNBSP>", "\u3000": "<IDEOSP>"}


def visible(line: str) -> str:
    """``line`` with tabs, NBSP, zero-width characters and trailing spaces made visible."""
    body = line.rstrip(" ")
    trail = len(line) - len(body)
    out = []
    for ch in body:
        if ch in _NAMES:
            out.append(_NAMES[ch])
        elif ch in UNICODE_SPACES or ch in ZERO_WIDTH or (ord(ch) < 32):
            out.append(f"<U+{ord(ch):04X}>")
        else:
            out.append(ch)
    return "".join(out) + "·" * trail


def _escaped(text: str) -> str:
    return "".join(ch if ord(ch) < 128 else f"<U+{ord(ch):04X}>" for ch in text)


def _ascii(text: str) -> str:
    return "".join(ch for ch in text if ord(ch) < 128)


def nearest_window(lines: list[str], search: list[str]) -> tuple[int, int] | None:
    """(start line, lines agreeing after strip) of the best-scoring window, or None."""
    where: dict[str, list[int]] = defaultdict(list)
    wanted = {s.strip() for s in search if s.strip()}
    for i, line in enumerate(lines):
        key = line.strip()
        if key in wanted:
            where[key].append(i)
    votes: Counter[int] = Counter()
    for j, s in enumerate(search):
        for i in where.get(s.strip(), ()) if s.strip() else ():
            votes[i - j] += 1
    if not votes:
        return None
    start, score = min(votes.items(), key=lambda kv: (-kv[1], kv[0]))
    return max(start, 0), score


def _inside_lines(lines: list[str], search: list[str]) -> tuple[int, int] | None:
    """(SEARCH line, file line) of the first SEARCH line found inside a longer file line."""
    for j, s in enumerate(search):
        key = s.strip()
        if len(key) < 2:
            continue
        for i, line in enumerate(lines):
            if key in line:
                return j, i
    return None


def explain_no_match(lines: list[str], search: list[str], *, strict: bool,
                     canary_damage: list[str]) -> list[str]:
    """Human lines saying where the SEARCH nearly matched and why it did not."""
    out: list[str] = []
    near = nearest_window(lines, search)
    if near is None:
        inside = _inside_lines(lines, search)
        if inside:
            j, i = inside
            out.append(f"SEARCH line {j + 1} occurs inside file line {i + 1}, as part of a "
                       "longer line; whole lines are matched, and a one-line fragment only "
                       "when it is unique and starts and ends at word boundaries")
        else:
            out.append("no line of SEARCH occurs in the file, even ignoring indentation")
    else:
        start, score = near
        out.append(f"nearest window: file lines {start + 1}-{start + len(search)} "
                   f"({score} of {len(search)} SEARCH lines agree ignoring indentation)")
        for j, s in enumerate(search):
            f = lines[start + j] if start + j < len(lines) else None
            if f != s:
                out.append(f"first difference at SEARCH line {j + 1} (file line {start + j + 1}):")
                shown_f, shown_s = (visible(f) if f is not None else "<end of file>"), visible(s)
                nfc = f is not None and unicodedata.normalize("NFC", f) == \
                    unicodedata.normalize("NFC", s)
                if nfc or _ascii(shown_f) == _ascii(shown_s):  # non-ASCII only: spell it out
                    shown_f, shown_s = _escaped(shown_f), _escaped(shown_s)
                out.append(f"  file:   {shown_f}")
                out.append(f"  SEARCH: {shown_s}")
                if nfc:
                    out.append("  the two differ only in Unicode normalisation (NFC/NFD)")
                break
    for name, run in PASSES:
        found = run(lines, search)
        if len(found) == 1:
            if strict:
                out.append(f"recovery {name!r} would match at line {found[0].start + 1} "
                           "(recoveries are off under --strict)")
        elif len(found) > 1:
            at = ", ".join(str(m.start + 1) for m in found[:10])
            out.append(f"recovery {name!r} matches at several places (lines {at}); refused")
    hints = {
        "blank-lines-lost": "the canary shows this transport drops blank lines",
        "spaces-collapsed": "the canary shows this transport collapses runs of spaces",
        "indentation-stripped": "the canary shows this transport strips indentation",
        "nbsp": "the canary shows this transport turns spaces into NBSP",
    }
    for kind in canary_damage:
        if kind in hints:
            out.append(hints[kind] + "; copy the reply another way (a code block's copy button, "
                       "or the raw Markdown)")
    return out
