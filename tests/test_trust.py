"""Issue 12: compiling a repository you did not write. Trust (exit 6), --trust/--yes, --no-commands,
bounded repository settings, credential stores, symlinks out, bounded commands. Every test runs
the real CLI in a real git repository with the fake HOME from conftest."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, run_cli


def manifest(repo, *lines: str) -> None:
    repo.write("foo_files.py", 'AI_PHOOEY_CHOP = """\\\n' + "".join(f"{ln}\n" for ln in lines) + '"""\n')


def compile_book(repo, *args, **kw):
    return run_cli("prompt_foo.py", "--no-clipboard", "-o", "-", *args, "explain", cwd=repo.root,
                   input=kw.pop("input", ""), **kw)


@pytest.fixture
def cloned(git_repo, tmp_path):
    """A 'cloned' repository whose manifest runs a command that leaves a mark outside it."""
    mark = tmp_path / "ran-mark"
    git_repo.write("a.py", "A = 1\n")
    manifest(git_repo, "a.py", f"! touch {mark}")
    git_repo.commit("clone")
    return git_repo, mark


def state_dir() -> Path:
    return Path(os.environ["PROMPT_FOO_STATE"])


def test_untrusted_manifest_runs_nothing_and_exits_6_without_a_terminal(cloned):
    repo, mark = cloned
    r = compile_book(repo)
    assert r.returncode == 6, r.stderr
    assert r.stdout == "" and not mark.exists()
    assert f"foo_files.py:3: ! touch {mark}    (runs a shell command)" in r.stderr
    assert "prompt-foo --trust" in r.stderr
    assert not (state_dir() / "trust.json").exists()


def test_trust_yes_records_in_the_state_folder_then_runs(cloned):
    repo, mark = cloned
    r = compile_book(repo, "--trust", "--yes")
    assert r.returncode == 0, r.stderr
    assert mark.exists() and f"--- START: ! touch {mark}" in r.stdout
    record = json.loads((state_dir() / "trust.json").read_text())
    assert list(record) == [os.path.realpath(repo.root)]
    assert not any(p.name == "trust.json" for p in repo.root.rglob("*"))  # never in the repository
    mark.unlink()
    assert compile_book(repo).returncode == 0 and mark.exists()  # trusted: no question, no exit 6


def test_editing_a_path_keeps_trust_but_changing_a_command_asks_again(cloned, tmp_path):
    repo, mark = cloned
    assert compile_book(repo, "--trust", "--yes").returncode == 0
    repo.write("b.py", "B = 2\n")
    manifest(repo, "a.py", "b.py", f"! touch {mark}")
    assert compile_book(repo).returncode == 0
    other = tmp_path / "other-mark"
    manifest(repo, "a.py", "b.py", f"! touch {other}")
    r = compile_book(repo)
    assert r.returncode == 6 and not other.exists()


def test_an_arg_value_inside_a_command_is_part_of_what_is_trusted(git_repo, tmp_path):
    manifest(git_repo, "! echo {word}")
    git_repo.commit()
    assert compile_book(git_repo, "--arg", "word=one", "--trust", "--yes").returncode == 0
    assert compile_book(git_repo, "--arg", "word=one").returncode == 0
    assert compile_book(git_repo, "--arg", "word=two").returncode == 6


def test_no_commands_compiles_without_them_and_lists_them_as_skipped(cloned):
    repo, mark = cloned
    r = compile_book(repo, "--no-commands")
    assert r.returncode == 0, r.stderr
    assert not mark.exists()
    assert "--- START: a.py (" in r.stdout
    assert f"! touch {mark}: not used: --no-commands (runs a shell command)" in r.stdout


def test_urls_and_outside_paths_need_trust_too(git_repo, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("outside\n")
    manifest(git_repo, str(outside), "http://127.0.0.1:9/x")
    git_repo.commit()
    r = compile_book(git_repo)
    assert r.returncode == 6
    assert "(reads outside the repository)" in r.stderr and "(fetches a URL)" in r.stderr
    assert "outside\n" not in r.stdout


def test_trust_without_yes_and_without_a_terminal_is_a_usage_error(cloned):
    repo, mark = cloned
    r = compile_book(repo, "--trust")
    assert r.returncode == 2 and "--yes" in r.stderr and not mark.exists()


def _run_on_a_terminal(repo, answer: bytes, *args) -> tuple[int, str]:
    """The real CLI with stdin and stderr on a pseudo-terminal; ``answer`` typed at the question."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, str(ROOT / "prompt_foo.py"), "--no-clipboard", "-o",
                             str(repo.root.parent / "book.md"), *args, "explain"], cwd=repo.root,
                            stdin=slave, stdout=subprocess.DEVNULL, stderr=slave, close_fds=True)
    os.close(slave)
    seen, sent, deadline = b"", False, time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        if not sent and b"[y/N]" in seen:
            os.write(master, answer)
            sent = True
        if proc.poll() is not None and not ready:
            break
    os.close(master)
    return proc.wait(timeout=30), seen.decode("utf-8", "replace")


def test_on_a_terminal_the_entries_are_shown_and_asked_once(cloned):
    repo, mark = cloned
    code, screen = _run_on_a_terminal(repo, b"n\n")
    assert code == 6 and not mark.exists() and f"! touch {mark}" in screen
    code, screen = _run_on_a_terminal(repo, b"y\n")
    assert code == 0 and mark.exists(), screen
    mark.unlink()
    code, screen = _run_on_a_terminal(repo, b"")  # trusted now: no question
    assert code == 0 and mark.exists() and "[y/N]" not in screen


# --- Must 2: the repository cannot widen the gate ---------------------------------------------

STORES = [".aws/credentials", ".netrc", ".pgpass", ".git-credentials", ".docker/config.json", ".kube/config",
          ".ssh/id_ed25519"]


@pytest.fixture
def home_stores():
    home = Path(os.environ["HOME"])
    for rel in STORES:
        (home / rel).parent.mkdir(parents=True, exist_ok=True)
        (home / rel).write_text(f"stored credential for {rel}\n")
    return home


def test_repository_cannot_switch_the_gate_off_or_raise_its_timeout(git_repo, home_stores):
    git_repo.write("pyproject.toml", '[tool.prompt-foo]\nallow_secrets = ["*"]\ncommand_timeout = 1000000\n')
    token = "".join(["gh", "p_"]) + "R8kq2LmZ7xVn4TcW9pYb3HsJ6dFg1QaE5uNo"
    git_repo.write("leak.env", f"GITHUB_TOKEN={token}\n")
    git_repo.commit()
    r = compile_book(git_repo)
    assert r.returncode == 5, r.stderr
    assert "Codebase: leak.env:1: GitHub token" in r.stderr and token not in r.stderr
    assert r.stdout == ""
    manifest(git_repo, "leak.env", "! echo hi")
    git_repo.write("leak.env", "A=1\n")
    r = compile_book(git_repo, "--trust", "--yes", "-v")
    assert r.returncode == 0
    assert "allow_secrets '*' ignored" in r.stdout and "command_timeout = 1e+06 capped at 300 s" in r.stdout


def test_repository_allow_secrets_applies_to_its_own_files_only(git_repo):
    token = "".join(["gh", "p_"]) + "R8kq2LmZ7xVn4TcW9pYb3HsJ6dFg1QaE5uNo"
    git_repo.write("pyproject.toml", '[tool.prompt-foo]\nallow_secrets = ["tests/fixtures/*", "Prompt"]\n')
    git_repo.write("tests/fixtures/key.env", f"GITHUB_TOKEN={token}\n")
    git_repo.commit()
    assert compile_book(git_repo).returncode == 0
    r = run_cli("prompt_foo.py", "--no-clipboard", "-o", "-", f"use {token}", cwd=git_repo.root)
    assert r.returncode == 5 and "Prompt section" in r.stderr  # "Prompt" is no repository file


def test_user_config_may_allow_freely(git_repo):
    token = "".join(["gh", "p_"]) + "R8kq2LmZ7xVn4TcW9pYb3HsJ6dFg1QaE5uNo"
    git_repo.write("a.env", f"GITHUB_TOKEN={token}\n")
    git_repo.commit()
    config = Path(os.environ["PROMPT_FOO_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[gate]\nallow_secrets = ["*"]\n')
    assert compile_book(git_repo).returncode == 0


@pytest.mark.parametrize("rel", STORES)
def test_credential_stores_are_refused_from_a_trusted_manifest(git_repo, home_stores, rel):
    manifest(git_repo, f"~/{rel}")
    git_repo.commit()
    r = compile_book(git_repo, "--trust", "--yes")
    assert r.returncode == 5, r.stderr
    assert f"~/{rel} is a credential store" in r.stderr and "stored credential" not in r.stdout + r.stderr


def test_credential_store_named_on_the_command_line_is_the_users_choice(git_repo, home_stores):
    git_repo.write("a.py", "A = 1\n")
    git_repo.commit()
    r = compile_book(git_repo, "-f", str(home_stores / ".netrc"))
    assert r.returncode == 0, r.stderr
    assert "stored credential for .netrc" in r.stdout


def test_credential_stores_in_a_whole_repo_book_are_refused_or_not_followed(git_repo, home_stores):
    git_repo.write("a.py", "A = 1\n")
    os.symlink(home_stores / ".pgpass", git_repo.root / "db.conf")  # a link out: never followed
    git_repo.commit()
    r = compile_book(git_repo)
    assert r.returncode == 0 and "stored credential" not in r.stdout
    assert "db.conf: symlink to a file outside the repository" in r.stdout
    git_repo.write("deploy/.git-credentials", "https://bot:abc@git.invalid\n")  # a store inside the repository
    git_repo.commit()
    r = compile_book(git_repo)  # whole-repository book: not packed, listed (httpx has a fixture .netrc)
    assert r.returncode == 0 and "https://bot:abc" not in r.stdout
    assert "deploy/.git-credentials: a credential store by its name: not packed" in r.stdout
    manifest(git_repo, "a.py", "deploy/.git-credentials")  # named in a manifest: refused
    r = compile_book(git_repo)
    assert r.returncode == 5 and "deploy/.git-credentials is a credential store" in r.stderr


# --- Must 3: no symlinks out -------------------------------------------------------------------

def test_template_symlinked_out_is_not_followed(git_repo, home_stores):
    git_repo.write("a.py", "A = 1\n")
    (git_repo.root / ".prompt-foo/templates").mkdir(parents=True)
    os.symlink(home_stores / ".ssh/id_ed25519", git_repo.root / ".prompt-foo/templates/instructions.md")
    git_repo.commit()
    r = compile_book(git_repo)
    assert r.returncode == 0, r.stderr
    assert "stored credential" not in r.stdout
    assert ".prompt-foo/templates/instructions.md: symlink outside the repository: not followed" in r.stdout


def test_prompt_md_symlinked_out_is_not_the_intent(git_repo, home_stores):
    git_repo.write("a.py", "A = 1\n")
    os.symlink(home_stores / ".netrc", git_repo.root / "prompt.md")
    git_repo.commit()
    r = run_cli("prompt_foo.py", "--no-clipboard", "-o", "-", cwd=git_repo.root, input="")
    assert r.returncode == 0, r.stderr
    assert "stored credential" not in r.stdout
    assert "prompt.md skipped (a symlink outside the repository, not followed)" in r.stdout


def test_manifest_entry_symlinked_out_is_refused_and_whole_repo_one_skipped(git_repo, tmp_path):
    target = tmp_path / "private.txt"
    target.write_text("private notes\n")
    git_repo.write("a.py", "A = 1\n")
    os.symlink(target, git_repo.root / "notes.txt")
    git_repo.commit()
    r = compile_book(git_repo)
    assert r.returncode == 0 and "private notes" not in r.stdout
    assert "notes.txt: symlink to a file outside the repository" in r.stdout
    manifest(git_repo, "a.py", "notes.txt")
    r = compile_book(git_repo)
    assert r.returncode == 1 and "foo_files.py:3: notes.txt is a symlink to" in r.stderr
    assert r.stdout == ""


# --- Must 7: commands are bounded ---------------------------------------------------------------

def test_stderr_flood_is_cut(git_repo):
    manifest(git_repo, "! yes 1>&2")
    git_repo.commit()
    started = time.monotonic()
    r = compile_book(git_repo, "--trust", "--yes")
    assert r.returncode == 0, r.stderr[-2000:]
    assert time.monotonic() - started < 60
    assert "STDERR CUT at 8,388,608 bytes (process group killed)" in r.stdout


def test_a_process_that_leaves_the_group_is_still_ended(git_repo, tmp_path):
    pidfile = tmp_path / "escaped.pid"
    git_repo.write("escape.sh", f"setsid sh -c 'echo $$ > {pidfile}; exec sleep 300' >/dev/null 2>&1 </dev/null &\n"
                                f"while [ ! -s {pidfile} ]; do sleep 0.05; done\necho started\n")
    manifest(git_repo, "! sh escape.sh")
    git_repo.commit()
    r = compile_book(git_repo, "--trust", "--yes")
    assert r.returncode == 0, r.stderr
    pid = int(pidfile.read_text())
    for _ in range(100):
        if not Path(f"/proc/{pid}").exists():
            break
        time.sleep(0.05)
    alive = Path(f"/proc/{pid}").exists()
    if alive:
        os.kill(pid, 9)
    assert not alive, "the setsid'd process outlived the compile"


def test_a_command_file_reference_to_a_credential_store_is_not_run(git_repo, home_stores, tmp_path):
    mark = tmp_path / "ran"
    manifest(git_repo, f"! touch {mark}; echo {{{{~/.netrc}}}}")
    git_repo.commit()
    r = compile_book(git_repo, "--trust", "--yes")
    assert r.returncode == 0, r.stderr
    assert not mark.exists() and "stored credential" not in r.stdout
    assert "not run: {{~/.netrc}} names a credential store" in r.stdout


def test_a_manifest_folder_outside_the_repository_holding_a_store_is_refused(git_repo, home_stores):
    manifest(git_repo, "~/.ssh/")
    git_repo.commit()
    r = compile_book(git_repo, "--trust", "--yes")
    assert r.returncode == 5 and "id_ed25519 is a credential store" in r.stderr
