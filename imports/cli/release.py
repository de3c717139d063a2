"""The `foo-release` command (also `python release.py`): versions and seal stamps, exactly."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path

import click

from .. import __version__
from .. import atomic
from ..errors import EXIT_CODES_HELP, PromptFooError, UsageProblem
from .common import reports_errors, see_also


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


def make_plan(root: Path, config, *, version: str | None, bump_part: str | None) -> Plan:
    """Versions and stamps as they should be, with what is stale and what is wrong."""
    from ..ascii_displays import assert_figurate_seal
    from ..release.stamp import StampProblem, stamp_text
    from ..release.versioning import VersionRuleError, bump, check_semver, read_version, set_version

    src = config.source
    text = (root / src.path).read_text(encoding="utf-8") if (root / src.path).is_file() else None
    if text is None:
        raise ReleaseRefused(f"the version source {src.path} does not exist "
                             "([tool.prompt-foo.release] version_source)")
    current = read_version(src.rule, text, src.path)
    if version is not None:
        check_semver(version, "--set-version")
    new = version or (bump(current, bump_part) if bump_part else current)
    plan = Plan(current, new)
    for vf in (src, *config.followers):
        body = _read(plan, root, vf.path)
        if body is None:
            continue
        try:
            have = read_version(vf.rule, body, vf.path)
            if vf is not src and have != current:
                plan.drift.append(f"{vf.path}: version {have}, but {src.path} says {current}")
            if have != new:
                plan.texts[vf.path] = set_version(vf.rule, body, vf.path, new)
                if vf is not src and version is None and bump_part is None:
                    plan.stale.append(f"{vf.path}: version {have}, but {src.path} says {current}")
        except VersionRuleError as exc:
            plan.problems.append(exc.message)
    for rel, seals in config.stamps:
        for name in seals:
            art = assert_figurate_seal(name).ai  # a drifted seal is never stamped (exit 4)
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


def _bullets(lines: list[str]) -> str:
    return "\n".join(f"  {line}" for line in lines)


@click.command(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
               epilog=EXIT_CODES_HELP + "\n\n" + see_also("foo-release"))
@click.option("--check", is_flag=True, help="Change nothing; exit 1 listing every stale stamp and version.")
@click.option("--dry-run", is_flag=True, help="Print the unified diff of what would change; write nothing.")
@click.option("--set-version", "set_version", metavar="X.Y.Z", help="Set this version in the source and every follower.")
@click.option("--bump", type=click.Choice(["major", "minor", "patch"]), help="Bump the version.")
@click.option("--commit", is_flag=True, help="Commit exactly the changed files, naming the version.")
@click.option("--tag", is_flag=True, help="Add an annotated tag for the version (an existing one is refused).")
@click.version_option(__version__, "-V", "--version", prog_name="foo-release")
@reports_errors
def main(check, dry_run, set_version, bump, commit, tag):
    """Stamp the canonical seals and sync the version across the repository, as configured in
    [tool.prompt-foo.release] of pyproject.toml. Every seal is asserted first; the tree must be
    clean apart from the files this step writes; all changes are computed, then written at once.

    \b
    Examples:
      foo-release --check                      # CI / pre-commit: exit 1 if anything is stale
      foo-release --dry-run --bump minor       # show the diff
      foo-release --bump patch --commit --tag  # the release commit and its tag
    """
    from ..ascii_displays import FIGURATE_REGISTRY, assert_figurate_seal
    from ..config import open_workspace
    from ..release.config import load_release_config

    version = set_version  # the name --version now belongs to "print the version"
    if version and bump:
        raise UsageProblem("--set-version and --bump: give one or the other")
    if check and (dry_run or version or bump or commit or tag):
        raise UsageProblem("--check changes nothing; it cannot be combined with other options")
    ws = open_workspace()
    for warning in getattr(ws.settings, "warnings", []):
        click.echo(f"foo-release: warning: {warning}", err=True)
    config = load_release_config(ws.settings)
    for name in sorted(FIGURATE_REGISTRY):
        assert_figurate_seal(name)  # SealDrift (exit 4) before anything else happens
    plan = make_plan(ws.root, config, version=version, bump_part=bump)
    if plan.problems:
        stale = ("\nstale (run foo-release to fix):\n" + _bullets(plan.stale)
                 if check and plan.stale else "")  # --check lists everything it knows
        raise ReleaseRefused("cannot release:\n" + _bullets(plan.problems) + stale)
    if check:
        if plan.stale:
            raise ReleaseRefused("stale (run foo-release to fix):\n" + _bullets(plan.stale))
        click.echo(f"release: up to date (version {plan.old_version}; "
                   f"{sum(len(s) for _, s in config.stamps)} stamps)")
        return
    if (version or bump) and plan.drift:
        raise ReleaseRefused("followers disagree with the version source before the bump:\n"
                             + _bullets(plan.drift),
                             hint="Run foo-release without --bump/--set-version to sync them first.")
    tag_name = f"{config.tag_prefix}{plan.new_version}"
    repo = _repo(ws) if (not dry_run or commit or tag) else None
    if tag:
        _check_tag_name(repo, tag_name)  # before the commit: a refused tag would strand it
        if tag_name in [t.name for t in repo.tags]:
            raise ReleaseRefused(f"tag {tag_name} already exists; it is never moved",
                                 hint="Bump the version (--bump patch) or delete the tag yourself.")
        if plan.changed and not commit:
            raise UsageProblem("--tag with changes to write needs --commit (else the tag would miss them)")
    if dry_run:
        diff = unified_diff(plan)
        click.echo(diff, nl=False)
        if ws.in_git and plan.changed:
            dirty = sorted(set(dirty_paths(_repo(ws))) - set(plan.changed))
            if dirty:
                click.echo("note: a real run would refuse; these files have other changes: "
                           + ", ".join(dirty), err=True)
        click.echo(f"dry run: {len(plan.changed)} files would change; nothing was written", err=True)
        return
    # Nothing to write and no tag: nothing is touched, so a dirty tree does no harm.
    touched = set(dirty_paths(repo)) if plan.changed or tag else set()
    dirty = sorted(touched - set(plan.changed))
    if dirty:
        raise ReleaseRefused("the working tree has changes this step would not write:\n"
                             + _bullets(dirty), hint="Commit or put them aside, then run again.")
    # Writing into a file the user has edited is fine; committing their edit as the release is not.
    mixed = sorted(touched & set(plan.changed)) if commit else []
    if mixed:
        raise ReleaseRefused("--commit would also commit changes this step did not make:\n"
                             + _bullets(mixed), hint="Commit or put them aside, then run again.")
    write_all(ws.root, plan)
    for rel in plan.changed:
        click.echo(f"wrote {rel}")
    if commit and plan.changed:
        what = (f"version {plan.old_version} -> {plan.new_version}"
                if plan.new_version != plan.old_version else f"version {plan.new_version}")
        _commit_or_undo(repo, ws.root, plan, f"Release {plan.new_version}: {what}, stamps refreshed")
        click.echo(f"committed {len(plan.changed)} files: {repo.head.commit.hexsha[:10]}")
    elif commit:
        click.echo("nothing changed; no commit")
    if tag:
        repo.create_tag(tag_name, message=f"Release {plan.new_version}")
        click.echo(f"tagged {tag_name}")
    if not plan.changed:
        click.echo(f"release: up to date (version {plan.new_version})")


def _commit_or_undo(repo, root: Path, plan: Plan, message: str) -> None:
    """Commit the changed files; if git refuses (a hook, no identity), put everything back."""
    import git

    try:
        repo.git.add("--", *plan.changed)
        repo.git.commit("-q", "-m", message, "--", *plan.changed)
    except git.exc.GitCommandError as exc:
        undo = Plan(plan.new_version, plan.old_version, originals=dict(plan.texts),
                    texts=dict(plan.originals))
        write_all(root, undo)
        repo.git.reset("-q", "--", *plan.changed)
        said = (exc.stderr or "").strip().removeprefix("stderr:").strip().strip("'")
        raise ReleaseRefused("git commit failed, so nothing was changed (files and index put "
                             f"back):\n  {said or exc}") from None


def _check_tag_name(repo, name: str) -> None:
    """UsageProblem when git would not accept ``name`` as a tag."""
    import git

    try:
        repo.git.check_ref_format(f"refs/tags/{name}")
    except git.exc.GitCommandError:
        raise UsageProblem(f"pyproject.toml [tool.prompt-foo.release] tag_prefix: {name!r} is not "
                           "a valid git tag name",
                           hint="See `git check-ref-format --help` for what a tag name may hold."
                           ) from None


def _repo(ws):
    import git

    if not ws.in_git:
        raise ReleaseRefused(f"{ws.root} is not a git repository; the release step needs one "
                             "(to refuse a dirty tree, and to commit and tag)")
    try:
        return git.Repo(ws.root)
    except git.exc.InvalidGitRepositoryError as exc:
        raise ReleaseRefused(f"{ws.root}: not a usable git repository ({exc})") from None
