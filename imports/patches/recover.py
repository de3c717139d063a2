"""Named recovery passes for SEARCH text damaged in transport, and how a match is spliced.

A pass runs only after the exact pass found nothing, and counts only when it finds exactly
one window. Each pass undoes one known kind of transport damage and nothing else; there is
no similarity threshold, no case folding and no whitespace collapsing, because a loose
match that lands on the wrong lines is worse than a refusal.

A match maps each SEARCH line to a file line. The new window is built by diffing SEARCH
against REPLACE: lines REPLACE kept are copied from the file, bytes and line ending
included; only lines REPLACE adds are taken from the reply (with the pass's repair, e.g.
the lost indent put back), so untouched lines never inherit the reply's damage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Callable

UNICODE_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_SPACE_MAP = {ord(c): " " for c in UNICODE_SPACES} | {ord(c): None for c in ZERO_WIDTH}
_PUNCT_MAP = {
    **{ord(c): "'" for c in "\u2018\u2019\u201a\u201b\u2032"},
    **{ord(c): '"' for c in "\u201c\u201d\u201e\u201f\u2033"},
    **{ord(c): "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"},
}


@dataclass
class Match:
    """Where a SEARCH landed: ``mapping[i]`` is the file line of ``search[i]``."""

    start: int
    end: int  # one past the last file line of the window
    mapping: list[int]
    search: list[str]
    repair: Callable[[str], str]
    recovery: str | None = None


def _identity(line: str) -> str:
    return line


def find_seq(hay: list[str], needle: list[str], limit: int = 50) -> list[int]:
    """Indices where ``needle`` occurs as a run of whole items of ``hay``."""
    if not needle or len(needle) > len(hay):
        return []
    text, joined = "\n".join(needle), "\n".join(hay)
    n, found, pos, off, idx = len(joined), [], joined.find(text), 0, 0
    while pos != -1 and len(found) < limit:
        end = pos + len(text)
        if (pos == 0 or joined[pos - 1] == "\n") and (end == n or joined[end] == "\n"):
            idx += joined.count("\n", off, pos)
            off = pos
            found.append(idx)
        pos = joined.find(text, pos + 1)
    return found


def _keyed_pass(name: str, key: Callable[[str], str]):
    """A pass that compares lines after ``key``; REPLACE is repaired when SEARCH was damaged."""

    def run(lines: list[str], search: list[str]) -> list[Match]:
        keyed_search = [key(s) for s in search]
        # Damage on the reply's side (SEARCH changed by the key) is repaired in REPLACE too;
        # damage on the file's side (it has NBSP or curly quotes, the reply not) is not.
        repair = key if keyed_search != search else _identity
        hits = find_seq([key(s) for s in lines], keyed_search)
        return [Match(h, h + len(search), list(range(h, h + len(search))), search, repair, name)
                for h in hits]

    return name, run


def _rstrip(line: str) -> str:
    return line.rstrip(" \t")


def _spaces(line: str) -> str:
    return line.translate(_SPACE_MAP)


def _punct(line: str) -> str:
    return line.translate(_PUNCT_MAP)


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _indentation_pass(lines: list[str], search: list[str]) -> list[Match]:
    """SEARCH is the file's text shifted by one uniform indent, added or removed."""
    first = next((j for j, s in enumerate(search) if s.strip()), None)
    if first is None:
        return []
    anchor = search[first].strip()
    found: list[Match] = []
    for i, line in enumerate(lines):
        if line.strip() != anchor or i - first < 0 or i - first + len(search) > len(lines):
            continue
        start = i - first
        fi, si = _indent(line), _indent(search[first])
        if fi != si and fi.endswith(si):
            prefix, add = fi[: len(fi) - len(si)], True
        elif fi != si and si.endswith(fi):
            prefix, add = si[: len(si) - len(fi)], False
        else:
            continue

        def shifted(s: str, prefix=prefix, add=add) -> str:
            if not s.strip():
                return s
            if add:
                return prefix + s
            return s[len(prefix):] if s.startswith(prefix) else s

        if all((lines[start + j].strip() == "" if not s.strip() else lines[start + j] == shifted(s))
               for j, s in enumerate(search)):
            found.append(Match(start, start + len(search), list(range(start, start + len(search))),
                               search, shifted, "indentation-shift"))
    return found


def _blank_lines_pass(lines: list[str], search: list[str]) -> list[Match]:
    """SEARCH matches once blank lines are ignored on both sides (lost, or added, in transport)."""
    s_idx = [j for j, s in enumerate(search) if s.strip()]
    if not s_idx:
        return []
    f_idx = [i for i, s in enumerate(lines) if s.strip()]
    sb = [search[j] for j in s_idx]
    hits = find_seq([lines[i] for i in f_idx], sb)
    found = []
    for h in hits:
        mapping = f_idx[h:h + len(sb)]
        found.append(Match(mapping[0], mapping[-1] + 1, mapping, sb, _identity, "blank-lines"))
    return found


PASSES: list[tuple[str, Callable[[list[str], list[str]], list[Match]]]] = [
    _keyed_pass("trailing-whitespace", _rstrip),
    _keyed_pass("unicode-spaces", _spaces),
    _keyed_pass("smart-punctuation", _punct),
    ("indentation-shift", _indentation_pass),
    ("blank-lines", _blank_lines_pass),
]


def try_passes(lines: list[str], search: list[str]) -> tuple[str | None, list[Match]]:
    """The first pass that finds anything, and what it found (one match, or the ambiguity)."""
    for name, run in PASSES:
        found = run(lines, search)
        if found:
            return name, found
    return None, []


_PROSE = (".md", ".markdown", ".mdx", ".rst", ".txt", ".adoc")
_HARD_BREAKS = (".md", ".markdown", ".mdx", ".patch", ".diff")
_CURLY = "".join(chr(c) for c in _PUNCT_MAP)
_SUSPECT = re.compile("[" + re.escape(UNICODE_SPACES + "".join(chr(c) for c in _PUNCT_MAP)) + "]")
_GET_A_CLEAN_COPY = ("get an undamaged copy: use the chat's copy button on the code block, "
                     "or ask for the reply again in one fenced block")


def added_runs(match: Match, replace: list[str]) -> list[tuple[int, list[str]]]:
    """The runs of REPLACE lines a splice takes from the reply (not kept from the file), each
    with the number of SEARCH lines it stands in for (0: an insertion)."""
    r_at = list(range(len(replace)))
    if match.recovery == "blank-lines":
        r_at = [j for j, r in enumerate(replace) if r.strip()]
    ops = SequenceMatcher(None, match.search, [replace[j] for j in r_at],
                          autojunk=False).get_opcodes()
    return [(i2 - i1, [replace[r_at[j]] for j in range(j1, j2)])
            for tag, i1, i2, j1, j2 in ops if tag in ("replace", "insert")]


def _gap_next_to_change(match: Match, replace: list[str]) -> bool:
    """Under blank-lines: whether file blank lines the SEARCH skipped touch a deletion, an
    insertion or an uneven rewrite (a line-for-line rewrite keeps them where they are)."""
    m = match.mapping
    gap = [m[k + 1] - m[k] > 1 for k in range(len(m) - 1)]  # gap[k]: between k and k+1

    def gap_at(k: int) -> bool:
        return 0 <= k < len(gap) and gap[k]

    kept = [r for r in replace if r.strip()]
    ops = SequenceMatcher(None, match.search, kept, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            continue
        if tag == "insert":
            if gap_at(i1 - 1):
                return True
        elif any(gap_at(k) for k in range(i1 - 1, i2)):
            return True
    return False


def unproven(match: Match, replace: list[str], rel: str, file_lines: list[str]) -> list[str]:
    """Why a recovered match may not be written (empty: it may): the damage the pass undid
    in SEARCH could also have reached the lines the reply adds, and nothing tells us how.

    Kept lines come from the file, so only the added runs matter."""
    runs = added_runs(match, replace)
    added = [line for _, run in runs for line in run]
    if not added and match.recovery != "blank-lines":
        return []
    name, low = match.recovery, rel.lower()
    why: str | None = None
    if name == "blank-lines":
        # A transport that drops blank lines drops them from REPLACE too. A run of one line
        # has no inside; a line-for-line rewrite keeps the file's blank lines between its
        # lines; a REPLACE that still has blank lines was not stripped of them.
        if not any(not r.strip() for r in replace) and any(
                len(run) > 1 and len(run) != stood for stood, run in runs):
            why = ("the transport dropped blank lines, and foo-apply cannot prove the added "
                   "lines kept their blank lines (a run of several added lines has none)")
        if why is None and _gap_next_to_change(match, replace):
            why = ("the file has blank lines next to lines this block deletes or inserts, and "
                   "the transport dropped the reply's: foo-apply cannot tell which side of "
                   "the change they belong to")
    elif name == "trailing-whitespace":
        if low.endswith(_HARD_BREAKS):
            why = (f"trailing spaces are significant in {rel} (Markdown line breaks), and the "
                   "transport changed them: the added lines may have lost theirs")
    elif name == "unicode-spaces" and match.repair is not _identity:
        inner = [r for r in added if any(ch in UNICODE_SPACES for ch in r.lstrip(UNICODE_SPACES + " \t"))]
        if inner:
            why = ("the transport put unicode spaces (NBSP) into the reply; unicode spaces "
                   f"inside added lines may be meant, so they are not guessed ({inner[0].strip()[:40]!r})")
    elif name == "smart-punctuation" and match.repair is not _identity:
        curly = [r for r in added if any(ch in _CURLY for ch in r)]
        typographic = low.endswith(_PROSE) or any(ch in _CURLY for ln in file_lines for ch in ln)
        if curly and typographic:
            why = ("the transport turned quotes or dashes typographic, and this file uses "
                   f"typographic punctuation itself: the added {curly[0].strip()[:40]!r} may be meant")
    elif name == "indentation-shift":
        # Shifted back, a line that does not carry the transport's indent is left as it came.
        if any(r.strip() and match.repair(r) == r for r in added):
            why = "an added line is indented less than the shift the transport made"
    return [why, _GET_A_CLEAN_COPY] if why else []


def _new_lines(search: list[str], replace: list[str]) -> list[list[str]]:
    """REPLACE's runs of lines that are not SEARCH's (what a block adds or rewrites)."""
    ops = SequenceMatcher(None, search, replace, autojunk=False).get_opcodes()
    return [replace[j1:j2] for tag, _a, _b, j1, j2 in ops if tag in ("replace", "insert")]


def _edge_next_to_blank(search: list[str], replace: list[str], file_lines: list[str],
                        window: tuple[int, int]) -> bool:
    """Whether the block changes the first or last line of its window and the file has a
    blank line just outside that edge (a SEARCH stripped of blank lines may have ended there)."""
    ops = [op for op in SequenceMatcher(None, search, replace, autojunk=False).get_opcodes()
           if op[0] != "equal"]
    lo, hi = window
    before = lo > 0 and not file_lines[lo - 1].strip()
    after = hi < len(file_lines) and not file_lines[hi].strip()
    return any((i1 == 0 and before) or (i2 == len(search) and after) for _t, i1, i2, _a, _b in ops)


def transport_damage(search: list[str], replace: list[str],
                     file_lines: list[str] | Callable[[], list[str]],
                     canary_damage: list[str],
                     window: tuple[int, int] | None = None) -> list[str]:
    """Why a block's new lines may carry transport damage that its SEARCH did not show (an
    exact match proves only the SEARCH): refusal lines, or [] when none is suspected.

    The marks: NBSP next to a space or in an indent (an HTML page's rendering of runs of
    spaces); typographic quotes in new lines that have no plain quote, in a file that has
    none (a page's "smart quotes"); and what the canary says the transport did."""
    # Fast path (a thousand blocks on a big file): nothing suspicious in the new lines.
    have = set(search)
    if "blank-lines-lost" not in canary_damage and not any(
            _SUSPECT.search(r) for r in replace if r not in have):
        return []
    runs = _new_lines(search, replace)
    added = [r for run in runs for r in run]
    if not added and window is None:
        return []
    if callable(file_lines):  # the exact path decodes the file only when a check needs it
        needs = "blank-lines-lost" in canary_damage or any(
            ch in _CURLY for r in added for ch in r)
        file_lines = file_lines() if needs else []
    spaces = UNICODE_SPACES
    why = None
    for r in added:
        indent = r[: len(r) - len(r.lstrip(spaces + " \t"))]
        if any(ch in spaces for ch in indent) or any(
                a in spaces and b in spaces + " " or b in spaces and a == " "
                for a, b in zip(r, r[1:])):
            why = f"a new line carries NBSP where spaces stood ({r.strip()[:40]!r})"
            break
    if why is None and "nbsp" in canary_damage and any(ch in spaces for r in added for ch in r):
        why = "the canary shows NBSP damage and a new line carries a unicode space"
    if why is None and any(ch in _CURLY for r in added for ch in r) \
            and not any(ch in "'\"" for r in added for ch in r) \
            and not any(ch in _CURLY for ln in file_lines for ch in ln):
        why = ("the new lines use typographic quotes or dashes, have no plain quote, and the "
               "file has none: the mark of a page's 'smart quotes'")
    if why is None and "blank-lines-lost" in canary_damage \
            and not any(not r.strip() for r in replace) and any(len(run) > 1 for run in runs):
        why = ("the canary shows this transport drops blank lines, and a run of new lines has "
               "none: foo-apply cannot prove it kept them")
    if why is None and "blank-lines-lost" in canary_damage and window is not None \
            and _edge_next_to_blank(search, replace, file_lines, window):
        why = ("the canary shows this transport drops blank lines, and the block changes the "
               "edge of its SEARCH next to a blank line of the file: foo-apply cannot tell "
               "which side of it the change goes")
    return [why, _GET_A_CLEAN_COPY] if why else []


def compose(match: Match, lines: list[str], crlf: list[bool], replace: list[str],
            default_crlf: bool, base: int = 0) -> tuple[list[str], list[bool]]:
    """The new window: file lines where REPLACE kept SEARCH lines, repaired REPLACE lines elsewhere.

    ``lines[k]`` is file line ``base + k`` (the exact pass passes only the window).
    """
    out: list[str] = []
    out_cr: list[bool] = []
    mapping = match.mapping
    # Under blank-lines the kept regions take the file's blank lines, so REPLACE is diffed
    # without its own; an added run keeps the blank lines inside it (r_at maps back).
    r_at = list(range(len(replace)))
    if match.recovery == "blank-lines":
        r_at = [j for j, r in enumerate(replace) if r.strip()]
    ops = SequenceMatcher(None, match.search, [replace[j] for j in r_at],
                          autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            for s in range(i1, i2):
                f = mapping[s]
                out.append(lines[f - base])
                out_cr.append(crlf[f])
                # Lines the SEARCH skipped (blank lines lost in transport) follow kept lines.
                nxt = mapping[s + 1] if s + 1 < len(mapping) else f + 1
                for g in range(f + 1, nxt):
                    out.append(lines[g - base])
                    out_cr.append(crlf[g])
        elif tag in ("replace", "insert"):
            first = r_at[j1 - 1] + 1 if j1 else 0  # with the blank lines leading into it
            if tag == "replace" or match.recovery != "blank-lines":
                first = r_at[j1]
            chunk = replace[first:r_at[j2 - 1] + 1]
            # Under blank-lines a rewritten run keeps the file's blank lines between (and
            # after) the lines it rewrites, unless REPLACE brought blank lines of its own.
            keep_gaps = (tag == "replace" and match.recovery == "blank-lines"
                         and len(chunk) == j2 - j1)
            for k, r in enumerate(chunk):
                out.append(match.repair(r))
                # A rewritten line keeps the ending of the line it replaces (mixed files).
                out_cr.append(crlf[mapping[min(i1 + k, i2 - 1)]] if tag == "replace"
                              else default_crlf)
                s = i2 - 1 if k == len(chunk) - 1 else i1 + k
                if keep_gaps and (k == len(chunk) - 1 or s < i2 - 1) and s + 1 < len(mapping):
                    for g in range(mapping[s] + 1, mapping[s + 1]):
                        out.append(lines[g - base])
                        out_cr.append(crlf[g])
    return out, out_cr
