"""The compiler and the real X clipboard (under Xvfb): the book arrives byte-identical, and a
refused compile leaves the clipboard as it was."""

from __future__ import annotations

import subprocess

from conftest import require_tool, run_cli
from test_clipboard import x_display  # noqa: F401  (fixture)
from test_seals_damage import damaged_copy, run_copy


def read_clipboard() -> bytes:
    return subprocess.run(["xclip", "-selection", "clipboard", "-o"], capture_output=True, timeout=10).stdout


def put_clipboard(text: str) -> None:
    subprocess.run(["xclip", "-selection", "clipboard", "-i"], input=text.encode(), check=True, timeout=10,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_compiled_book_reads_back_byte_identical(x_display, git_repo, tmp_path):  # noqa: F811
    require_tool("xclip")
    git_repo.write("app.py", "def f():\n\treturn 'tab and  two spaces'\n")
    git_repo.commit("init")
    r = run_cli("prompt_foo.py", "-o", str(tmp_path / "book.md"), "-f", "app.py", "Go.", cwd=git_repo.root)
    assert r.returncode == 0, r.stderr
    assert "clipboard (xclip)" in r.stderr
    assert read_clipboard() == (tmp_path / "book.md").read_bytes()


def test_seal_drift_leaves_the_clipboard_untouched(x_display, git_repo, tmp_path):  # noqa: F811
    require_tool("xclip")
    git_repo.write("app.py", "x = 1\n")
    git_repo.commit("init")
    put_clipboard("what the user had copied")
    bent = damaged_copy(tmp_path, "tab_for_spaces")
    r = run_copy(bent, "prompt_foo.py", "-f", "app.py", "Go.", cwd=git_repo.root)
    assert r.returncode == 4, r.stderr
    assert read_clipboard() == b"what the user had copied"
