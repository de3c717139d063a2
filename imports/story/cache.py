"""The on-disk article index cache: one JSON file per posts folder and encoding.

An entry is trusted on (size, mtime_ns) alone, so a warm listing reads no post bodies.
Like git's index, an entry whose mtime was too close to the moment it was recorded is
"racy" (a same-size edit within the filesystem's timestamp granularity would not change
the stat), so it is re-checked by content hash (xxh3-64) on the next run. A changed stat
with an unchanged hash (a touch, a checkout) reuses the entry without re-parsing.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import xxhash

from ..config import cache_dir
from ..atomic import write_atomic

VERSION = 1
RACY_NS = 2_000_000_000  # 2 s: covers coarse (FAT, some network) filesystem timestamps


def content_hash(data: bytes) -> str:
    return xxhash.xxh3_64_hexdigest(data)


def cache_path(folder: Path, encoding: str) -> Path:
    """Where the index of ``folder`` (counted with ``encoding``) is kept."""
    key = xxhash.xxh3_64_hexdigest(str(folder.resolve()).encode("utf-8", "surrogateescape"))
    return cache_dir() / "articles" / f"{key}-{encoding}.json"


class ArticleCache:
    """Entries keyed by path relative to the posts folder: stat, hash and the parsed post."""

    def __init__(self, path: Path | None, encoding: str):
        self.path = path
        self.encoding = encoding
        self.entries: dict[str, dict] = {}
        self.note: str | None = None  # set when a cache file was unreadable and discarded
        self.dirty = False
        if path is not None and path.exists():
            self._load(path)

    def _load(self, path: Path) -> None:
        try:
            data = json.loads(path.read_bytes())
            if not isinstance(data, dict) or data.get("version") != VERSION:
                raise ValueError("unknown format version")
            if data.get("encoding") != self.encoding:
                raise ValueError("counted with another encoding")
            entries = data.get("entries")
            if not isinstance(entries, dict) or not all(_valid_entry(e) for e in entries.values()):
                raise ValueError("unexpected entry shape")
            self.entries = entries
        except (OSError, ValueError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            self.note = f"article index cache {path} was unreadable ({exc}); discarded and rebuilt"
            self.entries = {}
            self.dirty = True

    def fresh(self, rel: str, st: os.stat_result) -> dict | None:
        """The cached post for ``rel`` if its stat says it cannot have changed."""
        entry = self.entries.get(rel)
        if entry is None or entry["size"] != st.st_size or entry["mtime_ns"] != st.st_mtime_ns:
            return None
        if st.st_mtime_ns >= entry["seen_ns"] - RACY_NS:
            return None  # racily clean: verify by hash
        return entry["post"]

    def same_content(self, rel: str, digest: str) -> dict | None:
        """The cached post for ``rel`` if its content hash is unchanged."""
        entry = self.entries.get(rel)
        return entry["post"] if entry is not None and entry["hash"] == digest else None

    def put(self, rel: str, st: os.stat_result, digest: str, post: dict, seen_ns: int) -> None:
        self.entries[rel] = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "seen_ns": seen_ns,
                             "hash": digest, "post": post}
        self.dirty = True

    def keep_only(self, rels: set[str]) -> None:
        """Forget posts that were deleted or renamed away."""
        gone = [r for r in self.entries if r not in rels]
        for rel in gone:
            del self.entries[rel]
        self.dirty = self.dirty or bool(gone)

    def save(self) -> None:
        """Write atomically; a cache that cannot be written only costs time next run."""
        if not self.dirty or self.path is None:
            return
        data = {"version": VERSION, "encoding": self.encoding, "entries": self.entries}
        try:
            # ASCII escapes: a post named in non-UTF-8 is a lone surrogate, which UTF-8 cannot hold.
            write_atomic(self.path, json.dumps(data, separators=(",", ":")))
            self.dirty = False
        except OSError:
            pass


def now_ns() -> int:
    return time.time_ns()


_ENTRY_TYPES = {"size": int, "mtime_ns": int, "seen_ns": int, "hash": str, "post": dict}


def _valid_entry(entry) -> bool:
    return isinstance(entry, dict) and all(isinstance(entry.get(k), t) for k, t in _ENTRY_TYPES.items())
