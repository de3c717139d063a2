"""The release plan: every file's old and new text, computed in memory, then written at once.

Pure planning (versions, followers, stamps) plus the two steps that touch the world: reading
git's view of dirty paths and the all-or-nothing write. The CLI (cli/release.py) decides.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path

from .. import atomic
from ..errors import PromptFooError


class ReleaseRefused(PromptFooError):
    """The release would be wrong or unsafe: exit 1, nothing written."""


@dataclass
class Plan:
    """Every file's old and new text, computed in memory before anything is written."""

    old_version: str
    new_version: str
    originals: dict[str, str] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    stale: list[str] = field(default_factory=list)  # what --check reports
    drift: list[str] = field(default_factory=list)  # followers disagreeing before a bump
    problems: list[str] = field(default_factory=list)  # refusals: sentinels missing, rules unmatched
    notes: list[str] = field(default_factory=list)  # followers that compute their version: left alone

    @property
    def changed(self) -> list[str]:
        return sorted(p for p in self.texts if self.texts[p] != self.originals[p])


def _read(plan: Plan, root: Path, rel: str) -> str | None:
    if rel not in plan.texts:
        path = root / rel
        if path.is_symlink():  # a replace would swap the link for a file, and miss its target
            plan.problems.append(f"{rel}: is a symbolic link (to {os.readlink(path)}); "
                                 "name the file itself in [tool.prompt-foo.release]")
            return None
        try:
            text = path.read_bytes().decode("utf-8")
        except FileNotFoundError:
            plan.problems.append(f"{rel}: file not found")
            return None
        except (OSError, UnicodeDecodeError) as exc:
            plan.problems.append(f"{rel}: cannot be read as UTF-8 ({exc})")
            return None
        plan.originals[rel] = plan.texts[rel] = text
    return plan.texts[rel]


def make_plan(root: Path, config, *, version: str | None, bump_part: str | None,
              catalogue=None) -> Plan:
    """Versions and stamps as they should be, with what is stale and what is wrong.

    ``catalogue``: the repository's seals (project_seals.Catalogue; the built-in ones if None)."""
    from ..project_seals import Catalogue
    from .stamp import StampProblem, stamp_text
    from .versioning import (ComputedVersion, VersionRuleError, bump, check_version, read_version,
                             set_version)

    catalogue = catalogue or Catalogue()

    src = config.source
    text = (root / src.path).read_text(encoding="utf-8") if (root / src.path).is_file() else None
    if text is None:
        raise ReleaseRefused(f"the version source {src.path} does not exist "
                             "([tool.prompt-foo.release] version_source)")
    current = read_version(src.rule, text, src.path, src.pattern)  # ComputedVersion: exit 1
    if version is not None:
        check_version(version, "--set-version")
    new = version or (bump(current, bump_part) if bump_part else current)
    plan = Plan(current, new)
    for vf in (src, *config.followers):
        body = _read(plan, root, vf.path)
        if body is None:
            continue
        try:
            have = read_version(vf.rule, body, vf.path, vf.pattern)
            if vf is not src and have != current:
                plan.drift.append(f"{vf.path}: version {have}, but {src.path} says {current}")
            if have != new:
                plan.texts[vf.path] = set_version(vf.rule, body, vf.path, new, vf.pattern)
                if vf is not src and version is None and bump_part is None:
                    plan.stale.append(f"{vf.path}: version {have}, but {src.path} says {current}")
        except ComputedVersion as exc:  # a flake reading pyproject.toml follows by itself
            plan.notes.append(exc.message + "; left as it is")
        except VersionRuleError as exc:
            plan.problems.append(exc.message)
    for rel, seals in config.stamps:
        for name in seals:
            art = catalogue.assert_seal(name).ai  # a drifted seal is never stamped (exit 4)
            body = _read(plan, root, rel)
            if body is None:
                continue
            try:
                stamped = stamp_text(body, rel, name, art)
            except StampProblem as exc:
                plan.problems.append(exc.message)
                continue
            if stamped != body:
                plan.stale.append(f"{rel}: the {name} stamp is stale")
                plan.texts[rel] = stamped
    return plan


def unified_diff(plan: Plan) -> str:
    out = []
    for rel in plan.changed:
        out.extend(difflib.unified_diff(plan.originals[rel].splitlines(keepends=True),
                                        plan.texts[rel].splitlines(keepends=True),
                                        f"a/{rel}", f"b/{rel}"))
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in out)


def dirty_paths(repo) -> list[str]:
    """Paths git reports as modified, staged or untracked (porcelain, NUL-separated)."""
    raw = repo.git.status("--porcelain=v1", "-z", "--untracked-files=all")
    items, paths = raw.split("\0"), []
    i = 0
    while i < len(items):
        entry = items[i]
        if entry:
            paths.append(entry[3:])
            if entry[0] in "RC":
                i += 1  # the rename's source path follows
        i += 1
    return sorted(set(paths))


def write_all(root: Path, plan: Plan) -> None:
    """Each file to a temp file beside it, then all replaced; a failed replace undoes the rest."""
    temps: dict[str, str] = {}
    try:
        for rel in plan.changed:
            temps[rel] = atomic.stage(root / rel, plan.texts[rel])
        done = []
        try:
            for rel, tmp in temps.items():
                atomic.publish(tmp, root / rel)
                done.append(rel)
        except OSError:
            for rel in done:
                (root / rel).write_bytes(plan.originals[rel].encode("utf-8"))
            raise
    finally:
        for tmp in temps.values():
            Path(tmp).unlink(missing_ok=True)
