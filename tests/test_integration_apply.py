"""Seams between issue 10 (absolute and ~ targets, fragments, --no-airlock) and issue 11
(symlink and .git checks, the journal, the lock), found by the integration review: each
runs the real foo-apply / foo-release in a temporary git repository."""

from __future__ import annotations

import json
import os

import pytest

from conftest import run_cli


def block(target: str, search: str, replace: str) -> str:
    return (f"Target: {target}\n[[[SEARCH]]]\n{search}\n[[[DIVIDER]]]\n{replace}\n"
            "[[[REPLACE]]]\n")


def apply(repo, reply: str, *args: str, env=None):
    return run_cli("apply.py", "--json", *args, cwd=repo.root, input=reply, env=env)


def test_absolute_target_with_dotdot_through_a_symlink_is_refused(git_repo, tmp_path):
    # The OS reads /repo/link/../real/a.py as <link's target's parent>/real/a.py, a file
    # outside the repository; folding '..' away by text would edit /repo/real/a.py instead,
    # a file the reply never named. A relative target with '..' is refused; so is this.
    outside = tmp_path / "elsewhere" / "inner"
    outside.mkdir(parents=True)
    (tmp_path / "elsewhere" / "real").mkdir()
    (tmp_path / "elsewhere" / "real" / "a.py").write_text("x = 1\n")
    git_repo.write("real/a.py", "x = 1\n")
    (git_repo.root / "link").symlink_to(outside)
    git_repo.commit("init")
    target = f"{git_repo.root}/link/../real/a.py"
    proc = apply(git_repo, block(target, "x = 1", "x = 2"))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    out = json.loads(proc.stdout)
    assert "'..'" in out["blocks"][0]["message"]
    assert (git_repo.root / "real" / "a.py").read_text() == "x = 1\n"


def test_relative_target_starting_with_tilde_is_a_file_in_the_root(git_repo):
    # '~notes.txt' is no home folder: it is a file name (editors' backups, Office lock
    # files); only '~' and '~/...' mean the home folder.
    git_repo.write("~notes.txt", "x = 1\n")
    git_repo.commit("init")
    proc = apply(git_repo, block("~notes.txt", "x = 1", "x = 2"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (git_repo.root / "~notes.txt").read_text() == "x = 2\n"


SEALED = """\
[project]
name = "demo"
version = "3.2.0.dev0"

[tool.prompt-foo.seals]
art = "seals/art.py"
ledger = "seals/seals.json"

[tool.prompt-foo.release]
version_source = "pyproject.toml"
"""


@pytest.mark.parametrize("fifo", ["seals/art.py", "seals/seals.json"])
def test_a_fifo_project_seal_file_is_refused_not_waited_on(git_repo, fifo):
    # foo-release refuses a FIFO stamp target (issue 11); the project's seal files (issue 14)
    # are read by the same run before any stamp, and a FIFO there hung it for good.
    git_repo.write("pyproject.toml", SEALED)
    git_repo.write("seals/art.py", "ART = {}\n")
    git_repo.commit("init")
    (git_repo.root / fifo).unlink(missing_ok=True)
    os.mkfifo(git_repo.root / fifo)
    r = run_cli("release.py", "--check", cwd=git_repo.root, timeout=20)
    assert r.returncode == 2, r.stderr
    assert f"{fifo!r} is not a regular file" in r.stderr


def test_undo_refuses_a_journal_path_that_is_not_relative(tmp_path):
    # Outside git the journal sits in the root, where a copied or unpacked tree can bring one.
    # Issue 11's undo trusted it because resolve_target refused anything but a relative path;
    # issue 10 taught resolve_target absolute and ~ targets, so a journal naming a file by its
    # absolute path passed the check, then the undo could not find the file, said it "changed
    # during the undo" and left the journal 'undoing', blocking every later run.
    root = tmp_path / "tree"
    (root / "sub").mkdir(parents=True)
    (root / "sub/a.py").write_text("x = 1\n")
    reply = block("sub/a.py", "x = 1", "x = 2")
    assert run_cli("apply.py", "--root", str(root), input=reply, cwd=tmp_path).returncode == 0
    manifest_path = root / ".prompt-foo/journal.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["files"][0]["path"] = f"{root}/sub/a.py"
    manifest_path.write_text(json.dumps(manifest))
    r = run_cli("apply.py", "--root", str(root), "--undo", cwd=tmp_path)
    assert r.returncode == 1
    assert "cannot undo" in r.stderr and "not a path relative to the root" in r.stderr, r.stderr
    assert json.loads(manifest_path.read_text())["state"] == "done"
    assert (root / "sub/a.py").read_text() == "x = 2\n"


def test_an_absolute_target_ending_in_a_slash_names_a_folder_not_a_new_file(git_repo):
    # 'newdir/' is refused as a folder; its absolute spelling lost the slash to normpath and
    # created a file called 'newdir'.
    git_repo.write("a.txt", "x\n")
    git_repo.commit("init")
    reply = f"Target: {git_repo.root}/newdir/\n[[[WRITE_FILE]]]\nhello\n[[[END_WRITE_FILE]]]\n"
    proc = apply(git_repo, reply)
    assert proc.returncode == 1, proc.stdout
    assert "names a folder, not a file" in json.loads(proc.stdout)["blocks"][0]["message"]
    assert not (git_repo.root / "newdir").exists()


# -- combinations the review checked and found sound (kept as guards) -------------------------

def test_dry_run_takes_no_lock_and_writes_no_journal(git_repo):
    from test_write_faults import start, wait_for_state

    git_repo.write("a.txt", "one\ntwo\n")
    git_repo.commit("init")
    reply = block(f"{git_repo.root}/a.txt", "two", "TWO")
    dry = run_cli("apply.py", "--dry-run", cwd=git_repo.root, input=reply)
    assert dry.returncode == 0 and "+TWO" in dry.stdout, dry.stderr
    assert not (git_repo.root / ".git/prompt-foo").exists()
    first = start(git_repo.root, block("a.txt", "one", "ONE"), "before-write:3")
    wait_for_state(git_repo.root, "writing")
    # The first run holds the lock: a dry run does not wait for it.
    held = run_cli("apply.py", "--dry-run", cwd=git_repo.root, input=reply,
                   env={"PROMPT_FOO_APPLY_LOCK_WAIT": "0"})
    first.communicate(timeout=60)
    assert held.returncode == 0, held.stderr
    assert "interrupted while writing" in held.stderr  # told, not blocked
    assert (git_repo.root / "a.txt").read_text() == "ONE\ntwo\n"


def test_fragments_and_nameless_aider_blocks_undo_to_the_exact_bytes(git_repo):
    original = b"caf\xe9 = foo(1)  # x\r\nlast = 1"  # Latin-1, CRLF, no final newline
    git_repo.write("l.py", original)
    git_repo.write("home/n.py", "def f():\n    return 1\n")
    git_repo.commit("init")
    reply = (block("l.py", "foo(1)", "foo(2)")
             + "\nl.py\n```\n<<<<<<< SEARCH\nlast = 1\n=======\nlast = 2\n>>>>>>> REPLACE\n```\n"
             + "\n```\n<<<<<<< SEARCH\n= 2\n=======\n= 3\n>>>>>>> REPLACE\n```\n"
             + block("~/n.py", "    return 1", "    return 2"))
    env = {"HOME": str(git_repo.root / "home")}  # ~ inside the repository
    proc = apply(git_repo, reply, env=env)
    assert proc.returncode == 0, proc.stdout
    assert [f["path"] for f in json.loads(proc.stdout)["files"]] == ["home/n.py", "l.py"]
    assert (git_repo.root / "l.py").read_bytes() == b"caf\xe9 = foo(2)  # x\r\nlast = 3"
    again = apply(git_repo, reply, env=env)
    assert json.loads(again.stdout)["status"] == "already-applied"
    undo = run_cli("apply.py", "--undo", cwd=git_repo.root)
    assert undo.returncode == 0, undo.stderr
    assert (git_repo.root / "l.py").read_bytes() == original
    assert (git_repo.root / "home/n.py").read_text() == "def f():\n    return 1\n"


def test_an_absolute_target_spelled_through_a_symlink_to_the_root_is_inside(git_repo, tmp_path):
    # The CLI resolves the root (/data/u/repo), but a book compiled in ~/repo, with ~ a link
    # to /data/u, names its files by that spelling. Only a spelling that reaches the root
    # itself is read through a link; inside the root every link is still refused.
    git_repo.write("a.py", "x = 1\n")
    git_repo.commit("init")
    alias = tmp_path / "alias"
    alias.symlink_to(git_repo.root)
    proc = apply(git_repo, block(f"{alias}/a.py", "x = 1", "x = 2"))
    assert proc.returncode == 0, proc.stdout
    assert json.loads(proc.stdout)["files"] == [{"path": "a.py", "action": "modified"}]
    assert (git_repo.root / "a.py").read_text() == "x = 2\n"
    (git_repo.root / "self").symlink_to(git_repo.root)
    proc = apply(git_repo, block(f"{alias}/self/a.py", "x = 2", "x = 3"))
    assert proc.returncode == 1 and "goes through a symlink ('self')" in proc.stdout


def test_a_target_thousands_of_folders_deep_is_planned_in_moments(git_repo):
    # An 8 kB reply: each of its 4,000 folders was looked for among the parents of each
    # (Path.parents membership), minutes of work before any refusal or write.
    import time

    git_repo.write("a.txt", "a\n")
    git_repo.commit("init")
    reply = "Target: " + "d/" * 4000 + "x.txt\n[[[WRITE_FILE]]]\nb\n[[[END_WRITE_FILE]]]\n"
    started = time.monotonic()
    proc = run_cli("apply.py", "--dry-run", cwd=git_repo.root, input=reply, timeout=120)
    assert time.monotonic() - started < 10
    assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr, proc.stderr[-300:]
