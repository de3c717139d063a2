"""Convergence: the Manifest and Summary quote the book's own token count, size and hash.

Rendering them changes the count, so we iterate to a fixed point: render with the last
measures, measure, repeat until nothing changes. Only the two self-describing sections
are re-rendered and re-counted on each pass; the rest are counted once.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

import xxhash

from .render import Section, join_sections
from .summary import HASH_LINE_PREFIX, Measures
from ..tokens import TokenCounter

MAX_PASSES = 64


def book_digest(text: str) -> str:
    """xxh3-64 of the book with its own ``book xxh3:`` line left out.

    Packed files (an older book, a golden test file) and the prompt may hold such lines too,
    so only one is left out: the one whose hash matches the rest (the Summary's, which the
    compiler writes), else the last one, so a tampered book still fails to verify."""
    lines = text.split("\n")
    found = [i for i, ln in enumerate(lines) if ln.startswith(HASH_LINE_PREFIX)]
    digest = xxhash.xxh3_64_hexdigest(text.encode("utf-8"))
    for i in reversed(found):
        digest = xxhash.xxh3_64_hexdigest("\n".join(lines[:i] + lines[i + 1 :]).encode("utf-8"))
        if lines[i] == HASH_LINE_PREFIX + digest:
            return digest
    if found:
        i = found[-1]
        digest = xxhash.xxh3_64_hexdigest("\n".join(lines[:i] + lines[i + 1 :]).encode("utf-8"))
    return digest


class _Layout:
    """The book as per-section byte strings, so a round re-encodes only what changed."""

    def __init__(self, static, dynamic, order, header):
        self.static, self.dynamic, self.order, self.header = static, dynamic, order, header
        self.static_segments: dict[str, list[str]] = {}
        self.static_bytes: dict[str, bytes] = {}
        self.last_text: dict[str, str] = {}  # dynamic sections only: static text is joined once, at the end

    def render(self, m: Measures):
        sections = {**self.static, **self.dynamic(m)}
        laid = join_sections([sections[name] for name in self.order])
        segs_by_name, bytes_by_name = {}, {}
        for name, segs in zip(self.order, laid):
            if name in self.static:
                if name not in self.static_bytes:
                    self.static_segments[name] = segs
                    self.static_bytes[name] = "".join(segs).encode("utf-8")
                segs_by_name[name], bytes_by_name[name] = self.static_segments[name], self.static_bytes[name]
            else:
                self.last_text[name] = "".join(segs)
                segs_by_name[name], bytes_by_name[name] = segs, self.last_text[name].encode("utf-8")
        return segs_by_name, bytes_by_name

    def digest(self, bytes_by_name: dict[str, bytes]) -> str:
        h = xxhash.xxh3_64(self.header.encode("utf-8"))
        marker = b"\n" + HASH_LINE_PREFIX.encode()
        for name in self.order:
            data = bytes_by_name[name]
            cut = data.rfind(marker) if name not in self.static else -1
            if cut >= 0:  # leave out the hash line itself
                end = data.find(b"\n", cut + 1)
                data = data[: cut + 1] + (data[end + 1 :] if end >= 0 else b"")
            h.update(data)
        return h.hexdigest()

    def text(self) -> str:
        """The book as last rendered."""
        # One join over every segment: no per-section copy of the Codebase is kept alongside the book.
        parts = [self.header]
        for n in self.order:
            if n in self.static:
                parts.extend(self.static_segments[n])
            else:
                parts.append(self.last_text[n])
        return "".join(parts)


def settle(static: dict[str, Section], dynamic: Callable[[Measures], dict[str, Section]],
           order: tuple[str, ...], counter: TokenCounter, header: str = "") -> tuple[str, Measures]:
    """Iterate the dynamic sections until the measures they quote are those of the result.

    The round number is printed in the Summary. That is deliberate: the book's hash sits
    inside the book, and the hash's own token count varies with its digits, so a round
    that lands on a count that does not agree with itself is retried with a new round
    number, which gives a new hash, instead of cycling between the same few states.
    Static sections are encoded and counted once; a round touches only Manifest and Summary.
    """
    layout = _Layout(static, dynamic, order, header)
    static_counts: dict[str, int] = {}
    header_tokens = counter.count_segments([header]) if header else 0
    header_size = len(header.encode("utf-8"))
    m = Measures()
    for rounds in range(1, MAX_PASSES + 1):
        m = replace(m, passes=rounds, settled=True)
        m = replace(m, digest=layout.digest(layout.render(m)[1]))
        segs, data = layout.render(m)
        counts = []
        for name in order:
            if name not in static:
                counts.append((name, counter.count_segments(segs[name])))
                continue
            if name not in static_counts:
                static_counts[name] = counter.count_segments(segs[name])
            counts.append((name, static_counts[name]))
        measured = (tuple(counts), header_tokens + sum(n for _, n in counts),
                    header_size + sum(len(b) for b in data.values()))
        if measured == (m.sections, m.total, m.size):
            return layout.text(), m
        m = replace(m, sections=measured[0], total=measured[1], size=measured[2])
    # No fixed point: say so in the book itself (one more render, knowingly inexact).
    m = replace(m, settled=False)
    m = replace(m, digest=layout.digest(layout.render(m)[1]))
    layout.render(m)
    return layout.text(), m
