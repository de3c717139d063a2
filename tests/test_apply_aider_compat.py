"""aider's block shapes that its own parser accepts, applied by foo-apply to the same result
(issue 10, Must 3; benchmarks/bench_aider_compat.py measures aider's whole test corpus).
Our matching stays stricter: several occurrences of a SEARCH still refuse."""

from __future__ import annotations

import pytest

from conftest import run_cli


def apply(repo, reply: str, *args: str):
    return run_cli("apply.py", *args, cwd=repo.root, input=reply)


@pytest.fixture
def repo(git_repo):
    git_repo.write("app/views.py", "def index():\n    return 'home'\n\n\ndef about():\n    return 'about'\n")
    git_repo.write("notes.txt", "alpha\nbeta\n")
    git_repo.commit("init")
    return git_repo


def test_file_name_above_a_source_tag_fence(repo):
    reply = ("Here is the change:\n\napp/views.py\n<source>python\n<<<<<<< SEARCH\n"
             "    return 'home'\n=======\n    return 'welcome'\n>>>>>>> REPLACE\n</source>\n")
    proc = apply(repo, reply)
    assert proc.returncode == 0, proc.stderr
    assert "return 'welcome'" in (repo.root / "app/views.py").read_text()


def test_a_second_divider_ends_the_updated_text(repo):
    reply = ("notes.txt\n```\n<<<<<<< SEARCH\nbeta\n=======\ngamma\n=======\n```\n\n"
             "Then the other one:\n\nnotes.txt\n```\n<<<<<<< SEARCH\nalpha\n=======\nALPHA\n"
             "=======\n>>>>>>> REPLACE\n```\n")
    proc = apply(repo, reply)
    assert proc.returncode == 0, proc.stderr
    assert (repo.root / "notes.txt").read_text() == "ALPHA\ngamma\n"


def test_empty_search_creates_a_new_file(repo):
    reply = "docs/new.md\n```\n<<<<<<< SEARCH\n=======\n# New\n\ntext\n>>>>>>> REPLACE\n```\n"
    proc = apply(repo, reply)
    assert proc.returncode == 0, proc.stderr
    assert (repo.root / "docs/new.md").read_text() == "# New\n\ntext\n"
    again = apply(repo, reply)
    assert again.returncode == 0 and "already applied" in again.stderr


def test_empty_search_appends_to_an_existing_file(repo):
    reply = "notes.txt\n```\n<<<<<<< SEARCH\n=======\ngamma\n>>>>>>> REPLACE\n```\n"
    proc = apply(repo, reply)
    assert proc.returncode == 0, proc.stderr
    assert (repo.root / "notes.txt").read_text() == "alpha\nbeta\ngamma\n"


def test_a_block_without_a_file_name_continues_the_previous_file(repo):
    reply = ("app/views.py\n```python\n<<<<<<< SEARCH\n    return 'home'\n=======\n"
             "    return 'welcome'\n>>>>>>> REPLACE\n\n<<<<<<< SEARCH\n    return 'about'\n"
             "=======\n    return 'about us'\n>>>>>>> REPLACE\n```\n")
    proc = apply(repo, reply)
    assert proc.returncode == 0, proc.stderr
    text = (repo.root / "app/views.py").read_text()
    assert "'welcome'" in text and "'about us'" in text


def test_a_first_block_without_a_file_name_is_still_refused(repo):
    proc = apply(repo, "```\n<<<<<<< SEARCH\nalpha\n=======\nA\n>>>>>>> REPLACE\n```\n")
    assert proc.returncode == 1 and "block 1 has no target" in proc.stderr


def test_file_name_as_the_fence_info_string(repo):
    reply = "```notes.txt\n<<<<<<< SEARCH\nalpha\n=======\nA\n>>>>>>> REPLACE\n```\n"
    proc = apply(repo, reply)
    assert proc.returncode == 0, proc.stderr
    assert (repo.root / "notes.txt").read_text() == "A\nbeta\n"


def test_first_of_several_matches_stays_refused(git_repo):
    git_repo.write("t.txt", "x = 1\ny\nx = 1\n")
    git_repo.commit("init")
    proc = apply(git_repo, "t.txt\n<<<<<<< SEARCH\nx = 1\n=======\nx = 2\n>>>>>>> REPLACE\n")
    assert proc.returncode == 1 and "SEARCH occurs 2 times (lines 1, 3)" in proc.stderr
    assert (git_repo.root / "t.txt").read_text() == "x = 1\ny\nx = 1\n"


def test_a_file_named_like_a_page_header_is_still_a_file_name(repo):
    repo.write("Makefile", "all:\n\techo hi\n")
    repo.commit("makefile")
    reply = ("notes.txt\n```\n<<<<<<< SEARCH\nalpha\n=======\nA\n>>>>>>> REPLACE\n```\n\n"
             "Makefile\n```\n<<<<<<< SEARCH\n\techo hi\n=======\n\techo bye\n>>>>>>> REPLACE\n```\n")
    proc = apply(repo, reply)
    assert proc.returncode == 0, proc.stderr
    assert (repo.root / "Makefile").read_text() == "all:\n\techo bye\n"
