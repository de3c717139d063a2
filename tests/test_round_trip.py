"""The whole loop: compile a book, answer it as a model would, apply the answer, undo it."""

from __future__ import annotations

import json
import re

from conftest import run_cli


def test_book_to_reply_to_disk_and_back(git_repo):
    git_repo.write("calc.py", "def total(items):\n    return sum(items)\n")
    git_repo.commit("init")
    book = run_cli("prompt_foo.py", "--no-clipboard", "-o", "-", "-f", "calc.py", "Add type hints.",
                   cwd=git_repo.root).stdout

    # The model echoes the canary the book asked for, then patches the file it was shown.
    canary = re.search(r"```text\n(<<<CANARY\n.*?\nCANARY>>>)\n```", book, re.S).group(1)
    shown = book.split("--- START: calc.py (", 1)[1].split("```python\n", 1)[1].split("```\n--- END", 1)[0]
    assert shown == "def total(items):\n    return sum(items)\n"
    reply = (f"Here is the canary:\n\n```text\n{canary}\n```\n\nPLAN: add hints.\n\n```text\n"
             "Target: calc.py\n[[[SEARCH]]]\ndef total(items):\n[[[DIVIDER]]]\n"
             "def total(items: list[int]) -> int:\n[[[REPLACE]]]\n```\n")
    (git_repo.root / "reply.md").write_text(reply, encoding="utf-8")

    r = run_cli("apply.py", "reply.md", "--json", cwd=git_repo.root)
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout)
    assert result["status"] == "applied"
    assert result["canary"]["present"] is True and result["canary"]["damage"] == []
    assert (git_repo.root / "calc.py").read_text() == "def total(items: list[int]) -> int:\n    return sum(items)\n"

    again = run_cli("apply.py", "reply.md", "--json", cwd=git_repo.root)
    assert again.returncode == 0 and json.loads(again.stdout)["status"] == "already-applied"

    undo = run_cli("apply.py", "--undo", cwd=git_repo.root)
    assert undo.returncode == 0, undo.stderr
    assert (git_repo.root / "calc.py").read_text() == "def total(items):\n    return sum(items)\n"
