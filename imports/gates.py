"""Gates between a compiled book and the outside world: the token budget and secrets.

Each raises (BudgetExceeded, exit 3; SecretsFound, exit 5) before anything is emitted.
"""

from __future__ import annotations

from .errors import BudgetExceeded, SecretsFound
from .secrets import Finding, scan_text


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
                         hint="Drop or comment out entries in foo_files.py, add --exclude globs, or raise --budget.")


def scan_book_parts(parts: list[tuple[str, str]]) -> list[Finding]:
    """Findings in each (label, text) part; line numbers are within that part."""
    found: list[Finding] = []
    for label, text in parts:
        if text:
            found.extend(scan_text(label, text))
    return found


def check_secrets(parts: list[tuple[str, str]], allow_globs: list[str]) -> list[Finding]:
    """Refuse on any credential shape not deliberately allowed; returns the allowed ones."""
    from . import secrets as sec  # the allow mechanism lives beside the patterns

    findings = scan_book_parts(parts)
    allowed_fn = getattr(sec, "allowed", None)
    texts = dict(parts)
    blocked, allowed = [], []
    for f in findings:
        line_text = _line(texts.get(f.label, ""), f.line)
        if allowed_fn is not None and allowed_fn(f, allow_globs, line_text):
            allowed.append(f)
        else:
            blocked.append(f)
    if blocked:
        lines = [f"{len(blocked)} credential-shaped string{'s' if len(blocked) != 1 else ''} found; nothing was emitted:"]
        lines += [f"  {f.label}:{f.line}: {f.kind}: {f.excerpt}" for f in blocked]
        how = getattr(sec, "describe_how_to_allow", None)
        raise SecretsFound("\n".join(lines), hint=how() if how else None)
    return allowed


def _line(text: str, n: int) -> str:
    lines = text.split("\n")
    return lines[n - 1] if 0 < n <= len(lines) else ""
