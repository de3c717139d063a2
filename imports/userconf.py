"""The user's own files, never the repository's: their config file and their state folder.

A repository is someone else's code until the user trusts it, so whatever may loosen safety
(allowed secrets, private URLs, trust records, client profiles, named blogs) is read from here.

- config: ``$PROMPT_FOO_CONFIG``, else ``$XDG_CONFIG_HOME/prompt-foo/config.toml``
  (``~/.config/prompt-foo/config.toml``). Tables, each owned by the feature that reads it:
  ``[gate]``, ``[urls]``, ``[profiles.NAME]``, ``[targets.NAME]``, ``[defaults]``.
- state: ``$PROMPT_FOO_STATE``, else ``$XDG_STATE_HOME/prompt-foo`` (``~/.local/state/prompt-foo``).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from .errors import UsageProblem


def _xdg(variable: str, fallback: str) -> Path:
    base = os.environ.get(variable) or os.path.join(os.path.expanduser("~"), fallback)
    return Path(base) / "prompt-foo"


def config_file() -> Path:
    """Where the user's config file is (it may not exist)."""
    explicit = os.environ.get("PROMPT_FOO_CONFIG")
    return Path(explicit) if explicit else _xdg("XDG_CONFIG_HOME", ".config") / "config.toml"


def state_dir() -> Path:
    """The user's state folder (created on demand by writers)."""
    explicit = os.environ.get("PROMPT_FOO_STATE")
    return Path(explicit) if explicit else _xdg("XDG_STATE_HOME", os.path.join(".local", "state"))


def load_user_config() -> dict:
    """The user's config as a dict ({} when there is no file)."""
    path = config_file()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageProblem(f"{path}: cannot be read ({exc})", hint="Fix or remove your prompt-foo config file.") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageProblem(f"{path}: not valid TOML ({exc})", hint="Fix or remove your prompt-foo config file.") from None


def user_table(name: str) -> dict:
    """One top-level table of the user's config ({} when absent); a non-table is a usage error."""
    table = load_user_config().get(name, {})
    if not isinstance(table, dict):
        raise UsageProblem(f"{config_file()}: [{name}] must be a table")
    return table
