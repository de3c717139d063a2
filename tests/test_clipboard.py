"""The clipboard module against real X servers (Xvfb), xclip, xsel and a real pty."""

from __future__ import annotations

import base64
import os
import pty
import subprocess
import sys
import time
from pathlib import Path

import pytest

from prompt_foo_loom import clipboard
from prompt_foo_loom.clipboard import ClipboardUnavailable
from prompt_foo_loom.errors import UsageProblem
from conftest import ROOT, require_tool, run_cli

# Every awkward shape at once: non-ASCII, CRLF, tabs, blank lines, no trailing newline,
# and large enough (about 2 MB) that X11 must use incremental (INCR) transfers.
CHUNK = "héllo\twörld ✓\r\n\n  indented\n```text\n[[[SEARCH]]]\n"
LARGE = CHUNK * 40000 + "last line, no newline"


def start_xvfb() -> tuple[subprocess.Popen, str]:
    """A private X server on a display number it picks itself (-displayfd)."""
    xvfb = require_tool("Xvfb")
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        [xvfb, "-displayfd", str(write_fd), "-nolisten", "tcp", "-screen", "0", "320x240x24"],
        pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as fh:
        number = fh.readline().strip()
    if not number:
        proc.kill()
        pytest.fail("Xvfb did not report a display number")
    return proc, f":{number}"


@pytest.fixture
def x_display(monkeypatch):
    """A fresh, empty X display in DISPLAY (no Wayland, not over SSH)."""
    proc, display = start_xvfb()
    monkeypatch.setenv("DISPLAY", display)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("SSH_CONNECTION", raising=False)
    monkeypatch.delenv(clipboard.ENV, raising=False)
    yield display
    proc.terminate()
    proc.wait(timeout=10)


def copy_in_child(text_file: Path, backend: str | None) -> subprocess.CompletedProcess:
    """Copy from a separate Python process that then exits, capturing its output the way an
    editor or a shell pipeline would: this hangs if the tool's forked owner inherits a pipe."""
    code = ("import sys; from pathlib import Path; from prompt_foo_loom.clipboard import copy; "
            "print(copy(Path(sys.argv[1]).read_bytes().decode('utf-8'), sys.argv[2] or None))")
    return subprocess.run([sys.executable, "-c", code, str(text_file), backend or ""], cwd=ROOT,
                          capture_output=True, text=True, timeout=30)


def read_with(tool: list[str]) -> bytes:
    return subprocess.run(tool, capture_output=True, timeout=30, check=True).stdout


XCLIP_OUT = ["xclip", "-selection", "clipboard", "-out", "-target", "UTF8_STRING"]


@pytest.mark.parametrize("copier", ["xclip", "xsel"])
def test_large_text_survives_the_copier_and_reads_back_byte_identical(x_display, tmp_path, copier):
    require_tool("xclip")
    require_tool("xsel")
    source = tmp_path / "book.md"
    source.write_bytes(LARGE.encode("utf-8"))
    started = time.monotonic()
    done = copy_in_child(source, copier)
    elapsed = time.monotonic() - started
    assert (done.returncode, done.stdout, done.stderr) == (0, f"{copier}\n", "")
    assert elapsed < 15, f"copy took {elapsed:.1f} s: a pipe is being held open"
    # The copying process is gone; its forked selection owner must still serve the text.
    # (xclip reads it: xsel's own reader fails on multi-megabyte incremental transfers.)
    assert read_with(XCLIP_OUT) == LARGE.encode("utf-8")
    assert clipboard.paste() == LARGE


def test_text_copied_by_one_tool_is_read_by_the_other(x_display, tmp_path):
    require_tool("xclip")
    require_tool("xsel")
    text = CHUNK * 3000 + "end"  # about 150 KB: still an incremental transfer
    source = tmp_path / "reply.md"
    source.write_bytes(text.encode("utf-8"))
    assert copy_in_child(source, "xclip").returncode == 0
    assert read_with(["xsel", "--clipboard", "--output"]) == text.encode("utf-8")
    assert clipboard.paste("xsel") == text
    assert copy_in_child(source, "xsel").returncode == 0
    assert clipboard.paste("xclip") == text


def test_automatic_choice_prefers_xclip_then_falls_back_to_xsel(x_display, tmp_path, monkeypatch):
    require_tool("xclip")
    xsel = require_tool("xsel")
    assert clipboard.available() == ["xclip", "xsel"]
    assert clipboard.copy("first") == "xclip"
    assert clipboard.paste() == "first"
    only_xsel = tmp_path / "bin"
    only_xsel.mkdir()
    (only_xsel / "xsel").symlink_to(xsel)
    monkeypatch.setenv("PATH", str(only_xsel))
    assert clipboard.available() == ["xsel"]
    assert clipboard.copy("second\n") == "xsel"
    assert clipboard.paste() == "second\n"


def test_forced_backend_by_argument_and_environment(x_display, monkeypatch):
    require_tool("xclip")
    require_tool("xsel")
    assert clipboard.copy("by argument", "xsel") == "xsel"
    assert read_with(["xclip", "-selection", "clipboard", "-out"]) == b"by argument"
    monkeypatch.setenv(clipboard.ENV, "xsel")
    assert clipboard.copy("by env") == "xsel"
    monkeypatch.setenv(clipboard.ENV, "none")
    with pytest.raises(ClipboardUnavailable, match=r"turned off \(PROMPT_FOO_CLIPBOARD=none\)"):
        clipboard.copy("x")
    with pytest.raises(UsageProblem, match="unknown clipboard backend 'klipper'") as caught:
        clipboard.copy("x", "klipper")
    assert isinstance(caught.value, ClipboardUnavailable) and caught.value.exit_code == 2
    assert clipboard.check_backend("WSL") == "clip.exe"
    assert clipboard.check_backend("off") is None


@pytest.mark.parametrize("reader", ["xclip", "xsel"])
def test_empty_clipboard_reads_as_empty_text(x_display, reader):
    require_tool(reader)  # each reader on its own: a machine with only xclip still passes
    assert clipboard.paste(reader) == ""


def test_every_candidate_failing_names_each_failure(monkeypatch, tmp_path):
    require_tool("xclip")
    require_tool("xsel")
    monkeypatch.setenv("DISPLAY", ":987")  # nothing listens there
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    with pytest.raises(ClipboardUnavailable) as caught:
        clipboard.copy("text")
    message = caught.value.message
    assert message.startswith("could not copy: xclip: xclip exited 1")
    assert "; xsel: xsel exited 1" in message
    assert "-o FILE" in caught.value.hint


def test_no_display_gives_a_clear_error(monkeypatch):
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "SSH_CONNECTION", clipboard.ENV):
        monkeypatch.delenv(name, raising=False)
    if sys.platform == "darwin" or clipboard._is_wsl():
        pytest.skip("this machine has a system clipboard without a display")
    assert clipboard.available() == []
    with pytest.raises(ClipboardUnavailable) as caught:
        clipboard.copy("text")
    assert str(caught.value) == (
        "no clipboard tool to write with here (no WAYLAND_DISPLAY or DISPLAY, not over SSH, "
        "not macOS or WSL)\nInstall wl-clipboard (Wayland) or xclip/xsel (X11); over SSH set "
        "PROMPT_FOO_CLIPBOARD=osc52; or write the book to a file with -o FILE.")
    with pytest.raises(ClipboardUnavailable, match="no clipboard tool to read with here"):
        clipboard.paste()


def test_osc52_is_write_only(monkeypatch):
    with pytest.raises(ClipboardUnavailable, match="osc52: write-only"):
        clipboard.paste("osc52")


def run_on_pty(code: str, env: dict[str, str]) -> tuple[int, bytes]:
    """Run Python code in a child whose controlling terminal is a fresh pty; return its exit
    status and every byte it wrote to the terminal."""
    pid, master = pty.fork()
    if pid == 0:  # child: /dev/tty is the pty's slave side now
        os.chdir(ROOT)
        os.execve(sys.executable, [sys.executable, "-c", code], env)
    received = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the slave side
            break
        if not chunk:
            break
        received += chunk
    _, status = os.waitpid(pid, 0)
    os.close(master)
    return os.waitstatus_to_exitcode(status), received


def test_osc52_writes_the_escape_to_the_terminal_over_ssh(tmp_path):
    text = "book ✓\nline two\n" * 50
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "TMUX", clipboard.ENV)}
    env.update(SSH_TTY="/dev/pts/9", TERM="xterm-256color")
    # Raw mode so the pty hands back the bytes unchanged (no \n -> \r\n).
    code = ("import sys, tty; tty.setraw(0); from prompt_foo_loom.clipboard import copy; "
            f"used = copy({text!r}); sys.stderr.write('|' + used + '|')")
    status, received = run_on_pty(code, env)
    expected = b"\x1b]52;c;" + base64.b64encode(text.encode("utf-8")) + b"\x07"
    assert status == 0
    assert received == expected + b"|osc52|"


def test_osc52_is_wrapped_for_tmux(monkeypatch):
    monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    assert clipboard.osc52_sequence("hi") == b"\x1bPtmux;\x1b\x1b]52;c;aGk=\x07\x1b\\"


def test_compile_with_no_clipboard_says_so_and_keeps_the_book(git_repo, monkeypatch):
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "SSH_CONNECTION", clipboard.ENV):
        monkeypatch.delenv(name, raising=False)
    if sys.platform == "darwin" or clipboard._is_wsl():
        pytest.skip("this machine has a system clipboard without a display")
    git_repo.write("a.py", "print('hi')\n")
    git_repo.commit("start")
    done = run_cli("prompt_foo.py", "say hi", cwd=git_repo.root)
    assert done.returncode == 0, done.stderr
    assert "clipboard: no clipboard tool to write with here" in done.stderr
    kept = Path(os.environ["PROMPT_FOO_CACHE"]) / "last-book.md"
    assert str(kept) in done.stderr
    assert kept.read_text(encoding="utf-8").rstrip().endswith("say hi\n--- END: Prompt ---")


def test_compile_with_an_unknown_backend_is_a_usage_error(git_repo):
    git_repo.write("a.py", "print('hi')\n")
    git_repo.commit("start")
    done = run_cli("prompt_foo.py", "--clipboard-backend", "klipper", "-o", "book.md", "say hi", cwd=git_repo.root)
    assert done.returncode == 2, done.stderr
    assert "unknown clipboard backend 'klipper'" in done.stderr and "choose one of" in done.stderr
    assert not (git_repo.root / "book.md").exists()


def test_a_reply_on_the_clipboard_is_applied(x_display, git_repo):
    require_tool("xclip")
    git_repo.write("greet.py", 'def greet(name):\n    return "Hello, " + name\n')
    git_repo.commit("start")
    reply = ("Rename it.\n\n```text\nTarget: greet.py\n[[[SEARCH]]]\ndef greet(name):\n"
             "[[[DIVIDER]]]\ndef welcome(name):\n[[[REPLACE]]]\n```\n")
    assert clipboard.copy(reply) == "xclip"
    done = run_cli("apply.py", "--clipboard", cwd=git_repo.root)
    assert done.returncode == 0, done.stderr
    assert (git_repo.root / "greet.py").read_text(encoding="utf-8") == (
        'def welcome(name):\n    return "Hello, " + name\n')
