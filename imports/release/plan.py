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


def _read_inside(root: Path, rel: str) -> tuple[str | None, bytes | None]:
    """(problem, bytes) of a configured file: inside the root with no symlink on the way, not
    in any git directory, and a regular file (a FIFO would hang the read)."""
    from ..patches import safeio
    from ..patches.paths import PathRefused, check_way, is_git_name

    real_root = Path(os.path.realpath(root))
    path = real_root / rel
    if os.path.islink(path):  # a replace would swap the link for a file, and miss its target
        return (f"{rel}: is a symbolic link (to {os.readlink(path)}); "
                "name the file itself in [tool.prompt-foo.release]"), None
    if any(is_git_name(part) for part in rel.split("/")):
        return f"{rel}: is inside .git/ (or names it in another spelling)", None
    try:
        check_way(real_root, rel, rel)
        root_fd = safeio.open_root(real_root)
        try:
            fd = safeio.open_dir(root_fd, rel.split("/")[:-1])
        finally:
            os.close(root_fd)
        try:
            data = safeio.read_at(fd, rel.rsplit("/", 1)[-1])
        finally:
            os.close(fd)
    except PathRefused as exc:
        return f"{rel}: {exc}", None
    except FileNotFoundError:
        data = None
    except OSError as exc:
        return f"{rel}: cannot be read ({exc.strerror or exc})", None
    if data is None:
        return f"{rel}: file not found", None
    if data == safeio.NOT_A_FILE:
        return (f"{rel}: is not a regular file (a folder, FIFO or device); "
                "name a regular file in [tool.prompt-foo.release]"), None
    return None, data


def _read(plan: Plan, root: Path, rel: str) -> str | None:
    if rel not in plan.texts:
        problem, data = _read_inside(root, rel)
        if problem:
            plan.problems.append(problem)
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
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
    problem, data = _read_inside(root, src.path)
    if problem:
        raise ReleaseRefused(f"the version source {src.path} cannot be used "
                             f"([tool.prompt-foo.release] version_source): {problem}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReleaseRefused(f"the version source {src.path} is not UTF-8 ({exc})") from None
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
    """Each file to a temp file beside it, then all replaced; any failure (a full disk, Ctrl-C)
    puts back what was replaced and refuses, so the files are all old or all new."""
    temps: dict[str, str] = {}
    done: list[str] = []
    try:
        for rel in plan.changed:
            temps[rel] = atomic.stage(root / rel, plan.texts[rel], durable=True,
                                      mode=os.lstat(root / rel).st_mode & 0o7777)
        for rel, tmp in temps.items():
            atomic.publish(tmp, root / rel)
            done.append(rel)
    except BaseException as exc:
        for rel in done:  # the originals are in memory; the temp of each is already gone
            (root / rel).write_bytes(plan.originals[rel].encode("utf-8"))
        if isinstance(exc, (OSError, KeyboardInterrupt)):
            what = "interrupted" if isinstance(exc, KeyboardInterrupt) else \
                f"cannot write {rel}: {exc.strerror or exc}"
            raise ReleaseRefused(f"{what}; nothing was changed (files put back)") from None
        raise
    finally:
        for tmp in temps.values():
            Path(tmp).unlink(missing_ok=True)
