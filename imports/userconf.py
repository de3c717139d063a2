"""The user's own files, never the repository's: their config file and their state folder.

A repository is someone else's code until the user trusts it, so whatever may loosen safety
(allowed secrets, private URLs, trust records, client profiles, named blogs) is read from here.

- config: ``$PROMPT_FOO_CONFIG``, else ``$XDG_CONFIG_HOME/prompt-foo/config.toml``, else the
  platform's config folder (platformdirs: ``~/.config/prompt-foo/config.toml`` on Linux,
  ``~/Library/Application Support/prompt-foo/`` on macOS, ``%LOCALAPPDATA%`` on Windows). Tables, each owned by the feature that reads it:
  ``[gate]``, ``[urls]``, ``[profiles.NAME]``, ``[targets.NAME]``, ``[defaults]``.
- state: ``$PROMPT_FOO_STATE``, else ``$XDG_STATE_HOME/prompt-foo``, else the platform's state
  folder (``~/.local/state/prompt-foo`` on Linux).
- cache (config.cache_dir): ``$PROMPT_FOO_CACHE``, else ``$XDG_CACHE_HOME/prompt-foo``, else the
  platform's cache folder (``~/.cache/prompt-foo``, ``~/Library/Caches/prompt-foo``, …).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from .errors import UsageProblem


def user_dir(kind: str) -> Path:
    """The user's ``kind`` folder ("cache", "config" or "state") for prompt-foo: an explicit
    ``PROMPT_FOO_<KIND>`` (for config, the file itself is named there, see config_file), else
    ``XDG_<KIND>_HOME`` on any platform, else the platform's usual place."""
    base = os.environ.get(f"XDG_{kind.upper()}_HOME")
    if base:
        return Path(base) / "prompt-foo"
    import platformdirs  # lazy: only when no override names the folder

    return Path(getattr(platformdirs, f"user_{kind}_dir")("prompt-foo", appauthor=False))


def config_file() -> Path:
    """Where the user's config file is (it may not exist)."""
    explicit = os.environ.get("PROMPT_FOO_CONFIG")
    return Path(explicit) if explicit else user_dir("config") / "config.toml"


def state_dir() -> Path:
    """The user's state folder (created on demand by writers)."""
    explicit = os.environ.get("PROMPT_FOO_STATE")
    return Path(explicit) if explicit else user_dir("state")


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
