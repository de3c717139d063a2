"""Reading and replacing a version string, one explicit rule per kind of file.

Each rule changes only the version value itself, keeping quotes, spacing and comments:

- ``pyproject``: ``[project].version`` (through tomlkit, which keeps the file's formatting);
- ``python``:    the one module-level line ``__version__ = "X.Y.Z"``;
- ``nix``:       the one line ``version = "X.Y.Z";``;
- ``shell``:     the one line ``VERSION=X.Y.Z`` (optionally quoted, optionally ``export``ed);
- ``setupcfg``:  the one ``version = X.Y.Z`` of setup.cfg's ``[metadata]``;
- ``pattern``:   a configured one-line pattern such as ``release = "{version}"``.

A file with no such line, or more than one, is an error naming the file and the rule. A version
the file computes (a dynamic [project] version, ``attr:`` in setup.cfg, a Nix expression) is not
one this step can write: it is named, never guessed at (see ComputedVersion).
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
RULES = {"pyproject": "[project].version", **{k: v[1] for k, v in _LINE_RULES.items()},
         "setupcfg": "[metadata] version = X.Y.Z", "pattern": "a configured pattern"}
# PEP 440's characters, so a pattern's {version} stops at the quote or space after it.
_VERSION_CHARS = r"(?P<v>[0-9A-Za-z][0-9A-Za-z.!+_-]*)"
# A flake that computes its version: `version = <anything but a string literal>;`.
_NIX_COMPUTED = re.compile(r"""^[ \t]*version[ \t]*=[ \t]*(?P<expr>[^"\s][^\n]*?);?[ \t]*$""", re.M)


class VersionRuleError(PromptFooError):
    """A version file that does not carry its version the way its rule says."""


class ComputedVersion(VersionRuleError):
    """A file that computes its version instead of spelling it out: nothing to read or write."""


def pattern_regex(pattern: str) -> re.Pattern:
    """A configured pattern with one {version} as a regex (ValueError when it is not one)."""
    if pattern.count("{version}") != 1 or "\n" in pattern:
        raise ValueError("a pattern is one line with exactly one {version}")
    before, after = pattern.split("{version}")
    return re.compile(re.escape(before) + _VERSION_CHARS + re.escape(after))


def rule_for(path: str) -> str | None:
    """The rule a file's name implies, or None when it must be given explicitly."""
    p = PurePosixPath(path)
    if p.name == "pyproject.toml":
        return "pyproject"
    if p.name == "setup.cfg":
        return "setupcfg"
    return {".py": "python", ".nix": "nix", ".sh": "shell", ".bash": "shell"}.get(p.suffix)


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _setupcfg(text: str, path: str) -> re.Match:
    """The value of ``version`` in setup.cfg's [metadata] section (ComputedVersion for attr:/file:)."""
    head = re.search(r"^\[metadata\][ \t]*\r?$", text, re.M)
    if not head:
        raise VersionRuleError(f"{path}: no [metadata] section (setupcfg rule)")
    nxt = re.compile(r"^\[", re.M).search(text, head.end())
    end = nxt.start() if nxt else len(text)
    found = list(re.compile(r"^version[ \t]*[=:][ \t]*(?P<v>[^\s#;][^\r\n]*?)[ \t]*\r?$",
                            re.M).finditer(text, head.end(), end))
    if len(found) != 1:
        raise VersionRuleError(f"{path}: expected exactly one `version = X.Y.Z` in [metadata] "
                               f"(setupcfg rule), found {len(found)}")
    m = found[0]
    if m.group("v").startswith(("attr:", "file:")):
        raise ComputedVersion(f"{path}, line {_line_of(text, m.start())}: the version is read from "
                              f"elsewhere (`{m.group(0).strip()}`)",
                              hint="Make the file it names the version_source of "
                                   "[tool.prompt-foo.release].")
    return m


def _one_match(rule: str, text: str, path: str, pattern: str | None = None) -> re.Match:
    if rule == "setupcfg":
        return _setupcfg(text, path)
    if rule == "pattern":
        regex, shape = pattern_regex(pattern), pattern
    else:
        regex, shape = _LINE_RULES[rule]
    found = list(regex.finditer(text))
    if not found and rule == "nix":
        computed = _NIX_COMPUTED.search(text)
        if computed:
            raise ComputedVersion(f"{path}, line {_line_of(text, computed.start())}: the version is "
                                  f"computed (`{computed.group(0).strip()}`), not a string to write")
    if rule == "nix" and len(found) == 1 and "${" in found[0].group("v"):
        raise ComputedVersion(f"{path}, line {_line_of(text, found[0].start())}: the version is "
                              f"computed (`{found[0].group(0).strip()}`), not a string to write")
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
    if isinstance(project, dict) and "version" in (project.get("dynamic") or []):
        raise ComputedVersion(f"{path}: [project] version is dynamic, {_dynamic_by(doc)}; "
                              "foo-release cannot set a version it does not own",
                              hint=_dynamic_hint(doc))
    if not isinstance(project, dict) or not isinstance(project.get("version"), str):
        raise VersionRuleError(f"{path}: no [project].version string (pyproject rule)")
    return doc


def _dynamic_by(doc) -> str:
    """Who computes a dynamic version, named from the tables that configure it."""
    tool = doc.get("tool", {})
    hatch = tool.get("hatch", {}).get("version", {})
    if "setuptools_scm" in tool or "setuptools-scm" in tool:
        return "computed by setuptools-scm from git tags"
    if hatch.get("source") == "vcs":
        return "computed by hatch-vcs from git tags"
    if "path" in hatch:
        return f"read by hatch from {hatch['path']}"
    attr = tool.get("setuptools", {}).get("dynamic", {}).get("version", {})
    if isinstance(attr, dict) and "attr" in attr:
        return f"read by setuptools from {attr['attr']}"
    if "pdm" in tool and tool["pdm"].get("version", {}).get("source") == "scm":
        return "computed by pdm from git tags"
    return "computed by the build backend"


def _dynamic_hint(doc) -> str:
    if "from git tags" in _dynamic_by(doc):
        return ("The git tag is the version: tag the release with git, or make the version "
                "static in [project] and use foo-release for it.")
    return ("Make the file the version is read from the version_source of "
            "[tool.prompt-foo.release] (a module with __version__, for example).")


def read_version(rule: str, text: str, path: str, pattern: str | None = None) -> str:
    """The version ``text`` carries under ``rule`` (and its configured ``pattern``)."""
    if rule == "pyproject":
        return str(_pyproject(text, path)["project"]["version"])
    return _one_match(rule, text, path, pattern).group("v")


def set_version(rule: str, text: str, path: str, version: str, pattern: str | None = None) -> str:
    """``text`` with only its version value replaced by ``version``."""
    if rule == "pyproject":
        import tomlkit

        doc = _pyproject(text, path)
        doc["project"]["version"] = version
        return tomlkit.dumps(doc)
    m = _one_match(rule, text, path, pattern)
    return text[:m.start("v")] + version + text[m.end("v"):]


def _parse(version: str, what: str):
    from packaging.version import InvalidVersion, Version

    try:
        return Version(version)
    except InvalidVersion:
        raise UsageProblem(f"{what}: {version!r} is not a PEP 440 version "
                           "(such as 1.2.3, 3.2.0.dev0, 1.2.3rc1, 1.2.3.post1)") from None


def check_version(version: str, what: str) -> str:
    """``version`` when it is a PEP 440 version in its normal form (UsageProblem naming ``what``)."""
    v = _parse(version, what)
    if v.local is not None:
        raise UsageProblem(f"{what}: {version!r} has a local part (+{v.local}); "
                           "local versions are not for release")
    if str(v) != version:  # packaging also takes " 1.2", "v1.2", "1.2.dev": files get one spelling
        raise UsageProblem(f"{what}: {version!r} is not a PEP 440 version in normal form",
                           hint=f"Write it as {str(v)!r}.")
    return version


BUMPS = {
    "major": "X.Y.Z -> (X+1).0.0",
    "minor": "X.Y.Z -> X.(Y+1).0",
    "patch": "X.Y.Z -> X.Y.(Z+1) (also from X.Y.Z.postN)",
    "release": "a pre- or dev release -> its release: 3.2.0.dev0 -> 3.2.0, 1.2.3rc1 -> 1.2.3",
    "dev": "3.2.0.dev0 -> 3.2.0.dev1; a release 1.2.3 -> 1.2.4.dev0",
    "pre": "1.2.3rc1 -> 1.2.3rc2, 1.2.3b1 -> 1.2.3b2; 1.2.3rc2.dev0 -> 1.2.3rc2",
    "post": "1.2.3 -> 1.2.3.post1, 1.2.3.post1 -> 1.2.3.post2",
}


def _kind(v) -> str:
    if v.dev is not None:
        return "a development release"
    if v.pre is not None:
        return "a pre-release"
    if v.post is not None:
        return "a post-release"
    return "a final release"


def _spell(epoch: int, release, pre=None, post=None, dev=None) -> str:
    text = (f"{epoch}!" if epoch else "") + ".".join(map(str, release))
    text += f"{pre[0]}{pre[1]}" if pre else ""
    text += f".post{post}" if post is not None else ""
    return text + (f".dev{dev}" if dev is not None else "")


def bump(version: str, part: str) -> str:
    """The version after ``version`` for one of BUMPS (PEP 440); UsageProblem when it is the
    user's call, naming the bumps that do apply and --set-version."""
    v = _parse(version, f"--bump {part}: the current version")
    if v.local is not None:
        raise UsageProblem(f"--bump {part}: the current version {version!r} has a local part; "
                           "name the release with --set-version")
    base = ".".join(map(str, v.release))
    padded = list(v.release) + [0] * max(0, 3 - len(v.release))
    leads_to = v.pre is not None or v.dev is not None  # a version before its release

    def ask(why: str, *options: str) -> UsageProblem:
        said = "; ".join(f"--bump {o} gives {bump(version, o)}" for o in options)
        return UsageProblem(f"--bump {part}: {version} is {_kind(v)}{why}",
                            hint=(said + "; " if said else "") + "or name the version with "
                                 "--set-version (for example --set-version "
                                 f"{bump(version, options[0]) if options else base})")

    if part in ("major", "minor", "patch"):
        if leads_to:
            raise ask(f" of {base}: which version follows it is your call", "release",
                      "pre" if v.pre is not None else "dev")
        i = ("major", "minor", "patch").index(part)
        release = padded[:i] + [padded[i] + 1] + [0] * (len(padded) - i - 1)
        return _spell(v.epoch, release)
    if part == "release":
        if not leads_to:
            raise ask("; there is no pre- or dev release to finish", *(["patch"]))
        return _spell(v.epoch, v.release)
    if part == "dev":
        if v.dev is not None:
            return _spell(v.epoch, v.release, v.pre, v.post, v.dev + 1)
        if v.pre is None and v.post is None:
            return _spell(v.epoch, padded[:2] + [padded[2] + 1] + padded[3:], dev=0)
        raise ask("; its next development release is your call", "pre" if v.pre else "patch")
    if part == "pre":
        if v.pre is None:
            first = _spell(v.epoch, v.release if leads_to else padded[:2] + [padded[2] + 1])
            raise ask(f"; name its first pre-release yourself (e.g. {first}rc1)",
                      *(["release"] if leads_to else ["patch"]))
        if v.dev is not None:
            return _spell(v.epoch, v.release, v.pre)
        return _spell(v.epoch, v.release, (v.pre[0], v.pre[1] + 1))
    if part == "post":
        if leads_to:
            raise ask(f" of {base}, not yet released", "release")
        return _spell(v.epoch, v.release, post=(v.post or 0) + 1)
    raise UsageProblem(f"--bump {part!r}: expected one of {', '.join(BUMPS)}")
