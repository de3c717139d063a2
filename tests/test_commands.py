"""`! command` entries: run in the repository root, timeouts kill the process group, receipts."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from prompt_foo_loom.collect.commands import STDERR_TAIL, run_command
from prompt_foo_loom.config import open_workspace
from prompt_foo_loom.errors import UsageProblem
from prompt_foo_loom.collect.manifest import Entry
from prompt_foo_loom.model import Note, Source
from prompt_foo_loom.collect.sources import collect


def command(text: str, line: int = 1) -> Entry:
    return Entry(text, "command", line)


def run(ws, text: str, **kw) -> Source:
    col = collect(ws, [command(text)], **kw)
    assert len(col.sources) == 1
    return col.sources[0]


def gone(pid: int) -> bool:
    """True when the process no longer runs (a zombie waiting for its reaper counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")


def test_stdout_is_captured_in_the_repository_root(git_repo):
    sub = git_repo.root / "sub"
    sub.mkdir()
    ws = open_workspace(sub)
    assert run(ws, "! pwd && printf 'a\\nb'") == Source(
        "command", "! pwd && printf 'a\\nb'", f"{git_repo.root}\na\nb\n", "text", len(str(git_repo.root)) + 4)


def test_non_zero_exit_is_a_flag_and_a_line_and_stderr_is_kept(git_repo):
    ws = open_workspace(git_repo.root)
    col = collect(ws, [command("! echo out; echo err >&2; exit 3", line=7)])
    assert col.sources == [Source("command", "! echo out; echo err >&2; exit 3",
                                  "out\n--- stderr ---\nerr\n# NON-ZERO EXIT: exit 3\n", "text", 4, ("exit 3",))]
    assert col.notes == [Note("foo_files.py:7: ! echo out; echo err >&2; exit 3: exit 3", "warn")]


def test_empty_output_still_gives_a_receipt(git_repo):
    ws = open_workspace(git_repo.root)
    assert run(ws, "! true") == Source("command", "! true", "# (no output)\n", "text", 0, ())


def test_killed_by_a_signal(git_repo):
    ws = open_workspace(git_repo.root)
    src = run(ws, "! kill -9 $$")
    assert src.flags == ("killed by signal 9",)
    assert src.text == "# (no output)\n# NON-ZERO EXIT: killed by signal 9\n"


def test_stderr_keeps_only_its_tail(git_repo):
    ws = open_workspace(git_repo.root)
    script = "import sys; sys.stderr.write('H' * 3000 + 'T' * 1999 + 'E')"
    src = run(ws, f'! {sys.executable} -c "{script}"')
    tail = "H" * (STDERR_TAIL - 2000) + "T" * 1999 + "E"
    assert src.text == f"# (no output)\n--- stderr (last 2,000 of 5,000 chars) ---\n{tail}\n"
    assert src.flags == ()


def test_file_reference_is_replaced_by_the_file_contents(git_repo):
    git_repo.write("msg.txt", "hello from a file")
    git_repo.write("code/x.py", "print(6 * 7)\n")
    ws = open_workspace(git_repo.root)
    assert run(ws, "! printf '%s' '{{msg.txt}}' | tr a-z A-Z").text == "HELLO FROM A FILE\n"
    assert run(ws, f'! {sys.executable} -c "{{{{code/x.py}}}}"').text == "42\n"


def test_file_reference_to_a_missing_file_is_not_run(git_repo):
    ws = open_workspace(git_repo.root)
    col = collect(ws, [command("! touch RAN; cat {{nope.txt}}", line=2)])
    why = "not run: {{nope.txt}} names no readable text file"
    assert col.sources == [Source("command", "! touch RAN; cat {{nope.txt}}", f"# {why}\n", "text", 0, (why,))]
    assert col.notes == [Note(f"foo_files.py:2: ! touch RAN; cat {{{{nope.txt}}}}: {why}", "warn")]
    assert not (git_repo.root / "RAN").exists()


def test_recursion_guard_is_set_in_the_child(git_repo, monkeypatch):
    ws = open_workspace(git_repo.root)
    assert run(ws, "! echo lock=$PROMPT_FOO_COMPILE_LOCK").text == "lock=1\n"


def test_timeout_kills_the_whole_process_group(git_repo):
    """The shell starts a grandchild that holds the output pipe; only a group kill ends both."""
    ws = open_workspace(git_repo.root)
    pidfile = git_repo.root / "grandchild.pid"
    started = time.monotonic()
    src = run(ws, f"! echo started; sleep 300 & echo $! > {pidfile}; sleep 300", command_timeout=1)
    elapsed = time.monotonic() - started
    assert elapsed < 10
    assert src.text == "started\n# TIMED OUT after 1 s (process group killed)\n"
    assert src.flags == ("timed out after 1 s; process group killed",)
    grandchild = int(pidfile.read_text())
    deadline = time.monotonic() + 5
    while not gone(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert gone(grandchild)


def test_timeout_is_configurable_in_pyproject(git_repo):
    git_repo.write("pyproject.toml", "[tool.prompt-foo]\ncommand_timeout = 0.5\n")
    ws = open_workspace(git_repo.root)
    src = run(ws, "! sleep 30")
    assert src.flags == ("timed out after 0.5 s; process group killed",)


def test_output_that_is_not_utf8_is_flagged(git_repo):
    ws = open_workspace(git_repo.root)
    src = run(ws, "! printf 'caf\\351\\n'")
    assert src.text == "caf\ufffd\n"
    assert src.flags == ("output not valid UTF-8: decoded with replacement",)


def test_run_command_directly(tmp_path):
    src = run_command("! echo hi", "echo hi", tmp_path, timeout=5)
    assert src == Source("command", "! echo hi", "hi\n", "text", 3, ())


def test_a_bad_timeout_setting_is_a_usage_problem(git_repo):
    git_repo.write("pyproject.toml", '[tool.prompt-foo]\ncommand_timeout = "soon"\n')
    with pytest.raises(UsageProblem) as err:
        collect(open_workspace(git_repo.root), [command("! true")])
    assert err.value.message == ("[tool.prompt-foo] command_timeout = 'soon' in repo/pyproject.toml: "
                                 "expected a positive number of seconds")


def test_runaway_output_is_cut_and_the_group_killed(tmp_path):
    from prompt_foo_loom.collect.commands import MAX_OUTPUT, run_command

    src = run_command("! yes", "yes", tmp_path, timeout=60)
    assert f"output cut at {MAX_OUTPUT:,} bytes; process group killed" in src.flags
    assert src.size == MAX_OUTPUT
    assert src.text.endswith(f"# OUTPUT CUT at {MAX_OUTPUT:,} bytes (process group killed)\n")


def test_a_background_grandchild_does_not_hold_the_compile(tmp_path):
    import time

    from prompt_foo_loom.collect.commands import run_command

    start = time.monotonic()
    src = run_command("! bg", "(sleep 30 &) ; echo done", tmp_path, timeout=60)
    assert time.monotonic() - start < 10
    assert src.text.startswith("done\n")
