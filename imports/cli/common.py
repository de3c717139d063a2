"""What every command shares: turning expected failures into messages and exit codes.

The cli package is the only place that prints or exits; the rest of ``imports`` raises
``PromptFooError`` subclasses and returns data.
"""

from __future__ import annotations

import functools
import sys

import click

from ..errors import PromptFooError

# Each command labels its own messages; keyed by the cli module that defines the command.
PROGRAMS = {"compile": "prompt-foo", "apply": "foo-apply", "release": "foo-release"}


def see_also(this: str) -> str:
    """The epilog line naming the other two commands, for each command's --help."""
    others = {"prompt-foo": "compile a context book", "foo-apply": "apply the model's reply",
              "foo-release": "stamp the version and seals"}
    return "\b\nSee also: " + "; ".join(f"{name} ({what})" for name, what in others.items() if name != this)


def stderr_console():
    """A Rich console on stderr (stdout is kept for the book itself)."""
    from rich.console import Console  # lazy: keeps --help fast

    return Console(stderr=True, highlight=False, soft_wrap=True)


def report_error(exc: PromptFooError, program: str = "prompt-foo") -> None:
    label = {2: "usage error", 3: "over budget", 4: "seal drift", 5: "secrets found", 6: "untrusted"}.get(
        exc.exit_code, "refused"
    )
    click.echo(f"{program}: {label}: {exc.message}", err=True)
    if exc.hint:
        click.echo(exc.hint, err=True)


def reports_errors(fn):
    """Run a command body; an expected failure becomes a message and its exit code."""
    program = PROGRAMS.get(fn.__module__.rsplit(".", 1)[-1], "prompt-foo")

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except PromptFooError as exc:
            report_error(exc, program)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo(f"{program}: interrupted; nothing was written", err=True)
            sys.exit(130)

    return wrapper
