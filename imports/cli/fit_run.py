"""Compiling under --fit or --compress: collect every candidate, shape, compile (the pipeline)."""

from __future__ import annotations

from ..book.analysis import AnalysisCache
from ..book.fit import compress_all, fit, scan, summary_blocks
from ..book.pipeline import assert_seals, compile_book
from ..book.rank import Evidence
from ..collect.changes import changed_files
from ..collect.globs import expand_glob, is_glob
from ..collect.manifest import Entry
from ..collect.sources import collect, default_entries
from ..config import cache_dir
from ..errors import UsageProblem
from .fit_options import model_budget


_BATCH = 256  # files read, counted and analysed at a time; only their metadata is kept


def _batches(ws, entries, exclude):
    for start in range(0, len(entries), _BATCH):
        # --exclude and configured excludes apply to what manifest globs match, as without --fit
        yield collect(ws, entries[start : start + _BATCH], exclude=exclude)


def _loader(ws):
    """Read chosen files again (explicitly: the scan already decided they belong)."""
    def load(paths):
        col = collect(ws, [Entry(p, "path", origin="cli") for p in paths])
        return {s.path: s.text for s in col.sources if s.path}
    return load


def _listed(entries, paths: list[str]) -> frozenset[str]:
    """The files the manifest or -f names, a glob counting for every file it matched."""
    listed = set()
    for e in entries:
        if e.kind == "path" and e.origin in ("manifest", "cli"):
            listed.add(e.text)
            if is_glob(e.text):
                listed.update(expand_glob(e.text, paths))
    return frozenset(listed)


def fit_budget(params: dict) -> int | None:
    return model_budget(params.get("model"))


def compile_shaped(ws, counter, req, params: dict, budget: int | None, exclude: list[str], progress,
                   leave_out: set[str] | None = None):
    """The book under --fit (every tracked file a candidate) or --compress (the selection as signatures)."""
    if params.get("fit") and budget is None:
        raise UsageProblem("--fit needs a budget to fill",
                           hint="Give --budget N, --model NAME, or set [tool.prompt-foo] budget.")
    assert_seals(ws)  # drift refuses (exit 4) before scanning runs a manifest command, as compile_book does
    memo = AnalysisCache(cache_dir())
    if params.get("fit"):
        known = {e.text for e in req.entries}
        extra, skipped = default_entries(ws, exclude, leave_out)  # never the book's own -o file
        req.entries = [*req.entries, *(e for e in extra if e.text not in known)]
        scanned = scan(_batches(ws, req.entries, req.exclude), counter, memo)
        # a file the manifest's glob also left out is already among the scan's skipped: list it once
        had = set(req.skipped) | {s.label for s in scanned.col.skipped}
        req.skipped = [*req.skipped, *(s for s in skipped if s not in had and s.label not in had)]
        now, recent = changed_files(ws.root, ws.in_git)
        evidence = Evidence(manifest=_listed(req.entries, list(scanned.files)), changed_now=now,
                            changed_recent=recent)

        def compile_with(shaped, blocks):
            return compile_book(ws, counter, req, progress, col=shaped, fit_blocks=blocks)

        compiled, report = fit(scanned, counter, _loader(ws), req.prompt, evidence, budget, compile_with)
    else:
        shaped, report = compress_all(scan(_batches(ws, req.entries, req.exclude), counter, memo), counter, _loader(ws))
        compiled = compile_book(ws, counter, req, progress, col=shaped, fit_blocks=summary_blocks(report))
    memo.save()
    compiled.fit = report
    return compiled
