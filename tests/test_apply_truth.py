"""foo-apply never writes a partial or unintended tree (issue 10): weak "already applied"
evidence, lossy recoveries, empty replies, broken settings, Pipulate's target and anchor
shapes, and the Python airlock for syntax newer than the running interpreter."""

from __future__ import annotations

import json

import pytest

from conftest import run_cli


def block(target: str, search: str, replace: str) -> str:
    body = f"{replace}\n" if replace else ""
    return f"```text\nTarget: {target}\n[[[SEARCH]]]\n{search}\n[[[DIVIDER]]]\n{body}[[[REPLACE]]]\n```\n"


def apply(repo, reply: str, *args: str, env=None):
    return run_cli("apply.py", *args, cwd=repo.root, input=reply, env=env)


def snapshot(root) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".git" not in p.relative_to(root).parts}


@pytest.fixture
def repo(git_repo):
    git_repo.write("pkg/mod.py", "from .utils import x\nfrom .core import y\n\n\n"
                   "def a():\n    return x\n\n\ndef b():\n    return y\n")
    git_repo.write("pkg/other.py", "from .core import y\nZ = 1\n")
    git_repo.commit("init")
    return git_repo


# -- Must 1: "already applied" needs proof ---------------------------------------------------

def test_typo_search_whose_replace_exists_elsewhere_refuses_the_whole_reply(repo):
    before = snapshot(repo.root)
    reply = (block("pkg/other.py", "Z = 1", "Z = 2")
             + block("pkg/mod.py", "frmo .utils import x", "from .core import y")
             + block("pkg/mod.py", "    return y", "    return y + 1"))
    proc = apply(repo, reply, "--json")
    assert proc.returncode == 1, proc.stdout
    report = json.loads(proc.stdout)
    assert report["status"] == "refused"
    b2 = report["blocks"][1]
    assert b2["status"] == "refused" and b2["message"] == "SEARCH not found in the file"
    assert "its REPLACE text is already present at line 2, but other blocks of this reply " \
           "are not applied, so this is no proof that it was applied" in b2["details"]
    assert snapshot(repo.root) == before


def test_a_reply_wholly_applied_before_is_still_already_applied(repo):
    reply = (block("pkg/other.py", "Z = 1", "Z = 2")
             + block("pkg/mod.py", "    return y", "    return y + 1"))
    assert apply(repo, reply).returncode == 0
    repo.commit("applied")  # a commit in between: the journal no longer recognises it
    again = apply(repo, reply, "--json")
    report = json.loads(again.stdout)
    assert again.returncode == 0 and report["status"] == "already-applied"


def test_wholly_applied_without_journal_is_recognised_block_by_block(repo, tmp_path):
    repo.write("pkg/other.py", "from .core import y\nZ = 2\n")
    proc = apply(repo, block("pkg/other.py", "Z = 1", "Z = 2"), "--json")
    report = json.loads(proc.stdout)
    assert proc.returncode == 0 and report["status"] == "already-applied"
    assert report["blocks"][0]["status"] == "already"


# -- Must 2: a recovery writes only what it can prove ----------------------------------------

def test_blank_lines_lost_inside_an_added_run_refuse_and_name_the_damage(repo):
    before = snapshot(repo.root)
    # The transport dropped blank lines: SEARCH lost them, and so did the added functions.
    reply = block("pkg/mod.py", "def a():\n    return x\ndef b():\n    return y",
                  "def a():\n    return x\ndef b():\n    return y\ndef c():\n    return 3")
    proc = apply(repo, reply)
    assert proc.returncode == 1
    assert "recovery 'blank-lines' matched" in proc.stderr
    assert "cannot prove the added lines kept their blank lines" in proc.stderr
    assert "copy button" in proc.stderr
    assert snapshot(repo.root) == before


def test_blank_lines_lost_with_a_single_added_line_still_applies(repo):
    reply = block("pkg/mod.py", "def a():\n    return x\ndef b():\n    return y",
                  "def a():\n    return x + 1\ndef b():\n    return y")
    proc = apply(repo, reply)
    assert proc.returncode == 0, proc.stderr
    assert (repo.root / "pkg/mod.py").read_text() == (
        "from .utils import x\nfrom .core import y\n\n\n"
        "def a():\n    return x + 1\n\n\ndef b():\n    return y\n")


def test_trailing_spaces_stripped_in_markdown_refuse(git_repo):
    git_repo.write("notes.md", "First line  \nsecond line\n")
    git_repo.commit("init")
    before = snapshot(git_repo.root)
    reply = block("notes.md", "First line\nsecond line", "First line\nnew line\nsecond line")
    proc = apply(git_repo, reply)
    assert proc.returncode == 1
    assert "trailing spaces are significant in notes.md" in proc.stderr
    assert snapshot(git_repo.root) == before


def test_trailing_spaces_stripped_in_python_still_apply(git_repo):
    git_repo.write("m.py", "x = 1   \ny = 2\n")
    git_repo.commit("init")
    proc = apply(git_repo, block("m.py", "x = 1\ny = 2", "x = 1\ny = 3"))
    assert proc.returncode == 0, proc.stderr
    assert (git_repo.root / "m.py").read_text() == "x = 1   \ny = 3\n"


def test_unicode_spaces_inside_added_lines_refuse(git_repo):
    git_repo.write("m.py", "def f():\n    return 1\n")
    git_repo.commit("init")
    before = snapshot(git_repo.root)
    nb = "\u00a0"
    reply = block("m.py", f"def f():\n{nb * 4}return 1",
                  f"def f():\n{nb * 4}return 1\n{nb * 4}# 10{nb}kg")
    proc = apply(git_repo, reply)
    assert proc.returncode == 1
    assert "unicode spaces inside added lines" in proc.stderr
    assert snapshot(git_repo.root) == before


def test_unicode_spaces_only_in_indentation_are_repaired(git_repo):
    git_repo.write("m.py", "def f():\n    return 1\n")
    git_repo.commit("init")
    nb = "\u00a0"
    reply = block("m.py", f"def f():\n{nb * 4}return 1", f"def f():\n{nb * 4}return 2")
    proc = apply(git_repo, reply)
    assert proc.returncode == 0, proc.stderr
    assert (git_repo.root / "m.py").read_text() == "def f():\n    return 2\n"


# -- Must 6: no blocks is a refusal ----------------------------------------------------------

def test_a_reply_without_blocks_exits_1_with_a_hint(repo):
    proc = apply(repo, "Sure! Here is what I would change: rename the function.\n")
    assert proc.returncode == 1
    assert "no patch blocks in the reply" in proc.stderr
    assert "[[[SEARCH]]]" in proc.stderr


# -- Must 8: settings never block a repair ---------------------------------------------------

def test_broken_pyproject_is_a_warning_and_the_fix_applies(git_repo):
    git_repo.write("pyproject.toml", '[project]\nname = "x\n')
    git_repo.commit("init")
    proc = apply(git_repo, block("pyproject.toml", 'name = "x', 'name = "x"'))
    assert proc.returncode == 0, proc.stderr
    assert "warning:" in proc.stderr and "pyproject.toml" in proc.stderr
    assert (git_repo.root / "pyproject.toml").read_text() == '[project]\nname = "x"\n'


def test_foreign_tool_table_is_a_warning(git_repo):
    git_repo.write("pyproject.toml", '[tool]\nprompt-foo = 3\n')
    git_repo.write("a.txt", "one\n")
    git_repo.commit("init")
    proc = apply(git_repo, block("a.txt", "one", "two"))
    assert proc.returncode == 0, proc.stderr
    assert "warning:" in proc.stderr
    assert (git_repo.root / "a.txt").read_text() == "two\n"


# -- Must 4: Pipulate's target and anchor shapes ---------------------------------------------

def test_absolute_target_inside_the_root_is_applied_and_reported_relative(repo):
    target = str(repo.root / "pkg" / "other.py")
    proc = apply(repo, block(target, "Z = 1", "Z = 2"), "--json")
    report = json.loads(proc.stdout)
    assert proc.returncode == 0, report
    assert report["files"] == [{"path": "pkg/other.py", "action": "modified"}]
    assert report["blocks"][0]["target"] == "pkg/other.py"


def test_home_target_inside_the_root_is_applied(repo):
    home = repo.root.parent
    proc = apply(repo, block("~/repo/pkg/other.py", "Z = 1", "Z = 2"), "--json",
                 env={"HOME": str(home)})
    report = json.loads(proc.stdout)
    assert proc.returncode == 0, report
    assert report["files"] == [{"path": "pkg/other.py", "action": "modified"}]


def test_absolute_target_outside_the_root_is_refused(repo, tmp_path):
    outside = tmp_path / "elsewhere.py"
    outside.write_text("Z = 1\n")
    proc = apply(repo, block(str(outside), "Z = 1", "Z = 2"))
    assert proc.returncode == 1 and "outside the repository root" in proc.stderr
    assert outside.read_text() == "Z = 1\n"


def test_unique_single_line_fragment_is_a_fragment_edit(git_repo):
    git_repo.write("conf.py", "A = 1\nITEMS = ['a', 'b']  # keep sorted\nB = 2\n")
    git_repo.commit("init")
    proc = apply(git_repo, block("conf.py", "'b']", "'b', 'c']"), "--json")
    report = json.loads(proc.stdout)
    assert proc.returncode == 0, report
    assert report["blocks"][0]["message"] == "applied as a fragment edit inside line 2"
    assert (git_repo.root / "conf.py").read_text() == \
        "A = 1\nITEMS = ['a', 'b', 'c']  # keep sorted\nB = 2\n"


def test_fragment_occurring_twice_refuses_with_its_lines(git_repo):
    git_repo.write("conf.py", "A = f(1)  # x\nB = f(1)  # y\n")
    git_repo.commit("init")
    proc = apply(git_repo, block("conf.py", "f(1)", "f(2)"))
    assert proc.returncode == 1
    assert "SEARCH occurs as part of 2 lines (lines 1, 2)" in proc.stderr


def test_fragment_inside_a_longer_word_is_not_taken(git_repo):
    git_repo.write("m.py", "recount = 1\n")
    git_repo.commit("init")
    proc = apply(git_repo, block("m.py", "count = 1", "count = 2"))
    assert proc.returncode == 1
    assert "no line of SEARCH occurs in the file" not in proc.stderr
    assert "occurs inside file line 1" in proc.stderr
    assert (git_repo.root / "m.py").read_text() == "recount = 1\n"


# -- Must 5: the Python airlock does not depend on the interpreter's age ---------------------

NEW_SYNTAX = "type Pair[T] = tuple[T, T]\n\n\ndef first[T](p: Pair[T]) -> T:\n    return p[0]\n"


def test_breaking_a_file_with_newer_syntax_is_refused(git_repo):
    git_repo.write("m.py", NEW_SYNTAX)
    git_repo.commit("init")
    proc = apply(git_repo, block("m.py", "    return p[0]", "    return p[0] +"))
    assert proc.returncode == 1, proc.stderr
    assert "m.py: refused: the edit breaks the file: Python syntax error at line 5" in proc.stderr
    assert (git_repo.root / "m.py").read_text() == NEW_SYNTAX


def test_a_good_edit_to_a_file_with_newer_syntax_applies(git_repo):
    git_repo.write("m.py", NEW_SYNTAX)
    git_repo.commit("init")
    proc = apply(git_repo, block("m.py", "    return p[0]", "    return p[1]"))
    assert proc.returncode == 0, proc.stderr
    assert "check skipped" not in proc.stderr


def test_no_airlock_lets_the_user_skip_a_check(git_repo):
    git_repo.write("m.py", NEW_SYNTAX)
    git_repo.commit("init")
    proc = apply(git_repo, block("m.py", "    return p[0]", "    return p[0] +"),
                 "--no-airlock", "python")
    assert proc.returncode == 0, proc.stderr
    assert "python check turned off by --no-airlock" in proc.stderr


# -- Must 9: survive the page ---------------------------------------------------------------

def test_a_target_in_prose_that_lost_its_underscores_is_refused_not_created(git_repo):
    git_repo.write("examples/naval/__main__.py", "print('hi')\n")
    git_repo.commit("init")
    before = snapshot(git_repo.root)
    # `__main__.py` written above the fence became bold `main.py` on the page.
    reply = ("Target: examples/naval/main.py\n```text\n[[[WRITE_FILE]]]\nprint('bye')\n"
             "[[[END_WRITE_FILE]]]\n```\n")
    proc = apply(git_repo, reply)
    assert proc.returncode == 1, proc.stderr
    assert "'examples/naval/main.py' does not exist, but 'examples/naval/__main__.py' does" \
        in proc.stderr
    assert snapshot(git_repo.root) == before


def test_the_same_name_inside_the_fence_is_trusted(git_repo):
    git_repo.write("examples/naval/__main__.py", "print('hi')\n")
    git_repo.commit("init")
    reply = ("```text\nTarget: examples/naval/main.py\n[[[WRITE_FILE]]]\nprint('bye')\n"
             "[[[END_WRITE_FILE]]]\n```\n")
    proc = apply(git_repo, reply)
    assert proc.returncode == 0, proc.stderr
    assert (git_repo.root / "examples/naval/main.py").read_text() == "print('bye')\n"


def test_chat_page_header_lines_between_name_and_block_are_skipped(repo):
    reply = ("pkg/other.py\npython\nCopy code\n<<<<<<< SEARCH\nZ = 1\n=======\nZ = 2\n"
             ">>>>>>> REPLACE\n")
    proc = apply(repo, reply)
    assert proc.returncode == 0, proc.stderr
    assert (repo.root / "pkg/other.py").read_text() == "from .core import y\nZ = 2\n"


def test_the_canary_close_line_is_never_a_file_name(repo):
    # A copy button dropped the path line; the canary's closing line sits above the block.
    reply = ("<<<CANARY\nwww.canary.invalid  two  spaces    four\n\n"
             "    indented four | after blank\nCANARY>>>\n<<<<<<< SEARCH\nZ = 1\n=======\n"
             "Z = 2\n>>>>>>> REPLACE\n")
    proc = apply(repo, reply)
    assert proc.returncode == 1
    assert "block 1 has no target" in proc.stderr


def test_the_canary_prose_part_detects_rendering(repo):
    from prompt_foo_loom.canary import CANARY_PROSE, CANARY_TEXT, canary_instruction
    assert CANARY_PROSE in canary_instruction()
    assert CANARY_PROSE not in canary_instruction().split("```")[2]  # outside the fence
    rendered = CANARY_PROSE.replace("__init__.py", "init.py").replace("*stars*", "stars")
    reply = f"```text\n{CANARY_TEXT}\n```\n{rendered}\n" + block("pkg/other.py", "Z = 1", "Z = 2")
    proc = apply(repo, reply, "--json")
    report = json.loads(proc.stdout)
    assert report["canary"] == {"present": True, "damage": ["prose-rendered"]}
    intact = f"```text\n{CANARY_TEXT}\n```\n{CANARY_PROSE}\n"
    proc = apply(repo, intact + block("pkg/other.py", "Z = 2", "Z = 3"), "--json")
    assert json.loads(proc.stdout)["canary"] == {"present": True, "damage": []}


# -- cases the corpus taught ----------------------------------------------------------------

def test_a_drifted_deletion_whose_kept_lines_remain_is_not_already_applied(git_repo):
    # SEARCH = kept lines + a removed function; the file drifted inside the removed part.
    git_repo.write("t.py", "def keep():\n    return 1\n\n\ndef gone():\n    return 'DRIFTED'\n")
    git_repo.commit("init")
    reply = block("t.py", "def keep():\n    return 1\n\n\ndef gone():\n    return 2",
                  "def keep():\n    return 1")
    proc = apply(git_repo, reply)
    assert proc.returncode == 1, proc.stderr
    assert "already" not in proc.stderr.splitlines()[-1]


def test_blank_lines_next_to_a_deletion_are_not_guessed(git_repo):
    git_repo.write("t.py", "a = 1\nb = 2\n\n\ndef gone():\n    pass\n\n\nc = 3\n")
    git_repo.commit("init")
    before = snapshot(git_repo.root)
    # Blank lines lost in transport: which of the file's blank lines went with gone()?
    reply = block("t.py", "b = 2\ndef gone():\n    pass\nc = 3", "b = 2\nc = 3")
    proc = apply(git_repo, reply)
    assert proc.returncode == 1 and "cannot tell which side" in proc.stderr
    assert snapshot(git_repo.root) == before


def test_nbsp_runs_in_new_lines_refuse_even_when_search_matched_exactly(git_repo):
    git_repo.write("t.md", "| a | b |\n")
    git_repo.commit("init")
    proc = apply(git_repo, block("t.md", "| a | b |", "| a | b |\n| c\u00a0 | d |"))
    assert proc.returncode == 1 and "NBSP" in proc.stderr


def test_smart_quotes_in_new_lines_of_a_file_without_them_refuse(git_repo):
    git_repo.write("t.rst", "Intro\n")
    git_repo.commit("init")
    proc = apply(git_repo, block("t.rst", "Intro", "Intro\nit\u2019s here"))
    assert proc.returncode == 1 and "smart quotes" in proc.stderr


def test_a_recovery_landing_inside_the_replace_already_there_is_already_applied(git_repo):
    # Applied before; running the reply again, blank-lines would match the old lines inside
    # the new text and insert them a second time.
    applied = "x = 1\ny = 2\nz = 3\n\n\ndef f():\n    pass\n"
    git_repo.write("m.py", applied)
    git_repo.commit("init")
    reply = block("m.py", "x = 1\ny = 2\n\n", "x = 1\ny = 2\nz = 3\n\n")
    proc = apply(git_repo, reply)
    assert proc.returncode == 0, proc.stderr
    assert "already applied" in proc.stderr
    assert (git_repo.root / "m.py").read_text() == applied
