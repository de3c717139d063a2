"""OpenAI/Codex apply_patch replies as Codex emits them (issue 10, Must 7): "@@ def name("
headers narrow where a hunk may land, hunks of only added lines anchor on their header (or
go to the end of the file), and "*** End of File" ties a hunk to the file's end."""

from __future__ import annotations

import pytest

from conftest import run_cli

MOD = ("class A:\n    def a(self):\n        return x\n\n    def b(self):\n        return x\n"
       "\n\ndef c():\n    return x\n")


def envelope(body: str) -> str:
    return f"*** Begin Patch\n*** Update File: m.py\n{body}*** End Patch\n"


@pytest.fixture
def repo(git_repo):
    git_repo.write("m.py", MOD)
    git_repo.commit("init")
    return git_repo


def run(repo, body: str):
    return run_cli("apply.py", cwd=repo.root, input=envelope(body))


def test_a_header_narrows_an_otherwise_ambiguous_hunk(repo):
    proc = run(repo, "@@ def b(self):\n-        return x\n+        return y\n")
    assert proc.returncode == 0, proc.stderr
    assert (repo.root / "m.py").read_text() == MOD.replace(
        "    def b(self):\n        return x", "    def b(self):\n        return y")


def test_a_shortened_header_and_nested_headers(repo):
    proc = run(repo, "@@ class A:\n@@ def a(\n-        return x\n+        return 1\n")
    assert proc.returncode == 0, proc.stderr
    assert "def a(self):\n        return 1\n" in (repo.root / "m.py").read_text()


def test_a_unified_diff_header_carries_the_same_hint(repo):
    proc = run(repo, "@@ -9,2 +9,2 @@ def c():\n-    return x\n+    return z\n")
    assert proc.returncode == 0, proc.stderr
    assert (repo.root / "m.py").read_text().endswith("def c():\n    return z\n")


def test_a_header_not_in_the_file_refuses(repo):
    proc = run(repo, "@@ def missing(\n-        return x\n+        return y\n")
    assert proc.returncode == 1
    assert "the @@ header 'def missing(' is not in the file" in proc.stderr
    assert (repo.root / "m.py").read_text() == MOD


def test_without_a_header_the_hunk_is_still_ambiguous(repo):
    proc = run(repo, "@@\n-        return x\n+        return y\n")
    assert proc.returncode == 1 and "SEARCH occurs 2 times" in proc.stderr


def test_pure_addition_goes_after_its_header(repo):
    proc = run(repo, "@@ class A:\n+    z = 3\n")
    assert proc.returncode == 0, proc.stderr
    assert (repo.root / "m.py").read_text().startswith("class A:\n    z = 3\n    def a(self):")
    again = run(repo, "@@ class A:\n+    z = 3\n")
    assert again.returncode == 0 and "already applied" in again.stderr


def test_pure_addition_without_header_goes_to_the_end(repo):
    proc = run(repo, "@@\n+\n+\n+def d():\n+    return 4\n")
    assert proc.returncode == 0, proc.stderr
    assert (repo.root / "m.py").read_text() == MOD + "\n\ndef d():\n    return 4\n"


def test_end_of_file_marker_picks_the_match_at_the_end(git_repo):
    git_repo.write("m.py", "a = 1\nb = 2\na = 1\nb = 2\n")
    git_repo.commit("init")
    proc = run(git_repo, "@@\n a = 1\n-b = 2\n+b = 3\n*** End of File\n")
    assert proc.returncode == 0, proc.stderr
    assert (git_repo.root / "m.py").read_text() == "a = 1\nb = 2\na = 1\nb = 3\n"
