"""parse → plan → verify → write, as one call returning a report the CLI can render."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from ..canary import CanaryReport, inspect_reply
from . import journal
from .lock import repo_lock
from .parse import parse
from .plan import BlockResult, FileChange, plan
from .verify import Finding, verify


@dataclass
class Report:
    status: str  # applied | already-applied | nothing | refused | undone | dry-run
    root: Path
    results: list[BlockResult] = field(default_factory=list)
    changes: list[FileChange] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    canary: CanaryReport = field(default_factory=lambda: CanaryReport(False))
    messages: list[str] = field(default_factory=list)
    diff: str = ""
    undone: list[dict] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.status == "refused" else 0


def _decode(data: bytes | None) -> list[str]:
    if data is None:
        return []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return text.splitlines(keepends=True)


def unified_diff(changes: list[FileChange]) -> str:
    """One unified diff for every change (the --dry-run output)."""
    out = []
    for c in changes:
        a = "/dev/null" if c.before is None else f"a/{c.rel}"
        b = "/dev/null" if c.after is None else f"b/{c.rel}"
        for line in difflib.unified_diff(_decode(c.before), _decode(c.after), a, b):
            out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def recovery_hint(root: Path, state: str = "writing") -> str:
    if state == "undoing":
        return (f"A previous foo-apply --undo was interrupted ({journal.journal_dir(root)}). "
                f"Run `foo-apply --undo --root {root}` (or `python apply.py --undo`) to finish "
                "it, then apply the reply again.")
    return (f"A previous foo-apply was interrupted while writing ({journal.journal_dir(root)}). "
            f"Run `foo-apply --undo --root {root}` (or `python apply.py --undo`) to restore "
            "the files it had written, then apply the reply again.")


def apply_reply(reply: str, root: Path, *, strict: bool = False,
                dry_run: bool = False) -> Report:
    """Apply ``reply`` under ``root`` all or nothing (or only diff it, with ``dry_run``)."""
    if dry_run:
        return _apply(reply, root, strict, dry_run)
    # Read, plan and write under one lock: a second run plans on the first one's result.
    with repo_lock(journal.journal_dir(root)):
        return _apply(reply, root, strict, dry_run)


def _apply(reply: str, root: Path, strict: bool, dry_run: bool) -> Report:
    report = Report("nothing", root)
    report.canary = inspect_reply(reply)
    if report.canary.damage or not report.canary.present:
        report.messages.append(report.canary.describe())
    stale = journal.interrupted(root)
    if stale is not None:
        report.messages.append(recovery_hint(root, stale.get("state", "writing")))
        if not dry_run:
            report.status = "refused"
            return report
    blocks = parse(reply)
    if not blocks:
        report.messages.append("no SEARCH/REPLACE, WRITE_FILE or patch blocks in the reply")
        return report
    digest = journal.reply_digest(reply)
    if journal.last_applied_unchanged(root, digest):
        # Blocks such as deletions leave nothing to recognise; the journal remembers them.
        report.status = "already-applied"
        report.messages.append("this reply was applied by the last foo-apply run, and "
                               "nothing it wrote has changed since")
        return report
    result = plan(blocks, root, strict=strict, canary_damage=report.canary.damage)
    report.results = result.results
    report.changes = result.changes
    report.findings = verify(result.changes)
    if result.refused or any(f.refused for f in report.findings):
        report.status = "refused"
        return report
    if not result.changes:
        report.status = "already-applied"
        return report
    if dry_run:
        report.status = "dry-run"
        report.diff = unified_diff(result.changes)
        return report
    journal.apply_changes(root, result.changes, digest)
    report.status = "applied"
    return report


def undo_last(root: Path) -> Report:
    """Restore the pre-images of the last application."""
    report = Report("undone", root)
    with repo_lock(journal.journal_dir(root)):
        report.undone = journal.undo(root)
    return report
