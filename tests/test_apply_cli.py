"""foo-apply end to end through the real launcher: output, airlocks, dry run, the undo
journal, and a run killed between two file writes."""

from __future__ import annotations

import json
import os
import stat
import sys
import textwrap

import pytest

from conftest import require_tool, run_cli


def block(target: str, search: str, replace: str) -> str:
    body = f"{replace}\n" if replace else ""
    return f"```text\nTarget: {target}\n[[[SEARCH]]]\n{search}\n[[[DIVIDER]]]\n{body}[[[REPLACE]]]\n```\n"


def aider(target: str, search: str, replace: str) -> str:
    return f"{target}\n```\n<<<<<<< SEARCH\n{search}\n=======\n{replace}\n>>>>>>> REPLACE\n```\n"


def apply(repo, reply: str, *args: str, cwd=None):
    return run_cli("apply.py", *args, cwd=cwd or repo.root, input=reply)


def snapshot(root) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".git" not in p.relative_to(root).parts}


@pytest.fixture
def repo(git_repo):
    git_repo.write("src/a.py", "def f():\n    return 1\n")
    git_repo.write("src/b.py", "X = 1\n")
    git_repo.write("data.json", '{"a": 1}\n')
    git_repo.commit("init")
    return git_repo


def test_json_report_from_a_subfolder(repo):
    reply = block("src/a.py", "    return 1", "    return 2") + block("src/b.py", "X = 1", "X = 1")
    proc = apply(repo, reply, "--json", cwd=repo.root / "src")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report == {
        "status": "applied", "root": str(repo.root),
        "files": [{"path": "src/a.py", "action": "modified"}],
        "blocks": [
            {"n": 1, "target": "src/a.py", "reply_line": 3, "file_line": 2, "status": "applied",
             "recovery": None, "message": "applied", "details": []},
            {"n": 2, "target": "src/b.py", "reply_line": 11, "file_line": 1, "status": "already",
             "recovery": None, "message": "REPLACE is already in the file", "details": []},
        ],
        "canary": {"present": False, "damage": []},
        "messages": ["canary: not echoed in the reply (transport damage cannot be diagnosed)"],
    }
    assert (repo.root / "src/a.py").read_text() == "def f():\n    return 2\n"
    again = apply(repo, reply, "--json")
    assert (again.returncode, json.loads(again.stdout)["status"]) == (0, "already-applied")


def test_one_refused_block_writes_nothing(repo):
    before = snapshot(repo.root)
    reply = block("src/a.py", "    return 1", "    return 2") + block("src/b.py", "Y = 1", "Y = 2")
    proc = apply(repo, reply)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr == textwrap.dedent("""\
        canary: not echoed in the reply (transport damage cannot be diagnosed)
              applied block 1 src/a.py line 2: applied
              refused block 2 src/b.py (reply line 11): SEARCH not found in the file
                      no line of SEARCH occurs in the file, even ignoring indentation
        refused: nothing was written
        """)
    assert snapshot(repo.root) == before


def test_parse_error_refuses_with_reply_line_and_no_traceback(repo):
    before = snapshot(repo.root)
    proc = apply(repo, block("src/a.py", "    return 1", "    return 2") + "Target: src/b.py\n[[[SEARCH]]]\nX = 1\n")
    assert proc.returncode == 1
    assert proc.stderr.startswith("foo-apply: refused: reply line 12: unterminated [[[SEARCH]]] block")
    assert "Traceback" not in proc.stderr
    assert snapshot(repo.root) == before


def test_usage_errors_exit_2(repo):
    assert run_cli("apply.py", "missing-reply.md", cwd=repo.root).returncode == 2
    assert run_cli("apply.py", "--undo", "x.md", cwd=repo.root).returncode == 2


def test_dry_run_prints_the_diff_and_writes_nothing(repo):
    before = snapshot(repo.root)
    proc = apply(repo, block("src/a.py", "    return 1", "    return 2"), "--dry-run")
    assert proc.returncode == 0
    assert proc.stdout == textwrap.dedent("""\
        --- a/src/a.py
        +++ b/src/a.py
        @@ -1,2 +1,2 @@
         def f():
        -    return 1
        +    return 2
        """)
    assert snapshot(repo.root) == before


def test_write_file_add_and_delete_keep_mode(repo):
    path = repo.root / "src/a.py"
    os.chmod(path, 0o755)
    reply = (block("src/a.py", "    return 1", "    return 3")
             + "```text\nTarget: new/deep/c.py\n[[[WRITE_FILE]]]\nC = 3\n[[[END_WRITE_FILE]]]\n```\n"
             + "*** Begin Patch\n*** Delete File: src/b.py\n*** End Patch\n")
    proc = apply(repo, reply, "--json")
    assert proc.returncode == 0, proc.stdout
    assert json.loads(proc.stdout)["files"] == [
        {"path": "new/deep/c.py", "action": "created"},
        {"path": "src/a.py", "action": "modified"},
        {"path": "src/b.py", "action": "deleted"}]
    assert stat.S_IMODE(path.stat().st_mode) == 0o755
    assert (repo.root / "new/deep/c.py").read_bytes() == b"C = 3\n"
    assert not (repo.root / "src/b.py").exists()


@pytest.mark.parametrize("target,before,search,replace,words", [
    ("src/a.py", "def f():\n    return 1\n", "    return 1", "    return (1", "Python syntax error"),
    ("data.json", '{"a": 1}\n', '{"a": 1}', '{"a": 1,}', "JSON error"),
    ("conf.toml", 'a = 1\n', "a = 1", "a = = 1", "TOML error"),
    ("src/b.py", "X = 1\n", "X = 1", "X = 1\n[[[DIVIDER]]]", "bare patch marker"),
    ("src/b.py", "X = 1\n", "X = 1", "URL = '[www.x.com](http://www.x.com)'", "autolink"),
])
def test_airlocks_refuse(repo, target, before, search, replace, words):
    repo.write(target, before)
    snap = snapshot(repo.root)
    # The aider dialect carries bracket markers as content, so a marker can reach a file.
    proc = apply(repo, aider(target, search, replace))
    assert proc.returncode == 1, proc.stderr
    assert f"{target}: refused: " in proc.stderr and words in proc.stderr
    assert snapshot(repo.root) == snap


def test_airlocks_allow_markdown_and_skip_files_that_did_not_parse(repo):
    repo.write("notes.md", "see x\n")
    repo.write("legacy.py", "print 'py2'\nX = 1\n")
    reply = (aider("notes.md", "see x", "see [www.x.com](http://www.x.com)\n[[[SEARCH]]]")
             + block("legacy.py", "X = 1", "X = 2"))
    proc = apply(repo, reply)
    assert proc.returncode == 0, proc.stderr
    # Issue 10: the grammar stands in where this interpreter cannot parse the file.
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert (f"legacy.py: note: Python {version} cannot parse the file (Python syntax error at line 1: "
            "Missing parentheses in call to 'print'. Did you mean print(...)?); checked with "
            "tree-sitter's Python grammar instead: no new syntax error") in proc.stderr


def test_nix_airlock_with_real_nix_instantiate(repo):
    require_tool("nix-instantiate")
    repo.write("flake.nix", "{ a = 1; }\n")
    bad = apply(repo, block("flake.nix", "{ a = 1; }", "{ a = ; }"))
    assert bad.returncode == 1 and "flake.nix: refused: the edit breaks the file: Nix" in bad.stderr
    good = apply(repo, block("flake.nix", "{ a = 1; }", "{ a = 2; }"))
    assert good.returncode == 0 and (repo.root / "flake.nix").read_text() == "{ a = 2; }\n"


def test_undo_restores_bytes_and_refuses_after_a_later_edit(repo):
    repo.write("src/crlf.txt", b"one\r\ntwo")
    before = snapshot(repo.root)
    reply = block("src/crlf.txt", "two", "2") + block("src/a.py", "    return 1", "    return 2")
    assert apply(repo, reply).returncode == 0
    assert (repo.root / "src/crlf.txt").read_bytes() == b"one\r\n2"
    undo = run_cli("apply.py", "--undo", "--json", cwd=repo.root)
    assert undo.returncode == 0 and json.loads(undo.stdout)["status"] == "undone"
    assert snapshot(repo.root) == before
    assert run_cli("apply.py", "--undo", cwd=repo.root).returncode == 1

    assert apply(repo, reply).returncode == 0
    (repo.root / "src/a.py").write_text("edited by hand\n")
    refused = run_cli("apply.py", "--undo", cwd=repo.root)
    assert refused.returncode == 1
    assert "cannot undo: changed since foo-apply wrote them: src/a.py" in refused.stderr
    assert (repo.root / "src/a.py").read_text() == "edited by hand\n"


def test_journal_outside_git_lives_in_dot_prompt_foo(tmp_path):
    (tmp_path / "a.txt").write_text("x\n")
    proc = run_cli("apply.py", "--root", str(tmp_path), cwd=tmp_path, input=block("a.txt", "x", "y"))
    assert proc.returncode == 0
    assert (tmp_path / ".prompt-foo/journal.json").is_file()
    assert run_cli("apply.py", "--undo", "--root", str(tmp_path), cwd=tmp_path).returncode == 0
    assert (tmp_path / "a.txt").read_text() == "x\n"


KILLER = """\
import os, signal
_real = os.replace
_count = [0]
def replace(src, dst, *a, **k):
    if "prompt-foo" not in str(dst) and str(dst) != "journal.json":
        _count[0] += 1
        if _count[0] == 2:
            os.kill(os.getpid(), signal.SIGKILL)
    return _real(src, dst, *a, **k)
os.replace = replace
"""


def test_killed_between_two_writes_then_recovered(repo, tmp_path):
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(KILLER)
    before = snapshot(repo.root)
    reply = block("src/a.py", "    return 1", "    return 2") + block("src/b.py", "X = 1", "X = 2")
    killed = run_cli("apply.py", cwd=repo.root, input=reply, env={"PYTHONPATH": str(hook)})
    assert killed.returncode == -9
    # The first file was renamed into place, the second was not: a half-applied tree.
    assert (repo.root / "src/a.py").read_text() == "def f():\n    return 2\n"
    assert (repo.root / "src/b.py").read_text() == "X = 1\n"

    again = apply(repo, reply, "--json")
    assert again.returncode == 1
    report = json.loads(again.stdout)
    assert report["status"] == "refused"
    assert any("was interrupted" in m and "foo-apply --undo" in m for m in report["messages"])

    assert run_cli("apply.py", "--undo", cwd=repo.root).returncode == 0
    assert snapshot(repo.root) == before  # temp file of the unfinished write removed too
    assert apply(repo, reply).returncode == 0
    assert (repo.root / "src/b.py").read_text() == "X = 2\n"


def test_stdin_dash_crlf_reply_and_strict(repo):
    repo.write("src/c.py", "x = 1   \n")
    reply = block("src/c.py", "x = 1", "x = 2").replace("\n", "\r\n")
    strict = run_cli("apply.py", "-", "--strict", "--json", cwd=repo.root, input=reply)
    assert strict.returncode == 1
    assert json.loads(strict.stdout)["blocks"][0]["details"][-1] == (
        "recovery 'trailing-whitespace' would match at line 1 (recoveries are off under --strict)")
    loose = run_cli("apply.py", "-", "--json", cwd=repo.root, input=reply)
    assert loose.returncode == 0
    assert json.loads(loose.stdout)["blocks"][0]["recovery"] == "trailing-whitespace"
    assert (repo.root / "src/c.py").read_bytes() == b"x = 2\n"


def test_json_for_a_malformed_reply(repo):
    proc = apply(repo, "Target: src/a.py\n[[[SEARCH]]]\nx\n", "--json")
    assert proc.returncode == 1
    assert json.loads(proc.stdout) == {
        "status": "refused", "root": str(repo.root), "files": [], "blocks": [],
        "canary": {"present": False, "damage": []},
        "messages": ["reply line 4: unterminated [[[SEARCH]]] block (started at line 2)",
                     "The reply looks truncated; ask the model to resend the rest."],
    }


def test_mixed_reply_fixture_applies_and_rerunning_it_is_harmless(git_repo):
    from pathlib import Path

    git_repo.write("src/hello.py", 'import os\ndef greet(name):\n    return "Hello " + name\n')
    git_repo.write("config.json", '{\n  "debug": false\n}\n')
    git_repo.write("src/util.py", "def helper():\n    pass\n")
    git_repo.write("old.txt", "bye\n")
    git_repo.commit()
    reply = (Path(__file__).parent / "replies/mixed.md").read_text(encoding="utf-8")
    first = run_cli("apply.py", "--json", cwd=git_repo.root, input=reply)
    assert first.returncode == 0, first.stdout
    assert [b["status"] for b in json.loads(first.stdout)["blocks"]] == ["applied"] * 6
    expected = snapshot(git_repo.root)
    assert expected["src/hello.py"] == b'def greet(name: str) -> str:\n    return f"Hello {name}"\n'
    assert expected["docs/notes.txt"] == b"first line\nsecond line\n"
    assert "old.txt" not in expected
    # The deletion block leaves nothing to recognise, but the journal remembers the reply.
    again = run_cli("apply.py", "--json", cwd=git_repo.root, input=reply)
    assert (again.returncode, json.loads(again.stdout)["status"]) == (0, "already-applied")
    assert snapshot(git_repo.root) == expected
