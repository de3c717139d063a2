"""Hostile-user edge cases of the compile command, each through the real launcher in a real repository."""

from __future__ import annotations

import ast
import os
import re
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from imports.manifest import parse_chop
from imports.settle import book_digest
from imports.tokens import open_counter

LAUNCHER = str(ROOT / "prompt_foo.py")


@pytest.fixture
def repo(git_repo):
    git_repo.write("app.py", "print('hi')\n")
    git_repo.commit("initial")
    return git_repo


def book_of(repo, *args, **kw) -> subprocess.CompletedProcess:
    return run_cli("prompt_foo.py", "--no-clipboard", "-o", "-", *args, cwd=kw.pop("cwd", repo.root), **kw)


def assert_sound(book: str, tmp_path: Path) -> None:
    """The Summary's total, size and hash describe exactly this text."""
    total = open_counter("cl100k_base", tmp_path / "verify").encode_full(book)
    assert f"- Verified total: {total:,} tokens (cl100k_base;" in book
    assert f"- Size: {len(book.encode()):,} bytes;" in book
    assert re.findall(r"^book xxh3: ([0-9a-f]+)$", book, re.M)[-1] == book_digest(book)


def run_raw(args: list, cwd: Path, close_fd: int | None = None, **kw) -> subprocess.CompletedProcess:
    """The launcher with one of its standard descriptors closed (as `cmd <&-` or `cmd >&-` would)."""
    pre = (lambda: os.close(close_fd)) if close_fd is not None else None
    return subprocess.run([sys.executable, LAUNCHER, *args], cwd=cwd, preexec_fn=pre, timeout=120, **kw)


# -- emission ---------------------------------------------------------------------------------

def test_output_to_a_fifo_writes_through_it_instead_of_replacing_it(repo, tmp_path):
    fifo = tmp_path / "book.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    r = run_cli("prompt_foo.py", "--no-clipboard", "-o", str(fifo), "Go.", cwd=repo.root)
    reader.join(30)
    assert r.returncode == 0, r.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode), "the FIFO was replaced by a regular file"
    assert got and got[0].startswith(b"# Context book (prompt-foo)")
    assert not list(tmp_path.glob(".book.fifo.*")), "a temp file was left beside the FIFO"


def test_output_through_a_symlink_writes_the_target_and_keeps_the_link(repo, tmp_path):
    real = tmp_path / "books" / "real.md"
    real.parent.mkdir()
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "book.md"
    link.symlink_to(real)
    r = run_cli("prompt_foo.py", "--no-clipboard", "-o", str(link), "Go.", cwd=repo.root)
    assert r.returncode == 0, r.stderr
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8").startswith("# Context book (prompt-foo)")


def test_book_to_a_closed_stdout_is_a_refusal_not_a_traceback(repo):
    r = run_raw(["--no-clipboard", "-o", "-", "Go."], repo.root, close_fd=1, stderr=subprocess.PIPE, text=True)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr and "stdout" in r.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_book_to_a_full_stdout_is_a_refusal_not_a_traceback(repo):
    with open("/dev/full", "wb") as full:
        r = run_raw(["--no-clipboard", "-o", "-", "Go."], repo.root, stdout=full, stderr=subprocess.PIPE, text=True)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr and "No space left" in r.stderr


def test_empty_output_name_is_a_usage_error(repo):
    r = run_cli("prompt_foo.py", "--no-clipboard", "-o", "", "Go.", cwd=repo.root)
    assert r.returncode == 2 and "-o" in r.stderr and "Traceback" not in r.stderr


# -- the intent -------------------------------------------------------------------------------


# -- file names -------------------------------------------------------------------------------


# -- what the book says about itself ------------------------------------------------------------


# -- settings -------------------------------------------------------------------------------
