"""Shared fixtures: an isolated cache and git identity, real git repositories, the real CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory, monkeypatch):
    """No test reads or writes the user's cache or git config; the encoding is fixed
    to the bundled offline one so golden books do not depend on the network."""
    home = tmp_path_factory.mktemp("home")
    gitconfig = home / ".gitconfig"
    gitconfig.write_text(
        "[user]\n\tname = Test Author\n\temail = test@example.invalid\n"
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PROMPT_FOO_CACHE", str(home / "cache"))
    # The user's own config and state (trust records, profiles) live in the fake home too.
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("PROMPT_FOO_CONFIG", str(home / "config" / "prompt-foo" / "config.toml"))
    monkeypatch.setenv("PROMPT_FOO_STATE", str(home / "state" / "prompt-foo"))
    monkeypatch.setenv("PROMPT_FOO_ENCODING", "cl100k_base")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_AUTHOR_DATE", "2026-01-02T03:04:05+00:00")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2026-01-02T03:04:05+00:00")
    monkeypatch.delenv("PROMPT_FOO_COMPILE_LOCK", raising=False)
    monkeypatch.delenv("SSH_CLIENT", raising=False)
    monkeypatch.delenv("SSH_TTY", raising=False)
    monkeypatch.delenv("SSH_CONNECTION", raising=False)
    yield


@dataclass
class GitRepo:
    root: Path

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_bytes(text.encode("utf-8"))
        return path

    def git(self, *args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=self.root, check=True, capture_output=True, text=True
        ).stdout

    def commit(self, message: str = "commit", *paths: str) -> str:
        self.git("add", *(paths or ["-A"]))
        self.git("commit", "-q", "-m", message)
        return self.git("rev-parse", "HEAD").strip()


@pytest.fixture
def git_repo(tmp_path) -> GitRepo:
    """An empty git repository in a temporary folder (commit with ``repo.commit``)."""
    root = tmp_path / "repo"
    root.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    return GitRepo(root)


def run_cli(script: str, *args: str, cwd: Path, input: str | bytes | None = None,
            env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run one of the real launchers (prompt_foo.py, apply.py, release.py) as a user would."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    text = not isinstance(input, bytes)
    return subprocess.run(
        [sys.executable, str(ROOT / script), *args],
        cwd=cwd, input=input, capture_output=True, text=text, env=full_env, timeout=timeout,
    )


def require_tool(name: str) -> str:
    """The path of a system tool; skips when absent, but fails under .ci/run, which
    installs every tool (PROMPT_FOO_REQUIRE_TOOLS=1), so CI cannot pass by skipping."""
    path = shutil.which(name)
    if path:
        return path
    if os.environ.get("PROMPT_FOO_REQUIRE_TOOLS") == "1":
        pytest.fail(f"{name} is required under CI but is not installed")
    pytest.skip(f"{name} is not installed")
