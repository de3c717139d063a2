"""Matching in memory: exact and unique, already applied, every recovery and its refusal,
and the bytes of untouched lines (CRLF, mixed endings, final newline, encoding)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prompt_foo_loom.patches.parse import parse
from prompt_foo_loom.patches.plan import plan


def block(target: str, search: str, replace: str) -> str:
    body = f"{replace}\n" if replace else ""  # adjacent DIVIDER/REPLACE: a deletion
    return f"Target: {target}\n[[[SEARCH]]]\n{search}\n[[[DIVIDER]]]\n{body}[[[REPLACE]]]\n"


def run(tmp_path: Path, files: dict[str, bytes], reply: str, strict: bool = False):
    for rel, data in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)
    return plan(parse(reply), tmp_path, strict=strict)


def after(result, rel="a.py") -> bytes:
    return next(c.after for c in result.changes if c.rel == rel)


def test_blocks_apply_in_order_each_on_the_previous_result(tmp_path):
    reply = block("a.py", "x = 1", "x = 2") + block("a.py", "x = 2", "x = 3")
    result = run(tmp_path, {"a.py": b"x = 1\ny = 0\n"}, reply)
    assert [r.status for r in result.results] == ["applied", "applied"]
    assert after(result) == b"x = 3\ny = 0\n"


def test_several_matches_refuse_with_line_numbers(tmp_path):
    result = run(tmp_path, {"a.py": b"pass\nx = 1\npass\n"}, block("a.py", "pass", "return"))
    (r,) = result.results
    assert r.status == "refused"
    assert r.message == "SEARCH occurs 2 times (lines 1, 3)"
    assert result.refused


def test_matching_is_line_aligned_not_substring(tmp_path):
    # "count" occurs inside "recount" too; only the whole line counts.
    result = run(tmp_path, {"a.py": b"recount = 1\ncount = 1\n"},
                 block("a.py", "count = 1", "count = 2"))
    assert after(result) == b"recount = 1\ncount = 2\n"


def test_zero_matches_show_nearest_window_with_invisible_characters(tmp_path):
    files = {"a.py": b"def f():\n    a = 1\n    b = 2\n    return a\n"}
    result = run(tmp_path, files, block("a.py", "def f():\n    a = 1\n    b =\t3", "x"))
    (r,) = result.results
    assert r.status == "refused" and r.message == "SEARCH not found in the file"
    assert r.details[:4] == [
        "nearest window: file lines 1-3 (2 of 3 SEARCH lines agree ignoring indentation)",
        "first difference at SEARCH line 3 (file line 3):",
        "  file:   " + "    b = 2",
        "  SEARCH: " + "    b =\\t3",
    ]


def test_trailing_space_and_nbsp_are_made_visible(tmp_path):
    files = {"a.py": b"alpha\nbeta gamma \n"}
    result = run(tmp_path, files, block("a.py", "alpha\nbeta\u00a0delta", "x"), strict=True)
    assert "  file:   beta gamma·" in result.results[0].details
    assert "  SEARCH: beta<NBSP>delta" in result.results[0].details


@pytest.mark.parametrize("name,file,search,replace,expected", [
    ("trailing-whitespace", "a = 1   \nb = 2\n", "a = 1\nb = 2", "a = 1\nb = 3",
     "a = 1   \nb = 3\n"),
    ("unicode-spaces", "x = {'k': 1}\ny = 2\n", "x\u00a0= {'k': 1}\ny = 2",
     "x\u00a0= {'k': 1}\ny = 3", "x = {'k': 1}\ny = 3\n"),
    ("smart-punctuation", "s = 'it'\nt = \"q\" - 1\n", "s = \u2018it\u2019\nt = \u201cq\u201d \u2013 1",
     "s = \u2018it\u2019\nt = \u201cq\u201d \u2013 2", "s = 'it'\nt = \"q\" - 2\n"),
    ("indentation-shift", "class A:\n    def f(self):\n        return 1\n",
     "def f(self):\n    return 1", "def f(self):\n    return 2",
     "class A:\n    def f(self):\n        return 2\n"),
    ("blank-lines", "a = 1\n\nb = 2\n\nc = 3\n", "a = 1\nb = 2", "a = 1\nb = 20",
     "a = 1\n\nb = 20\n\nc = 3\n"),
])
def test_each_recovery_pass_is_named_and_keeps_file_bytes(tmp_path, name, file, search,
                                                          replace, expected):
    files = {"a.py": file.encode()}
    result = run(tmp_path, files, block("a.py", search, replace))
    (r,) = result.results
    assert (r.status, r.recovery) == ("applied", name)
    assert after(result).decode() == expected
    strict = run(tmp_path, files, block("a.py", search, replace), strict=True)
    assert strict.results[0].status == "refused" and strict.changes == []


@pytest.mark.parametrize("name,file,search", [
    ("trailing-whitespace", "a = 1 \nb = 2\nz\na = 1\t\nb = 2\n", "a = 1\nb = 2 "),
    ("indentation-shift", "if x:\n    go()\nif y:\n    go()\n", "  go()"),
    ("blank-lines", "a\n\nb\nz\na\nb\n", "a\n\n\nb"),
    ("unicode-spaces", "a = 1\nz\na = 1\n", "a\u00a0= 1"),
    ("smart-punctuation", "s = 'x'\nz\ns = 'x'\n", "s = \u2018x\u2019"),
])
def test_recovery_refuses_when_ambiguous(tmp_path, name, file, search):
    result = run(tmp_path, {"a.py": file.encode()}, block("a.py", search, "x"))
    (r,) = result.results
    assert r.status == "refused"
    assert f"recovery {name!r} matches 2 places" in r.message


def test_already_applied_and_rerun_is_harmless(tmp_path):
    reply = block("a.py", "x = 1", "x = 2")
    result = run(tmp_path, {"a.py": b"x = 2\n"}, reply)
    assert result.results[0].status == "already" and result.changes == []


def test_insertion_is_not_applied_twice(tmp_path):
    reply = block("a.py", "import os", "import os\nimport sys")
    result = run(tmp_path, {"a.py": b"import os\nimport sys\n"}, reply)
    assert result.results[0].status == "already" and result.changes == []


def test_crlf_file_stays_crlf_and_new_lines_follow_it(tmp_path):
    result = run(tmp_path, {"a.py": b"a\r\nb\r\nc\r\n"}, block("a.py", "b", "b1\nb2"))
    assert after(result) == b"a\r\nb1\r\nb2\r\nc\r\n"


def test_mixed_endings_keep_each_lines_ending(tmp_path):
    data = b"one\r\ntwo\nthree\r\nfour\n"
    result = run(tmp_path, {"a.py": data}, block("a.py", "two\nthree\nfour", "two\nTHREE\nfour"))
    assert after(result) == b"one\r\ntwo\nTHREE\r\nfour\n"


@pytest.mark.parametrize("data,expected", [(b"a\nb", b"a\nB"), (b"a\nb\n", b"a\nB\n"),
                                           (b"a\r\nb", b"a\r\nB")])
def test_final_newline_state_is_kept(tmp_path, data, expected):
    assert after(run(tmp_path, {"a.py": data}, block("a.py", "b", "B"))) == expected


def test_deleting_lines_and_bom_and_latin1_survive(tmp_path):
    files = {"a.py": "\ufeffkeep\ndrop\nend\n".encode("utf-8"), "b.txt": "caf\xe9\nx\n".encode("latin-1")}
    reply = block("a.py", "drop", "") + block("b.txt", "x", "y")
    result = run(tmp_path, files, reply)
    assert after(result) == "\ufeffkeep\nend\n".encode("utf-8")
    assert after(result, "b.txt") == "caf\xe9\ny\n".encode("latin-1")


@pytest.mark.parametrize("target,words", [
    ("../outside.py", "'..'"), ("/etc/passwd", "absolute"), ("~/x", "absolute"),
    ("missing.py", "does not exist"), ("link/x.py", "goes through a symlink ('link')"),
    (".git/config", "inside .git"),
])
def test_path_refusals(tmp_path, target, words):
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    (outside / "x.py").write_text("x\n")
    (tmp_path / "link").symlink_to(outside)
    result = run(tmp_path, {"a.py": b"x\n"}, block(target, "x", "y"))
    (r,) = result.results
    assert r.status == "refused" and words in (r.message + " ".join(r.details))


def test_a_symlink_inside_the_root_is_refused_not_followed(tmp_path):
    # A committed link may point anywhere (into .git, out of the root): never written through.
    (tmp_path / "real.py").write_bytes(b"x\n")
    (tmp_path / "alias.py").symlink_to("real.py")
    result = plan(parse(block("alias.py", "x", "y")), tmp_path)
    assert result.changes == [] and [r.message for r in result.results] == [
        "'alias.py' is a symlink to 'real.py'; only regular files inside the root are written"]


def test_later_blocks_on_a_refused_file_are_not_attempted(tmp_path):
    reply = block("a.py", "nope", "x") + block("a.py", "a", "b")
    result = run(tmp_path, {"a.py": b"a\n"}, reply)
    assert [r.status for r in result.results] == ["refused", "not-attempted"]


def test_write_file_twice_is_already_applied_and_keeps_crlf(tmp_path):
    reply = "Target: w.txt\n[[[WRITE_FILE]]]\none\ntwo\n\n[[[END_WRITE_FILE]]]\n"
    first = run(tmp_path, {"w.txt": b"old\r\n"}, reply)
    assert after(first, "w.txt") == b"one\r\ntwo\r\n"
    (tmp_path / "w.txt").write_bytes(b"one\r\ntwo\r\n")
    again = plan(parse(reply), tmp_path)
    assert again.results[0].status == "already" and again.changes == []


def test_delete_refuses_folders_and_symlinks(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "real.txt").write_text("x\n")
    (tmp_path / "alias.txt").symlink_to("real.txt")
    reply = "*** Begin Patch\n*** Delete File: d\n*** Delete File: alias.txt\n*** End Patch\n"
    result = plan(parse(reply), tmp_path)
    assert [(r.status, r.message) for r in result.results] == [
        ("refused", "'d' is not a regular file"),
        ("refused", "'alias.txt' is a symlink to 'real.txt'; only regular files inside the root "
                    "are written")]
    assert result.changes == []


_LINE = st.sampled_from(["a", "b", "", "  c", "\td", "e  ", "f\u00a0g", "\u2018q\u2019", "    a"])


@settings(max_examples=200, deadline=None)
@given(st.lists(_LINE, max_size=10), st.booleans(), st.booleans(), st.data())
def test_exact_application_equals_a_naive_line_splice(lines, final, crlf, data):
    """Against a reference model: the file's lines with SEARCH's lines swapped for REPLACE's,
    endings following the file; and nothing but the planner's own refusals on any input."""
    eol = "\r\n" if crlf else "\n"
    text = eol.join(lines) + (eol if final and lines else "")
    i = data.draw(st.integers(0, len(lines)))
    j = data.draw(st.integers(i, len(lines)))
    own = i < j and data.draw(st.booleans())
    search = lines[i:j] if own else data.draw(st.lists(_LINE, min_size=1, max_size=4))
    replace = data.draw(st.lists(_LINE, max_size=4))
    reply = ("Target: f.txt\n[[[SEARCH]]]\n" + "".join(x + "\n" for x in search)
             + "[[[DIVIDER]]]\n" + "".join(x + "\n" for x in replace) + "[[[REPLACE]]]\n")
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "f.txt").write_bytes(text.encode())
        result = plan(parse(reply), Path(tmp))
    (r,) = result.results
    if r.status != "applied" or r.recovery is not None:
        return
    k = r.file_line - 1
    assert lines[k:k + len(search)] == search
    new = lines[:k] + replace + lines[k + len(search):]
    ending = eol if (len(lines) > 1 or final) else "\n"
    assert result.changes[0].after.decode() == ending.join(new) + (ending if final and new else "")


def test_blank_lines_recovery_keeps_file_blanks_in_kept_regions_and_reply_blanks_in_new_ones(tmp_path):
    files = {"a.py": b"a = 1\n\nb = 2\n\nc = 3\n"}
    reply = block("a.py", "a = 1\nb = 2", "a = 1\nb = 2\n\nnew1\n\nnew2")
    result = run(tmp_path, files, reply)
    assert result.results[0].recovery == "blank-lines"
    assert after(result) == b"a = 1\n\nb = 2\n\nnew1\n\nnew2\n\nc = 3\n"
