"""Safe bounds for settings a repository may set: what its pyproject.toml can and cannot loosen.

A repository's ``[tool.prompt-foo]`` is read before the user has trusted anything, so every
value that widens what is read, run or let through is honoured only within bounds here. The
user's own config file (userconf) may loosen them freely. Pure: raw values in, values out.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field

from .credstores import is_credential_store

MAX_REPO_COMMAND_TIMEOUT = 300.0  # seconds a repository may give one `!` command
MAX_REPO_URL_TIMEOUT = 60.0
# Labels no repository glob may cover: anything but a plain repository path.
_PROBES = ("zz9-unrelated/qq8-probe.zz9", "qq8-probe.zz9", "Prompt", "Manifest", "Summary",
           "! probe", "https://probe.invalid/x", "~/probe", "/etc/probe")


@dataclass(frozen=True)
class Effective:
    command_timeout: float | None = None  # None: the built-in default
    url_timeout: float | None = None
    repo_allow: tuple[str, ...] = ()  # allow_secrets globs from the repository (repository files only)
    user_allow: tuple[str, ...] = ()  # from the user's config: anywhere
    allow_private_urls: bool = False  # loopback and private ranges, only from the user's config
    notes: tuple[str, ...] = field(default=())  # what was bounded, for the Summary's log


def effective(repo: dict, user: dict) -> Effective:
    """The values to use, from the repository's raw settings and the user's whole config dict."""
    notes: list[str] = []
    gate, urls, commands = (_table(user, k) for k in ("gate", "urls", "commands"))
    command_timeout = _number(commands.get("timeout")) or _capped(repo, "command_timeout", MAX_REPO_COMMAND_TIMEOUT, notes)
    url_timeout = _number(urls.get("timeout")) or _capped(repo, "url_timeout", MAX_REPO_URL_TIMEOUT, notes)
    repo_allow = []
    for glob in _strings(repo.get("allow_secrets")):
        why = too_wide(glob)
        if why:
            notes.append(f"[tool.prompt-foo] allow_secrets {glob!r} ignored: {why} "
                         "(only your own config file may allow that)")
        else:
            repo_allow.append(glob)
    return Effective(command_timeout, url_timeout, tuple(repo_allow), tuple(_strings(gate.get("allow_secrets"))),
                     gate_bool(urls.get("allow_private")), tuple(notes))


def too_wide(glob: str) -> str | None:
    """Why a repository's allow_secrets glob is refused, or None when it is a bounded path glob."""
    if not glob.strip():
        return "empty"
    hits = [p for p in _PROBES if fnmatch.fnmatchcase(p, glob)]
    if hits:
        return f"it matches more than repository files (e.g. {hits[0]!r})"
    if glob.startswith(("/", "~", "!", "http:", "https:")) or ".." in glob.split("/"):
        return "it names something outside the repository"
    if is_credential_store(glob.replace("*", "x").replace("?", "x")):
        return "it names a credential store"
    return None  # credential stores are refused before the gate, whatever a glob says


def gate_bool(value) -> bool:
    return value is True


def _table(user: dict, name: str) -> dict:
    value = user.get(name, {})
    return value if isinstance(value, dict) else {}


def _strings(value) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        return None
    return float(value)


def _capped(repo: dict, key: str, cap: float, notes: list[str]) -> float | None:
    value = _number(repo.get(key))
    if value is not None and value > cap:
        notes.append(f"[tool.prompt-foo] {key} = {value:g} capped at {cap:g} s "
                     "(a repository's setting is bounded; raise it in your own config file)")
        return cap
    return value
