"""The daily controls of the compile command, in Pipulate's words (issue 15), as one option group.

Kept apart from compile.py so other option groups can be added beside it without conflicts:
``@pipulate_options`` adds the options, ``PipulateCommand`` lets ``--files a b c`` take several
paths as Pipulate's does, and ``daily_controls`` takes this group's values out of the keyword
arguments so compile.py passes them on as one value.
"""

from __future__ import annotations

from dataclasses import dataclass

import click

from ..errors import UsageProblem

FRAMES = ("full", "lean")


@dataclass(frozen=True)
class DailyControls:
    """What this option group asks of a compile (see the README's compile section)."""

    context_only: bool = False
    line_numbers: bool = False
    frame: str | None = None  # None: chosen by compile_run.choose_frame
    extra_prompt: tuple[str, ...] = ()
    extra_prompt_files: tuple[str, ...] = ()
    profile: str | None = None
    reason: str | None = None
    json: bool = False


class PipulateCommand(click.Command):
    """``--files a.py b.py`` (Pipulate's argparse nargs='+') becomes ``--files a.py --files b.py``:
    every word after --files up to the next option is a path, as in Pipulate."""

    def parse_args(self, ctx, args):
        return super().parse_args(ctx, expand_files(list(args)))


def expand_files(args: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            return out + args[i:]
        if arg != "--files":
            out.append(arg)
            i += 1
            continue
        i += 1
        taken = 0
        while i < len(args) and not (args[i].startswith("-") and args[i] != "-"):
            out += ["--files", args[i]]
            i, taken = i + 1, taken + 1
        if not taken:
            out.append("--files")  # click then says "--files requires an argument"
    return out


def pipulate_options(fn):
    """Adds --files/--slugs/--context/--context-only/--line-numbers/--frame/--extra-prompt(-file)/
    -t/--story-long/-p/--reason/--json to the compile command."""
    options = [
        click.option("--files", "files_words", multiple=True, metavar="PATH…",
                     help="Pipulate's spelling of -f: every word after it up to the next option is a path "
                          "or glob."),
        click.option("--slugs", "by_slug", is_flag=True,
                     help="Name posts in the Story by slug (the name --slug takes) instead of permalink."),
        click.option("--context", "context_word", is_flag=True, help="Pipulate's spelling of -c (context shards)."),
        click.option("--story-long", is_flag=True,
                     help="The long Story: URL, token count, description and keywords per post "
                          "(default: one dense line per post)."),
        click.option("-t", "--target", metavar="NAME",
                     help="Take the posts folder and base URL of blog NAME from [targets.NAME] in your "
                          "prompt-foo config."),
        click.option("--context-only", is_flag=True,
                     help="Leave out file bodies: the Manifest, tree and token ledger only, for "
                          "'what do you need?' turns (implies --frame lean)."),
        click.option("--line-numbers", is_flag=True,
                     help="Prefix every line of every file with 'N: ' for review (implies --frame lean: "
                          "numbered lines cannot anchor patches)."),
        click.option("--frame", type=click.Choice(FRAMES), default=None,
                     help="full: the patch-answer frame; lean: a read-only frame with no patch instructions. "
                          "Default: lean with --context-only or --line-numbers, else [defaults] frame in your "
                          "config, else full."),
        click.option("--extra-prompt", multiple=True, metavar="TEXT",
                     help="Append TEXT to the request under 'Additional instructions' (repeatable)."),
        click.option("--extra-prompt-file", multiple=True, metavar="FILE",
                     help="Append the text of FILE to the request under 'Additional instructions'."),
        click.option("-p", "--profile", metavar="NAME",
                     help="Client-safe disclosure: apply [profiles.NAME] of your config (PII substitutions "
                          "on every byte, then a denylist that refuses the book, exit 1)."),
        click.option("--reason", metavar="TEXT", help="Why this book is shared; recorded in the Summary."),
        click.option("--json", "as_json", is_flag=True,
                     help="Print a JSON result on stdout: where the book went, totals, sections, files, "
                          "skipped, missing, seals, findings."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def daily_controls(params: dict, output: str | None) -> tuple[DailyControls, list[str]]:
    """(this group's controls, --files paths) taken out of ``params``; the story options that are
    only other spellings (--context, --slugs, -t, --story-long) are left in ``params`` for the story."""
    files = list(params.pop("files_words", ()) or ())
    if params.pop("context_word", False):
        params["context_shards"] = True
    as_json = bool(params.pop("as_json", False))
    if as_json and output == "-":
        raise UsageProblem("--json and -o - both want stdout",
                           hint="Write the book with -o FILE (or to the clipboard) when asking for --json.")
    reason = params.pop("reason", None)
    if reason is not None and ("\n" in reason or not reason.strip()):
        raise UsageProblem("--reason: give one line of text, e.g. --reason 'review for ACME ticket 42'")
    controls = DailyControls(
        context_only=bool(params.pop("context_only", False)),
        line_numbers=bool(params.pop("line_numbers", False)),
        frame=params.pop("frame", None),
        extra_prompt=tuple(params.pop("extra_prompt", ()) or ()),
        extra_prompt_files=tuple(params.pop("extra_prompt_file", ()) or ()),
        profile=params.pop("profile", None),
        reason=reason,
        json=as_json,
    )
    return controls, files
