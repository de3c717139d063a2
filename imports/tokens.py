"""Token counting: which encoding, exact counts, and a persistent content-keyed cache.

Encoding choice (DESIGN.md): ``o200k_base`` (the encoding of current OpenAI models) unless
the user asks for ``cl100k_base``. Both vocabularies ship inside the package (``vocab/``,
checked against the sha256 tiktoken pins), and tiktoken builds the encoder from them, so a
count never touches the network: no first-run download, no hang behind a dead proxy, and
the same counts offline as online. Word counts are never used.

Exact totals without re-tokenizing the whole book: tiktoken first splits text with a
regex into pieces, and BPE never merges across pieces. A position right after "\\n"
whose next character is neither whitespace nor "/" always starts a new piece in both
o200k and cl100k, so a text split at such positions has a token count equal to the sum
of its parts. ``count_exact`` splits at every "\\n--- START: " (each book section and
file block), counts the parts through the cache, and adds them up; the test suite
checks the identity against a whole-text encode.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import xxhash

from .atomic import write_atomic
from .errors import UsageProblem
from .vocab import BUNDLED

PREFERRED = "o200k_base"
SPLIT_MARK = "\n--- START: "
_LOADED: dict[str, object] = {}  # one encoder per process and name: building one costs ~0.3 s


@dataclass(frozen=True)
class EncodingInfo:
    name: str  # the encoding actually used, e.g. "o200k_base"
    note: str | None = None  # kept for the Summary line's shape; bundled encodings need none

    def describe(self) -> str:
        return self.name if not self.note else f"{self.name} ({self.note})"


def load_bundled(name: str):
    """A tiktoken ``Encoding`` for ``name`` built from the bundled vocabulary, offline."""
    if name in _LOADED:
        return _LOADED[name]
    import tiktoken  # imported lazily: ~0.1 s, and --help must stay fast

    folder = resources.files(__package__) / "vocab"
    blob = (folder / f"{name}.tiktoken").read_bytes()
    if hashlib.sha256(blob).hexdigest() != BUNDLED[name]:
        raise UsageProblem(
            f"the bundled {name} vocabulary is damaged (its sha256 is not tiktoken's)",
            hint="Reinstall prompt-foo-loom; counts would not be the model's counts.",
        )
    ranks = {base64.b64decode(tok): int(rank) for tok, rank in (ln.split() for ln in blob.splitlines() if ln)}
    meta = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
    enc = tiktoken.Encoding(name=name, pat_str=meta["pat_str"], mergeable_ranks=ranks,
                            special_tokens=meta["special_tokens"])
    _LOADED[name] = enc
    return enc


class Encoder:
    """Names the encoding at once and loads it lazily; a fully cached compile never loads it."""

    def __init__(self, requested: str | None, state_dir: Path | None = None):
        self.requested = requested
        self._encoding = None
        name = PREFERRED if requested in (None, "", "auto") else requested
        if name not in BUNDLED:
            raise UsageProblem(
                f"encoding {requested!r} is not one prompt-foo can count offline",
                hint=f"Use auto ({PREFERRED}), {PREFERRED} or cl100k_base; both are bundled.",
            )
        self._info = EncodingInfo(name)

    @property
    def info(self) -> EncodingInfo:
        return self._info

    def encoding(self):
        if self._encoding is None:
            self._encoding = load_bundled(self._info.name)
        return self._encoding


class TokenCache:
    """Token counts keyed by xxh3-128 of (encoding, text), persisted as one JSON file."""

    def __init__(self, path: Path | None):
        self.path = path
        self.counts: dict[str, int] = {}
        self.dirty = False
        self.note: str | None = None
        if path is not None and path.exists():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                if not isinstance(data, dict) or not all(isinstance(v, int) for v in data.values()):
                    raise ValueError("unexpected shape")
                self.counts = data
            except (OSError, ValueError) as exc:
                self.note = f"token cache {path} was unreadable ({exc}); discarded"
                self.counts = {}

    def save(self) -> None:
        if not self.dirty or self.path is None:
            return
        try:
            write_atomic(self.path, json.dumps(self.counts, separators=(",", ":")))
            self.dirty = False
        except OSError:
            pass  # a cache that cannot be written only costs time


class TokenCounter:
    """Counts tokens through the cache, batching misses over both cores."""

    def __init__(self, encoder: Encoder, cache: TokenCache, threads: int = 2):
        self.encoder = encoder
        self.cache = cache
        self.threads = threads
        self.hits = 0
        self.misses = 0
        # The same string objects are counted twice per compile (as a file, then as part of
        # its Codebase block); remembering them by identity saves hashing megabytes again.
        self._seen: dict[int, tuple[str, int]] = {}

    @property
    def encoding_name(self) -> str:
        return self.encoder.info.name

    def _key(self, text: str) -> str:
        h = xxhash.xxh3_128(self.encoding_name.encode())
        h.update(text.encode("utf-8", "surrogatepass"))
        return h.hexdigest()

    def count_many(self, texts: list[str]) -> list[int]:
        """Counts for each text, tokenizing only the ones not cached, in one batch."""
        result: list[int] = [0] * len(texts)
        rest: list[int] = []
        for i, t in enumerate(texts):
            known = self._seen.get(id(t))
            if known is not None and known[0] is t:
                result[i] = known[1]
            else:
                rest.append(i)
        self.hits += len(texts) - len(rest)
        if rest:
            for i, n in zip(rest, self._count_many([texts[i] for i in rest])):
                result[i] = n
                if len(texts[i]) > 4096:
                    self._seen[id(texts[i])] = (texts[i], n)
        return result

    def forget(self, texts: list[str]) -> None:
        """Drop these texts from the by-identity memo (so a scan that counts and moves on
        does not keep every file alive: --fit's memory follows the book, not the repository)."""
        for t in texts:
            self._seen.pop(id(t), None)

    def _count_many(self, texts: list[str]) -> list[int]:
        keys = [self._key(t) for t in texts]
        result: list[int | None] = [self.cache.counts.get(k) for k in keys]
        missing = [i for i, r in enumerate(result) if r is None]
        self.hits += len(texts) - len(missing)
        if missing:
            self.misses += len(missing)
            enc = self.encoder.encoding()
            unique: dict[str, int] = {}
            for i in missing:
                unique.setdefault(keys[i], i)
            batch = [texts[i] for i in unique.values()]
            if len(batch) > 1 and self.threads > 1:
                lengths = [len(x) for x in enc.encode_ordinary_batch(batch, num_threads=self.threads)]
            else:
                lengths = [len(enc.encode_ordinary(x)) for x in batch]
            for key, n in zip(unique, lengths):
                self.cache.counts[key] = n
            self.cache.dirty = True
            result = [self.cache.counts[k] for k in keys]
        return result  # type: ignore[return-value]

    def count(self, text: str) -> int:
        return self.count_many([text])[0]

    def count_exact(self, text: str) -> int:
        """The exact token count of ``text``, summed over cache-friendly parts."""
        return sum(self.count_many(split_at_boundaries(text)))

    def count_segments(self, segments: list[str]) -> int:
        """The exact token count of ``"".join(segments)``: joins that are not piece
        boundaries are merged first, so the sum equals a whole-text encode."""
        return sum(self.count_many(merge_unsafe_joins(segments)))

    def encode_full(self, text: str) -> int:
        """A whole-text encode, uncached: used to verify ``count_exact``."""
        return len(self.encoder.encoding().encode_ordinary(text))


def is_safe_join(left: str, right: str) -> bool:
    """True when tiktoken's pre-tokenizer must start a new piece between the two texts."""
    return left.endswith("\n") and bool(right) and not right[0].isspace() and right[0] != "/"


def merge_unsafe_joins(segments: list[str]) -> list[str]:
    """Concatenate neighbours whose join is not a guaranteed piece boundary."""
    out: list[str] = []
    for seg in segments:
        if not seg:
            continue
        if out and not is_safe_join(out[-1], seg):
            out[-1] += seg
        else:
            out.append(seg)
    return out


def split_at_boundaries(text: str) -> list[str]:
    """Split before each "--- START: " that begins a line (a guaranteed piece boundary)."""
    parts: list[str] = []
    start = 0
    while True:
        i = text.find(SPLIT_MARK, start)
        if i < 0:
            break
        parts.append(text[start : i + 1])  # keep the "\n" with the left part
        start = i + 1
    parts.append(text[start:])
    return [p for p in parts if p]


def open_counter(requested: str | None, state_dir: Path, *, persist: bool = True) -> TokenCounter:
    """A counter for ``requested`` (None/"auto" = o200k_base)."""
    encoder = Encoder(requested, state_dir)
    name = encoder.info.name
    cache = TokenCache(state_dir / f"tokens-{name}.json" if persist else None)
    return TokenCounter(encoder, cache)


def approx_words(n_tokens: int) -> int:
    """A plain-words reading of a token count (≈0.75 English words a token)."""
    return int(n_tokens * 0.75)
