"""A bent seal stops the compile before anything is emitted (issue 3, item 4)."""

from __future__ import annotations

import pytest

from test_seals_damage import damaged_copy, run_copy


@pytest.fixture
def repo(git_repo):
    git_repo.write("app.py", "x = 1\n")
    git_repo.commit("init")
    return git_repo


@pytest.mark.parametrize("kind", ["nbsp", "deleted_blank_line"])
def test_drift_exits_4_and_leaves_the_output_untouched(tmp_path, repo, kind):
    bent = damaged_copy(tmp_path, kind)
    out = repo.root / "book.md"
    out.write_text("the previous book\n", encoding="utf-8")
    r = run_copy(bent, "prompt_foo.py", "--no-clipboard", "-o", str(out), "-f", "app.py", "Go.", cwd=repo.root)
    assert r.returncode == 4, r.stderr
    assert "seal 'white_rabbit' has drifted from the ledger" in r.stderr
    assert "line " in r.stderr
    assert out.read_text(encoding="utf-8") == "the previous book\n"
    assert "Traceback" not in r.stderr


def test_drift_emits_nothing_on_stdout(tmp_path, repo):
    bent = damaged_copy(tmp_path, "nbsp")
    r = run_copy(bent, "prompt_foo.py", "--no-clipboard", "-o", "-", "-f", "app.py", "Go.", cwd=repo.root)
    assert r.returncode == 4
    assert r.stdout == ""
