"""The `foo-release` command (also `python release.py`): versions and seal stamps, exactly."""

from __future__ import annotations

from pathlib import Path

import click

from .. import __version__
from ..errors import EXIT_CODES_HELP, UsageProblem
from ..release.plan import Plan, ReleaseRefused, dirty_paths, make_plan, unified_diff, write_all
from ..release.versioning import BUMPS
from .common import reports_errors, see_also


def _bullets(lines: list[str]) -> str:
    return "\n".join(f"  {line}" for line in lines)


@click.command(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
               epilog=EXIT_CODES_HELP + "\n\n" + see_also("foo-release"))
@click.option("--check", is_flag=True, help="Change nothing; exit 1 listing every stale stamp and version.")
@click.option("--dry-run", is_flag=True, help="Print the unified diff of what would change; write nothing.")
@click.option("--set-version", "set_version", metavar="VERSION",
              help="Set this PEP 440 version (1.2.3, 3.2.0.dev0, 1.2.3rc1) in the source and every "
                   "follower.")
@click.option("--bump", type=click.Choice(list(BUMPS)),
              help="Bump the version (PEP 440): " + "; ".join(f"{k}: {v}" for k, v in BUMPS.items())
                   + ". A bump that is your call is refused, naming the ones that apply.")
@click.option("--commit", is_flag=True, help="Commit exactly the changed files, naming the version.")
@click.option("-m", "--message", metavar="TEXT",
              help="The release commit's message (with --commit); {version} and {old_version} are "
                   "filled in. Default: 'Release {version}: …'.")
@click.option("--tag", is_flag=True, help="Add an annotated tag for the version (an existing one is refused).")
@click.version_option(__version__, "-V", "--version", prog_name="foo-release")
@reports_errors
def main(check, dry_run, set_version, bump, commit, tag, message):
    """Stamp the canonical seals and sync the version across the repository, as configured in
    [tool.prompt-foo.release] of pyproject.toml. Every seal is asserted first; the tree must be
    clean apart from the files this step writes; all changes are computed, then written at once.

    \b
    Examples:
      foo-release --check                      # CI / pre-commit: exit 1 if anything is stale
      foo-release --dry-run --bump minor       # show the diff
      foo-release --bump patch --commit --tag  # the release commit and its tag
      foo-release --bump dev                   # 3.2.0.dev0 -> 3.2.0.dev1
      foo-release --set-version 2.0.0rc1 --commit -m "Release {version}"
    """
    from ..config import open_workspace
    from ..project_seals import load_catalogue
    from ..release.config import load_release_config

    version = set_version  # the name --version belongs to "print the version", as on the other two
    if version and bump:
        raise UsageProblem("--set-version and --bump: give one or the other")
    if check and (dry_run or version or bump or commit or tag or message):
        raise UsageProblem("--check changes nothing; it cannot be combined with other options")
    if message is not None and not commit:
        raise UsageProblem("-m/--message is the release commit's message: it needs --commit")
    if message is not None and not message.strip():
        raise UsageProblem("-m/--message: the commit message is empty")
    ws = open_workspace()
    for warning in getattr(ws.settings, "warnings", []):
        click.echo(f"foo-release: warning: {warning}", err=True)
    seals = load_catalogue(ws.root, ws.settings)  # the repository's own seals, and the built-in
    config = load_release_config(ws.settings, seals.names)
    for name in seals.names:
        seals.assert_seal(name)  # SealDrift (exit 4) before anything else happens
    plan = make_plan(ws.root, config, version=version, bump_part=bump, catalogue=seals)
    for note in plan.notes:
        click.echo(f"note: {note}", err=True)
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
    if (commit and plan.changed) or tag:
        _check_identity(repo)  # before writing: a commit git refuses would come too late
    write_all(ws.root, plan)
    if plan.new_version != plan.old_version:
        how = f" (--bump {bump})" if bump else ""
        click.echo(f"version {plan.old_version} -> {plan.new_version}{how}", err=True)
    for rel in plan.changed:
        click.echo(f"wrote {rel}")
    if commit and plan.changed:
        what = (f"version {plan.old_version} -> {plan.new_version}"
                if plan.new_version != plan.old_version else f"version {plan.new_version}")
        text = (message.replace("{version}", plan.new_version).replace("{old_version}", plan.old_version)
                if message is not None else f"Release {plan.new_version}: {what}, stamps refreshed")
        _commit_or_undo(repo, ws.root, plan, text)
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
