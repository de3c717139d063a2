"""[tool.prompt-foo] in the repository's pyproject.toml: every key, its check, read once.

``KEYS`` is the one list of settings: adding one is one line (name, check, what it expects).
The table is read and checked once when the workspace opens (config.open_workspace); a value
of the wrong shape is a usage error when a command asks for that key (so a typo in a compile
setting never stops foo-apply), and a key not listed here is a warning, never a failure (a
setting of a newer version, or a typo: the warning names the nearest known key).
Checks here are about shape; meaning (does the posts folder exist, does a glob compile) is
checked where the value is used.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from .errors import UsageProblem


def _text(v) -> bool:
    return isinstance(v, str)


def _positive_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 1


def _seconds(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0


def _strings(v) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


def _identifier(v) -> bool:
    return isinstance(v, str) and v.isidentifier()


def _table(v) -> bool:
    return isinstance(v, dict)


def _one_of(*choices: str) -> Callable[[object], bool]:
    return lambda v: v in choices


@dataclass(frozen=True)
class Key:
    check: Callable[[object], bool]
    expected: str  # completes "expected …" in the error message


KEYS: dict[str, Key] = {
    "encoding": Key(_one_of("auto", "o200k_base", "cl100k_base"), 'one of "auto", "o200k_base", "cl100k_base"'),
    "budget": Key(_positive_int, "a whole number of tokens, at least 1"),
    "exclude": Key(_strings, 'a list of glob strings, e.g. exclude = ["docs/legacy/**"]'),
    "allow_secrets": Key(_strings, 'a list of glob strings, e.g. allow_secrets = ["tests/fixtures/*.pem"]'),
    "chop": Key(_identifier, 'the name of a chop in foo_files.py, e.g. chop = "AI_PHOOEY_CHOP"'),
    "posts": Key(_text, 'a folder relative to the repository root, e.g. posts = "_posts"'),
    "base_url": Key(_text, 'the blog\'s address, e.g. base_url = "https://example.org"'),
    "command_timeout": Key(_seconds, "a positive number of seconds"),
    "url_timeout": Key(_seconds, "a positive number of seconds"),
    "release": Key(_table, "a table, [tool.prompt-foo.release] (see README: Releasing)"),
    "seals": Key(_table, "a table, [tool.prompt-foo.seals] (see README: Seals)"),
}


class Settings(Mapping):
    """The checked [tool.prompt-foo] table; reads like a dict. ``warnings`` lists unknown keys."""

    def __init__(self, table: dict, where: str):
        self._table = dict(table)
        self.where = where  # e.g. "myrepo/pyproject.toml", for messages
        self._problems: dict[str, str] = {}
        self.warnings: list[str] = []
        for key, value in self._table.items():
            spec = KEYS.get(key)
            if spec is None:
                near = difflib.get_close_matches(key, KEYS, n=1)
                also = f" (did you mean {near[0]!r}?)" if near else ""
                self.warnings.append(f"[tool.prompt-foo] {key} in {where}: not a known setting{also}")
            elif not spec.check(value):
                self._problems[key] = (f"[tool.prompt-foo] {key} = {value!r} in {where}: "
                                       f"expected {spec.expected}")

    def __getitem__(self, key: str):
        if key in self._problems:
            raise UsageProblem(self._problems[key], hint="Fix the setting in pyproject.toml, or remove it.")
        # An unlisted key is still handed to code that asks for it (a feature whose line in KEYS
        # is missing keeps working); nothing asks for a typo, so it is ignored in effect.
        return self._table[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)
