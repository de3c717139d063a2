"""Fill a token budget: the most relevant files whole, the next as signatures, the rest omitted.

`--fit`: rank every candidate (``rank``), plan against the room the rest of the book leaves,
then compile and, while the settled book is over the budget, demote the lowest-ranked files
(whole -> signatures -> omitted) and compile again. The budget is checked against the exact
settled total, so the book is never over it. `--compress`: every file as signatures, no ranking.
Pure: the caller collects, this shapes and compiles.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from ..model import Collection, Source
from .analysis import AnalysisCache
from .rank import Evidence, Ranked, rank_files
from .render import body_text

WHOLE_SHARE = 0.25  # at most this share of the room goes to whole files
FOCUS_CUT = 0.5  # whole only for files at least half as squarely about the intent as the best one
MAX_ROUNDS = 12
_RANKABLE = ("file", "notebook")


@dataclass(frozen=True)
class Choice:
    path: str
    status: str  # "whole" | "signatures" | "omitted"
    rank: int  # 0 under --compress (no ranking)
    reason: str
    tokens: int  # what the file costs in the book as chosen (0 when omitted)
    whole_tokens: int
    method: str = ""  # how the signatures were made


@dataclass
class FitReport:
    mode: str  # "fit" | "compress"
    budget: int | None
    choices: list[Choice]
    rounds: int = 1

    def as_data(self) -> dict:
        """The report as plain data (for --json)."""
        return {"mode": self.mode, "budget": self.budget, "rounds": self.rounds,
                "files": [{"path": c.path, "status": c.status, "rank": c.rank, "reason": c.reason,
                           "tokens": c.tokens, "whole_tokens": c.whole_tokens, "method": c.method}
                          for c in self.choices]}


def _shaped(src: Source, status: str, rank: int, sig_text: str, method: str) -> Source:
    tag = f"rank {rank}" if rank else "--compress"
    if status == "signatures":
        return replace(src, text=sig_text, flags=(*src.flags, f"signatures ({method}) · {tag}"))
    return replace(src, flags=(*src.flags, f"whole · {tag}"))


@dataclass
class Scanned:
    """Every candidate's metadata without its text: what ranking and planning need."""

    fixed: list[Source] = field(default_factory=list)  # commands, URLs, outside files: as they are
    files: dict[str, Source] = field(default_factory=dict)  # path -> the file's Source with text ""
    whole: dict[str, int] = field(default_factory=dict)  # path -> tokens of the whole body
    analysis: dict[str, object] = field(default_factory=dict)  # path -> analysis.Analysis
    col: Collection = field(default_factory=Collection)  # skipped, notes and missing of the scan


def scan(batches, counter, memo: AnalysisCache) -> Scanned:
    """Count and analyse each batch of collected sources, then let their texts go."""
    out = Scanned()
    for col in batches:
        out.col.skipped.extend(col.skipped)
        out.col.notes.extend(col.notes)
        out.col.missing.extend(col.missing)
        fresh = []
        for src in col.sources:
            if not (src.kind in _RANKABLE and src.path):
                out.fixed.append(src)
            elif src.path not in out.files:
                out.files[src.path] = replace(src, text="")
                out.analysis[src.path] = memo.get(src.path, src.text)
                fresh.append(src)
        bodies = [body_text(s.text) for s in fresh]
        for s, n in zip(fresh, counter.count_many(bodies)):
            out.whole[s.path] = n
        counter.forget(bodies)
    return out


class _Plan:
    """The candidates, their costs, and the status of each (what ``collection`` lays out)."""

    def __init__(self, scanned: Scanned, counter, load, rank=None):
        """``load(paths) -> {path: text}`` reads files again (only those that go in whole);
        ``rank(list of (path, analysis)) -> list[Ranked]``; None: --compress, path order, no ranks."""
        self.scanned, self.load, self.texts = scanned, load, {}
        files, self.analysis = scanned.files, scanned.analysis
        if rank is None:
            ranked = [Ranked(p, 0, 0.0, 0.0, "--compress: every file as signatures") for p in sorted(files)]
        else:
            ranked = rank(sorted(self.analysis.items()))
        self.ranked = ranked
        self.files = files
        paths = [r.path for r in ranked]
        whole = [scanned.whole[p] for p in paths]
        sig = counter.count_many([body_text(self.analysis[p].signatures) for p in paths])
        labels = counter.count_many([files[p].label for p in paths])
        reasons = counter.count_many([r.reason for r in ranked])
        self.whole = dict(zip(paths, whole))
        # Signatures that save nothing are not worth the loss: such a file goes in whole.
        self.sig = {p: (s if self.analysis[p].signatures and s < w else w) for p, s, w in zip(paths, sig, whole)}
        # Each listed file also costs its Manifest, Summary, recapture and fit lines.
        self.overhead = {p: 5 * n + k + 48 for p, n, k in zip(paths, labels, reasons)}
        self.status = {p: "omitted" for p in paths}

    def cost(self, path: str, status: str) -> int:
        if status == "omitted":
            return 0
        return (self.whole[path] if status == "whole" else self.sig[path]) + self.overhead[path]

    def effective(self, path: str, status: str) -> str:
        return "whole" if status == "signatures" and self.sig[path] == self.whole[path] else status

    def choices(self) -> list[Choice]:
        out = []
        for r in self.ranked:
            st = self.effective(r.path, self.status[r.path])
            tokens = {"whole": self.whole[r.path], "signatures": self.sig[r.path]}.get(st, 0)
            method = self.analysis[r.path].method if st == "signatures" else ""
            if st == "whole" and self.status[r.path] == "signatures":
                method = "signatures would save nothing"
            out.append(Choice(r.path, st, r.rank, r.reason, tokens, self.whole[r.path], method))
        return out

    def collection(self) -> Collection:
        chosen = {r.path: self.effective(r.path, self.status[r.path]) for r in self.ranked}
        wanted = [p for p, st in chosen.items() if st == "whole"]
        self.texts = {p: t for p, t in self.texts.items() if p in wanted}  # keep only what the book holds
        missing = [p for p in wanted if p not in self.texts]
        if missing:
            self.texts.update(self.load(missing))
        sources = list(self.scanned.fixed)
        for r in self.ranked:
            st = chosen[r.path]
            if st == "omitted" or (st == "whole" and r.path not in self.texts):
                continue  # (a file that vanished between the two reads is left out)
            a = self.analysis[r.path]
            src = replace(self.files[r.path], text=self.texts.get(r.path, ""))
            sources.append(_shaped(src, st, r.rank, a.signatures, a.method))
        c = self.scanned.col
        return Collection(sources, list(c.skipped), list(c.notes), list(c.missing))


def summary_blocks(report: FitReport, limit_groups: int = 30, next_below: int = 10) -> list[list[str]]:
    """The Summary's account: every included file with its status and reason, the omitted
    ones grouped by folder, and the first few just below the cut."""
    chosen = [c for c in report.choices if c.status != "omitted"]
    omitted = [c for c in report.choices if c.status == "omitted"]
    if report.mode == "compress":
        head = f"Compressed (--compress): {len(chosen):,} files; signatures unless nothing would be saved:"
    else:
        head = (f"Fit (--fit, budget {report.budget:,} tokens, {report.rounds} round"
                f"{'s' if report.rounds != 1 else ''}): {sum(c.status == 'whole' for c in chosen):,} whole, "
                f"{sum(c.status == 'signatures' for c in chosen):,} as signatures, {len(omitted):,} omitted; "
                "ranked by relevance to the intent:")
    lines = [head] + [f"- {'#' + str(c.rank) + ' ' if c.rank else ''}{c.status}"
                      f"{' (' + c.method + ')' if c.status == 'whole' and c.method else ''} {c.path}: {c.reason}"
                      for c in chosen]
    blocks = [lines]
    if omitted:
        groups = Counter("/".join(c.path.split("/")[:2][: max(1, len(c.path.split("/")) - 1)]) + "/"
                         if "/" in c.path else "./" for c in omitted)
        listed = sorted(groups.items(), key=lambda kv: (-kv[1], kv[0]))
        g = [f"Omitted by --fit ({len(omitted):,} file{'s' if len(omitted) != 1 else ''}; "
             "the File Tree shows them), by folder:"]
        g += [f"- {name} ({n:,})" for name, n in listed[:limit_groups]]
        if len(listed) > limit_groups:
            g.append(f"- … {len(listed) - limit_groups:,} more folders ({sum(n for _, n in listed[limit_groups:]):,} files)")
        g.append("Next below the cut:")
        g += [f"- #{c.rank} {c.path} ({c.whole_tokens:,} tokens whole): {c.reason}" for c in omitted[:next_below]]
        blocks.append(g)
    return blocks


def compress_all(scanned: Scanned, counter, load) -> tuple[Collection, FitReport]:
    plan = _Plan(scanned, counter, load, None)
    for p in plan.status:
        plan.status[p] = "signatures"
    return plan.collection(), FitReport("compress", None, plan.choices())


def fit(scanned: Scanned, counter, load, intent: str, evidence: Evidence, budget: int, compile_with):
    """The best book for ``intent`` within ``budget`` tokens.

    ``compile_with(collection, summary_blocks)`` compiles and settles a book (the pipeline);
    returns (compiled, report). When even the book with every file omitted is over the
    budget, that book is returned as it is and the budget gate refuses it."""
    plan = _Plan(scanned, counter, load, lambda files: rank_files(files, intent, evidence))

    def build(rounds: int):
        report = FitReport("fit", budget, plan.choices(), rounds)
        return compile_with(plan.collection(), summary_blocks(report)), report

    empty, report = build(1)
    room = budget - empty.measures.total
    if room <= 0:
        return empty, report
    _fill(plan, room)
    compiled, best, promoted = empty, None, 0
    for rounds in range(2, MAX_ROUNDS + 2):
        compiled, report = build(rounds)
        over = compiled.measures.total - budget
        if over <= 0:
            best = (compiled, report)
            if promoted >= 2 or not _promote(plan, -over):
                return best
            promoted += 1  # try the slack the plan left; if that overshoots, keep the last book under budget
        elif best is not None:
            return best
        elif not _demote(plan, over):
            break
    return best or (compiled, report)  # over: the budget gate reports what is left (a huge fixed part)


def _fill(plan: _Plan, room: int) -> None:
    """Whole for the files the intent is squarely about (within a share of the room), then
    signatures in rank order, then whatever room is left turns signatures whole, in rank order."""
    whole_left = int(room * WHOLE_SHARE)
    top = max((r.focus for r in plan.ranked), default=0.0)
    focused = sorted((r for r in plan.ranked if top > 0 and r.focus >= FOCUS_CUT * top),
                     key=lambda r: (-r.focus, r.rank))
    for r in focused:
        c = plan.cost(r.path, "whole")
        if c <= whole_left and c <= room:
            plan.status[r.path] = "whole"
            whole_left -= c
            room -= c
    _promote(plan, room, margin=False)


def _promote(plan: _Plan, slack: int, margin: bool = True) -> bool:
    """Use ``slack`` tokens: omitted files as signatures, then signatures whole, each in rank
    order. True when anything changed."""
    room, changed = slack - (max(32, slack // 20) if margin else 0), False
    for step, (before, after) in enumerate((("omitted", "signatures"), ("signatures", "whole"))):
        for r in plan.ranked:
            if plan.status[r.path] != before:
                continue
            c = plan.cost(r.path, after) - plan.cost(r.path, before)
            if c <= room:
                plan.status[r.path] = after
                room -= c
                changed = True
            elif step == 1:
                break  # whole files stay in rank order: no jumping the queue with small ones
    return changed


def _demote(plan: _Plan, over: int) -> bool:
    """Free at least ``over`` tokens (and a little more) from the lowest-ranked files."""
    need = over + max(16, over // 10)
    for r in reversed(plan.ranked):
        st = plan.status[r.path]
        if st == "omitted":
            continue
        nxt = "signatures" if st == "whole" and plan.sig[r.path] < plan.whole[r.path] else "omitted"
        need -= plan.cost(r.path, st) - plan.cost(r.path, nxt)
        plan.status[r.path] = nxt
        if need <= 0:
            return True
    return need <= 0 or any(st != "omitted" for st in plan.status.values())
