""".pre-commit-hooks.yaml: the shipped hooks, run as pre-commit runs them.

The hooks are `language: system` (they run the installed prompt-foo and foo-release), so
pre-commit builds no environment and needs no network: the real `pre-commit` (a test
dependency) runs them here from a local hook repository at a local rev, offline.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

BIN = Path(sys.executable).parent
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def pre_commit() -> Path:
    """The real pre-commit next to this Python (skipped if absent; a failure under CI)."""
    exe = BIN / "pre-commit"
    if exe.exists():
        return exe
    if os.environ.get("PROMPT_FOO_REQUIRE_TOOLS") == "1":
        pytest.fail("pre-commit is required under CI (it is in the [test] extra)")
    pytest.skip("pre-commit is not installed")


def hook_env(tmp_path: Path) -> dict:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"  # where the system hooks are found
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    return env


def hook_repo(tmp_path: Path) -> tuple[Path, str]:
    """A local git repository holding the shipped hooks file, and its commit (the `rev`)."""
    repo = tmp_path / "hooks-repo"
    repo.mkdir()
    (repo / ".pre-commit-hooks.yaml").write_bytes((ROOT / ".pre-commit-hooks.yaml").read_bytes())
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "hooks"]):
        subprocess.run(["git", *args], cwd=repo, check=True)
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, check=True, capture_output=True,
                         text=True).stdout.strip()
    return repo, rev


def write_config(user_repo: Path, tmp_path: Path) -> None:
    repo, rev = hook_repo(tmp_path)
    (user_repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repo}\n    rev: {rev}\n    hooks:\n"
        "      - id: foo-release-check\n      - id: prompt-foo-check-seals\n", encoding="utf-8")


def test_the_shipped_hooks_are_the_two_checks_and_need_no_environment():
    assert [(h["id"], h["entry"], h["language"], h["pass_filenames"], h["always_run"]) for h in HOOKS] == [
        ("foo-release-check", "foo-release --check", "system", False, True),
        ("prompt-foo-check-seals", "prompt-foo --check-seals", "system", False, True),
    ]


PYPROJECT = """\
[project]
name = "demo"
version = "1.0.0"

[tool.prompt-foo.release]
version_source = "pyproject.toml"

[tool.prompt-foo.release.stamps]
"README.md" = "white_rabbit"
"""


@pytest.fixture
def user_repo(git_repo):
    git_repo.write("pyproject.toml", PYPROJECT)
    git_repo.write("README.md", "# Demo\n<!-- seal:white_rabbit -->\n<!-- /seal:white_rabbit -->\n")
    return git_repo


def test_each_hook_entry_run_as_pre_commit_would(user_repo, tmp_path):
    # pass_filenames is false: the entry runs as written, in the repository root.
    def run_hooks():
        return [subprocess.run([str(BIN / shlex.split(h["entry"])[0]), *shlex.split(h["entry"])[1:]],
                               cwd=user_repo.root, capture_output=True, text=True).returncode
                for h in HOOKS]

    user_repo.commit("demo")
    assert run_hooks() == [1, 0]  # the README stamp is stale
    assert subprocess.run([str(BIN / "foo-release")], cwd=user_repo.root).returncode == 0
    assert run_hooks() == [0, 0]


def test_real_pre_commit_runs_the_hooks_from_a_local_repo_offline(user_repo, tmp_path):
    exe = pre_commit()
    write_config(user_repo.root, tmp_path)
    user_repo.commit("demo")
    env = hook_env(tmp_path)
    stale = subprocess.run([str(exe), "run", "--all-files"], cwd=user_repo.root, env=env,
                           capture_output=True, text=True, timeout=300)
    assert stale.returncode == 1, stale.stdout + stale.stderr
    assert "foo-release --check" in stale.stdout and "Failed" in stale.stdout
    assert "README.md: the white_rabbit stamp is stale" in stale.stdout
    assert subprocess.run([str(BIN / "foo-release")], cwd=user_repo.root, env=env).returncode == 0
    ok = subprocess.run([str(exe), "run", "--all-files"], cwd=user_repo.root, env=env,
                        capture_output=True, text=True, timeout=300)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.count("Passed") == 2
