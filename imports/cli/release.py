"""The `foo-release` command (also `python release.py`): versions and seal stamps, exactly."""

from __future__ import annotations

import difflib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import click

from .. import __version__
from ..errors import EXIT_CODES_HELP, PromptFooError, UsageProblem
from .common import reports_errors


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


def make_plan(root: Path, config, *, version: str | None, bump_part: str | None) -> Plan:
    """Versions and stamps as they should be, with what is stale and what is wrong."""
    from ..ascii_displays import assert_figurate_seal
    from ..stamp import StampProblem, stamp_text
    from ..versioning import VersionRuleError, bump, check_semver, read_version, set_version

    src = config.source
    problem, data = _read_inside(root, src.path)
    if problem:
        raise ReleaseRefused(f"the version source {src.path} cannot be used "
                             f"([tool.prompt-foo.release] version_source): {problem}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReleaseRefused(f"the version source {src.path} is not UTF-8 ({exc})") from None
    current = read_version(src.rule, text, src.path)
    if version is not None:
        check_semver(version, "--version")
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
    """Each file to a temp file beside it, then all replaced; any failure (a full disk, Ctrl-C)
    puts back what was replaced and refuses, so the files are all old or all new."""
    temps: dict[str, str] = {}
    done: list[str] = []
    try:
        for rel in plan.changed:
            target = root / rel
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".foo-release.", suffix=".tmp")
            temps[rel] = tmp
            with os.fdopen(fd, "wb") as fh:
                fh.write(plan.texts[rel].encode("utf-8"))
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, os.lstat(target).st_mode & 0o7777)
        for rel, tmp in temps.items():
            os.replace(tmp, root / rel)
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


def _bullets(lines: list[str]) -> str:
    return "\n".join(f"  {line}" for line in lines)


@click.command(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
               epilog=EXIT_CODES_HELP)
@click.option("--check", is_flag=True, help="Change nothing; exit 1 listing every stale stamp and version.")
@click.option("--dry-run", is_flag=True, help="Print the unified diff of what would change; write nothing.")
@click.option("--version", "version", metavar="X.Y.Z", help="Set this version in the source and every follower.")
@click.option("--bump", type=click.Choice(["major", "minor", "patch"]), help="Bump the version.")
@click.option("--commit", is_flag=True, help="Commit exactly the changed files, naming the version.")
@click.option("--tag", is_flag=True, help="Add an annotated tag for the version (an existing one is refused).")
@click.version_option(__version__, "-V", prog_name="foo-release")
@reports_errors
def main(check, dry_run, version, bump, commit, tag):
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
    from ..release_config import load_release_config

    if version and bump:
        raise UsageProblem("--version and --bump: give one or the other")
    if check and (dry_run or version or bump or commit or tag):
        raise UsageProblem("--check changes nothing; it cannot be combined with other options")
    ws = open_workspace()
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
                             hint="Run foo-release without --bump/--version to sync them first.")
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
    if (commit and plan.changed) or tag:
        _check_identity(repo)  # before writing: a commit git refuses would come too late
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
        _tag_or_explain(repo, tag_name, plan, committed=commit and bool(plan.changed))
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


def _check_identity(repo) -> None:
    """ReleaseRefused when git has no usable name and email to commit or tag with."""
    import git

    try:
        repo.git.var("GIT_COMMITTER_IDENT")
        repo.git.var("GIT_AUTHOR_IDENT")
    except git.exc.GitCommandError as exc:
        said = (exc.stderr or "").strip().removeprefix("stderr:").strip().strip("'")
        first = next((ln for ln in said.splitlines() if ln.strip().startswith("fatal")), said)
        raise ReleaseRefused(f"git has no identity to commit or tag with ({first.strip()}); "
                             "nothing was written",
                             hint='Set one: git config user.name "Your Name" && '
                                  "git config user.email you@example.com") from None


def _tag_or_explain(repo, tag_name: str, plan: Plan, committed: bool) -> None:
    """Tag HEAD; if git refuses this late, say exactly how to finish or take the commit back."""
    import git

    try:
        repo.create_tag(tag_name, message=f"Release {plan.new_version}")
    except (git.exc.GitCommandError, OSError) as exc:
        said = (getattr(exc, "stderr", "") or str(exc)).strip().removeprefix("stderr:").strip()
        head = repo.head.commit.hexsha
        steps = [f"to finish: git tag -a {tag_name} -m 'Release {plan.new_version}' {head[:12]}"]
        if committed:
            steps.append("or to take the release commit back: git reset --keep HEAD~1")
        raise ReleaseRefused(
            f"tagging failed: {said.strip(chr(39))}\n"
            + (f"  the release commit {head[:12]} was made but is not tagged\n" if committed
               else "") + _bullets(steps),
            hint="Fix the cause (a stale .lock file under .git/refs/tags, a full disk), then "
                 "run the command above.") from None


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
