"""The compile's trust step: decide, before anything runs, which guarded entries may be used.

Trusted (recorded for these exact entries): all of them. --no-commands: none, listed as skipped.
--trust: show them, ask (or --yes), record. Untrusted on a terminal: show them and ask once.
Untrusted otherwise (an editor plugin, CI, a pipe): exit 6 naming the command to run.
"""

from __future__ import annotations

import sys

import click

from ..collect import trust as trust_mod
from ..errors import Untrusted, UsageProblem
from ..model import Note, Skipped
from ..printable import without_home


def _interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty() and sys.stderr.isatty()


def decide(ws, entries, options, notes: list[Note], skipped: list[Skipped]):
    """The entries to collect, after the trust step (may raise Untrusted, exit 6)."""
    trust, yes, no_commands = options
    root = ws.root
    guarded = trust_mod.guarded(entries, root)
    if trust and not guarded:
        notes.append(Note("--trust: the manifest has no commands, URLs or outside paths; nothing to trust"))
    if not guarded:
        return entries
    listing = without_home(trust_mod.describe(guarded, root))
    if no_commands:
        skipped.extend(Skipped(e.text, f"not used: --no-commands ({trust_mod.why_guarded(e, root)})") for e in guarded)
        return [e for e in entries if e not in guarded]
    if trust:
        click.echo(f"prompt-foo: these manifest entries run or read beyond {without_home(str(root))}:\n{listing}",
                   err=True)
        if not yes:
            if not _interactive():
                raise UsageProblem("--trust needs a terminal to ask on, or --yes",
                                   hint="Read the entries above, then run prompt-foo --trust --yes.")
            if not click.confirm("Trust them for this repository?", default=False, err=True):
                raise Untrusted("not trusted; nothing was run or emitted",
                                hint="Run prompt-foo --no-commands to compile without them.")
        where = trust_mod.record_trust(root, guarded)
        notes.append(Note(f"trusted {len(guarded)} manifest entries (recorded in {without_home(str(where))})"))
        return entries
    if trust_mod.is_trusted(root, guarded):
        return entries
    if _interactive():
        click.echo(f"prompt-foo: this repository's manifest wants to run or read beyond it:\n{listing}", err=True)
        if click.confirm("Trust these entries (recorded in your state folder)?", default=False, err=True):
            trust_mod.record_trust(root, guarded)
            return entries
        raise Untrusted("not trusted; nothing was run or emitted",
                        hint="Run prompt-foo --no-commands to compile without them, or --trust later.")
    raise Untrusted(
        f"{len(guarded)} manifest entr{'y' if len(guarded) == 1 else 'ies'} not trusted in this repository; "
        f"none was run or read, nothing was emitted:\n{listing}",
        hint=f"Read them, then run: cd {without_home(str(root))} && prompt-foo --trust\n"
             "(or --trust --yes in scripts; --no-commands compiles without them).")
