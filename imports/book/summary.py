"""The two self-describing sections: Manifest (table of contents) and Summary.

Both quote token counts of the whole book, including themselves, so they are rendered
from a ``Measures`` value that ``settle`` iterates to a fixed point.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Note, Skipped

HASH_LINE_PREFIX = "book xxh3: "

# (window, examples). Counts are exact for OpenAI encodings; other vendors tokenize
# differently, so their rows are labelled as estimates.
CONTEXT_WINDOWS = (
    (32_000, "32K (small local models)"),
    (128_000, "128K (GPT-4o, Llama 3.1)"),
    (200_000, "200K (Claude, o3)"),
    (400_000, "400K (GPT-5)"),
    (1_000_000, "1M (Gemini 2.5, GPT-4.1)"),
)

_LENGTHS = (
    (7_500, "a short story"),
    (17_500, "a novelette"),
    (40_000, "a novella"),
    (100_000, "a novel"),
    (200_000, "a long novel"),
)


@dataclass(frozen=True)
class Item:
    label: str
    tokens: int
    size: int
    kind: str = "file"
    flags: tuple[str, ...] = ()


@dataclass
class Facts:
    """What the Manifest and Summary report, apart from the self-referential measures."""

    command: str
    encoding: str
    items: list[Item] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    seals: list[str] = field(default_factory=list)  # "white_rabbit crc32=… drift=0"
    top_n: int = 10
    remarks: list[str] = field(default_factory=list)  # the manifest's prose lines and the overlay, for the Manifest
    disclosure: list[str] = field(default_factory=list)  # profile, reason, frame: for the Summary


@dataclass(frozen=True)
class Measures:
    sections: tuple[tuple[str, int], ...] = ()
    total: int = 0
    size: int = 0
    passes: int = 0
    settled: bool = True
    digest: str = "0" * 16


def _blocks(blocks: list[list[str]]) -> list[str]:
    """Blocks of lines as segments, a blank line after each but the last. Each segment
    starts a line with a non-space, so the token counter can cache static blocks (the
    long file lists) apart from the few lines that change while the book settles."""
    segs = ["\n".join(b) + "\n" for b in blocks if b]
    return [s + "\n" for s in segs[:-1]] + segs[-1:]


class SelfDescription:
    """Renders the Manifest and Summary bodies for given measures. The long listings do
    not depend on the measures, so they are rendered once and reused on every round."""

    def __init__(self, facts: Facts):
        self.facts = facts
        files = [i for i in facts.items if i.kind in ("file", "notebook")]
        others = [i for i in facts.items if i.kind not in ("file", "notebook")]
        self._manifest_lists: list[list[str]] = []
        if files:
            self._manifest_lists.append([f"Codebase files ({len(files)}; tokens | bytes):"]
                                        + [f"- {i.label} ({i.tokens:,} | {i.size:,}){_flags(i)}" for i in files])
        if others:
            self._manifest_lists.append(["Commands and URLs (live receipts; tokens | bytes):"]
                                        + [f"- {i.label} ({i.tokens:,} | {i.size:,}){_flags(i)}" for i in others])
        if facts.remarks:
            self._manifest_lists.insert(0, ["From the manifest (notes for the reader, not entries):"]
                                        + [f"- {r}" for r in facts.remarks])
        head = [f"Command: {facts.command}", f"Encoding: {facts.encoding}"]
        if facts.seals:
            head.append("Seals: " + "; ".join(facts.seals))
        head.extend(facts.disclosure)
        log = ["Processing log:"] + (
            [f"- {'WARNING: ' if n.level == 'warn' else ''}{n.text}" for n in facts.notes] or ["- nothing to report"])
        self._summary_lists = [head, log]
        if facts.missing:
            self._summary_lists.append([f"Missing manifest entries ({len(facts.missing)}):"]
                                       + [f"- {x}" for x in facts.missing])
        # Each path once per section where it adds something: the Manifest already lists every
        # source with its tokens and bytes, so the Summary only counts them.
        self._summary_lists.append([f"Included: {len(facts.items)} source{'s' if len(facts.items) != 1 else ''}"
                                    + (", each listed with its tokens and bytes in the Manifest" if facts.items
                                       else " (nothing was included)")])
        if facts.skipped:
            self._summary_lists.append([f"Skipped ({len(facts.skipped)}):"]
                                       + [f"- {s.label}: {s.reason}" for s in facts.skipped])
        self._top = sorted(facts.items, key=lambda i: (-i.tokens, i.label))[: facts.top_n]

    def manifest(self, m: Measures) -> list[str]:
        intro = [
            "This is a context book compiled by prompt-foo. Its sections follow in the order listed;",
            "the live request is the LAST section, Prompt. Everything before it is context for that request.",
        ]
        toc = ["Sections (tokens):"]
        for name, n in m.sections:
            tag = "  <- the request: read it last, act on it" if name == "Prompt" else ""
            toc.append(f"- {name}: {n:,}{tag}")
        return _blocks([intro, toc, *self._manifest_lists])

    def summary(self, m: Measures) -> list[str]:
        blocks = list(self._summary_lists)
        if self._top:
            table = [f"Largest contributors (top {len(self._top)}):", "| # | source | tokens | share |",
                     "|---|---|---:|---:|"]
            for rank, i in enumerate(self._top, 1):
                share = 100.0 * i.tokens / m.total if m.total else 0.0
                table.append(f"| {rank} | {i.label} | {i.tokens:,} | {share:.1f}% |")
            blocks.append(table)
        state = (f"settled in round {m.passes}" if m.settled
                 else f"DID NOT SETTLE in {m.passes} rounds: the count may be off by a few tokens")
        blocks.append([
            "Totals:",
            f"- Verified total: {m.total:,} tokens ({self.facts.encoding.split(' ')[0]}; "
            f"the exact count of this book's text, {state})",
            f"- Size: {m.size:,} bytes; {perspective(m.total)}",
            "- Context windows: " + "; ".join(fits(m.total)) + " (exact for OpenAI models, an estimate for others)",
        ])
        blocks.append([f"{HASH_LINE_PREFIX}{m.digest}"])
        return _blocks(blocks)


def _flags(item: Item) -> str:
    return f" [{'; '.join(item.flags)}]" if item.flags else ""


def perspective(tokens: int) -> str:
    words = int(tokens * 0.75)
    kind = next((name for limit, name in _LENGTHS if words <= limit), "an epic")
    pages = max(1, round(words / 500))
    return f"about {words:,} words, {pages:,} page{'s' if pages != 1 else ''} of prose: the length of {kind}"


def fits(tokens: int) -> list[str]:
    return [f"{'fits' if tokens <= limit else 'too big for'} {label}" for limit, label in CONTEXT_WINDOWS]
