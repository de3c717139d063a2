"""The parser: every dialect, mixed in one reply, and every structural refusal."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prompt_foo_loom.patches.parse import Block, PatchSyntaxError, parse

REPLIES = Path(__file__).parent / "replies"


def test_mixed_reply_yields_every_dialect_in_order():
    blocks = parse((REPLIES / "mixed.md").read_text(encoding="utf-8"))
    assert [(b.n, b.kind, b.target, b.dialect, b.reply_line) for b in blocks] == [
        (1, "replace", "src/hello.py", "bracket", 13),
        (2, "replace", "config.json", "aider", 26),
        (3, "write", "docs/notes.txt", "patch", 36),
        (4, "replace", "src/util.py", "patch", 40),
        (5, "delete", "old.txt", "patch", 44),
        (6, "replace", "src/hello.py", "bracket", 51),
    ]
    assert blocks[0].search == ["def greet(name):", '    return "Hello " + name']
    assert blocks[1].replace == ['  "debug": true']
    assert blocks[2].replace == ["first line", "second line"]
    assert blocks[3].search == ["def helper():", "    pass"]
    assert blocks[3].replace == ["def helper():", "    return 42"]
    assert blocks[5].search == ["import os"] and blocks[5].replace == []


@pytest.mark.parametrize("opening,closing", [("[[[", "]]]"), ("{{{", "}}}"), ("[[[[[", "]]]]]"),
                                             ("{{{{", "]]]]"), ("[[[", "}}}}}")])
def test_bracket_tolerance(opening, closing):
    reply = (f"Target: a.py\n{opening}SEARCH{closing}\nx\n{opening}DIVIDER{closing}\ny\n"
             f"{opening}REPLACE{closing}\n")
    assert [(b.search, b.replace) for b in parse(reply)] == [(["x"], ["y"])]


@pytest.mark.parametrize("bad", ["[[SEARCH]]", "[[[[[[SEARCH]]]]]]", "x [[[SEARCH]]]"])
def test_markers_outside_tolerance_are_prose(bad):
    assert parse(f"Target: a.py\n{bad}\nx\n") == []


def test_write_file_body_may_contain_markers_and_fences():
    reply = ("```text\nTarget: docs/grammar.md\n[[[WRITE_FILE]]]\n# Grammar\n```text\n"
             "[[[SEARCH]]]\nold\n[[[DIVIDER]]]\n```\n[[[END_WRITE_FILE]]]\n```\n")
    (block,) = parse(reply)
    assert block.kind == "write" and block.target == "docs/grammar.md"
    assert block.replace == ["# Grammar", "```text", "[[[SEARCH]]]", "old", "[[[DIVIDER]]]", "```"]


def test_crlf_reply_is_read_as_lf():
    reply = "Target: a.py\r\n[[[SEARCH]]]\r\nx\r\n[[[DIVIDER]]]\r\ny\r\n[[[REPLACE]]]\r\n"
    (block,) = parse(reply)
    assert (block.search, block.replace) == (["x"], ["y"])


@pytest.mark.parametrize("above", ["`src/a.py`", "**src/a.py**", "# src/a.py", "src/a.py:",
                                   "Target: src/a.py", "```python\n"])
def test_aider_filename_before_block_or_fence(above):
    if above.startswith("```"):
        reply = "src/a.py\n```python\n<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE\n```\n"
    else:
        reply = f"{above}\n<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE\n"
    (block,) = parse(reply)
    assert block.target == "src/a.py" and block.dialect == "aider"


def test_markdown_setext_underline_is_not_a_marker():
    assert parse("Title\n=======\n\nText\n") == []


@pytest.mark.parametrize("reply,line,words", [
    ("Target: a.py\n[[[SEARCH]]]\nx\n[[[DIVIDER]]]\ny\n", 6, "unterminated"),
    ("Target: a.py\n[[[SEARCH]]]\nx\n", 4, "unterminated"),
    ("Target: a.py\n[[[WRITE_FILE]]]\nx\n", 4, "unterminated"),
    ("prose\n[[[DIVIDER]]]\n", 2, "stray marker"),
    ("prose\n[[[REPLACE]]]\n", 2, "stray marker"),
    ("prose\n[[[END_WRITE_FILE]]]\n", 2, "stray marker"),
    ("prose\n>>>>>>> REPLACE\n", 2, "stray marker"),
    ("Target: a.py\n[[[SEARCH]]]\nx\n[[[SEARCH]]]\n", 4, "unexpected"),
    ("Target: a.py\n[[[SEARCH]]]\nx\n[[[REPLACE]]]\n", 4, "unexpected"),
    ("Here it is:\n[[[SEARCH]]]\nx\n[[[DIVIDER]]]\ny\n[[[REPLACE]]]\n", 2, "no target"),
    ("a.py\n<<<<<<< SEARCH\nx\n=======\ny\n", 6, "unterminated"),
    ("Some words here\n<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE\n", 2, "no target"),
    ("*** Begin Patch\n*** Update File: a.py\n@@\n-x\n+y\n", 6, "unterminated"),
    ("*** Begin Patch\n*** Add File: a.py\nx\n*** End Patch\n", 3, "must start with '+'"),
    ("*** Begin Patch\n*** Update File: a.py\n*** End Patch\n", 2, "no hunks"),
    ("*** Begin Patch\n*** Update File: a.py\n*** Move to: b.py\n*** End Patch\n", 3, "Move to"),
    ("*** Begin Patch\nhello\n*** End Patch\n", 2, "expected '*** Add/Update/Delete"),
    ("*** End Patch\n", 1, "outside"),
])
def test_structural_faults_refuse_the_whole_reply(reply, line, words):
    good = "Target: b.py\n[[[SEARCH]]]\nq\n[[[DIVIDER]]]\nr\n[[[REPLACE]]]\n"
    with pytest.raises(PatchSyntaxError) as info:
        parse(good + reply)
    assert info.value.line == line + 6
    assert words in info.value.message
    assert info.value.message.startswith(f"reply line {line + 6}:")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(
    st.sampled_from(["[[[SEARCH]]]", "[[[DIVIDER]]]", "[[[REPLACE]]]", "[[[WRITE_FILE]]]",
                     "[[[END_WRITE_FILE]]]", "<<<<<<< SEARCH", "=======", ">>>>>>> REPLACE",
                     "*** Begin Patch", "*** End Patch", "*** Update File: a.py",
                     "*** Add File: b", "*** Delete File: c", "@@", "+x", "-y", " z",
                     "Target: a.py", "```text", "```", "", "\r", "Target:"]),
    st.text(max_size=30)), max_size=40))
def test_parser_raises_only_its_own_error(lines):
    try:
        blocks = parse("\n".join(lines))
    except PatchSyntaxError:
        return
    assert all(isinstance(b, Block) and b.target for b in blocks)


def test_patch_envelope_empty_lines_are_context_except_at_the_end_of_a_hunk():
    reply = ("*** Begin Patch\n*** Update File: a.py\n@@\n a = 1\n\n-b = 2\n+b = 3\n\n"
             "*** End of File\n\n*** End Patch\n")
    (b,) = parse(reply)
    assert (b.search, b.replace) == (["a = 1", "", "b = 2"], ["a = 1", "", "b = 3"])
