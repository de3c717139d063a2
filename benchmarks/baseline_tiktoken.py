"""The plain baseline: every tracked text file, fenced, each tokenized one by one with tiktoken.

Usage (inside a git work tree): python baseline_tiktoken.py OUTPUT_FILE
git ls-files -> skip files with a NUL byte or that are not UTF-8 -> START/END fences ->
tiktoken cl100k_base (prompt-foo's bundled vocabulary) encode_ordinary per file. Prints the file count and token total.
"""

from __future__ import annotations

import subprocess
import sys

from prompt_foo_loom.tokens import load_bundled


def main(output: str) -> None:
    enc = load_bundled("cl100k_base")
    listing = subprocess.run(["git", "ls-files", "-z"], capture_output=True, check=True).stdout
    parts, files, tokens = [], 0, 0
    for path in listing.decode("utf-8", "surrogateescape").split("\0"):
        if not path:
            continue
        try:
            with open(path, "rb") as handle:
                data = handle.read()
            if b"\0" in data:
                continue
            text = data.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        count = len(enc.encode_ordinary(text))
        parts.append(f"--- START: {path} ({count} tokens) ---\n{text}\n--- END: {path} ---\n")
        files += 1
        tokens += count
    with open(output, "w", encoding="utf-8") as handle:
        handle.write("\n".join(parts))
    print(f"{files} files, {tokens} tokens")


if __name__ == "__main__":
    main(sys.argv[1])
