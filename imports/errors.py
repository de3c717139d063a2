"""Expected failures, each carrying the exit code DESIGN.md assigns to it.

Library code raises these; only ``imports.cli`` turns them into output and exit codes.
"""

from __future__ import annotations


class PromptFooError(Exception):
    """A refusal or failure the user can act on: exit 1, nothing written."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n{self.hint}"


class UsageProblem(PromptFooError):
    """Bad invocation or configuration: exit 2."""

    exit_code = 2


class BudgetExceeded(PromptFooError):
    """The book is larger than --budget: exit 3, nothing emitted."""

    exit_code = 3


class SealDrift(PromptFooError):
    """A figurate seal no longer matches its ledger: exit 4, nothing emitted or stamped."""

    exit_code = 4


class SecretsFound(PromptFooError):
    """Credential shapes found in the book: exit 5, nothing emitted."""

    exit_code = 5


class Untrusted(PromptFooError):
    """The manifest's commands, URLs or outside paths are not trusted yet: exit 6, nothing run or emitted."""

    exit_code = 6


EXIT_CODES_HELP = """\b
Exit codes:
  0  done
  1  refused or failed; nothing was written
  2  usage error
  3  over the token budget; nothing emitted
  4  seal drift; nothing emitted or stamped
  5  secrets found; nothing emitted
  6  untrusted manifest: its commands, URLs or outside paths were not run; nothing emitted"""
