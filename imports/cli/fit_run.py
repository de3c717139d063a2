"""Compiling under --fit or --compress: collect every candidate, shape, compile (the pipeline)."""

from __future__ import annotations

from ..book.analysis import AnalysisCache
from ..book.fit import compress_all, fit, summary_blocks
from ..book.pipeline import compile_book
from ..book.rank import Evidence
from ..collect.changes import changed_files
from ..collect.sources import collect, default_entries
from ..config import cache_dir
from ..errors import UsageProblem
from .fit_options import model_budget


def fit_budget(params: dict) -> int | None:
    return model_budget(params.get("model"))


def compile_shaped(ws, counter, req, params: dict, budget: int | None, exclude: list[str], progress):
    """The book under --fit (every tracked file a candidate) or --compress (the selection as signatures)."""
    memo = AnalysisCache(cache_dir())
    if params.get("fit"):
        if budget is None:
            raise UsageProblem("--fit needs a budget to fill",
                               hint="Give --budget N, --model NAME, or set [tool.prompt-foo] budget.")
        listed = frozenset(e.text for e in req.entries if e.kind == "path" and e.origin in ("manifest", "cli"))
        known = {e.text for e in req.entries}
        extra, skipped = default_entries(ws, exclude)
        req.entries = [*req.entries, *(e for e in extra if e.text not in known)]
        req.skipped = [*req.skipped, *(s for s in skipped if s not in req.skipped)]
        col = collect(ws, req.entries)
        now, recent = changed_files(ws.root, ws.in_git)
        evidence = Evidence(manifest=listed, changed_now=now, changed_recent=recent)

        def compile_with(shaped, blocks):
            return compile_book(ws, counter, req, progress, col=shaped, fit_blocks=blocks)

        compiled, report = fit(col, counter, memo, req.prompt, evidence, budget, compile_with)
    else:
        shaped, report = compress_all(collect(ws, req.entries), counter, memo)
        compiled = compile_book(ws, counter, req, progress, col=shaped, fit_blocks=summary_blocks(report))
    memo.save()
    compiled.fit = report
    return compiled
