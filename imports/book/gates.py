"""Gates between a compiled book and the outside world: the token budget and secrets.

Each raises (BudgetExceeded, exit 3; SecretsFound, exit 5) before anything is emitted.
"""

from __future__ import annotations

from ..errors import BudgetExceeded, SecretsFound
from pathlib import Path

from .secrets import Finding, allowed, describe_how_to_allow
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
    raise BudgetExceeded("\n".join(lines),
                         hint="Drop or comment out entries in foo_files.py, add --exclude globs, raise --budget, "
                              "or let --fit choose the most relevant files that fit.")


def check_secrets(parts: list[tuple[str, str]], allow_globs: list[str],
                  memo_folder: Path | None = None) -> list[Finding]:
    """Refuse on any credential shape not deliberately allowed; returns the allowed ones.
    Texts found clean before (same content, same rules) are not scanned again."""
    findings = scan_parts(parts, memo_folder)
    texts = dict(parts)
    blocked, passed = [], []
    for f in findings:
        (passed if allowed(f, allow_globs, _line(texts.get(f.label, ""), f.line)) else blocked).append(f)
    if blocked:
        lines = [f"{len(blocked)} credential-shaped string{'s' if len(blocked) != 1 else ''} found; nothing was emitted:"]
        lines += [f"  {f.label}:{f.line}: {f.kind}: {f.excerpt}" for f in blocked]
        raise SecretsFound("\n".join(lines), hint=describe_how_to_allow())
    return passed


def _line(text: str, n: int) -> str:
    lines = text.split("\n")
    return lines[n - 1] if 0 < n <= len(lines) else ""
