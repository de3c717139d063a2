"""foo-apply on a hostile tree and a bad day, through the real launcher: symlinks and every
spelling of .git, read-only folders, a full disk, long names, Ctrl-C, damaged or copied
journals, file→folder replacements. Each run ends with the tree exactly old or exactly new."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, run_cli


def block(target: str, search: str, replace: str) -> str:
    return f"Target: {target}\n[[[SEARCH]]]\n{search}\n[[[DIVIDER]]]\n{replace}\n[[[REPLACE]]]\n"


def write(target: str, body: str) -> str:
    return f"Target: {target}\n[[[WRITE_FILE]]]\n{body}\n[[[END_WRITE_FILE]]]\n"


def snapshot(root: Path) -> dict[str, bytes | str]:
    out: dict[str, bytes | str] = {}
    for dirpath, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in files + [d for d in dirs if os.path.islink(os.path.join(dirpath, d))]:
            p = Path(dirpath, name)
            rel = p.relative_to(root).as_posix()
            out[rel] = ("->" + os.readlink(p)) if p.is_symlink() else p.read_bytes()
        for d in dirs:
            out[Path(dirpath, d).relative_to(root).as_posix() + "/"] = "dir"
    return out


def apply(root: Path, reply: str, *args: str, env: dict | None = None):
    return run_cli("apply.py", *args, cwd=root, input=reply, env=env)


def no_traceback(proc) -> None:
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr


@pytest.fixture
def repo(git_repo):
    git_repo.write("a.txt", "a\n")
    git_repo.write("b.txt", "b\n")
    git_repo.write("src/c.txt", "c\n")
    git_repo.commit("init")
    return git_repo


# --- Must 2: nothing outside the root, nothing inside a git directory ---------------------


def test_a_committed_symlink_named_like_the_old_temp_file_cannot_redirect_the_write(repo, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("precious\n")
    outside.chmod(0o600)
    (repo.root / ".a.txt.foo-apply.tmp").symlink_to(outside)
    repo.commit("a link")
    proc = apply(repo.root, block("a.txt", "a", "A"))
    assert proc.returncode == 0, proc.stderr
    assert outside.read_text() == "precious\n" and (outside.stat().st_mode & 0o777) == 0o600
    assert (repo.root / "a.txt").read_text() == "A\n"
    assert not [p for p in repo.root.iterdir() if p.name.startswith(".foo-apply.")]


@pytest.mark.parametrize("target", ["meta/config", "meta/hooks/post-checkout"])
def test_a_symlink_to_dot_git_is_not_a_way_in(repo, target):
    (repo.root / "meta").symlink_to(".git")
    repo.commit("meta")
    config = (repo.root / ".git/config").read_bytes()
    proc = apply(repo.root, write(target, "[core]\n\tfsmonitor = touch /tmp/pwned"))
    assert proc.returncode == 1 and "goes through a symlink ('meta')" in proc.stderr
    no_traceback(proc)
    assert (repo.root / ".git/config").read_bytes() == config
    assert not (repo.root / ".git/hooks/post-checkout").exists()


@pytest.mark.parametrize("target", [".git/config", ".GIT/config", ".git./config", ".git /config",
                                    "GIT~1/config", "git~2/x", ".Git::$INDEX_ALLOCATION/config",
                                    ".g\u200cit/config", "src/.git", "sub/.git/config",
                                    "sub\\.GIT\\hooks\\pre-commit"])
def test_every_spelling_of_dot_git_is_refused(repo, target):
    (repo.root / "sub").mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo.root / "sub", check=True)
    before = snapshot(repo.root)
    proc = apply(repo.root, write(target, "x"))
    assert proc.returncode == 1 and "is inside .git/" in proc.stderr, proc.stderr
    no_traceback(proc)
    assert snapshot(repo.root) == before


def test_a_nested_repositorys_git_dir_under_another_name_is_refused(repo):
    # `git init --separate-git-dir` leaves sub/.git as a file pointing at a folder of any name.
    subprocess.run(["git", "init", "-q", "--separate-git-dir", str(repo.root / "store"),
                    str(repo.root / "sub")], check=True)
    config = (repo.root / "store/config").read_bytes()
    proc = apply(repo.root, write("store/config", "[core]\n\tfsmonitor = evil"))
    assert proc.returncode == 1 and "is inside a git directory ('store' holds a repository)" \
        in proc.stderr, proc.stderr
    assert (repo.root / "store/config").read_bytes() == config


def test_a_target_inside_a_submodule_gitlink_is_refused(repo):
    head = repo.git("rev-parse", "HEAD").strip()
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{head},lib")
    proc = apply(repo.root, write("lib/x.txt", "x") + block("a.txt", "a", "A"))
    assert proc.returncode == 1
    assert "lib/x.txt: lies in the submodule 'lib' (a gitlink)" in proc.stderr
    assert (repo.root / "a.txt").read_text() == "a\n" and not (repo.root / "lib").exists()


def test_a_nul_byte_in_a_target_is_refused_without_a_traceback(repo):
    proc = apply(repo.root, write("a\x00b.txt", "x"))
    assert proc.returncode == 1 and "contains a NUL byte" in proc.stderr
    no_traceback(proc)


# --- Must 3 and 4: preflight, rollback, Ctrl-C -------------------------------------------

NO_DAC = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"]


def run_without_root_powers(root: Path, reply: str):
    """foo-apply as root without CAP_DAC_OVERRIDE: folder permissions apply again."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root and setpriv to drop the permission override")
    return subprocess.run([*NO_DAC, sys.executable, str(ROOT / "apply.py")], cwd=root,
                          input=reply, capture_output=True, text=True, timeout=60)


def test_a_read_only_folder_refuses_the_whole_reply_before_any_write(repo):
    (repo.root / "src").chmod(0o555)
    try:
        before = snapshot(repo.root)
        proc = run_without_root_powers(repo.root, block("a.txt", "a", "A") + block("src/c.txt", "c", "C"))
    finally:
        (repo.root / "src").chmod(0o755)
    assert proc.returncode == 1, proc.stderr
    assert "src/c.txt: the folder 'src' is not writable" in proc.stderr
    no_traceback(proc)
    assert snapshot(repo.root) == before


@pytest.fixture
def small_disk(tmp_path):
    """A real 2 MiB tmpfs (a full disk without filling the machine's)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mnt = tmp_path / "disk"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mnt)]).returncode:
        pytest.skip("cannot mount a tmpfs here")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


def repo_on(folder: Path) -> Path:
    root = folder / "repo"
    root.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    (root / "a.txt").write_text("a\n")
    (root / "b.txt").write_text("b\n")
    return root


def test_a_reply_too_big_for_the_disk_is_refused_before_any_write(small_disk):
    root = repo_on(small_disk)
    before = snapshot(root)
    big = "x" * 1_000_000
    proc = apply(root, block("a.txt", "a", "A") + write("big1.txt", big) + write("big2.txt", big))
    assert proc.returncode == 1 and "not enough free space" in proc.stderr, proc.stderr
    no_traceback(proc)
    assert snapshot(root) == before


def start(root: Path, reply: str, pause: str, *args: str, env: dict | None = None):
    full = dict(os.environ, PROMPT_FOO_TEST_PAUSE=pause, **(env or {}))
    path = root.parent / f"reply-{time.monotonic_ns()}.md"
    path.write_text(reply)
    return subprocess.Popen([sys.executable, str(ROOT / "apply.py"), str(path), *args], cwd=root,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=full)


def wait_for_state(root: Path, state: str, timeout: float = 30) -> None:
    jpath = root / ".git/prompt-foo/journal.json"
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if json.loads(jpath.read_text()).get("state") == state:
                time.sleep(0.3)  # the run is now in its pause
                return
        except (OSError, ValueError):
            pass
        time.sleep(0.05)
    raise AssertionError(f"journal never reached {state!r}")


def test_the_disk_filling_up_mid_write_rolls_back_everything(small_disk):
    root = repo_on(small_disk)
    before = snapshot(root)
    proc = start(root, block("a.txt", "a", "A") + block("b.txt", "b", "B"), "between-writes:2")
    wait_for_state(root, "writing")
    filler = small_disk / "filler"
    with open(filler, "wb") as fh:  # take every remaining block, as another program would
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError:
            pass
    out, err = proc.communicate(timeout=60)
    filler.unlink()
    assert proc.returncode == 1, err
    assert "cannot write b.txt: No space left on device; nothing was changed" in err
    assert "Traceback" not in err
    assert snapshot(root) == before


@pytest.mark.parametrize("length,ok", [(250, True), (256, False)])
def test_long_names_fit_with_their_temp_file_or_are_refused_first(repo, length, ok):
    name = "n" * (length - 4) + ".txt"
    if ok:
        (repo.root / name).write_text("n\n")
    before = snapshot(repo.root)
    reply = block("a.txt", "a", "A") + (block(name, "n", "N") if ok else write(name, "x"))
    proc = apply(repo.root, reply)
    no_traceback(proc)
    if ok:
        assert proc.returncode == 0, proc.stderr
        assert (repo.root / name).read_text() == "N\n"
        assert run_cli("apply.py", "--undo", cwd=repo.root).returncode == 0
    else:
        assert proc.returncode == 1 and "File name too long" in proc.stderr
    assert snapshot(repo.root) == before


def test_ctrl_c_while_writing_rolls_back_and_says_so(repo):
    before = snapshot(repo.root)
    proc = start(repo.root, block("a.txt", "a", "A") + block("b.txt", "b", "B"), "between-writes:2")
    wait_for_state(repo.root, "writing")
    assert (repo.root / "a.txt").read_text() == "A\n"  # one file written: then Ctrl-C
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert "interrupted while writing; nothing was changed" in err and "Traceback" not in err
    assert snapshot(repo.root) == before
    # The journal is back to what it was: there is nothing to undo, and the reply applies.
    assert "there is no application to undo" in run_cli("apply.py", "--undo", cwd=repo.root).stderr
    assert apply(repo.root, block("a.txt", "a", "A")).returncode == 0


# --- Must 4: the journal ----------------------------------------------------------------

KILL_AT_SWITCH = """\
import os, signal
_real = os.replace
def replace(src, dst, *a, **k):
    if str(dst) == "journal.json" and os.environ.get("KILL_AT_SWITCH"):
        os.kill(os.getpid(), signal.SIGKILL)
    return _real(src, dst, *a, **k)
os.replace = replace
"""


def test_a_run_killed_before_its_journal_switch_leaves_the_last_undo_intact(repo, tmp_path):
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(KILL_AT_SWITCH)
    before = snapshot(repo.root)
    assert apply(repo.root, block("a.txt", "a", "A")).returncode == 0
    killed = apply(repo.root, block("b.txt", "b", "B"),
                   env={"PYTHONPATH": str(hook), "KILL_AT_SWITCH": "1"})
    assert killed.returncode == -9
    undo = run_cli("apply.py", "--undo", cwd=repo.root)
    assert undo.returncode == 0, undo.stderr
    assert snapshot(repo.root) == before  # a.txt got its own bytes back, not b.txt's


def test_undo_refuses_a_damaged_pre_image(repo):
    assert apply(repo.root, block("a.txt", "a", "A") + block("b.txt", "b", "B")).returncode == 0
    (pre,) = [p for p in (repo.root / ".git/prompt-foo/runs").glob("*/pre-1")]
    pre.write_bytes(b"someone else's bytes\n")
    proc = run_cli("apply.py", "--undo", cwd=repo.root)
    assert proc.returncode == 1 and "the saved copy of b.txt" in proc.stderr and \
        "missing or damaged" in proc.stderr
    assert (repo.root / "a.txt").read_text() == "A\n" and (repo.root / "b.txt").read_text() == "B\n"


def test_a_killed_undo_is_finished_by_the_next_undo(repo):
    before = snapshot(repo.root)
    assert apply(repo.root, block("a.txt", "a", "A") + block("b.txt", "b", "B")).returncode == 0
    proc = subprocess.Popen([sys.executable, str(ROOT / "apply.py"), "--undo"], cwd=repo.root,
                            env=dict(os.environ, PROMPT_FOO_TEST_PAUSE="between-undos:5"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_state(repo.root, "undoing")
    time.sleep(0.3)
    proc.kill()
    proc.wait()
    assert (repo.root / "b.txt").read_text() == "b\n" and (repo.root / "a.txt").read_text() == "A\n"
    again = apply(repo.root, block("a.txt", "A", "AA"))
    assert again.returncode == 1 and "--undo was interrupted" in again.stderr
    finish = run_cli("apply.py", "--undo", cwd=repo.root)
    assert finish.returncode == 0, finish.stderr
    assert snapshot(repo.root) == before


def test_the_journal_is_relative_so_a_copy_undoes_itself(repo, tmp_path):
    assert apply(repo.root, block("a.txt", "a", "A")).returncode == 0
    manifest = json.loads((repo.root / ".git/prompt-foo/journal.json").read_text())
    assert manifest["root"] == str(repo.root) and manifest["files"][0]["path"] == "a.txt"
    assert "real" not in manifest["files"][0]
    copy = tmp_path / "copy"
    shutil.copytree(repo.root, copy, symlinks=True)
    assert run_cli("apply.py", "--undo", cwd=copy).returncode == 0
    assert (copy / "a.txt").read_text() == "a\n"
    assert (repo.root / "a.txt").read_text() == "A\n"


def test_a_file_replaced_by_a_folder_can_be_undone(repo):
    before = snapshot(repo.root)
    reply = ("*** Begin Patch\n*** Delete File: a.txt\n*** Add File: a.txt/b.txt\n+inside\n"
             "*** End Patch\n")
    proc = apply(repo.root, reply)
    assert proc.returncode == 0, proc.stderr
    assert (repo.root / "a.txt/b.txt").read_text() == "inside\n"
    undo = run_cli("apply.py", "--undo", cwd=repo.root)
    assert undo.returncode == 0, undo.stderr
    assert snapshot(repo.root) == before


def test_outside_git_a_symlinked_journal_folder_is_refused(tmp_path):
    root, outside = tmp_path / "tree", tmp_path / "elsewhere"
    root.mkdir()
    outside.mkdir()
    (root / "a.txt").write_text("a\n")
    (root / ".prompt-foo").symlink_to(outside)
    proc = run_cli("apply.py", "--root", str(root), cwd=root, input=block("a.txt", "a", "A"))
    assert proc.returncode == 1 and "is a symlink; foo-apply will not write through it" in proc.stderr
    no_traceback(proc)
    assert list(outside.iterdir()) == [] and (root / "a.txt").read_text() == "a\n"
