"""`foo-apply` / `python apply.py`: apply a model's reply to the repository, all or nothing."""

from __future__ import annotations

import codecs
import json
import sys
from pathlib import Path

import click

from ..canary import inspect_reply
from ..config import find_git_root, read_settings
from ..errors import PromptFooError, UsageProblem
from ..patches.run import Report, apply_reply, undo_last
from .. import __version__
from .common import reports_errors, see_also, stderr_console

def _read_reply(reply: str | None, clipboard: bool) -> str:
    if clipboard:
        if reply is not None:
            raise UsageProblem("give either REPLY or --clipboard, not both")
        try:
            from ..clipboard import paste  # lazy: only this branch needs a clipboard
        except ImportError:
            raise PromptFooError("clipboard support (imports/clipboard.py) is not available",
                                 hint="Save the reply to a file and pass its path.") from None
        return paste()
    if reply == "-" or (reply is None and not sys.stdin.isatty()):
        data = sys.stdin.buffer.read()
    elif reply is None:
        raise UsageProblem("no reply given", hint="Pass a file, '-' for stdin, or --clipboard.")
    else:
        try:
            data = Path(reply).read_bytes()
        except OSError as exc:
            raise UsageProblem(f"cannot read {reply}: {exc.strerror}") from None
    return _decode_reply(data)


def _decode_reply(data: bytes) -> str:
    """The reply's text: UTF-8, or UTF-16 with a BOM; never with replacement characters."""
    # Notepad saves UTF-8 with a BOM; PowerShell 5 redirects write UTF-16 with one.
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    try:
        return data.decode("utf-16" if utf16 else "utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise PromptFooError(f"the reply is not UTF-8 text: byte 0x{data[exc.start]:02x} on "
                             f"reply line {line}",
                             hint="Save or copy the reply as UTF-8 and run again.") from None


def _root(base: Path) -> Path:
    """The git root above ``base`` (else ``base``), found without reading any settings."""
    return find_git_root(base) or base.resolve()


def _settings_warnings(root: Path) -> list[str]:
    """foo-apply reads no setting, so a broken pyproject.toml (perhaps the very file the
    reply repairs) or a foreign [tool.prompt-foo] is a warning, never a reason to stop."""
    try:
        read_settings(root)
    except UsageProblem as exc:
        return [f"warning: {exc.message}; foo-apply uses its defaults"]
    return []


def _messages(report: Report) -> list[str]:
    out = list(report.messages)
    for r in report.results:
        if r.status in ("refused",):
            b = r.block
            out.append(f"block {b.n} ({r.target}, reply line {b.reply_line}): refused: {r.message}")
            out.extend("    " + d for d in r.details)
    for f in report.findings:
        out.append(f"{f.rel}: {'refused' if f.refused else 'note'}: {f.message}")
    return out


def _as_json(report: Report) -> dict:
    files = [{"path": c.rel, "action": c.action} for c in report.changes]
    if report.status == "undone":
        files = [{"path": e["path"], "action": "restored"} for e in report.undone]
    return {
        "status": report.status,
        "root": str(report.root),
        "files": files if report.status in ("applied", "dry-run", "undone") else [],
        "blocks": [
            {"n": r.block.n, "target": r.target, "reply_line": r.block.reply_line,
             "file_line": r.file_line, "status": r.status,
             "recovery": r.recovery, "message": r.message, "details": r.details}
            for r in report.results
        ],
        "canary": {"present": report.canary.present, "damage": report.canary.damage},
        "messages": _messages(report),
    }


def _human(report: Report) -> None:
    from rich.markup import escape

    console = stderr_console()
    style = {"applied": "green", "already": "cyan", "refused": "red", "not-attempted": "yellow"}
    for line in report.messages:  # the canary verdict comes before any block
        console.print(line, markup=False)
    for r in report.results:
        b = r.block
        where = f" line {r.file_line}" if r.file_line and r.status != "refused" else ""
        rec = f" [recovery: {r.recovery}]" if r.recovery else ""
        origin = f" (reply line {b.reply_line})" if r.status == "refused" else ""
        console.print(f"[{style[r.status]}]{r.status:>13}[/] "
                      + escape(f"block {b.n} {r.target}{where}{rec}{origin}: {r.message}"))
        for d in r.details:
            console.print("              " + d, markup=False)
    for f in report.findings:
        console.print(f"{f.rel}: {'refused' if f.refused else 'note'}: {f.message}", markup=False)
    summary = {
        "applied": lambda: "applied: " + ", ".join(f"{c.rel} ({c.action})" for c in report.changes),
        "already-applied": lambda: "already applied: nothing to change",
        "nothing": lambda: "nothing to do",
        "refused": lambda: "refused: nothing was written",
        "dry-run": lambda: "dry run: the diff is on stdout; nothing was written",
        "undone": lambda: "undone: " + ", ".join(e["path"] for e in report.undone),
    }[report.status]()
    console.print(summary, markup=False)


@click.command(context_settings={"help_option_names": ["-h", "--help"]}, epilog=see_also("foo-apply"))
@click.argument("reply", required=False)
@click.option("--clipboard", is_flag=True, help="Read the reply from the clipboard.")
@click.option("--dry-run", is_flag=True, help="Print the unified diff; write nothing.")
@click.option("--strict", is_flag=True, help="Exact matches only: no recovery passes.")
@click.option("--undo", is_flag=True, help="Restore the files the last application changed.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON report on stdout.")
@click.option("--no-airlock", "no_airlock", multiple=True, metavar="NAME",
              type=click.Choice(["python", "json", "toml", "nix"], case_sensitive=False),
              help="Write without this syntax check (python, json, toml, nix); repeatable. "
                   "Use it when a check cannot run here and you have checked the file.")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path),
              help="Repository root (default: the git root above the current folder).")
@click.version_option(__version__, "-V", "--version", prog_name="foo-apply")
@reports_errors
def main(reply, clipboard, dry_run, strict, undo, as_json, root, no_airlock):
    """Apply a model's SEARCH/REPLACE reply to the repository, all or nothing.

    REPLY is a file, or '-' for stdin (stdin is read when it is piped and REPLY is
    absent). Blocks may be in the bracket dialect ([[[SEARCH]]] … [[[REPLACE]]],
    [[[WRITE_FILE]]]), aider's <<<<<<< SEARCH blocks or a *** Begin Patch envelope.
    Every SEARCH must match exactly once; if any block or check fails, nothing is written.

    \b
    Examples:
      foo-apply reply.md
      xclip -o -selection clipboard | foo-apply --dry-run
      foo-apply --undo

    \b
    Exit codes: 0 applied or already applied; 1 refused, or no blocks in the reply
    (nothing written); 2 usage error.
    """
    base = root if root is not None else Path.cwd()
    if root is not None and not root.is_dir():
        raise UsageProblem(f"--root {root} is not a folder")
    workspace_root = _root(base) if root is None else root.resolve()
    warnings = _settings_warnings(workspace_root)
    if undo and (reply is not None or clipboard or dry_run):
        raise UsageProblem("--undo takes no reply and no --dry-run")
    text = None
    try:
        if undo:
            report = undo_last(workspace_root)
        else:
            text = _read_reply(reply, clipboard)
            report = apply_reply(text, workspace_root, strict=strict, dry_run=dry_run,
                                 no_airlock=frozenset(n.lower() for n in no_airlock))
    except PromptFooError as exc:
        canary = inspect_reply(text) if text is not None else None
        if not as_json or exc.exit_code == 2:
            if canary is not None and canary.damage:
                stderr_console().print(canary.describe(), markup=False)
            raise
        # The editor plugin always gets one JSON object, even for a malformed reply, and
        # the canary verdict still describes the reply (a truncated echo, lost blank lines).
        report = Report("refused", workspace_root,
                        messages=[exc.message] + ([exc.hint] if exc.hint else []))
        if canary is not None:
            report.canary = canary
            if canary.damage:
                report.messages.insert(0, report.canary.describe())
    report.messages[:0] = warnings
    if as_json:
        click.echo(json.dumps(_as_json(report), ensure_ascii=False))
    else:
        if report.status == "dry-run":
            click.echo(report.diff, nl=False)
        _human(report)
    sys.exit(report.exit_code)
