"""foo-release writes by foo-apply's rules, through the real launcher: no symlinked folder on
the way, no FIFO, git's identity checked before the commit, and a late tag failure reported
with the exact steps to finish."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import ROOT, run_cli
from test_release_cli import FILES, PYPROJECT, repo, snapshot  # noqa: F401  (repo: fixture)
from test_write_faults import NO_DAC


def with_stamp(repo, rel: str) -> None:
    repo.write("pyproject.toml", PYPROJECT.replace('"install.sh" = "white_rabbit"\n',
                                                   f'"install.sh" = "white_rabbit"\n'
                                                   f'"{rel}" = "white_rabbit"\n'))


def test_a_stamp_target_through_a_symlinked_folder_is_refused(repo, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "README.md").write_text(FILES["README.md"])
    (repo.root / "docs").symlink_to(outside)
    with_stamp(repo, "docs/README.md")
    repo.commit("linked docs")
    r = run_cli("release.py", cwd=repo.root)
    assert r.returncode == 1, r.stderr
    assert "docs/README.md' goes through a symlink ('docs')" in r.stderr
    assert (outside / "README.md").read_text() == FILES["README.md"]
    assert (repo.root / "README.md").read_text() == FILES["README.md"]


def test_a_follower_through_a_symlinked_folder_is_never_bumped(repo, tmp_path):
    outside = tmp_path / "pkg"
    outside.mkdir()
    (outside / "__init__.py").write_text('__version__ = "1.2.3"\n')
    (repo.root / "demo/__init__.py").unlink()
    (repo.root / "demo").rmdir()
    (repo.root / "demo").symlink_to(outside)
    repo.commit("linked package")
    r = run_cli("release.py", "--bump", "patch", cwd=repo.root)
    assert r.returncode == 1 and "goes through a symlink ('demo')" in r.stderr, r.stderr
    assert (outside / "__init__.py").read_text() == '__version__ = "1.2.3"\n'
    assert (repo.root / "pyproject.toml").read_text() == PYPROJECT


def test_a_fifo_stamp_target_is_refused_not_waited_on(repo):
    os.mkfifo(repo.root / "pipe.md")
    with_stamp(repo, "pipe.md")
    r = run_cli("release.py", cwd=repo.root, timeout=30)
    assert r.returncode == 1
    assert "pipe.md: is not a regular file (a folder, FIFO or device)" in r.stderr


def test_no_git_identity_refuses_before_anything_is_written(repo, tmp_path):
    assert run_cli("release.py", cwd=repo.root).returncode == 0
    repo.commit("stamped")
    before = snapshot(repo)
    bare = tmp_path / "gitconfig"
    bare.write_text("[user]\n\tuseConfigOnly = true\n")
    full = dict(os.environ, GIT_CONFIG_GLOBAL=str(bare))  # useConfigOnly: no guessed identity
    for k in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL",
              "EMAIL"):
        full.pop(k, None)
    r = subprocess.run([sys.executable, str(ROOT / "release.py"), "--bump", "patch", "--commit"],
                       cwd=repo.root, capture_output=True, text=True, env=full, timeout=60)
    assert r.returncode == 1, r.stderr
    assert "git has no identity to commit or tag with" in r.stderr and "Traceback" not in r.stderr
    assert snapshot(repo) == before
    assert repo.git("status", "--porcelain") == ""


def test_a_tag_that_fails_after_the_commit_names_the_exact_way_out(repo):
    assert run_cli("release.py", cwd=repo.root).returncode == 0
    repo.commit("stamped")
    lock = repo.root / ".git/refs/tags/v1.2.4.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    lock.write_text("")  # another git process was killed holding the ref lock
    r = run_cli("release.py", "--bump", "patch", "--commit", "--tag", cwd=repo.root)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    head = repo.git("rev-parse", "HEAD").strip()
    assert f"the release commit {head[:12]} was made but is not tagged" in r.stderr
    step = next(ln.strip() for ln in r.stderr.splitlines() if ln.strip().startswith("to finish: "))
    assert step == f"to finish: git tag -a v1.2.4 -m 'Release 1.2.4' {head[:12]}"
    assert "git reset --keep HEAD~1" in r.stderr
    lock.unlink()
    subprocess.run(step.removeprefix("to finish: "), shell=True, cwd=repo.root, check=True)
    assert repo.git("rev-parse", "v1.2.4^{commit}").strip() == head


def test_an_unwritable_folder_refuses_without_a_traceback_and_changes_nothing(repo):
    if os.geteuid() != 0:
        pytest.skip("needs root to drop the permission override with setpriv")
    assert run_cli("release.py", cwd=repo.root).returncode == 0
    repo.commit("stamped")
    before = snapshot(repo)
    (repo.root / "demo").chmod(0o555)
    try:
        r = subprocess.run([*NO_DAC, sys.executable, str(ROOT / "release.py"), "--bump", "patch"],
                           cwd=repo.root, capture_output=True, text=True, timeout=60)
    finally:
        (repo.root / "demo").chmod(0o755)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert "cannot write demo/__init__.py: Permission denied; nothing was changed" in r.stderr
    assert snapshot(repo) == before
