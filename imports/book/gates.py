"""Gates between a compiled book and the outside world: the token budget and secrets.

Each raises (BudgetExceeded, exit 3; SecretsFound, exit 5) before anything is emitted.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import BudgetExceeded, SecretsFound
from .book_gate import book_pieces, is_allowed, source_of
from .secrets import Finding, describe_how_to_allow, scan_text
from .secrets_memo import scan_parts


def check_budget(compiled, budget: int | None, top: int = 10) -> None:
    """Refuse a book over ``budget`` tokens, naming what weighs the most."""
    if budget is None or compiled.measures.total <= budget:
        return
    items = sorted(compiled.facts.items, key=lambda i: (-i.tokens, i.label))[:top]
    sections = sorted(compiled.measures.sections, key=lambda s: -s[1])[:5]
    lines = [f"the book is {compiled.measures.total:,} tokens; the budget is {budget:,} "
             f"(over by {compiled.measures.total - budget:,}). Nothing was emitted.", "Largest sources:"]
    lines += [f"  {i.tokens:>10,}  {i.label}" for i in items]
    lines += ["Largest sections:"] + [f"  {n:>10,}  {name}" for name, n in sections]
    if getattr(compiled.fit, "mode", None) == "fit":  # the files are already cut to fit: the rest is fixed
        hint = ("--fit left out every file it could; what remains is the fixed part (instructions, seal, "
                "story, Manifest and Summary). Raise --budget, or drop story options such as -l, -a, --diff or --log.")
    else:
        hint = ("Drop or comment out entries in foo_files.py, add --exclude globs, raise --budget, "
                "or let --fit choose the most relevant files that fit.")
    raise BudgetExceeded("\n".join(lines), hint=hint)


def check_book(compiled, user_globs: list[str], repo_globs: list[str], entries=(),
               memo_folder: Path | None = None) -> list[Finding]:
    """Refuse on any credential shape anywhere in the finished book (labels, command lines, URLs,
    --arg values, templates, Manifest, Summary, Recapture) not deliberately allowed.
    Returns the allowed findings. Texts found clean before are not scanned again."""
    ps = book_pieces(compiled)
    findings = scan_parts([(str(i), p.text) for i, p in enumerate(ps)], memo_folder)
    manifest_lines = {e.text: f"{getattr(e, 'file', None) or 'foo_files.py'}:{e.line}"  # or the overlay file
                      for e in entries if getattr(e, "line", 0)}
    blocked, passed = [], []
    for f in findings:
        piece = ps[int(f.label)]
        line = _line(piece.text, f.line)
        named = Finding(piece.label, f.line, f.kind, f.excerpt)
        if is_allowed(named, piece, user_globs, repo_globs, line):
            passed.append(named)
        else:
            blocked.append((piece, named, line))
    if blocked:
        lines = [f"{len(blocked)} credential-shaped string{'s' if len(blocked) != 1 else ''} found; nothing was emitted:"]
        for piece, f, line in blocked:
            if piece.section == "Codebase" and piece.label != "Codebase":
                lines.append(f"  Codebase: {_shown_label(f.label)}:{f.line}: {f.kind}: {f.excerpt}")
            else:
                lines.append(f"  {piece.section} section, line {f.line}{source_of(line, manifest_lines)}: "
                             f"{f.kind}: {f.excerpt}")
        raise SecretsFound("\n".join(lines), hint=describe_how_to_allow())
    return passed


def _shown_label(label: str) -> str:
    """A source's label as the refusal may print it: a command line or URL can hold the very
    token being refused, and the refusal reaches terminals, CI logs and --json."""
    for _ in range(8):  # one credential redacted per pass
        found = scan_text("label", label)
        if not found:
            break
        label = found[0].excerpt
    return label


def _line(text: str, n: int) -> str:
    lines = text.split("\n")
    return lines[n - 1] if 0 < n <= len(lines) else ""
