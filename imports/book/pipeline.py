"""The compile pipeline: assert seals → collect → count → render → settle.

Returns the finished book and what it is made of; it never prints, emits or exits.
Gates (budget, secrets) and emission are separate stages the CLI runs afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..ascii_displays import FigurateResult
from .render import SECTION_ORDER, Section, body_text, codebase_body, fenced, recapture_body, section
from ..canary import canary_instruction
from ..config import Workspace
from ..collect.manifest import Entry
from ..model import Collection, Note, Skipped, StoryParts
from ..printable import clean_text, shown_path, without_home
from .settle import settle
from ..collect.sources import collect, tracked_files
from .summary import Facts, Item, Measures, SelfDescription
from ..textdata import load_template
from ..tokens import TokenCounter
from .controls import CONTEXT_ONLY, WHOLE_REPO_RECAPTURE, disclosure, numbered, scrubbed
from .profiles import Profile
from .tree import render_tree

BOOK_HEADER = "# Context book (prompt-foo)\n\n"
_COUNT_CHUNK = 256


@dataclass
class Request:
    """Everything the compile needs besides the workspace and the counter."""

    entries: list[Entry]
    prompt: str
    command: str
    chop: str = "AI_PHOOEY_CHOP"
    story: StoryParts = field(default_factory=StoryParts)
    tree: bool = True
    notes: list[Note] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)  # left out before collect (default selection)
    top_n: int = 10
    remarks: list[str] = field(default_factory=list)  # for the Manifest: the manifest's prose lines, overlay
    exclude: list[str] = field(default_factory=list)  # applies to what include globs match
    context_only: bool = False  # file bodies left out
    line_numbers: bool = False  # "N: " before every line of every file (review only)
    frame: str = "full"  # "full" (patch answers) | "lean" (read-only)
    profile: Profile | None = None  # client-safe disclosure
    reason: str | None = None
    whole_repo: bool = False  # the default pack (no manifest, no -f): the recapture is one sentence


@dataclass
class Compiled:
    text: str
    measures: Measures
    facts: Facts
    collection: Collection
    seals: list[FigurateResult]


def assert_seals(ws: Workspace) -> list[FigurateResult]:
    """Every seal the book will carry (the repository's signature first), asserted against its
    ledger (SealDrift otherwise)."""
    from ..project_seals import load_catalogue

    catalogue = load_catalogue(ws.root, ws.settings)
    return [catalogue.assert_seal(name) for name in catalogue.book_seals()]


def count_sources(counter: TokenCounter, texts: list[str],
                  progress: Callable[[int, int], None] | None = None) -> list[int]:
    """Token counts of the fenced bodies, in chunks so a progress bar can move."""
    counts: list[int] = []
    for start in range(0, len(texts), _COUNT_CHUNK):
        counts.extend(counter.count_many(texts[start : start + _COUNT_CHUNK]))
        if progress:
            progress(len(counts), len(texts))
    return counts


def _seal_block(seal: FigurateResult) -> str:
    return (f"{seal.name}: {seal.meaning}\n"
            f"crc32=0x{seal.crc:08x} drift=0 (asserted against the ledger before this book was emitted)\n\n"
            + fenced(seal.ai))


def prompt_body(ws: Workspace, seals: dict[str, FigurateResult], intent: str, frame: str = "full") -> str:
    """The answer frame (full: patch blocks; lean: read-only, no patch instructions), then the request."""
    instructions = load_template("instructions.md" if frame == "full" else "instructions_lean.md", ws.root)
    piano = seals.get("player_piano")
    instructions = instructions.replace("{{PLAYER_PIANO}}", _seal_block(piano) if piano else "")
    canary = canary_instruction()
    if frame != "full":  # a read-only turn has no patches to put the echo before
        canary = canary.replace("before your patches", "before your answer")
    instructions = instructions.replace("{{CANARY}}", canary)
    return f"{instructions.rstrip()}\n\n## The request\n\n{intent.strip()}\n"


def compile_book(ws: Workspace, counter: TokenCounter, req: Request,
                 progress: Callable[[int, int], None] | None = None) -> Compiled:
    seals = assert_seals(ws)
    by_name = {s.name: s for s in seals}
    col = collect(ws, req.entries, exclude=req.exclude)
    if req.line_numbers:
        col.sources = [numbered(s) for s in col.sources]
    if req.profile is not None:  # before counting, so every count is of the text the book holds
        col.sources = [scrubbed(s, req.profile) for s in col.sources]
    tokens = count_sources(counter, [body_text(s.text) for s in col.sources], progress)
    notes = [Note(without_home(n.text), n.level) for n in (*req.notes, *req.story.notes, *col.notes)]

    included = {s.path: n for s, n in zip(col.sources, tokens) if s.path and s.kind in ("file", "notebook")}
    tree = (render_tree([shown_path(p) for p in tracked_files(ws)], included, root_name=shown_path(ws.root.name))
            if req.tree else None)
    labels = [s.label for s in col.sources]
    static = {
        "Seal": section("Seal", _seal_block(seals[0])),
        "Story": section("Story", req.story.story and clean_text(req.story.story)),  # post names may not be UTF-8
        "File Tree": section("File Tree", fenced(tree) if tree else None),
        "Articles": section("Articles", req.story.articles and clean_text(req.story.articles)),
        "Codebase": section("Codebase", CONTEXT_ONLY if req.context_only else codebase_body(col.sources, tokens)),
        "Diff": section("Diff", fenced(req.story.diff, "diff") if req.story.diff else None),
        "Log": section("Log", req.story.log),
        "Context Recapture": section("Context Recapture",
                                     WHOLE_REPO_RECAPTURE if req.whole_repo and labels else
                                     recapture_body(labels, req.chop, [s.kind for s in col.sources])),
        "Prompt": section("Prompt", prompt_body(ws, by_name, req.prompt, req.frame)),
    }
    if req.story.diff is not None and not req.story.diff:
        static["Diff"] = section("Diff", "No changes: the working tree matches the compared revision.\n")
    facts = Facts(
        command=req.command,
        encoding=counter.encoder.info.describe(),
        items=[Item(s.label, n, s.size, s.kind, s.flags) for s, n in zip(col.sources, tokens)],
        skipped=[*req.skipped, *col.skipped],
        missing=list(col.missing),
        notes=notes,
        seals=[f"{s.name} crc32=0x{s.crc:08x} drift=0" for s in seals],
        top_n=req.top_n,
        remarks=list(req.remarks),
        disclosure=disclosure(req),
    )

    describe = SelfDescription(facts)

    def dynamic(m: Measures) -> dict[str, Section]:
        return {"Manifest": section("Manifest", describe.manifest(m)),
                "Summary": section("Summary", describe.summary(m))}

    if req.profile is not None:  # every byte: the story, prompt, notes and command line too
        scrub = req.profile.scrub
        static = {name: Section(sec.name, [scrub(x) for x in sec.segments]) for name, sec in static.items()}
        plain_dynamic = dynamic

        def dynamic(m: Measures) -> dict[str, Section]:
            return {name: Section(sec.name, [scrub(x) for x in sec.segments])
                    for name, sec in plain_dynamic(m).items()}

    text, measures = settle(static, dynamic, SECTION_ORDER, counter, BOOK_HEADER)
    return Compiled(text, measures, facts, col, seals)

