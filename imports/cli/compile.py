"""The `prompt-foo` command (also `python prompt_foo.py`): compile a context book."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

import click

from .. import __version__
from ..errors import EXIT_CODES_HELP, PromptFooError, UsageProblem
from ..printable import clean_text, without_home
from .common import reports_errors, see_also
from .fit_options import fit_options, pop_fit_params
from .pipulate_options import PipulateCommand, daily_controls, pipulate_options
from .seals import _YES as YES_KEY, seal_options
from .story import story_options

LOCK_ENV = "PROMPT_FOO_COMPILE_LOCK"


def _parse_args(pairs: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageProblem(f"--arg {pair!r}: expected KEY=VALUE, e.g. --arg module=imports/book.py")
        if "\n" in value or "\r" in value:
            raise UsageProblem(f"--arg {key}: the value spans lines; a manifest entry is one line")
        out[key] = clean_text(value)
    return out


def _command_line(argv: list[str], root: Path) -> str:
    """The invocation as it appears in the Summary, with no home directory in it."""
    home = os.path.expanduser("~")
    shown = []
    for arg in argv:
        if arg.startswith(str(root) + os.sep):
            arg = os.path.relpath(arg, root)
        elif home and home != "/" and arg.startswith(home + os.sep):
            arg = "~" + arg[len(home):]
        shown.append(arg)
    return without_home(shlex.join(["prompt-foo", *shown]))  # also --opt=~/… forms; valid UTF-8


@click.command(cls=PipulateCommand,
               context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
               epilog=EXIT_CODES_HELP + "\n\n" + see_also("prompt-foo"))
@click.argument("prompt", required=False)
@click.option("-o", "--output", metavar="FILE", help="Write the book to FILE (atomically); '-' for stdout.")
@click.option("--no-clipboard", is_flag=True, help="Do not copy the book to the clipboard.")
@click.option("--clipboard-backend", metavar="NAME", envvar="PROMPT_FOO_CLIPBOARD",
              help="Force a clipboard tool (wl-copy, xclip, xsel, pbcopy, clip.exe, osc52).")
@click.option("--chop", metavar="NAME", help="The chop (string variable) of foo_files.py to use. [AI_PHOOEY_CHOP]")
@click.option("--arg", "args", multiple=True, metavar="KEY=VALUE", help="Replace {KEY} in the chop (repeatable).")
@click.option("-f", "--file", "files", multiple=True, metavar="PATH",
              help="Add a file (repeatable); with no manifest, only these are packed.")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Leave out matching files from the default pack.")
@click.option("--tree/--no-tree", " /-n", default=True, show_default=True,
              help="Include the File Tree section (-n: Pipulate's no-tree).")
@click.option("--budget", type=click.IntRange(min=1), metavar="TOKENS",
              help="Refuse (exit 3) when the book is larger than this.")
@click.option("--encoding", envvar="PROMPT_FOO_ENCODING", metavar="NAME",
              help="tiktoken encoding, bundled and offline: auto (o200k_base), o200k_base or cl100k_base.")
@click.option("--allow-secret", "allow_secrets", multiple=True, metavar="GLOB",
              help="Let credential shapes through in sources whose label matches GLOB (deliberate).")
@click.option("--trust", "trust", is_flag=True,
              help="Show the manifest's commands, URLs and outside paths and trust them for this "
                   "repository (asks, or pass --yes).")
@click.option("--no-commands", is_flag=True, help="Compile without the manifest's commands, URLs and outside paths.")
@click.option("--strict", is_flag=True, help="Exit 1 when a manifest entry is missing.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and where the book went.")
@click.option("-v", "--verbose", is_flag=True, help="Print every processing note.")
@story_options
@pipulate_options
@fit_options
@seal_options
@click.version_option(__version__, "-V", "--version", prog_name="prompt-foo")
@reports_errors
def main(prompt, output, no_clipboard, clipboard_backend, chop, args, files, exclude, tree, budget,
         encoding, allow_secrets, strict, quiet, verbose, trust, no_commands, **story_params):
    """Compile a context book: the files your manifest (foo_files.py) names, the story so far and
    your intent, fenced and token-counted, checked for seal drift and secrets, then copied to the
    clipboard and/or written with -o.

    PROMPT is the intent: text, a file path, @VAR (a string in foo_files.py) or '-' for stdin.
    Without it: prompt.md in the repository root, else piped stdin, else a default request.

    \b
    Examples:
      prompt-foo "Why does the cache miss on renames?"
      prompt-foo -o book.md --no-clipboard prompt.md
      prompt-foo --chop CHOP_RELEASE --arg version=1.2 -l "[-5:]" --diff
    """
    if os.environ.get(LOCK_ENV):
        # A `!` command in the manifest ran the compiler again: do nothing, quietly.
        click.echo("prompt-foo: nested compile skipped (already inside a compile)", err=True)
        return
    if output == "":
        raise UsageProblem("-o '': the book needs a file name", hint="Give -o FILE, or -o - for stdout.")
    yes = bool(click.get_current_context().meta.get(YES_KEY))  # --yes (shared with --reledger)
    if trust and no_commands:
        raise UsageProblem("--trust and --no-commands contradict each other", hint="Choose one.")
    from .compile_run import run_compile  # heavy imports only after --help/--version

    controls, more_files = daily_controls(story_params, output)
    argv = sys.argv[1:]
    try:
        run_compile(
            prompt=prompt, output=output, no_clipboard=no_clipboard, clipboard_backend=clipboard_backend,
            chop=chop, args=_parse_args(args), files=list(files) + more_files, exclude=list(exclude),
            tree=tree, budget=budget, encoding=encoding, allow_secrets=list(allow_secrets), strict=strict,
            quiet=quiet, verbose=verbose, fit_params=pop_fit_params(story_params),
            story_params=story_params, argv=argv, command_line=_command_line, controls=controls,
            trust=(trust, yes, no_commands),
        )
    except PromptFooError as exc:
        if controls.json:  # a script reading stdout learns of the refusal too; stderr says it as usual
            from .json_result import json_error

            click.echo(json_error(exc))
        raise


__all__ = ["main", "PromptFooError"]
