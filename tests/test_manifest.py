"""foo_files.py is parsed, never run: chops, entry kinds, notes, duplicates, --arg, errors."""

from __future__ import annotations

import pytest

from prompt_foo_loom.errors import UsageProblem
from prompt_foo_loom.collect.manifest import DEFAULT_CHOP, Entry, read_manifest, read_string_var
from prompt_foo_loom.model import Note


def write_manifest(root, body: str) -> None:
    (root / "foo_files.py").write_text(body, encoding="utf-8")


def chop_entries(tmp_path, lines: str, args=None) -> list[tuple[str, str, str | None]]:
    write_manifest(tmp_path, f'AI_PHOOEY_CHOP = """\\\n{lines}"""\n')
    return [(e.text, e.kind, e.note) for e in read_manifest(tmp_path, args=args).entries]


@pytest.mark.parametrize("line, expected", [
    # kinds
    ("src/a.py", [("src/a.py", "path", None)]),
    ("/abs/file.txt", [("/abs/file.txt", "path", None)]),
    ("~/notes.md", [("~/notes.md", "path", None)]),
    ("nb/analysis.ipynb", [("nb/analysis.ipynb", "path", None)]),
    ("! ls -la", [("! ls -la", "command", None)]),
    ("!ls -la", [("! ls -la", "command", None)]),
    ("https://example.com/a", [("https://example.com/a", "url", None)]),
    ("HTTP://example.com/a", [("HTTP://example.com/a", "url", None)]),
    # switched off, blank
    ("# src/off.py", []),
    ("   # indented off", []),
    ("", []),
    ("    ", []),
    # notes on ordinary lines: after `#` or `<--`
    ("src/a.py  # the entry point", [("src/a.py", "path", "the entry point")]),
    ("src/a.py# glued", [("src/a.py", "path", "glued")]),
    ("src/a.py <-- why it matters", [("src/a.py", "path", "why it matters")]),
    ("src/a.py<--glued", [("src/a.py", "path", "glued")]),
    ("<-- only a note", []),
    # URLs keep a glued #fragment; a spaced # is a note
    ("https://x.test/p#frag", [("https://x.test/p#frag", "url", None)]),
    ("https://x.test/p#frag  # docs", [("https://x.test/p#frag", "url", "docs")]),
    ("https://x.test/p <-- docs", [("https://x.test/p", "url", "docs")]),
    # `!` lines: only 2+ spaces then `# ` starts a note, so shell `#` survives
    ("! grep -n '# TODO' src  # find todos", [("! grep -n '# TODO' src", "command", "find todos")]),
    ("! echo a#b", [("! echo a#b", "command", None)]),
    ("! echo 'x' # one space is shell", [("! echo 'x' # one space is shell", "command", None)]),
    ("! echo x <-- not a note on ! lines", [("! echo x <-- not a note on ! lines", "command", None)]),
    ("! echo x  #", [("! echo x", "command", None)]),
])
def test_entry_rules(tmp_path, line, expected):
    assert chop_entries(tmp_path, line + "\n") == expected


def test_duplicates_dropped_first_kept_with_a_note(tmp_path):
    write_manifest(tmp_path, 'AI_PHOOEY_CHOP = """\na.py\nb.py\na.py  # again\n! ls\n!ls\n"""\n')
    manifest = read_manifest(tmp_path)
    assert [(e.text, e.line) for e in manifest.entries] == [("a.py", 2), ("b.py", 3), ("! ls", 5)]
    assert manifest.notes == [
        Note("foo_files.py:4: duplicate of line 2 dropped: a.py"),
        Note("foo_files.py:6: duplicate of line 5 dropped: ! ls"),
    ]


def test_line_numbers_follow_the_file(tmp_path):
    write_manifest(tmp_path, '# header\n\nX = 1\nAI_PHOOEY_CHOP = """\\\nfirst.py\n\n# off\nfourth.py\n"""\n'
                             'OTHER = """\nsecond_line.py"""\n')
    assert [(e.text, e.line) for e in read_manifest(tmp_path).entries] == [("first.py", 5), ("fourth.py", 8)]
    assert [(e.text, e.line) for e in read_manifest(tmp_path, "OTHER").entries] == [("second_line.py", 11)]


def test_args_substitute_and_unknown_placeholders_are_reported(tmp_path):
    write_manifest(tmp_path, 'AI_PHOOEY_CHOP = """\n{pkg}/core.py\n! wc -l {{{pkg}/core.py}}\n'
                             '! cat {{notes.txt}}\n{missing}/x.py\n"""\n')
    manifest = read_manifest(tmp_path, args={"pkg": "app", "unused": "1", "notes.txt": "NO"})
    assert [e.text for e in manifest.entries] == [
        "app/core.py", "! wc -l {{app/core.py}}", "! cat {{notes.txt}}", "{missing}/x.py"]
    assert manifest.notes == [
        Note("foo_files.py:5: {missing} has no --arg missing=… value; left as is", "warn"),
        Note("--arg notes.txt: no {notes.txt} in the chop", "warn"),
        Note("--arg unused: no {unused} in the chop", "warn"),
    ]


def test_chops_any_string_constant_and_the_last_assignment_wins(tmp_path):
    write_manifest(tmp_path, "A_CHOP = 'one.py'\nB_CHOP: str = \"two.py\\nthree.py\"\nA_CHOP = 'four.py'\n"
                             "COUNT = 3\nPROMPT = '''Explain.'''\n")
    manifest = read_manifest(tmp_path, "A_CHOP")
    assert manifest.chop == "A_CHOP" and manifest.chops == ["A_CHOP", "B_CHOP", "PROMPT"]
    assert [e.text for e in manifest.entries] == ["four.py"]
    assert [e.text for e in read_manifest(tmp_path, "B_CHOP").entries] == ["two.py", "three.py"]
    assert read_string_var(tmp_path, "PROMPT") == "Explain."
    assert read_string_var(tmp_path, "COUNT") is None
    assert read_string_var(tmp_path, "NOPE") is None


def test_no_manifest_gives_none(tmp_path):
    assert read_manifest(tmp_path) is None
    assert read_string_var(tmp_path, "PROMPT") is None


def test_unknown_chop_lists_the_chops_that_exist(tmp_path):
    write_manifest(tmp_path, 'AI_PHOOEY_CHOP = """a.py"""\nCHOP_DOCS = """README.md"""\n')
    with pytest.raises(UsageProblem) as err:
        read_manifest(tmp_path, "CHOP_TYPO")
    assert str(err.value) == ("foo_files.py has no chop named 'CHOP_TYPO'\n"
                              "Chops in foo_files.py: AI_PHOOEY_CHOP, CHOP_DOCS.")
    assert err.value.exit_code == 2


@pytest.mark.parametrize("body, message", [
    ('AI_PHOOEY_CHOP = """\na.py\n', "foo_files.py:1: not valid Python (unterminated triple-quoted string literal"),
    ("x = (\nAI_PHOOEY_CHOP = 'a'\n", "foo_files.py:1: not valid Python ('(' was never closed)"),
    ('AI_PHOOEY_CHOP = f"{x}.py"\n', "foo_files.py:1: AI_PHOOEY_CHOP is not a plain string"),
    ('AI_PHOOEY_CHOP = "a" + "b"\n', "foo_files.py:1: AI_PHOOEY_CHOP is not a plain string"),
    ('AI_PHOOEY_CHOP = """\n!\n"""\n', "foo_files.py:2: '!' with no command after it"),
])
def test_malformed_manifest_names_line_and_reason(tmp_path, body, message):
    write_manifest(tmp_path, body)
    with pytest.raises(UsageProblem) as err:
        read_manifest(tmp_path)
    assert err.value.message.startswith(message)
    assert err.value.hint


def test_not_utf8_manifest(tmp_path):
    (tmp_path / "foo_files.py").write_bytes(b'AI_PHOOEY_CHOP = "caf\xe9.py"\n')
    with pytest.raises(UsageProblem, match="not valid UTF-8"):
        read_manifest(tmp_path)


def test_reading_the_manifest_never_runs_it(tmp_path):
    """A manifest that would write a file (and exit) if imported or executed."""
    marker = tmp_path / "PWNED"
    write_manifest(tmp_path, (
        "import pathlib, sys\n"
        f"pathlib.Path({str(marker)!r}).write_text('ran')\n"
        "sys.exit(3)\n"
        'AI_PHOOEY_CHOP = """\\\nsrc/a.py\n"""\n'
        "PROMPT = 'hello'\n"
    ))
    manifest = read_manifest(tmp_path)
    assert manifest.entries == [Entry("src/a.py", "path", 5)]
    assert read_string_var(tmp_path, "PROMPT") == "hello"
    assert not marker.exists()


def test_default_chop_name():
    assert DEFAULT_CHOP == "AI_PHOOEY_CHOP"
