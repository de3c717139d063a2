"""Runs the secrets scanner over every tracked text file of a checkout and prints findings and speed.

Usage: python benchmarks/scan_corpus.py FOLDER [FOLDER...]
Each FOLDER is a git work tree (its tracked files are scanned) or a plain folder (walked).
Exits 1 when anything is found, so it doubles as a zero-findings check on real projects.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from prompt_foo_loom.book.secrets import scan_text  # noqa: E402


def tracked(root: Path) -> list[Path]:
    """Tracked files of a work tree, or every file of an exported tree."""
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True).stdout
        return [root / p for p in out.decode().split("\0") if p]
    except subprocess.CalledProcessError:
        return sorted(p for p in root.rglob("*") if p.is_file() and ".git" not in p.parts)


def texts(root: Path) -> list[tuple[str, str]]:
    """(relative path, text) of each file that is NUL-free valid UTF-8."""
    out = []
    for path in tracked(root):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if b"\0" in data:
            continue
        try:
            out.append((path.relative_to(root).as_posix(), data.decode("utf-8")))
        except UnicodeDecodeError:
            continue
    return out


def main(folders: list[str]) -> int:
    total = 0
    for folder in folders:
        files = texts(Path(folder))
        size = sum(len(t.encode()) for _, t in files)
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            findings = [f for label, text in files for f in scan_text(label, text)]
            runs.append(time.perf_counter() - start)
        book = "\n".join(t for _, t in files)  # one big text, as the gate sees a book
        start = time.perf_counter()
        scan_text("book", book)
        whole = time.perf_counter() - start
        best = sorted(runs)[1]
        print(
            f"{folder}: {len(files)} text files, {size / 1e6:.1f} MB, {len(findings)} findings, "
            f"median {best:.3f} s per-file ({size / 1e6 / best:.0f} MB/s), {whole:.3f} s as one text"
        )
        for f in findings:
            print(f"  {f.label}:{f.line} {f.kind}: {f.excerpt}")
        total += len(findings)
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
