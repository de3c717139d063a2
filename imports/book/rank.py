"""Relevance ranking for `--fit`: which files matter most for this intent.

Two parts, as in aider's repository map. First, direct evidence gives each file a weight:
its path named in the intent, path words and defined names that match the intent's words,
the manifest, files changed in git now or recently. Second, a reference graph (file A uses
a name that file B defines: an edge A -> B) spreads that weight by PageRank with the
evidence as the personalization, so the definitions the relevant files lean on rise too.
Deterministic: files are visited in path order, ties broken by path, no randomness.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from operator import mul

from .analysis import Analysis

DAMPING = 0.85
ITERATIONS = 100
TOLERANCE = 1e-6  # per file, summed over all files (networkx's convergence test, as aider uses)
SECONDARY_WEIGHT = 0.3  # tests, docs and examples: how a thing is used, rarely how it works
MAX_DEFINERS = 30  # a name defined in more files than this (main, setup, index…) links nothing
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]+")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,}")
_PATHISH = re.compile(r"[\w.-]+(?:/[\w.-]+)+")
_STOP = frozenset("""
the and for with how does what why when where which who this that these those from into are was were
can could should would will shall may might have has had not but its it's our your their use used using
file files code make makes made get gets set sets add adds all any each some one two new old via per
about after before than then there here them they you we his her out too very just also only
""".split())
# Tests, docs and examples show how a thing is used, rarely how it works: their direct evidence weighs less.
_SECONDARY = re.compile(r"(^|/)(tests?|testing|docs?|docs_src|examples?|samples?|benchmarks?|fixtures)/"
                        r"|(^|/)test_[^/]*$|_test\.[a-z]+$|\.(test|spec)\.[a-z]+$")
_CAMEL = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


@dataclass(frozen=True)
class Evidence:
    manifest: frozenset[str] = frozenset()  # paths the manifest or --file lists
    changed_now: frozenset[str] = frozenset()  # uncommitted changes
    changed_recent: frozenset[str] = frozenset()  # touched by the last commits


@dataclass(frozen=True)
class Ranked:
    path: str
    rank: int  # 1 = most relevant (the PageRank order)
    score: float  # PageRank, personalized by the evidence
    focus: float  # the direct evidence alone: how squarely the intent is about this file
    reason: str


@dataclass
class _Why:
    weight: float = 0.0
    parts: list[str] = field(default_factory=list)

    def add(self, weight: float, text: str) -> None:
        self.weight += weight
        self.parts.append(text)


@lru_cache(maxsize=1 << 18)
def _stem(word: str) -> str:
    word = word.lower()
    for suffix in ("ies", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


@lru_cache(maxsize=1 << 18)
def subwords(name: str) -> frozenset[str]:
    """``solve_dependencies`` -> {solve, dependency}; ``getHTTPClient`` -> {get, http, client}."""
    return frozenset(_stem(w) for part in name.split("_") for w in _CAMEL.findall(part) if len(w) > 2)


def intent_terms(intent: str) -> tuple[set[str], set[str], set[str]]:
    """(path mentions, identifiers as written, stemmed words) of the intent."""
    paths = {p.strip("./") for p in _PATHISH.findall(intent)}
    idents = {w for w in _IDENT.findall(intent) if w.lower() not in _STOP}
    words = {_stem(w) for w in _WORD.findall(intent) if w.lower() not in _STOP and len(w) > 2}
    return paths, idents, words


def rank_files(files: list[tuple[str, Analysis]], intent: str, evidence: Evidence = Evidence()) -> list[Ranked]:
    """Every file, most relevant first."""
    files = sorted(files, key=lambda f: f[0])
    n = len(files)
    if not n:
        return []
    paths, idents, words = intent_terms(intent)
    path_words = [{_stem(w) for w in _WORD.findall(p)} for p, _ in files]
    def_union = [frozenset().union(*map(subwords, a.defines)) if a.defines else frozenset() for _, a in files]
    def_words = [{w for w in words if _about(w, union)} for union in def_union]
    idf = _idf(words, path_words, def_words, n)
    edges, referrers, users = _graph(files, idents)
    secondary = [bool(_SECONDARY.search(p)) for p, _ in files]
    # A change that touched most of the tree (a first commit, a mass rename) singles nothing out.
    now_weight = min(5.0, 2.5 * math.log2(n / len(evidence.changed_now))) if evidence.changed_now else 0.0
    recent_weight = min(2.0, math.log2(n / len(evidence.changed_recent))) if evidence.changed_recent else 0.0
    why = [_Why() for _ in files]
    for i, (path, a) in enumerate(files):
        w = why[i]
        if path in paths or any(path.endswith("/" + p) for p in paths):
            w.add(20.0, "named in the intent")
        hits = sorted(words & path_words[i])
        if hits:
            w.add(sum(idf[h] for h in hits), "path matches " + ", ".join(repr(h) for h in hits))
        named = sorted(idents.intersection(a.defines))
        if named:  # a name every file uses (the project's own name) says little
            w.add(sum(2.0 * math.log((n + 1) / (users.get(x, 0) + 1)) + 0.2 for x in named),
                  "defines " + ", ".join(named))
        loose = sorted(words & def_words[i])
        if loose:
            many = {h: sum(1 for d in a.defines if _about(h, subwords(d))) for h in loose}
            w.add(sum(idf[h] * min(2.0, 0.5 + 0.5 * math.log2(many[h])) for h in loose),
                  "defines " + ", ".join(f"{many[h]} name{'s' if many[h] != 1 else ''} about {h!r}" for h in loose))
        if secondary[i] and w.weight:
            w.weight *= SECONDARY_WEIGHT
        if path in evidence.manifest:
            w.add(10.0, "listed in the manifest")
        if path in evidence.changed_now and now_weight > 0:
            w.add(now_weight, "changed (uncommitted)")
        elif path in evidence.changed_recent and recent_weight > 0:
            w.add(recent_weight, "changed in recent commits")
    scores = _pagerank(n, edges, [w.weight for w in why])
    scores = [sc * SECONDARY_WEIGHT if sec else sc for sc, sec in zip(scores, secondary)]
    order = sorted(range(n), key=lambda i: (-round(scores[i], 12), files[i][0]))
    out = []
    for rank, i in enumerate(order, 1):
        parts = list(why[i].parts) or ["no direct link to the intent"]
        if secondary[i]:
            parts.append("weighed less: tests, docs or examples")
        if referrers[i]:
            parts.append(f"used by {referrers[i]:,} file{'s' if referrers[i] != 1 else ''}")
        out.append(Ranked(files[i][0], rank, scores[i], why[i].weight, "; ".join(parts)))
    return out


def _about(word: str, subs: set[str]) -> bool:
    """A defined name is about ``word`` when one of its parts is the word or starts with it
    (``depend`` -> ``dependant``, ``dependency``)."""
    return word in subs or (len(word) >= 5 and any(s.startswith(word) for s in subs))


def _idf(words: set[str], path_words: list[set[str]], def_words: list[set[str]], n: int) -> dict[str, float]:
    """Rarer intent words count more: a word in every path says nothing."""
    out = {}
    for word in words:
        df = sum(1 for p, d in zip(path_words, def_words) if word in p or word in d)
        out[word] = math.log((n + 1) / (df + 1)) + 0.1
    return out


def _graph(files: list[tuple[str, Analysis]], idents: set[str]):
    """Weighted edges user -> definer, how many other files use each file's names, and how
    many files use each identifier the intent mentions."""
    definers: dict[str, list[int]] = defaultdict(list)
    for i, (_, a) in enumerate(files):
        for name in a.defines:
            definers[name].append(i)
    edges: list[dict[int, float]] = [dict() for _ in files]
    users: list[set[int]] = [set() for _ in files]
    mentioned = dict.fromkeys(idents, 0)
    linkable = {name for name, where in definers.items() if len(where) <= MAX_DEFINERS}
    for i, (_, a) in enumerate(files):
        out = edges[i]
        used = set(a.uses.split())
        for name in idents & used:
            mentioned[name] += 1
        for name in sorted(linkable & used):  # sorted: the same sums in the same order every run
            targets = definers[name]
            weight = (10.0 if name in idents else 1.0) * (0.1 if name.startswith("_") else 1.0) / len(targets)
            for j in targets:
                if j != i:
                    out[j] = out.get(j, 0.0) + weight
                    users[j].add(i)
    return edges, [len(u) for u in users], mentioned


def _pagerank(n: int, edges: list[dict[int, float]], evidence: list[float]) -> list[float]:
    """Personalized PageRank: teleports follow the evidence (plus a little everywhere)."""
    base = [1.0 + 50.0 * e for e in evidence]
    total = sum(base)
    teleport = [b / total for b in base]
    # Incoming lists (sources, their weight shares), so each round is one C-level sum per file.
    sources: list[list[int]] = [[] for _ in range(n)]
    shares: list[list[float]] = [[] for _ in range(n)]
    has_out = [False] * n
    for i, out in enumerate(edges):
        s = sum(out.values())
        if s:
            has_out[i] = True
            for j in sorted(out):
                sources[j].append(i)
                shares[j].append(DAMPING * out[j] / s)
    linked = [j for j in range(n) if sources[j]]
    dangling_nodes = [i for i in range(n) if not has_out[i]]
    rank = list(teleport)
    for _ in range(ITERATIONS):
        dangling = sum(rank[i] for i in dangling_nodes)
        nxt = [0.0] * n
        get = rank.__getitem__
        for j in linked:
            nxt[j] = sum(map(mul, map(get, sources[j]), shares[j]))
        spread = (1 - DAMPING) + DAMPING * dangling
        for i in range(n):
            nxt[i] += spread * teleport[i]
        delta = sum(abs(a - b) for a, b in zip(nxt, rank))
        rank = nxt
        if delta < n * TOLERANCE:
            break
    return rank
