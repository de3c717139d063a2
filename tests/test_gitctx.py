"""Git context in a real temporary repository: diff, log and changed files, from a subfolder."""

from __future__ import annotations

import subprocess

import pytest

from prompt_foo_loom.errors import UsageProblem
from prompt_foo_loom.story.gitctx import NotInGit, changed_files, open_repo, recent_commits, working_diff
from prompt_foo_loom.story.render import render_diff, render_log


@pytest.fixture
def repo(git_repo):
    """Three commits, then a staged edit, a staged new file, an unstaged edit, a deletion
    and untracked files; opened from a subfolder."""
    git_repo.write("a.py", "one = 1\n")
    git_repo.write("docs/b.md", "# B\n")
    git_repo.commit("first: a and b")
    git_repo.write("a.py", "one = 1\ntwo = 2\n")
    git_repo.commit("second: two")
    git_repo.write("docs/c.md", "c\n")
    git_repo.write("gone.txt", "soon gone\n")
    git_repo.commit("third: c and gone")
    git_repo.write("a.py", "one = 1\ntwo = 2\nthree = 3\n")
    git_repo.write("added.py", "new = True\n")
    git_repo.git("add", "a.py", "added.py")  # staged
    git_repo.write("docs/b.md", "# B\n\nunstaged line\n")  # unstaged
    (git_repo.root / "gone.txt").unlink()  # deleted, not staged
    git_repo.write("docs/untracked.md", "not yet added\n")
    git_repo.write("zz new.txt", "space in name\n")
    git_repo.write(".gitignore", "*.log\n")
    git_repo.write("ignored.log", "ignored\n")
    return git_repo


def git_out(repo, *args) -> str:
    return subprocess.run(["git", *args], cwd=repo.root, capture_output=True, text=True, check=True).stdout


def test_diff_against_head_covers_staged_unstaged_and_names_untracked(repo):
    with open_repo(repo.root / "docs") as r:
        text, untracked = working_diff(r)
    assert text == git_out(repo, "diff", "--no-color", "HEAD")
    for piece in ("+three = 3", "+new = True", "+unstaged line", "-soon gone"):
        assert piece in text
    assert untracked == [".gitignore", "docs/untracked.md", "zz new.txt"]
    assert render_diff(text, untracked) == text + (
        "\n# Untracked files (new, not in the diff above):\n"
        "    .gitignore\n    docs/untracked.md\n    zz new.txt\n")


def test_diff_against_a_ref(repo):
    with open_repo(repo.root / "docs") as r:
        text, _ = working_diff(r, "HEAD~2")
    assert text == git_out(repo, "diff", "--no-color", "HEAD~2")
    assert "+++ b/docs/c.md" in text  # committed since HEAD~2, so in the diff


def test_clean_tree_has_an_empty_diff(git_repo):
    git_repo.write("a.py", "x = 1\n")
    git_repo.commit("only")
    with open_repo(git_repo.root) as r:
        assert working_diff(r) == ("", [])
    assert render_diff("", []) == ""


def test_log_blocks(repo):
    heads = git_out(repo, "log", "-3", "--format=%H").split()
    with open_repo(repo.root / "docs") as r:
        body = render_log(recent_commits(r, 2))
    assert body == (
        f"commit {heads[0][:12]}\n"
        "Date:    2026-01-02 03:04:05 +0000\n"
        "Author:  Test Author <test@example.invalid>\n"
        "Subject: third: c and gone\n"
        "Files:\n"
        "    docs/c.md (+1 -0)\n"
        "    gone.txt (+1 -0)\n"
        "\n"
        f"commit {heads[1][:12]}\n"
        "Date:    2026-01-02 03:04:05 +0000\n"
        "Author:  Test Author <test@example.invalid>\n"
        "Subject: second: two\n"
        "Files:\n"
        "    a.py (+1 -0)\n"
    )
    with open_repo(repo.root) as r:
        commits = recent_commits(r, 50)
    assert [c.subject for c in commits] == ["third: c and gone", "second: two", "first: a and b"]
    assert commits[-1].files == (("a.py", 1, 0), ("docs/b.md", 1, 0))  # the root commit too


def test_changed_files_uncommitted_and_since_a_ref(repo):
    with open_repo(repo.root / "docs") as r:
        assert changed_files(r) == (
            [".gitignore", "a.py", "added.py", "docs/b.md", "docs/untracked.md", "zz new.txt"],
            ["gone.txt"])
        assert changed_files(r, "HEAD~2") == (
            [".gitignore", "a.py", "added.py", "docs/b.md", "docs/c.md", "docs/untracked.md", "zz new.txt"],
            [])


def test_bad_ref_is_a_usage_error(repo):
    with open_repo(repo.root) as r, pytest.raises(UsageProblem) as err:
        working_diff(r, "no-such-branch")
    assert err.value.exit_code == 2
    assert err.value.message.startswith("--diff 'no-such-branch': no such revision in ")
    with open_repo(repo.root) as r, pytest.raises(UsageProblem, match="^--changed 'v9'"):
        changed_files(r, "v9")


def test_repository_without_commits(git_repo):
    git_repo.write("first.py", "print('hi')\n")
    git_repo.git("add", "first.py")
    git_repo.write("loose.txt", "x\n")
    with open_repo(git_repo.root) as r:
        text, untracked = working_diff(r)
        assert "+print('hi')" in text and "new file mode" in text
        assert untracked == ["loose.txt"]
        assert recent_commits(r, 5) == []
        assert changed_files(r) == (["first.py", "loose.txt"], [])


def test_outside_git(tmp_path):
    with pytest.raises(NotInGit):
        open_repo(tmp_path)


def test_log_of_binary_files_and_merges(git_repo):
    git_repo.write("a.txt", "base\n")
    git_repo.commit("base")
    git_repo.git("checkout", "-q", "-b", "feature")
    git_repo.write("logo.bin", b"\x00\x01\x02binary")
    git_repo.write("a.txt", "base\nfeature\n")
    git_repo.commit("feature work")
    git_repo.git("checkout", "-q", "main")
    git_repo.write("b.txt", "main side\n")
    git_repo.commit("main work")
    git_repo.git("merge", "-q", "--no-ff", "-m", "Merge feature", "feature")
    with open_repo(git_repo.root) as r:
        commits = recent_commits(r, 4)
    assert [c.subject for c in commits][0] == "Merge feature"
    assert commits[0].files == (("a.txt", 1, 0), ("logo.bin", -1, -1))  # against the first parent
    assert {c.subject for c in commits} == {"Merge feature", "main work", "feature work", "base"}
    assert "    logo.bin (binary)\n" in render_log(commits[:1])
