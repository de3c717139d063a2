"""Adversarial replies through the real launcher: what chat transports and hostile users do."""

from __future__ import annotations

import json

import pytest

from conftest import run_cli


def apply(repo, reply: str | bytes, *args: str):
    return run_cli("apply.py", *args, cwd=repo.root, input=reply)


def snapshot(root) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".git" not in p.relative_to(root).parts}


def bracket(target: str, search: str, replace: str) -> str:
    return f"Target: {target}\n[[[SEARCH]]]\n{search}\n[[[DIVIDER]]]\n{replace}\n[[[REPLACE]]]\n"


@pytest.mark.parametrize("search,replace,expected", [
    # Both lines rewritten: the blank line between them was never the model's to remove.
    ("a = 1\nb = 2", "a = 10\nb = 20", "a = 10\n\nb = 20\n\nc = 3\n"),
    # First line rewritten, second kept: the blank line after the rewritten one stays.
    ("a = 1\nb = 2", "a = 10\nb = 2", "a = 10\n\nb = 2\n\nc = 3\n"),
    # Three lines, middle rewritten.
    ("a = 1\nb = 2\nc = 3", "a = 1\nb = 20\nc = 3", "a = 1\n\nb = 20\n\nc = 3\n"),
])
def test_blank_lines_recovery_keeps_the_files_blank_lines_around_rewritten_lines(
        git_repo, search, replace, expected):
    git_repo.write("m.py", "a = 1\n\nb = 2\n\nc = 3\n")
    git_repo.commit("init")
    proc = apply(git_repo, bracket("m.py", search, replace), "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert [b["recovery"] for b in report["blocks"]] == ["blank-lines"]
    assert (git_repo.root / "m.py").read_text() == expected


def test_blank_lines_recovery_refuses_a_longer_run_that_may_have_lost_its_own(git_repo):
    # Issue 10: the three new lines may have had blank lines between them in the author's
    # reply; the transport that dropped SEARCH's would have dropped those too.
    git_repo.write("m.py", "a = 1\n\nb = 2\n\nc = 3\n")
    git_repo.commit("init")
    proc = apply(git_repo, bracket("m.py", "a = 1\nb = 2\nc = 3", "a = 1\nx = 1\ny = 2\nz = 3\nc = 3"))
    assert proc.returncode == 1
    assert "cannot prove the added lines kept their blank lines" in proc.stderr
    assert (git_repo.root / "m.py").read_text() == "a = 1\n\nb = 2\n\nc = 3\n"


DAMAGED_CANARY = ("```text\n<<<CANARY\nwww.canary.invalid two spaces four\n"
                  "    indented four | after blank\nCANARY>>>\n```\n")


def test_a_malformed_reply_still_reports_the_canary_it_carries(git_repo):
    git_repo.write("c.py", "x = 1\n")
    git_repo.commit("init")
    truncated = DAMAGED_CANARY + "Target: c.py\n[[[SEARCH]]]\nx = 1\n"
    proc = apply(git_repo, truncated, "--json")
    assert proc.returncode == 1
    report = json.loads(proc.stdout)
    assert report["canary"] == {"present": True,
                                "damage": ["blank-lines-lost", "spaces-collapsed"]}
    assert report["messages"] == [
        "canary: damaged in transport: blank-lines-lost, spaces-collapsed",
        "reply line 10: unterminated [[[SEARCH]]] block (started at line 8)",
        "The reply looks truncated; ask the model to resend the rest.",
    ]
    assert snapshot(git_repo.root) == {"c.py": b"x = 1\n"}


def test_a_malformed_reply_names_the_canary_damage_in_the_human_report_too(git_repo):
    git_repo.write("c.py", "x = 1\n")
    git_repo.commit("init")
    proc = apply(git_repo, DAMAGED_CANARY + "Target: c.py\n[[[SEARCH]]]\nx = 1\n")
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[0] == \
        "canary: damaged in transport: blank-lines-lost, spaces-collapsed"
    assert "unterminated [[[SEARCH]]] block" in proc.stderr


@pytest.mark.parametrize("reply", [
    # A file already sits where the new file's folder would go.
    bracket("a.txt", "a", "A") + "Target: k.txt/x\n[[[WRITE_FILE]]]\nnew\n[[[END_WRITE_FILE]]]\n",
    # The reply itself creates a file and a file beneath a folder of the same name.
    bracket("a.txt", "a", "A") + "Target: n\n[[[WRITE_FILE]]]\n1\n[[[END_WRITE_FILE]]]\n"
    + "Target: n/y\n[[[WRITE_FILE]]]\n2\n[[[END_WRITE_FILE]]]\n",
    "Target: n/y\n[[[WRITE_FILE]]]\n2\n[[[END_WRITE_FILE]]]\n"
    + "Target: n\n[[[WRITE_FILE]]]\n1\n[[[END_WRITE_FILE]]]\n" + bracket("a.txt", "a", "A"),
])
def test_a_new_file_whose_folder_is_a_file_refuses_before_anything_is_written(git_repo, reply):
    git_repo.write("a.txt", "a\n")
    git_repo.write("k.txt", "k\n")
    git_repo.commit("init")
    before = snapshot(git_repo.root)
    proc = apply(git_repo, reply)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "is a file, not a folder" in proc.stderr
    assert snapshot(git_repo.root) == before
    assert not (git_repo.root / ".git/prompt-foo/journal.json").exists()


@pytest.mark.parametrize("journal", ['{"state": "done"}', '["done"]', '{"state": "done", "files": 3}',
                                     '{"state": "done", "files": [{"path": "a.txt"}]}'])
def test_a_journal_of_the_wrong_shape_is_refused_without_a_traceback(git_repo, journal):
    git_repo.write("a.txt", "a\n")
    git_repo.commit("init")
    jdir = git_repo.root / ".git/prompt-foo"
    jdir.mkdir(parents=True)
    (jdir / "journal.json").write_text(journal)
    for args in (("--undo",), ("--undo", "--json")):
        proc = apply(git_repo, "", *args)
        assert proc.returncode == 1, proc.stderr
        assert "Traceback" not in proc.stderr
        assert "journal.json is unreadable" in proc.stderr + proc.stdout
    proc = apply(git_repo, bracket("a.txt", "a", "A"))
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("second", [
    bracket("l1.py", "b = 2", 'b = "\u2192"'),
    "Target: l1.py\n[[[WRITE_FILE]]]\nb = '\u2192'\n[[[END_WRITE_FILE]]]\n",
])
def test_text_a_latin1_file_cannot_hold_is_refused_with_the_character_named(git_repo, second):
    git_repo.write("l1.py", b"caf\xe9 = 1\nb = 2\n")
    git_repo.write("ok.txt", "x\n")
    git_repo.commit("init")
    before = snapshot(git_repo.root)
    proc = apply(git_repo, bracket("ok.txt", "x", "y") + second, "--json")
    assert proc.returncode == 1, proc.stderr
    blocks = json.loads(proc.stdout)["blocks"]
    assert blocks[1]["status"] == "refused"
    assert blocks[1]["message"] == ("the file is Latin-1, not UTF-8, and cannot hold "
                                    "'\u2192' (REPLACE line 1)")
    assert snapshot(git_repo.root) == before


def test_a_line_that_differs_only_in_unicode_normalisation_shows_the_difference(git_repo):
    git_repo.write("n.py", 'x = "cafe\u0301"\ny = 2\n')  # NFD, as macOS file systems give it
    git_repo.commit("init")
    proc = apply(git_repo, bracket("n.py", 'x = "caf\u00e9"\ny = 2', 'x = "caf\u00e9"\ny = 3'),
                 "--json")
    assert proc.returncode == 1
    (b,) = json.loads(proc.stdout)["blocks"]
    assert b["details"] == [
        "nearest window: file lines 1-2 (1 of 2 SEARCH lines agree ignoring indentation)",
        "first difference at SEARCH line 1 (file line 1):",
        '  file:   x = "cafe<U+0301>"',
        '  SEARCH: x = "caf<U+00E9>"',
        "  the two differ only in Unicode normalisation (NFC/NFD)",
    ]


REPLY_CAFE = 'Target: a.py\n[[[SEARCH]]]\nx = 1\n[[[DIVIDER]]]\nx = "caf\u00e9"\n[[[REPLACE]]]\n'


@pytest.mark.parametrize("encoded", [
    b"\xef\xbb\xbf" + REPLY_CAFE.encode("utf-8"),  # Notepad's UTF-8 with BOM
    REPLY_CAFE.encode("utf-16"),  # PowerShell 5's `Get-Clipboard > reply.md`
    REPLY_CAFE.replace("\n", "\r\n").encode("utf-16-be").join([b"\xfe\xff", b""]),
])
def test_a_reply_saved_with_a_bom_is_read_in_its_encoding(git_repo, tmp_path, encoded):
    git_repo.write("a.py", "x = 1\n")
    git_repo.commit("init")
    (tmp_path / "reply.md").write_bytes(encoded)
    proc = run_cli("apply.py", str(tmp_path / "reply.md"), cwd=git_repo.root)
    assert proc.returncode == 0, proc.stderr
    assert (git_repo.root / "a.py").read_bytes() == 'x = "caf\u00e9"\n'.encode()


def test_a_reply_that_is_not_utf8_is_refused_instead_of_writing_replacement_characters(
        git_repo, tmp_path):
    git_repo.write("a.py", "x = 1\n")
    git_repo.commit("init")
    (tmp_path / "reply.md").write_bytes(REPLY_CAFE.encode("cp1252"))
    proc = run_cli("apply.py", str(tmp_path / "reply.md"), "--json", cwd=git_repo.root)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert report["status"] == "refused"
    assert report["messages"] == [
        "the reply is not UTF-8 text: byte 0xe9 on reply line 5",
        "Save or copy the reply as UTF-8 and run again.",
    ]
    assert (git_repo.root / "a.py").read_bytes() == b"x = 1\n"


def test_a_reply_whose_line_endings_were_converted_twice_applies(git_repo):
    # "\r\r\n": a CRLF reply written again through a text-mode stream on Windows.
    git_repo.write("a.py", "def f():\n    return 1\n")
    git_repo.commit("init")
    reply = bracket("a.py", "def f():\n    return 1", "def f():\n    return 2")
    proc = apply(git_repo, reply.replace("\n", "\r\r\n").encode())
    assert proc.returncode == 0, proc.stderr
    assert (git_repo.root / "a.py").read_bytes() == b"def f():\n    return 2\n"


def test_undo_of_a_created_file_removes_the_folders_it_created(git_repo):
    git_repo.write("a.txt", "a\n")
    git_repo.commit("init")
    (git_repo.root / "old").mkdir()
    before = sorted(p.relative_to(git_repo.root).as_posix() for p in git_repo.root.rglob("*")
                    if ".git" not in p.parts)
    reply = ("Target: new/deep/n.txt\n[[[WRITE_FILE]]]\nn\n[[[END_WRITE_FILE]]]\n"
             "Target: old/o.txt\n[[[WRITE_FILE]]]\no\n[[[END_WRITE_FILE]]]\n")
    assert apply(git_repo, reply).returncode == 0
    assert (git_repo.root / "new/deep/n.txt").is_file()
    proc = apply(git_repo, "", "--undo")
    assert proc.returncode == 0, proc.stderr
    after = sorted(p.relative_to(git_repo.root).as_posix() for p in git_repo.root.rglob("*")
                   if ".git" not in p.parts)
    assert after == before == ["a.txt", "old"]


@pytest.mark.parametrize("prefix,damage", [("> ", []), ("> > ", []), (">", [])])
def test_a_canary_echoed_inside_a_blockquote_is_read_through_the_quote(prefix, damage):
    from prompt_foo_loom.canary import CANARY_TEXT, inspect_reply

    quoted = "\n".join((prefix + ln).rstrip() if not ln else prefix + ln
                       for ln in CANARY_TEXT.split("\n"))
    report = inspect_reply("Here is the canary:\n\n" + quoted + "\n\nAnd the patch.\n")
    assert (report.present, report.damage) == (True, damage)


@pytest.mark.parametrize("target", [".prompt-foo/journal.json", ".prompt-foo/pre-0",
                                    "./.prompt-foo\\pre-12"])
def test_a_reply_cannot_write_the_undo_journal_outside_git(tmp_path, target):
    root = tmp_path / "plain"
    root.mkdir()
    (root / "a.txt").write_text("a\n")
    assert run_cli("apply.py", "--root", str(root), cwd=root,
                   input=bracket("a.txt", "a", "b")).returncode == 0
    before = snapshot(root)
    proc = run_cli("apply.py", "--root", str(root), cwd=root,
                   input=f"Target: {target}\n[[[WRITE_FILE]]]\n{{}}\n[[[END_WRITE_FILE]]]\n")
    assert proc.returncode == 1, proc.stderr
    assert "the undo journal" in proc.stderr
    assert snapshot(root) == before
