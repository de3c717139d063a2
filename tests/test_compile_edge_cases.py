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
from prompt_foo_loom.collect.manifest import parse_chop
from prompt_foo_loom.book.settle import book_digest
from prompt_foo_loom.tokens import open_counter

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

def test_dash_prompt_with_stdin_closed_is_a_usage_error(repo):
    r = run_raw(["--no-clipboard", "-o", "-", "-"], repo.root, close_fd=0, capture_output=True, text=True)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr and "stdin" in r.stderr


@pytest.mark.parametrize("args", [("-",), ()])
def test_stdin_that_is_not_utf8_is_decoded_with_replacement(repo, tmp_path, args):
    r = run_cli("prompt_foo.py", "--no-clipboard", "-o", "-", *args, cwd=repo.root, input=b"fix \xff\xfe this\n")
    assert r.returncode == 0, r.stderr.decode(errors="replace")
    book = r.stdout.decode("utf-8")
    assert "fix \ufffd\ufffd this" in book
    assert_sound(book, tmp_path)


def test_arguments_that_are_not_utf8_do_not_break_the_book(repo, tmp_path):
    bad = os.fsdecode(b"fix \xff")  # what Python makes of a non-UTF-8 argv byte
    r = book_of(repo, "--arg", os.fsdecode(b"k=\xfe"), bad)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert_sound(r.stdout, tmp_path)


def test_a_newline_in_an_arg_value_is_a_usage_error(repo):
    r = book_of(repo, "--arg", "mod=a.py\nb.py", "Go.")
    assert r.returncode == 2 and "--arg" in r.stderr and "Traceback" not in r.stderr


# -- file names -------------------------------------------------------------------------------

def test_a_file_name_that_is_not_utf8_is_shown_escaped(repo, tmp_path):
    (repo.root / os.fsdecode(b"bad\xffname.txt")).write_bytes(b"inside\n")
    repo.commit("odd name")
    r = book_of(repo, "Go.")
    assert r.returncode == 0, r.stderr
    assert "--- START: bad\\xffname.txt (" in r.stdout and "inside\n" in r.stdout
    assert "bad\\xffname.txt  (" in r.stdout  # the File Tree shows it too
    assert_sound(r.stdout, tmp_path)


def test_a_newline_in_a_file_name_does_not_break_the_fences(repo, tmp_path):
    (repo.root / "new\nline.txt").write_text("x\n", encoding="utf-8")
    (repo.root / "tab\there.txt").write_text("y\n", encoding="utf-8")
    repo.commit("odd names")
    r = book_of(repo, "Go.")
    assert r.returncode == 0, r.stderr
    assert "--- START: new\\nline.txt (" in r.stdout and "--- END: new\\nline.txt ---" in r.stdout
    assert "--- START: tab\\there.txt (" in r.stdout
    for line in r.stdout.splitlines():
        if line.startswith("--- START: "):
            assert line.endswith(" ---"), line
    assert_sound(r.stdout, tmp_path)


def test_a_fifo_in_the_manifest_is_noted_not_read(repo):
    os.mkfifo(repo.root / "pipe")
    repo.write("foo_files.py", 'AI_PHOOEY_CHOP = """\\\napp.py\npipe\n"""\n')
    r = book_of(repo, "Go.", timeout=60)
    assert r.returncode == 0, r.stderr
    assert "--- START: pipe (" in r.stdout and "not a regular file" in r.stdout
    assert "print('hi')" in r.stdout


# -- what the book says about itself ------------------------------------------------------------

def test_the_hash_verifies_when_a_packed_file_holds_a_book(repo, tmp_path):
    first = book_of(repo, "Go.").stdout
    repo.write("old-book.md", first)
    repo.commit("keep a book")
    r = book_of(repo, "Go.")
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("\nbook xxh3: ") == 2
    assert_sound(r.stdout, tmp_path)


def test_context_recapture_round_trips_quotes_and_backslashes(repo):
    chop = 'AI_PHOOEY_CHOP = """\\\napp.py\n! echo \'\\"\\"\\"\'\n! printf \'a\\\\tb\\\\n\'\n"""\n'
    repo.write("foo_files.py", chop)
    r = book_of(repo, "--trust", "--yes", "Go.")
    assert r.returncode == 0, r.stderr
    code = r.stdout.split("--- START: Context Recapture ---")[1].split("```python\n")[1].split("\n```\n")[0]
    value = ast.literal_eval(ast.parse(code).body[0].value)
    rebuilt = [e.text for e in parse_chop(value)]
    assert rebuilt == ["app.py", "! echo '\"\"\"'", "! printf 'a\\tb\\n'"]


def test_no_home_directory_in_the_book(repo, tmp_path):
    home = tmp_path / "home"
    (home / "notes").mkdir(parents=True)
    prompt = home / "notes" / "ask.md"
    prompt.write_text("Explain.\n", encoding="utf-8")
    cache = home / ".cache" / "prompt-foo"
    cache.mkdir(parents=True)
    (cache / "tokens-cl100k_base.json").write_text("not json", encoding="utf-8")  # noted in the book
    r = book_of(repo, str(prompt), env={"HOME": str(home), "PROMPT_FOO_CACHE": str(cache)})
    assert r.returncode == 0, r.stderr
    assert "Explain." in r.stdout
    assert str(home) not in r.stdout


# -- settings -------------------------------------------------------------------------------

@pytest.mark.parametrize("setting", ['budget = "abc"', "budget = [1]", "budget = 0", "budget = true",
                                     'exclude = "*.txt"', "exclude = [1]", 'allow_secrets = "x"'])
def test_bad_settings_are_usage_errors(repo, setting):
    repo.write("pyproject.toml", f"[tool.prompt-foo]\n{setting}\n")
    r = book_of(repo, "Go.")
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr and setting.split(" ")[0] in r.stderr
    assert r.stdout == ""


# -- refusals and git context ------------------------------------------------------------------

def test_strict_with_a_missing_entry_refuses_and_writes_nothing(repo):
    repo.write("foo_files.py", 'AI_PHOOEY_CHOP = """\\\napp.py\nnot-there.py\n"""\n')
    out = repo.root / "book.md"
    r = run_cli("prompt_foo.py", "--no-clipboard", "--strict", "-o", str(out), "Go.", cwd=repo.root)
    assert r.returncode == 1
    assert "not-there.py" in r.stderr and "--strict" in r.stderr
    assert not out.exists(), "exit 1 means nothing was written (DESIGN.md)"
    assert run_cli("prompt_foo.py", "--no-clipboard", "-o", str(out), "Go.", cwd=repo.root).returncode == 0


def test_a_current_folder_that_was_removed_is_a_refusal_not_a_traceback(tmp_path):
    gone = tmp_path / "gone"
    gone.mkdir()
    r = subprocess.run(f"cd {gone} && rmdir {gone} && {sys.executable} {LAUNCHER} --no-clipboard -o - Go.",
                       shell=True, capture_output=True, text=True, timeout=120)
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr and "current folder" in r.stderr
    assert r.stdout == ""


def test_untracked_files_with_odd_names_in_diff_and_changed(repo, tmp_path):
    (repo.root / os.fsdecode(b"un\xfftracked.txt")).write_bytes(b"odd\n")
    (repo.root / "two\nlines.txt").write_text("nl\n", encoding="utf-8")
    r = book_of(repo, "--diff", "--changed", "--", "Go.")
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert "    un\\xfftracked.txt\n" in r.stdout and "    two\\nlines.txt\n" in r.stdout  # named in the Diff
    assert "--- START: un\\xfftracked.txt (" in r.stdout and "odd\n" in r.stdout  # read by --changed
    assert_sound(r.stdout, tmp_path)


def test_a_post_named_in_non_utf8_is_listed_and_cached(repo, tmp_path):
    posts = repo.root / "_posts"
    posts.mkdir()
    (posts / "2024-01-01-plain.md").write_text("---\ntitle: Plain\n---\nbody\n", encoding="utf-8")
    (posts / os.fsdecode(b"2024-01-02-bad\xffslug.md")).write_bytes(b"---\ntitle: Odd\n---\nodd body\n")
    for _ in range(2):  # cold, then warm from the article cache
        r = book_of(repo, "-l", "[:]", "-a", "[:]", "--", "Go.")
        assert r.returncode == 0, r.stderr
        assert "Traceback" not in r.stderr and "odd body\n" in r.stdout and "slug | Odd\n" in r.stdout
        assert_sound(r.stdout, tmp_path)
    assert not list((Path(os.environ["PROMPT_FOO_CACHE"]) / "articles").glob(".articles-*")), "temp file left"


@pytest.mark.parametrize("pattern", ["!", "\\", "[z-a]"])
def test_an_invalid_exclude_glob_is_a_usage_error(repo, pattern):
    r = book_of(repo, "--exclude", pattern, "Go.")
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr and repr(pattern) in r.stderr
    repo.write("pyproject.toml", f"[tool.prompt-foo]\nexclude = ['{pattern}']\n")  # a TOML literal string
    r = book_of(repo, "Go.")
    assert r.returncode == 2 and "Traceback" not in r.stderr and "exclude" in r.stderr


def test_a_malformed_url_entry_is_a_recorded_failure_not_a_crash(repo):
    repo.write("foo_files.py", 'AI_PHOOEY_CHOP = """\\\napp.py\nhttp://[::1\nhttp://exa mple.invalid/\n"""\n')
    r = book_of(repo, "--trust", "--yes", "Go.")
    assert r.returncode == 0, r.stderr
    assert "--- START: http://[::1 (" in r.stdout and "--- START: http://exa mple.invalid/ (" in r.stdout
    assert r.stdout.count("\n[fetch failed: ") == 2  # each body says why


def test_a_server_answering_garbage_is_a_recorded_failure_on_one_line(repo):
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)

    def answer():
        conn, _ = server.accept()
        conn.recv(4096)
        conn.sendall(b"GARBAGE\r\n\r\n")
        conn.close()

    threading.Thread(target=answer, daemon=True).start()
    url = f"http://127.0.0.1:{server.getsockname()[1]}/"
    repo.write("foo_files.py", f'AI_PHOOEY_CHOP = """\\\n{url}\n"""\n')
    config = repo.root.parent / "user-config.toml"  # loopback URLs only by the user's own config
    config.write_text("[urls]\nallow_private = true\n")
    r = book_of(repo, "--trust", "--yes", "Go.", env={"PROMPT_FOO_CONFIG": str(config)})
    server.close()
    assert r.returncode == 0, r.stderr
    start = next(line for line in r.stdout.splitlines() if line.startswith(f"--- START: {url} ("))
    assert start.endswith("fetch failed: BadStatusLine: GARBAGE) ---")


def test_a_manifest_saved_with_a_utf8_bom_is_read(repo):
    # Python runs such a file; Windows editors save it that way.
    repo.write("foo_files.py", b'\xef\xbb\xbfAI_PHOOEY_CHOP = """\\\napp.py  # the app\n"""\n')
    r = book_of(repo, "Go.")
    assert r.returncode == 0, r.stderr
    assert "--- START: app.py (" in r.stdout and "foo_files.py:2" not in r.stderr


def test_no_home_directory_in_the_command_line_of_the_summary(repo, tmp_path):
    home = tmp_path / "home"
    (home / "blog").mkdir(parents=True)
    out = home / "book.md"
    r = run_cli("prompt_foo.py", "--no-clipboard", f"--output={out}", f"--posts={home / 'blog'}", "-l", "[:]",
                "--", "Go.", cwd=repo.root, env={"HOME": str(home)})
    assert r.returncode == 0, r.stderr
    book = out.read_text(encoding="utf-8")
    assert "--output=~/book.md" in book and "--posts=~/blog" in book
    assert str(home) not in book


def test_file_names_that_look_like_rich_markup_are_reported_verbatim(repo):
    repo.write("[/x].txt", "closing tag\n")
    repo.write("[bold]y.txt", "open tag\n")
    repo.commit("odd names")
    out = repo.root / "book.md"
    r = run_cli("prompt_foo.py", "--no-clipboard", "-o", str(out), "Go.", cwd=repo.root)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert "[/x].txt (" in r.stderr and "[bold]y.txt (" in r.stderr


@pytest.mark.skipif(not Path("/dev/stdout").exists(), reason="needs /dev/stdout")
def test_output_to_dev_stdout_on_a_pipe_writes_the_book_there(repo):
    r = run_cli("prompt_foo.py", "--no-clipboard", "-o", "/dev/stdout", "Go.", cwd=repo.root)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("# Context book (prompt-foo)")
    assert Path("/dev/stdout").is_symlink() or not Path("/dev/stdout").is_file()


def test_no_clipboard_and_an_unwritable_fallback_is_a_refusal(repo, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    no_tools = tmp_path / "empty-bin"  # no clipboard tool can be found, so the fallback file is used
    no_tools.mkdir()
    env = {"PROMPT_FOO_CACHE": str(blocker / "cache"), "PATH": str(no_tools), "DISPLAY": "", "WAYLAND_DISPLAY": ""}
    r = run_cli("prompt_foo.py", "Go.", cwd=repo.root, env=env)
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr and "-o FILE" in r.stderr


@pytest.mark.parametrize("option", ["--diff", "--changed"])
def test_a_ref_that_names_a_file_blob_is_a_usage_error(repo, option):
    r = book_of(repo, f"{option}=HEAD:app.py", "--", "Go.")
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr and "HEAD:app.py" in r.stderr and "blob" in r.stderr


def test_context_recapture_never_turns_a_file_name_into_a_command(repo):
    repo.write("!important.md", "file, not command\n")
    repo.write("a #b.txt", "hash in name\n")
    repo.commit("odd names")
    # Named with -f: a whole-repository pack's recapture is one sentence (issue 15), not a chop.
    r = book_of(repo, "-f", "!important.md", "-f", "a #b.txt", "-f", "app.py", "Go.")
    assert r.returncode == 0, r.stderr
    code = r.stdout.split("--- START: Context Recapture ---")[1].split("```python\n")[1].split("\n```\n")[0]
    entries = parse_chop(ast.literal_eval(ast.parse(code).body[0].value))
    assert [(e.text, e.kind) for e in entries] == [("./!important.md", "path"), ("app.py", "path")]
    assert "a #b.txt" in code  # named, but switched off with the reason


def test_a_file_reference_to_a_fifo_does_not_hang_the_compile(repo):
    os.mkfifo(repo.root / "pipe")
    repo.write("foo_files.py", 'AI_PHOOEY_CHOP = """\\\n! echo {{pipe}}\n"""\n')
    r = book_of(repo, "--trust", "--yes", "Go.", timeout=60)
    assert r.returncode == 0, r.stderr
    assert "not run: {{pipe}} names no readable text file" in r.stdout


def test_the_chop_setting_picks_the_chop_and_the_option_overrides_it(repo):
    repo.write("notes.md", "notes\n")
    repo.write("foo_files.py", 'AI_PHOOEY_CHOP = """\\\napp.py\n"""\nNOTES = """\\\nnotes.md\n"""\n')
    repo.write("pyproject.toml", '[tool.prompt-foo]\nchop = "NOTES"\n')
    r = book_of(repo, "Go.")
    assert r.returncode == 0, r.stderr
    assert "--- START: notes.md (" in r.stdout and "--- START: app.py (" not in r.stdout
    r = book_of(repo, "--chop", "AI_PHOOEY_CHOP", "Go.")
    assert "--- START: app.py (" in r.stdout and "--- START: notes.md (" not in r.stdout
    repo.write("pyproject.toml", "[tool.prompt-foo]\nchop = 3\n")
    r = book_of(repo, "Go.")
    assert r.returncode == 2 and "chop" in r.stderr and "Traceback" not in r.stderr


def test_log_survives_separator_characters_in_subjects_and_names(repo, tmp_path):
    repo.write("b.txt", "b\n")
    repo.git("add", "b.txt")
    subprocess.run(["git", "commit", "-q", "-m", "odd\x1esubject\x1fhere"], cwd=repo.root, check=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "Ev\x1fil"})
    r = book_of(repo, "--log", "5", "--", "Go.")
    assert r.returncode == 0, r.stderr
    assert "Subject: odd\x1esubject\x1fhere\n" in r.stdout and "Author:  Ev\x1fil <" in r.stdout
    assert "    b.txt (+1 -0)" in r.stdout and "Subject: initial\n" in r.stdout
    assert_sound(r.stdout, tmp_path)


def test_output_to_a_block_device_is_refused(repo, tmp_path):
    node = tmp_path / "disk"
    try:  # a device number nothing answers to, so even a regression writes nowhere
        os.mknod(node, stat.S_IFBLK | 0o600, os.makedev(254, 254))
    except (PermissionError, OSError):
        pytest.skip("cannot create a device node here")
    r = run_cli("prompt_foo.py", "--no-clipboard", "-o", str(node), "Go.", cwd=repo.root)
    assert r.returncode == 1
    assert "block device" in r.stderr and "Traceback" not in r.stderr
    assert stat.S_ISBLK(node.lstat().st_mode)
