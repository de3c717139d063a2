"""[tool.prompt-foo] read once into one checked settings object (issue 13, Must 8): unknown keys
warn and never fail, a bad value fails only the command that uses it, one message shape."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT, run_cli
from prompt_foo_loom.config import open_workspace
from prompt_foo_loom.errors import UsageProblem
from prompt_foo_loom.settings import KEYS

RELEASE = '[tool.prompt-foo.release]\nversion_source = "pyproject.toml"\nfollowers = []\n'


@pytest.fixture
def repo(git_repo):
    git_repo.write("app.py", "print('hi')\n")
    return git_repo


def test_an_unknown_key_warns_names_the_nearest_and_the_compile_goes_on(repo):
    repo.write("pyproject.toml", '[project]\nname = "x"\nversion = "1.0.0"\n\n[tool.prompt-foo]\nbudjet = 100\n')
    repo.commit("start")
    r = run_cli("prompt_foo.py", "--no-clipboard", "-o", "book.md", "hi", cwd=repo.root)
    assert r.returncode == 0, r.stderr
    assert "[tool.prompt-foo] budjet in repo/pyproject.toml: not a known setting (did you mean 'budget'?)" in r.stderr
    assert (repo.root / "book.md").exists()


def test_a_bad_value_fails_the_command_that_uses_it_and_no_other(repo):
    repo.write("pyproject.toml", '[project]\nname = "x"\nversion = "1.0.0"\n\n[tool.prompt-foo]\n'
                                 'budget = "lots"\nshiny = 1\n\n' + RELEASE)
    repo.commit("start")
    compile_ = run_cli("prompt_foo.py", "--no-clipboard", "-o", "book.md", "hi", cwd=repo.root)
    assert compile_.returncode == 2
    assert compile_.stderr.startswith("prompt-foo: usage error: [tool.prompt-foo] budget = 'lots' in "
                                      "repo/pyproject.toml: expected a whole number of tokens, at least 1\n")
    assert not (repo.root / "book.md").exists()
    release = run_cli("release.py", "--check", cwd=repo.root)
    assert (release.returncode, release.stdout) == (0, "release: up to date (version 1.0.0; 0 stamps)\n")
    assert release.stderr == "foo-release: warning: [tool.prompt-foo] shiny in repo/pyproject.toml: not a known setting\n"


@pytest.mark.parametrize("line,key", [('encoding = "p50k"', "encoding"), ("url_timeout = 0", "url_timeout"),
                                      ("chop = 3", "chop"), ('posts = ["a"]', "posts"), ("release = 1", "release")])
def test_every_key_is_checked_in_one_place(repo, line, key):
    repo.write("pyproject.toml", f"[tool.prompt-foo]\n{line}\n")
    ws = open_workspace(repo.root)
    with pytest.raises(UsageProblem, match=rf"^\[tool.prompt-foo\] {key} = .* in repo/pyproject.toml: expected "):
        ws.setting(key)
    assert ws.setting("budget", 7) == 7  # the other keys are unaffected


def test_the_readme_documents_exactly_the_known_keys():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```toml\n\[tool\.prompt-foo\]\n(.*?)```", readme, re.S).group(1)
    documented = {line.split("=")[0].strip() for line in block.splitlines() if "=" in line}
    assert documented | {"release", "seals"} == set(KEYS)  # the two tables have sections of their own
