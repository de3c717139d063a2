"""What every command shares: turning expected failures into messages and exit codes.

The cli package is the only place that prints or exits; the rest of ``imports`` raises
``PromptFooError`` subclasses and returns data.
"""

from __future__ import annotations

import functools
import sys

import click

from ..errors import PromptFooError


def stderr_console():
    """A Rich console on stderr (stdout is kept for the book itself)."""
    from rich.console import Console  # lazy: keeps --help fast

    return Console(stderr=True, highlight=False, soft_wrap=True)


def report_error(exc: PromptFooError) -> None:
    label = {2: "usage error", 3: "over budget", 4: "seal drift", 5: "secrets found", 6: "untrusted"}.get(
        exc.exit_code, "refused"
    )
    click.echo(f"prompt-foo: {label}: {exc.message}", err=True)
    if exc.hint:
        click.echo(exc.hint, err=True)


def reports_errors(fn):
    """Run a command body; an expected failure becomes a message and its exit code."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except PromptFooError as exc:
            report_error(exc)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("prompt-foo: interrupted; nothing was written", err=True)
            sys.exit(130)

    return wrapper
