"""What `--fit` and `--compress` need from each file, computed once per content and cached.

For every file: its signature view (``compress``), the names it defines and the identifiers
it uses (the two ends of the reference graph in ``rank``). The cache is keyed, like token
counts, by xxh3-128 of the content plus what the result depends on (the grammar and this
module's version), and persisted as one JSON file beside the token cache.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import xxhash

from ..atomic import write_atomic
from .compress import grammar_for, signatures

VERSION = "fit-2"  # bump when signatures or identifier extraction change: old entries then miss
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,}")
# Words every program uses: as edges of the reference graph they would only add noise.
_COMMON = frozenset("""
and the for not def class return import from self None True False null true false this function
const let var func type struct impl pub use mod int str bool float string void new public private
protected static final else elif while with try except raise async await yield lambda pass break
continue package interface extends implements throws throw catch case switch default nil err
""".split())
_MAX_USES = 3000  # a file using more distinct names is a data file; the rest add nothing to its rank


@dataclass(frozen=True)
class Analysis:
    signatures: str
    method: str  # how the signatures were made: "tree-sitter python", "plain (headings)" …
    defines: tuple[str, ...]
    uses: str  # distinct identifiers, sorted, space-separated (one string: compact for 50,000 files)


def _kind(path: str) -> str:
    """What besides the text decides the result: the grammar, or the plain fallback's flavour."""
    grammar = grammar_for(path)
    if grammar:
        return grammar
    return "markdown" if path.lower().endswith((".md", ".markdown", ".mdx")) else "plain"


# Prose and data files mention words, not names: only code files are edges of the graph.
_CODE_SUFFIXES = frozenset(".c .h .cc .cpp .hpp .cs .rb .php .kt .kts .scala .swift .m .sh .bash .lua .pl .ex .exs "
                           ".erl .hs .ml .clj .dart .r .jl .vue .svelte .zig .nim .ipynb".split())


def _is_code(path: str) -> bool:
    dot = path.rfind(".")
    return grammar_for(path) is not None or (dot >= 0 and path[dot:].lower() in _CODE_SUFFIXES)


def analyse(path: str, text: str) -> Analysis:
    sig = signatures(path, text)
    uses = sorted({w for w in _IDENT.findall(text) if w not in _COMMON})[:_MAX_USES] if _is_code(path) else []
    return Analysis(sig.text, sig.method, sig.defines, " ".join(uses))


class AnalysisCache:
    """Analyses keyed by content hash; ``save`` writes only when something new was computed."""

    def __init__(self, folder: Path | None):
        self.path = folder / f"analysis-{VERSION}.json" if folder is not None else None
        self.entries: dict[str, list] = {}
        self.dirty = False
        self.hits = self.misses = 0
        if self.path is not None and self.path.exists():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                self.entries = data if isinstance(data, dict) else {}
            except (OSError, ValueError):
                self.entries = {}  # a damaged cache only costs time

    def get(self, path: str, text: str) -> Analysis:
        kind = _kind(path)
        h = xxhash.xxh3_128(f"{VERSION}\0{kind}\0".encode())
        h.update(text.encode("utf-8", "surrogatepass"))
        key = h.hexdigest()
        row = self.entries.get(key)
        if isinstance(row, list) and len(row) == 4:
            self.hits += 1
            return Analysis(row[0], row[1], tuple(row[2].split()), row[3])
        self.misses += 1
        result = analyse(path, text)
        self.entries[key] = [result.signatures, result.method, " ".join(result.defines), result.uses]
        self.dirty = True
        return result

    def save(self) -> None:
        if not self.dirty or self.path is None:
            return
        try:
            write_atomic(self.path, json.dumps(self.entries, separators=(",", ":")))
            self.dirty = False
        except OSError:
            pass  # a cache that cannot be written only costs time
