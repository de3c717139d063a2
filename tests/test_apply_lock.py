"""Two foo-apply runs at once, and an editor saving during a run, through the real launcher:
one writer at a time, and no edit is ever lost."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from conftest import ROOT, run_cli
from test_write_faults import block, snapshot, start, wait_for_state


@pytest.fixture
def repo(git_repo):
    git_repo.write("a.txt", "one\ntwo\n")
    git_repo.write("b.txt", "b\n")
    git_repo.commit("init")
    return git_repo


def test_a_second_run_waits_then_refuses_clearly(repo):
    first = start(repo.root, block("a.txt", "one", "ONE") + block("b.txt", "b", "B"), "before-write:4")
    wait_for_state(repo.root, "writing")
    second = run_cli("apply.py", cwd=repo.root, input=block("a.txt", "two", "TWO"),
                     env={"PROMPT_FOO_APPLY_LOCK_WAIT": "0.5"})
    assert second.returncode == 1
    assert "another foo-apply or --undo is writing in this repository" in second.stderr
    assert "Nothing was written" in second.stderr and "Traceback" not in second.stderr
    undo = run_cli("apply.py", "--undo", cwd=repo.root, env={"PROMPT_FOO_APPLY_LOCK_WAIT": "0"})
    assert undo.returncode == 1 and "another foo-apply" in undo.stderr
    first.communicate(timeout=60)
    assert first.returncode == 0
    assert (repo.root / "a.txt").read_text() == "ONE\ntwo\n"


def test_a_second_run_that_waits_long_enough_applies_on_top(repo):
    first = start(repo.root, block("a.txt", "one", "ONE"), "before-write:1")
    wait_for_state(repo.root, "writing")
    second = run_cli("apply.py", cwd=repo.root, input=block("a.txt", "two", "TWO"),
                     env={"PROMPT_FOO_APPLY_LOCK_WAIT": "30"})
    first.communicate(timeout=60)
    assert first.returncode == 0
    assert second.returncode == 0, second.stderr
    assert (repo.root / "a.txt").read_text() == "ONE\nTWO\n"  # neither edit lost


def test_many_concurrent_runs_lose_no_edit(repo):
    lines = [f"line {k}\n" for k in range(8)]
    repo.write("a.txt", "".join(lines))
    procs = [subprocess.Popen([sys.executable, str(ROOT / "apply.py"), "-"], cwd=repo.root,
                              stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True,
                              env=dict(os.environ, PROMPT_FOO_APPLY_LOCK_WAIT="60"))
             for _ in lines]
    for k, p in enumerate(procs):
        p.stdin.write(block("a.txt", f"line {k}", f"LINE {k}"))
        p.stdin.close()
    errors = [p.stderr.read() for p in procs]
    codes = [p.wait(timeout=120) for p in procs]
    for p in procs:
        p.stderr.close()
    assert codes == [0] * len(lines), errors
    assert (repo.root / "a.txt").read_text() == "".join(f"LINE {k}\n" for k in range(8))


def test_an_editor_saving_during_the_run_aborts_it_and_keeps_the_save(repo):
    before = snapshot(repo.root)
    # The editor saves a.txt after foo-apply read it: the re-hash before its rename sees it.
    proc = start(repo.root, block("a.txt", "one", "ONE") + block("b.txt", "b", "B"), "before-write:2")
    wait_for_state(repo.root, "writing")
    (repo.root / "a.txt").write_text("one\ntwo\nthe editor's line\n")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert "a.txt changed on disk after foo-apply read it (an editor saved it?); nothing was " \
           "changed" in err and "Traceback" not in err
    assert (repo.root / "a.txt").read_text() == "one\ntwo\nthe editor's line\n"
    assert (repo.root / "b.txt").read_bytes() == before["b.txt"]


def test_an_editor_saving_a_file_already_written_is_kept_on_rollback(repo):
    proc = start(repo.root, block("a.txt", "one", "ONE") + block("b.txt", "b", "B"),
                 "between-writes:2")
    wait_for_state(repo.root, "writing")
    time.sleep(0.2)
    (repo.root / "a.txt").write_text("the editor's version\n")  # after foo-apply wrote it
    (repo.root / "b.txt").write_text("b, saved by the editor\n")  # before foo-apply writes it
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1 and "b.txt changed on disk" in err
    assert "left as they are now: a.txt" in err
    assert (repo.root / "a.txt").read_text() == "the editor's version\n"
    assert (repo.root / "b.txt").read_text() == "b, saved by the editor\n"
