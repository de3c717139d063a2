"""Git context through gitpython: the working-tree diff, recent commits, files changed since a ref.

Every path is relative to the top of the work tree with "/" separators, whichever subfolder
the command was started from. gitpython is imported lazily: it costs ~0.1 s and a compile
without git options should not pay it.
"""

from __future__ import annotations

from pathlib import Path

import os

from ..errors import UsageProblem
from ..printable import shown_path
from .render import Commit

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"  # git's well-known empty tree


class NotInGit(Exception):
    """The folder is not inside a git work tree (callers turn this into a note)."""


def open_repo(start: Path):
    """The repository whose work tree contains ``start``."""
    import git

    try:
        repo = git.Repo(start, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise NotInGit(str(start)) from None
    if repo.bare or repo.working_tree_dir is None:
        raise NotInGit(str(start))
    return repo


def has_commits(repo) -> bool:
    return repo.head.is_valid()


def resolve_base(repo, ref: str | None, option: str) -> str:
    """The commit to compare against: REF, else HEAD (the empty tree before the first commit)."""
    import git

    if ref is None:
        return "HEAD" if has_commits(repo) else EMPTY_TREE
    try:
        obj = repo.rev_parse(ref)
        while obj.type == "tag":  # an annotated tag: the commit it points at
            obj = obj.object
        if obj.type not in ("commit", "tree"):  # `git diff <blob>` fails with a usage dump
            raise UsageProblem(f"{option} {ref!r} names a {obj.type} (a file's contents), not a commit.",
                               hint=f"Give a branch, tag or commit, e.g. {option} HEAD~3.")
        return obj.hexsha
    except (git.BadName, git.BadObject, ValueError, IndexError) as exc:
        raise UsageProblem(
            f"{option} {ref!r}: no such revision in {repo.working_tree_dir} ({type(exc).__name__}).",
            hint=f"Give a branch, tag or commit (e.g. {option} HEAD~3), or no value for the "
                 "uncommitted changes. If that was your prompt, put the prompt before the option.",
        ) from None


def _decode(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def working_diff(repo, ref: str | None = None) -> tuple[str, list[str]]:
    """(unified diff of the working tree, staged and unstaged, against REF or HEAD; untracked files)."""
    base = resolve_base(repo, ref, "--diff")
    raw = repo.git.diff(base, "--no-color", "--no-ext-diff", "--no-textconv", "--",
                        stdout_as_string=False, strip_newline_in_stdout=False)
    return _decode(raw), [shown_path(p) for p in _untracked(repo)]


def _untracked(repo) -> list[str]:
    """Untracked, not ignored files, as file-system names (gitpython's untracked_files crashes
    on a name that is not UTF-8)."""
    raw = repo.git.ls_files("--others", "--exclude-standard", "-z", stdout_as_string=False)
    return sorted(os.fsdecode(n) for n in raw.split(b"\0") if n)


# NUL before each field: git keeps NUL out of names and messages (control characters such as
# \x1e are allowed there), and a subject never holds a newline, so the numstat follows it.
_LOG_FORMAT = "".join("%x00" + f for f in ("%H", "%ad", "%an <%ae>", "%s")) + "\n"


def recent_commits(repo, n: int) -> list[Commit]:
    """The last ``n`` commits reachable from HEAD, newest first, with the files each touched.

    One ``git log --numstat`` for all of them (Commit.stats would run git once per commit);
    a merge is compared with its first parent, the root commit with the empty tree.
    """
    if n <= 0 or not has_commits(repo):
        return []
    raw = repo.git.log(
        f"-n{n}", "--no-color", "--no-renames", "--numstat", "--root", "--diff-merges=first-parent",
        "--date=format:%Y-%m-%d %H:%M:%S %z", f"--format={_LOG_FORMAT}", "HEAD", "--",
        stdout_as_string=False,
    )
    commits = []
    fields = _decode(raw).split("\0")
    for i in range(1, len(fields) - 3, 4):
        hexsha, date, author, (subject, _, stat) = *fields[i : i + 3], fields[i + 3].partition("\n")
        commits.append(Commit(hexsha=hexsha[:12], date=date, author=author, subject=subject,
                              files=tuple(sorted(_numstat(stat)))))
    return commits


def _numstat(text: str):
    """(path, added, removed) per ``--numstat`` line; a binary file's counts are -1."""
    for line in text.splitlines():
        added, sep, rest = line.partition("\t")
        removed, sep2, path = rest.partition("\t")
        if sep and sep2:
            yield path, int(added) if added.isdigit() else -1, int(removed) if removed.isdigit() else -1


def changed_files(repo, ref: str | None = None) -> tuple[list[str], list[str]]:
    """(files changed since REF, or uncommitted, that still exist; those that were deleted).

    Changed means: differs between REF (default HEAD) and the working tree, staged or not,
    or untracked and not ignored.
    """
    base = resolve_base(repo, ref, "--changed")
    raw = repo.git.diff(base, "--name-only", "--no-renames", "-z", "--", stdout_as_string=False)
    names = {os.fsdecode(n) for n in raw.split(b"\0") if n} | set(_untracked(repo))
    root = Path(repo.working_tree_dir)
    present = sorted(n for n in names if (root / n).is_file())
    deleted = sorted(n for n in names if not (root / n).is_file())
    return present, deleted
