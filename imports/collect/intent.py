"""The intent for this turn: argument text, a file, @VAR from foo_files.py, prompt.md, stdin."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import UsageProblem
from .manifest import read_string_var
from ..printable import clean_text
from ..textdata import leaves_root

DEFAULT_INTENT = ("Review the context above. Summarise what this code does, point out anything that "
                  "looks wrong, and propose the next small step as patch blocks.")


def resolve_intent(arg: str | None, root: Path, stdin=None) -> tuple[str, str]:
    """(intent text, where it came from)."""
    stdin = sys.stdin if stdin is None else stdin
    if arg == "-":
        if stdin is None:
            raise UsageProblem("PROMPT is '-' (read stdin), but stdin is closed",
                               hint="Pipe the prompt in, or give it as text or a file path.")
        return _read(stdin), "stdin"
    if arg and arg.startswith("@"):
        value = read_string_var(root, arg[1:])
        if value is None:
            raise UsageProblem(f"{arg}: no string variable {arg[1:]!r} in foo_files.py")
        return value, f"foo_files.py {arg[1:]}"
    if arg:
        path = Path(arg)
        if len(arg) < 4096 and "\n" not in arg and path.is_file():
            return path.read_text(encoding="utf-8", errors="replace"), str(arg)
        return clean_text(arg), "argument"
    prompt_md = root / "prompt.md"
    outside = prompt_md.is_file() and leaves_root(prompt_md, root)
    if prompt_md.is_file() and not outside:
        return prompt_md.read_text(encoding="utf-8", errors="replace"), "prompt.md"
    # A symlink out of the repository is never followed: it could point at ~/.netrc.
    skipped = "prompt.md skipped (a symlink outside the repository, not followed); " if outside else ""
    if stdin is not None and not stdin.isatty():
        text = _read(stdin)
        if text.strip():
            return text, skipped + "stdin"
    return DEFAULT_INTENT, skipped + "default"


def _read(stdin) -> str:
    """All of stdin as text; bytes that are not UTF-8 become U+FFFD instead of a crash later."""
    raw = getattr(stdin, "buffer", None)
    return raw.read().decode("utf-8", "replace") if raw is not None else clean_text(stdin.read())
