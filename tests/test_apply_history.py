"""Replies built from real commits of a small git history: applying the reply to the
parent must give the child's bytes exactly; and apply-then-undo restores every byte."""

from __future__ import annotations

import difflib
import tempfile
from pathlib import Path

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from conftest import run_cli
from prompt_foo_loom.patches import journal
from prompt_foo_loom.patches.content import Content
from prompt_foo_loom.patches.parse import PatchSyntaxError, parse
from prompt_foo_loom.patches.plan import plan
from prompt_foo_loom.patches.recover import find_seq

BASE = {
    "app/models.py": "class User:\n    def __init__(self, name):\n        self.name = name\n\n"
                     "    def greet(self):\n        return 'hi ' + self.name\n\n\n"
                     "class Admin(User):\n    def greet(self):\n        return 'hello ' + self.name\n",
    "app/util.py": "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n",
    "win.ini": "[main]\r\nname = x\r\nsize = 1\r\n",
    "README.txt": "A tiny project\nwithout a final newline",
    "old.txt": "to be removed\n",
}
STEPS = [
    ("bracket", {"app/models.py": lambda s: s.replace("'hi '", "f'hi {self.name}' #").replace(
        "    def greet(self):\n        return 'hello '", "    def greet(self):\n        # admins\n        return 'hello '"),
                 "app/util.py": lambda s: s + "\n\ndef mul(a, b):\n    return a * b\n",
                 "app/new.py": lambda s: "NEW = True\n"}),
    ("aider", {"win.ini": lambda s: s.replace("size = 1", "size = 2\r\ncolour = red"),
               "README.txt": lambda s: s.replace("tiny", "small")}),
    ("patch", {"app/util.py": lambda s: s.replace("return a - b", "return a - b  # sub"),
               "old.txt": lambda s: None}),
]


def hunks(old: str, new: str) -> list[tuple[list[str], list[str]]]:
    """SEARCH/REPLACE pairs with just enough context to be unique in ``old``."""
    a, b = Content.from_text(old).lines(), Content.from_text(new).lines()
    for ctx in range(1, 10):
        groups = list(difflib.SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(ctx))
        pairs = [(a[g[0][1]:g[-1][2]], b[g[0][3]:g[-1][4]]) for g in groups]
        if all(len(find_seq(a, s, 2)) == 1 for s, _ in pairs):
            return pairs
    raise AssertionError("no unique context")


def reply_for(dialect: str, changes: dict[str, tuple[str | None, str | None]]) -> str:
    out = ["Here is the change.\n"]
    if dialect == "patch":
        out.append("*** Begin Patch")
    for path, (old, new) in sorted(changes.items()):
        if dialect == "patch":
            if new is None:
                out.append(f"*** Delete File: {path}")
            elif old is None:
                out += [f"*** Add File: {path}"] + ["+" + ln for ln in new.rstrip("\n").split("\n")]
            else:
                out.append(f"*** Update File: {path}")
                for s, r in hunks(old, new):
                    out.append("@@")
                    sm = difflib.SequenceMatcher(None, s, r, autojunk=False)
                    for tag, i1, i2, j1, j2 in sm.get_opcodes():
                        out += [" " + x for x in s[i1:i2]] if tag == "equal" else (
                            ["-" + x for x in s[i1:i2]] + ["+" + x for x in r[j1:j2]])
            continue
        if old is None:
            out += ["```text", f"Target: {path}", "[[[WRITE_FILE]]]", new.rstrip("\n"),
                    "[[[END_WRITE_FILE]]]", "```"]
            continue
        # The reply sees text as a chat shows it: line endings are the applier's business.
        for s, r in hunks(old.replace("\r\n", "\n"), new.replace("\r\n", "\n")):
            if dialect == "bracket":
                out += ["```text", f"Target: {path}", "[[[SEARCH]]]", *s, "[[[DIVIDER]]]", *r,
                        "[[[REPLACE]]]", "```", ""]
            else:
                out += [path, "```", "<<<<<<< SEARCH", *s, "=======", *r, ">>>>>>> REPLACE",
                        "```", ""]
    if dialect == "patch":
        out.append("*** End Patch")
    return "\n".join(out) + "\n"


def test_replies_from_real_commits_reproduce_the_child(git_repo):
    for path, text in BASE.items():
        git_repo.write(path, text)
    commits = [git_repo.commit("base")]
    replies = []
    current = dict(BASE)
    for dialect, edits in STEPS:
        changes = {}
        for path, edit in edits.items():
            old = current.get(path)
            new = edit(old) if old is not None else edit("")
            changes[path] = (old, new)
            if new is None:
                (git_repo.root / path).unlink()
                current.pop(path)
            else:
                git_repo.write(path, new)
                current[path] = new
        commits.append(git_repo.commit(dialect))
        replies.append(reply_for(dialect, changes))
    for parent, child, reply in zip(commits, commits[1:], replies):
        git_repo.git("checkout", "-q", parent)
        proc = run_cli("apply.py", cwd=git_repo.root, input=reply)
        assert proc.returncode == 0, reply + proc.stderr
        git_repo.git("add", "-A")
        assert git_repo.git("diff", "--cached", "--stat", parent) != ""
        assert git_repo.git("diff", "--cached", child) == "", reply
        git_repo.git("reset", "-q", "--hard")
        git_repo.git("clean", "-qfd")


line = st.text(st.characters(codec="utf-8", exclude_characters="\n\r"), max_size=8)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(line, st.booleans()), min_size=1, max_size=12), st.booleans(),
       st.data())
def test_apply_then_undo_restores_every_byte(lines, final_nl, data):
    text = "".join(s + ("\r\n" if cr else "\n") for s, cr in lines)
    if not final_nl:
        text = text[:-2] if text.endswith("\r\n") else text[:-1]
    raw = text.encode("utf-8")
    norm = Content.from_bytes(raw).lines()
    assume(norm)
    i = data.draw(st.integers(0, len(norm) - 1))
    j = data.draw(st.integers(i + 1, len(norm)))
    search = norm[i:j]
    replace = data.draw(st.lists(line, max_size=4))
    body = "".join(r + "\n" for r in replace)
    reply = "Target: f.txt\n[[[SEARCH]]]\n" + "".join(s + "\n" for s in search) + \
            "[[[DIVIDER]]]\n" + body + "[[[REPLACE]]]\n"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "f.txt").write_bytes(raw)
        try:
            blocks = parse(reply)
        except PatchSyntaxError:  # a generated line may itself look like a marker
            assume(False)
        result = plan(blocks, root)
        assume(not result.refused and result.changes)
        journal.apply_changes(root, result.changes)
        assert (root / "f.txt").read_bytes() == result.changes[0].after != raw
        journal.undo(root)
        assert (root / "f.txt").read_bytes() == raw
