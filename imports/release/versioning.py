"""Reading and replacing a version string, one explicit rule per kind of file.

Each rule changes only the version value itself, keeping quotes, spacing and comments:

- ``pyproject``: ``[project].version`` (through tomlkit, which keeps the file's formatting);
- ``python``:    the one module-level line ``__version__ = "X.Y.Z"``;
- ``nix``:       the one line ``version = "X.Y.Z";``;
- ``shell``:     the one line ``VERSION=X.Y.Z`` (optionally quoted, optionally ``export``ed).

A file with no such line, or more than one, is an error naming the file and the rule.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from ..errors import PromptFooError, UsageProblem

_LINE_RULES = {
    "python": (re.compile(r"""^__version__\s*=\s*(["'])(?P<v>[^"'\n]*)\1""", re.M),
               '__version__ = "X.Y.Z"'),
    "nix": (re.compile(r"""^[ \t]*version[ \t]*=[ \t]*"(?P<v>[^"\n]*)"[ \t]*;""", re.M),
            'version = "X.Y.Z";'),
    # \r? before $: in a CRLF file `$` stops before the \n, after the \r.
    "shell": (re.compile(r"""^(?:export[ \t]+)?VERSION=(["']?)(?P<v>[^"'\s]*)\1"""
                         r"""[ \t]*(?:#[^\r\n]*)?\r?$""", re.M),
              "VERSION=X.Y.Z"),
}
RULES = {"pyproject": "[project].version", **{k: v[1] for k, v in _LINE_RULES.items()}}
_SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")


class VersionRuleError(PromptFooError):
    """A version file that does not carry its version the way its rule says."""


def rule_for(path: str) -> str | None:
    """The rule a file's name implies, or None when it must be given explicitly."""
    p = PurePosixPath(path)
    if p.name == "pyproject.toml":
        return "pyproject"
    return {".py": "python", ".nix": "nix", ".sh": "shell", ".bash": "shell"}.get(p.suffix)


def _one_match(rule: str, text: str, path: str) -> re.Match:
    pattern, shape = _LINE_RULES[rule]
    found = list(pattern.finditer(text))
    if len(found) != 1:
        where = ("lines " + ", ".join(str(text.count("\n", 0, m.start()) + 1) for m in found)
                 if found else "none")
        raise VersionRuleError(f"{path}: expected exactly one `{shape}` line ({rule} rule), "
                               f"found {len(found)} ({where})")
    return found[0]


def _pyproject(text: str, path: str):
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    try:
        doc = tomlkit.parse(text)
    except TOMLKitError as exc:
        raise VersionRuleError(f"{path}: not valid TOML ({exc})") from None
    project = doc.get("project")
    if not isinstance(project, dict) or not isinstance(project.get("version"), str):
        raise VersionRuleError(f"{path}: no [project].version string (pyproject rule)")
    return doc


def read_version(rule: str, text: str, path: str) -> str:
    """The version ``text`` carries under ``rule``."""
    if rule == "pyproject":
        return str(_pyproject(text, path)["project"]["version"])
    return _one_match(rule, text, path).group("v")


def set_version(rule: str, text: str, path: str, version: str) -> str:
    """``text`` with only its version value replaced by ``version``."""
    if rule == "pyproject":
        import tomlkit

        doc = _pyproject(text, path)
        doc["project"]["version"] = version
        return tomlkit.dumps(doc)
    m = _one_match(rule, text, path)
    return text[:m.start("v")] + version + text[m.end("v"):]


def check_semver(version: str, what: str) -> tuple[int, int, int]:
    """X.Y.Z as three ints (UsageProblem naming ``what`` otherwise)."""
    m = _SEMVER.fullmatch(version)  # not match + `$`, which lets a final newline through
    if not m:
        raise UsageProblem(f"{what}: {version!r} is not a version of the form X.Y.Z")
    return int(m[1]), int(m[2]), int(m[3])


def bump(version: str, part: str) -> str:
    """The next major, minor or patch version after ``version``."""
    m = _SEMVER.fullmatch(version)
    if not m:  # a pre-release such as 1.2.3rc1: which number comes next is the user's call
        base = re.match(r"\d+\.\d+\.\d+", version)
        example = f" (for example --set-version {base[0]})" if base else ""
        raise UsageProblem(f"--bump {part}: the current version {version!r} is not a version "
                           "of the form X.Y.Z",
                           hint=f"Name the release with --set-version X.Y.Z{example}.")
    major, minor, patch = int(m[1]), int(m[2]), int(m[3])
    if part == "major":
        return f"{major + 1}.0.0"
    if part == "minor":
        return f"{major}.{minor + 1}.0"
    if part == "patch":
        return f"{major}.{minor}.{patch + 1}"
    raise UsageProblem(f"--bump {part!r}: expected major, minor or patch")
