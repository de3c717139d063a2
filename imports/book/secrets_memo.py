"""Remembers which texts the secrets scan found clean, so unchanged files are not scanned again.

scan_text is a pure function of the text, so a clean verdict holds for any text with the same
content hash under the same rules. Only clean verdicts are kept (findings are always recomputed).
The memo file is named after a hash of secrets.py and secrets_shapes.py: changing a rule starts a fresh memo.
"""

from __future__ import annotations

import json
from pathlib import Path

import xxhash

from . import secrets
from ..atomic import write_atomic

_MAX_ENTRIES = 200_000  # a bound on the file (about 7 MB); past it the memo starts over


def _rules_version() -> str:
    rules = Path(secrets.__file__)
    return xxhash.xxh3_64_hexdigest(rules.read_bytes() + (rules.parent / "secrets_shapes.py").read_bytes())


class CleanMemo:
    """Content hashes known clean, loaded from and saved to a folder (None: in memory only)."""

    def __init__(self, folder: Path | None):
        self.path = None if folder is None else Path(folder) / f"secrets-clean-{_rules_version()}.json"
        self.clean: set[str] = set()
        self.dirty = False
        if self.path is not None and self.path.exists():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                self.clean = {h for h in data if isinstance(h, str)} if isinstance(data, list) else set()
            except (OSError, ValueError):
                self.clean = set()  # an unreadable memo only costs a rescan

    def scan(self, label: str, text: str) -> list[secrets.Finding]:
        """scan_text(label, text), skipped when this exact text was already found clean."""
        key = xxhash.xxh3_128_hexdigest(text.encode("utf-8", "surrogatepass"))
        if key in self.clean:
            return []
        found = secrets.scan_text(label, text)
        if not found:
            self.clean.add(key)
            self.dirty = True
        return found

    def save(self) -> None:
        """Write the memo atomically; a memo that cannot be written only costs time."""
        if not self.dirty or self.path is None:
            return
        if len(self.clean) > _MAX_ENTRIES:
            self.clean = set()
        try:
            write_atomic(self.path, json.dumps(sorted(self.clean), separators=(",", ":")))
            self.dirty = False
            for old in self.path.parent.glob("secrets-clean-*.json"):
                if old != self.path:
                    old.unlink(missing_ok=True)  # memos of earlier rules can never be used again
        except OSError:
            pass


def scan_parts(parts: list[tuple[str, str]], folder: Path | None) -> list[secrets.Finding]:
    """Findings in each (label, text) part, skipping texts already found clean; saves the memo."""
    memo = CleanMemo(folder)
    found = [f for label, text in parts if text for f in memo.scan(label, text)]
    memo.save()
    return found
