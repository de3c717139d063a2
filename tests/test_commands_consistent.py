"""The three commands behave alike (issue 13, Must 5): --version on each, each labels its own
errors, and each --help names the other two. Run through the real launchers."""

from __future__ import annotations

import pytest

from conftest import run_cli
import prompt_foo_loom

COMMANDS = {"prompt-foo": "prompt_foo.py", "foo-apply": "apply.py", "foo-release": "release.py"}


@pytest.mark.parametrize("name", COMMANDS)
def test_version_on_every_command(name, tmp_path):
    r = run_cli(COMMANDS[name], "--version", cwd=tmp_path)
    assert (r.returncode, r.stdout, r.stderr) == (0, f"{name}, version {prompt_foo_loom.__version__}\n", "")


@pytest.mark.parametrize("name", COMMANDS)
def test_help_names_the_other_two(name, tmp_path):
    r = run_cli(COMMANDS[name], "--help", cwd=tmp_path)
    assert r.returncode == 0
    see_also = [line.strip() for line in r.stdout.splitlines() if "See also:" in line]
    others = [other for other in COMMANDS if other != name]
    assert see_also == [f"See also: {others[0]} ({_what(others[0])}); {others[1]} ({_what(others[1])})"]


def _what(name: str) -> str:
    return {"prompt-foo": "compile a context book", "foo-apply": "apply the model's reply",
            "foo-release": "stamp the version and seals"}[name]


def test_each_command_labels_its_own_errors(git_repo):
    git_repo.write("a.py", "x = 1\n")
    git_repo.commit("start")
    compile_ = run_cli("prompt_foo.py", "--encoding", "p50k_base", "--no-clipboard", "-o", "b.md", "hi",
                       cwd=git_repo.root)
    assert compile_.returncode == 2
    assert compile_.stderr.startswith("prompt-foo: usage error: encoding 'p50k_base' is not one")
    apply = run_cli("apply.py", "-", cwd=git_repo.root, input="Target: a.py\n[[[SEARCH]]]\nx = 1\n")
    assert apply.returncode == 1 and apply.stderr.startswith("foo-apply: refused: ")
    release = run_cli("release.py", "--check", cwd=git_repo.root)
    assert release.returncode != 0 and release.stderr.startswith("foo-release: ")


def test_set_version_replaces_the_old_meaning_of_version(git_repo):
    """--set-version is foo-release's own option (its config is read next); --version takes no value."""
    r = run_cli("release.py", "--set-version", "1.0", cwd=git_repo.root)
    assert (r.returncode, r.stderr.splitlines()[0]) == (
        2, "foo-release: usage error: pyproject.toml has no [tool.prompt-foo.release] table")
    old = run_cli("release.py", "--version", "1.0", cwd=git_repo.root)  # prints, changes nothing
    assert (old.returncode, old.stdout) == (0, f"foo-release, version {prompt_foo_loom.__version__}\n")
    assert git_repo.git("status", "--porcelain") == ""
