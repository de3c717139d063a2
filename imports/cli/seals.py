"""--check-seals, --reledger and --new-seal for the compile command: eager options that print and exit.

They work on the seals of the repository in the current folder: its own ([tool.prompt-foo.seals])
and the built-in ones."""

from __future__ import annotations

import sys

import click

from ..errors import PromptFooError, UsageProblem
from .common import report_error, stderr_console


def _run(fn, *args) -> None:
    """Run an eager action with the same error-to-exit-code rule as every command."""
    try:
        code = fn(*args)
    except PromptFooError as exc:
        report_error(exc)
        sys.exit(exc.exit_code)
    sys.exit(code)


def catalogue():
    """The seals of the repository in the current folder (built-in only outside one)."""
    from ..config import open_workspace
    from ..project_seals import load_catalogue

    ws = open_workspace()
    return load_catalogue(ws.root, ws.settings)


def check_seals() -> int:
    """Verify the seals against their ledgers; print a table per ledger; 0 when all match, else 4."""
    from rich.table import Table

    console = stderr_console()
    checks = []
    for shelf, shelf_checks in catalogue().checks():
        title = f"{'project ' if shelf.project else ''}seals ({shelf.ledger_shown})"
        table = Table(title=title, show_edge=False, pad_edge=False)
        for col in ("seal", "ledger crc32", "actual crc32", "status"):
            table.add_column(col)
        for c in shelf_checks:
            hexed = [f"0x{v:08x}" if v is not None else "-" for v in (c.expected, c.actual)]
            table.add_row(c.name, *hexed, "drift=0" if c.ok else "[bold red]DRIFT[/]")
        console.print(table)
        checks += shelf_checks
    bad = [c for c in checks if not c.ok]
    for c in bad:
        console.print(c.report, markup=False, highlight=False)
    if bad:
        names = ", ".join(c.name for c in bad)
        console.print(f"seal drift: {names}; restore the art, or re-ledger deliberately with "
                      "--reledger NAME", style="red", markup=False)
        return 4
    console.print(f"all {len(checks)} seals match the ledger", style="green")
    return 0


def reledger(name: str, yes: bool) -> int:
    """Show the before/after art and CRCs of one seal, then write the ledger once confirmed."""
    from ..ascii_displays import UnknownSeal, plan_reledger, write_ledger

    seals = catalogue()
    try:
        shelf = seals.shelf_of(name)
        plan = plan_reledger(name, shelf)
    except UnknownSeal as exc:  # a typo on the command line is a usage error, not drift
        raise UsageProblem(f"--reledger: {exc.message}") from None
    console = stderr_console()

    def describe(label, entry, art):
        if entry is None:
            console.print(f"{label}: no ledger entry", markup=False)
            return
        console.print(f"{label}: crc32=0x{entry.crc:08x}, {entry.lines} lines x {entry.width} columns",
                      markup=False)
        if art is not None:
            console.print(art, markup=False, highlight=False, soft_wrap=True)
        else:
            console.print("  (art not recoverable from git HEAD)", markup=False)

    if not plan.changed:
        describe("ledger", plan.after, plan.after_art)
        console.print(f"{name}: the ledger already records this art; nothing to do", markup=False)
        return 0
    describe("before", plan.before, plan.before_art)
    describe("after", plan.after, plan.after_art)
    if not yes:
        if not sys.stdin.isatty():
            raise UsageProblem("--reledger changes the ledger: confirm with --yes when not interactive")
        if not click.confirm(f"Record this art as the new {name} seal?", default=False, err=True):
            console.print("not re-ledgered; nothing was written", markup=False)
            return 1
    shelf.ledger_path.parent.mkdir(parents=True, exist_ok=True)
    write_ledger(plan.text, shelf.ledger_path)
    console.print(f"{shelf.ledger_shown}: {name} is now crc32=0x{plan.after.crc:08x}", markup=False)
    return 0


def new_seal(name: str) -> int:
    """Write a starter entry for seal NAME into the project's art file (the ledger is untouched)."""
    from ..ascii_displays import write_ledger
    from ..config import open_workspace
    from ..project_seals import add_starter

    ws = open_workspace()
    path, shown, text = add_starter(ws.root, ws.settings, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_ledger(text, path)  # the same atomic replace
    console = stderr_console()
    console.print(f"{shown}: added a starter {name} seal; draw it, then record it with "
                  f"prompt-foo --reledger {name}", markup=False)
    return 0


_YES = "prompt_foo.reledger_yes"


def _check_callback(ctx, _param, value):
    if value and not ctx.resilient_parsing:
        _run(check_seals)


def _reledger_callback(ctx, _param, value):
    if value and not ctx.resilient_parsing:
        _run(reledger, value, bool(ctx.meta.get(_YES)))


def _yes_callback(ctx, _param, value):
    ctx.meta[_YES] = value


def _new_seal_callback(ctx, _param, value):
    if value and not ctx.resilient_parsing:
        _run(new_seal, value)


def seal_options(fn):
    """Adds the eager --check-seals and --reledger NAME (with --yes) options."""
    # --yes is eager and --reledger is not, so --yes is known whichever comes first.
    fn = click.option("--reledger", metavar="NAME", expose_value=False,
                      callback=_reledger_callback,
                      help="Record seal NAME's current art in the ledger, after showing before/after "
                           "(deliberate: asks, or pass --yes).")(fn)
    fn = click.option("--new-seal", metavar="NAME", expose_value=False, callback=_new_seal_callback,
                      help="Add a starter seal NAME to the art file of [tool.prompt-foo.seals].")(fn)
    fn = click.option("--check-seals", is_flag=True, expose_value=False, is_eager=True,
                      callback=_check_callback,
                      help="Verify the project's seals and the built-in ones its books use against "
                           "their ledgers, print a table, exit 0 or 4.")(fn)
    fn = click.option("--yes", is_flag=True, expose_value=False, is_eager=True, callback=_yes_callback,
                      help="Confirm --reledger without asking.")(fn)
    return fn
