"""[tool.prompt-foo.release]: the version source, its followers and the stamp targets.

    [tool.prompt-foo.release]
    version_source = "pyproject.toml"                 # or "pkg/__init__.py", or a table
    followers = ["pkg/__init__.py", "flake.nix", { path = "install.sh", rule = "shell" },
                 { path = "docs/conf.py", pattern = 'release = "{version}"' }]
    tag_prefix = "v"                                  # optional

    [tool.prompt-foo.release.stamps]
    "README.md" = "white_rabbit"                      # or a list of seal names
    "install.sh" = "white_rabbit"                     # a project's own seals too

Every problem names the key it came from; nothing here reads anything but pyproject.toml.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from ..ascii_displays import FIGURATE_REGISTRY
from ..errors import UsageProblem
from .versioning import RULES, pattern_regex, rule_for

TABLE = "[tool.prompt-foo.release]"
KNOWN_KEYS = {"version_source", "followers", "stamps", "tag_prefix"}


@dataclass(frozen=True)
class VersionFile:
    path: str  # relative to the repository root, with / separators
    rule: str  # a key of versioning.RULES
    pattern: str | None = None  # for rule "pattern": one line with one {version}


@dataclass(frozen=True)
class ReleaseConfig:
    source: VersionFile
    followers: tuple[VersionFile, ...]
    stamps: tuple[tuple[str, tuple[str, ...]], ...]  # (path, seal names)
    tag_prefix: str = "v"


def _bad(key: str, what: str) -> UsageProblem:
    return UsageProblem(f"pyproject.toml {TABLE} {key}: {what}",
                        hint="See README.md, section 'Releasing', for the table's shape.")


def _rel_path(key: str, value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _bad(key, f"expected a relative file path, got {value!r}")
    path = PurePosixPath(value)
    if path.is_absolute() or ".." in path.parts:
        raise _bad(key, f"{value!r} must be relative to the repository root, without '..'")
    return path.as_posix()


def _version_file(key: str, value) -> VersionFile:
    if isinstance(value, dict):
        extra = set(value) - {"path", "rule", "pattern"}
        if extra:
            raise _bad(key, f"unknown keys {sorted(extra)} (allowed: path, rule, pattern)")
        path = _rel_path(f"{key}.path", value.get("path"))
        rule = value.get("rule")
        if "pattern" in value:
            pattern = value["pattern"]
            if rule not in (None, "pattern"):
                raise _bad(key, "give a rule or a pattern, not both")
            try:
                pattern_regex(pattern if isinstance(pattern, str) else "")
            except ValueError:
                raise _bad(f"{key}.pattern", f"{pattern!r}: expected one line with exactly one "
                                             "{version}, e.g. 'release = \"{version}\"'") from None
            return VersionFile(path, "pattern", pattern)
        if rule == "pattern":
            raise _bad(key, 'rule "pattern" needs a pattern = \'… {version} …\'')
        if rule is None:
            rule = rule_for(path)
        elif rule not in RULES:
            raise _bad(f"{key}.rule", f"{rule!r} is not one of {', '.join(sorted(RULES))}")
    else:
        path = _rel_path(key, value)
        rule = rule_for(path)
    if rule is None:
        raise _bad(key, f"cannot tell how {path!r} carries its version; give it as "
                        f'{{ path = "{path}", rule = "…" }} with rule one of {", ".join(sorted(RULES))}')
    return VersionFile(path, rule)


def load_release_config(settings: dict, known_seals=None) -> ReleaseConfig:
    """The validated release table of a [tool.prompt-foo] settings dict (UsageProblem if not).

    ``known_seals``: the names a stamp may use (the built-in seals when not given)."""
    known_seals = sorted(FIGURATE_REGISTRY if known_seals is None else known_seals)
    table = settings.get("release")
    if table is None:
        raise UsageProblem(f"pyproject.toml has no {TABLE} table",
                           hint="Add one: see README.md, section 'Releasing'.")
    if not isinstance(table, dict):
        raise _bad("", "must be a table")
    unknown = set(table) - KNOWN_KEYS
    if unknown:
        raise _bad(sorted(unknown)[0], f"unknown key (known: {', '.join(sorted(KNOWN_KEYS))})")
    if "version_source" not in table:
        raise _bad("version_source", "missing (the one file the version is read from)")
    source = _version_file("version_source", table["version_source"])

    followers_raw = table.get("followers", [])
    if not isinstance(followers_raw, list):
        raise _bad("followers", "expected a list of paths or { path, rule } tables")
    followers = tuple(_version_file(f"followers[{i}]", v) for i, v in enumerate(followers_raw))
    seen = {source.path}
    for i, f in enumerate(followers):
        if f.path in seen:
            raise _bad(f"followers[{i}]", f"{f.path!r} is listed twice (or is the version source)")
        seen.add(f.path)

    stamps_raw = table.get("stamps", {})
    if not isinstance(stamps_raw, dict):
        raise _bad("stamps", 'expected a table of "path" = "seal" (or a list of seals)')
    stamps = []
    for path, seals in stamps_raw.items():
        key = f"stamps.{path!r}"
        rel = _rel_path(key, path)
        names = [seals] if isinstance(seals, str) else seals
        if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
            raise _bad(key, f"expected a seal name or a list of them, got {seals!r}")
        unknown_seals = [n for n in names if n not in known_seals]
        if unknown_seals:
            raise _bad(key, f"no seal named {unknown_seals[0]!r} (known: {', '.join(known_seals)})")
        stamps.append((rel, tuple(names)))

    prefix = table.get("tag_prefix", "v")
    if not isinstance(prefix, str):
        raise _bad("tag_prefix", f"expected a string, got {prefix!r}")
    return ReleaseConfig(source, followers, tuple(stamps), prefix)
