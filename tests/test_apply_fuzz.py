"""Arbitrary replies against a small hostile tree, through foo-apply's real entry point (in
process, so hypothesis can run hundreds): every run exits 0 or 1 with no traceback, within a
few seconds, and never writes outside the root or inside .git. benchmarks/stress_apply.py
--fuzz runs the same generator much longer."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prompt_foo_loom.cli.apply import main

TARGETS = ["a.txt", "data.json", "conf.toml", "mod.py", "new/n.txt", "link/x", "meta/config",
           ".GIT/config", "git~1/HEAD", "a.txt/b", "../out.txt", "/etc/passwd", "a\x00b",
           "x" * 300, " " * 50 + "a.txt", "sub/.git/config", "d", "ü/ñ.md",
           # issue 10's absolute and ~ targets (@ROOT@ is the tree's root, filled in per run)
           # against issue 11's symlink and .git checks
           "@ROOT@/a.txt", "@ROOT@/link/x", "@ROOT@/link/../a.txt", "@ROOT@/.GIT/config",
           "@ROOT@/meta/config", "@ROOT@/fifo", "@ROOT@", "~/a.txt", "~a.txt", "~"]
PIECES = ["Target: ", "[[[SEARCH]]]", "[[[DIVIDER]]]", "[[[REPLACE]]]", "[[[WRITE_FILE]]]",
          "[[[END_WRITE_FILE]]]", "<<<<<<< SEARCH", "=======", ">>>>>>> REPLACE", "```", "~~~",
          "*** Begin Patch", "*** End Patch", "*** Add File: ", "*** Delete File: ",
          "*** Update File: ", "@@", "+", "-", " ", "a", "{", "[" * 50, "(" * 50, "{" * 2000,
          "a = " + "[" * 2000, '{"a": 1}', "x = 1", "\t", "\r", "\x00", "\ufeff", "\u00a0",
          "[www.x.org](http://www.x.org)", "CANARY", " " * 500,
          # issue 10's page shapes: a language label, a copy button, a unified hunk header
          "python", "Copy code", "@@ -1,2 +1,2 @@ def f(", "a.txt", "@ROOT@/a.txt",
          "canary prose: __init__.py and *stars* stay as typed"]


LINES = ["a", "b", "x = 1", '{"a": 1}', "a = 1", ""]


def _block(target: str, kind: str, search: list[str], replace: list[str]) -> str:
    if kind == "write":
        return f"Target: {target}\n[[[WRITE_FILE]]]\n" + "\n".join(replace) + "\n[[[END_WRITE_FILE]]]"
    if kind == "delete":
        return f"*** Begin Patch\n*** Delete File: {target}\n*** End Patch"
    return (f"Target: {target}\n[[[SEARCH]]]\n" + "\n".join(search) + "\n[[[DIVIDER]]]\n"
            + "\n".join(replace) + "\n[[[REPLACE]]]")


def reply_text():
    text = st.one_of(st.sampled_from(PIECES), st.text(max_size=30))
    well_formed = st.builds(_block, st.sampled_from(TARGETS),
                            st.sampled_from(["replace", "write", "delete"]),
                            st.lists(st.sampled_from(LINES), min_size=1, max_size=3),
                            st.lists(st.one_of(st.sampled_from(LINES), text), max_size=4))
    line = st.one_of(well_formed, well_formed, st.sampled_from(PIECES), st.sampled_from(TARGETS),
                     st.builds(lambda a, b: a + b, st.sampled_from(PIECES), st.sampled_from(TARGETS)),
                     st.text(max_size=40))
    # Mostly noise, but a share of replies made only of plausible blocks, so real applies
    # (and their undo) are fuzzed too.
    plausible = st.lists(st.builds(_block, st.sampled_from(
                                       ["a.txt", "new/n.txt", "mod.py", "@ROOT@/a.txt"]),
                                   st.sampled_from(["replace", "write", "write"]),
                                   st.sampled_from([["a"], ["b"], ["x = 1"]]),
                                   st.lists(st.one_of(st.sampled_from(LINES), text), max_size=3)),
                         min_size=1, max_size=3)
    return st.one_of(st.lists(line, max_size=12), plausible).map("\n".join)


def make_tree(root: Path, outside: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    (root / "a.txt").write_text("a\nb\n")
    (root / "data.json").write_text('{"a": 1}\n')
    (root / "conf.toml").write_text("a = 1\n")
    (root / "mod.py").write_text("x = 1\n")
    (root / "d").mkdir()
    (root / "link").symlink_to(outside)
    (root / "meta").symlink_to(".git")
    os.mkfifo(root / "fifo")


def state(path: Path) -> dict:
    out = {}
    for dirpath, dirs, files in os.walk(path):
        for name in files:
            p = Path(dirpath, name)
            if not p.is_symlink() and p.is_file():
                out[str(p.relative_to(path))] = p.read_bytes()
    return out


APPLIED = []


@settings(max_examples=int(os.environ.get("PROMPT_FOO_FUZZ_EXAMPLES", "150")), deadline=None,
          derandomize=True, suppress_health_check=list(HealthCheck))
@given(reply=reply_text(), mode=st.sampled_from([[], ["--dry-run"], ["--strict"], ["--json"]]))
def test_arbitrary_replies_never_crash(reply, mode):
    with tempfile.TemporaryDirectory() as tmp:
        root, outside = Path(tmp, "repo"), Path(tmp, "outside")
        root.mkdir()
        outside.mkdir()
        (outside / "x").write_text("outside\n")
        make_tree(root, outside)
        git_before, out_before = state(root / ".git"), state(outside)
        tree_before = {k: v for k, v in state(root).items() if not k.startswith(".git")}
        reply = reply.replace("@ROOT@", str(root))
        (Path(tmp) / "reply.md").write_text(reply, encoding="utf-8", errors="surrogatepass") \
            if "\ud800" not in reply else (Path(tmp) / "reply.md").write_bytes(b"\xff")
        started = time.monotonic()
        result = CliRunner().invoke(main, [str(Path(tmp) / "reply.md"), "--root", str(root), *mode])
        assert time.monotonic() - started < 20
        assert result.exception is None or isinstance(result.exception, SystemExit), \
            repr(result.exception)
        assert result.exit_code in (0, 1), result.output
        assert "Traceback" not in result.output
        assert state(outside) == out_before
        git_after = state(root / ".git")
        assert {k: v for k, v in git_after.items() if not k.startswith("prompt-foo")} == \
            {k: v for k, v in git_before.items() if not k.startswith("prompt-foo")}
        if result.exit_code == 0 and "--dry-run" not in mode and \
                (root / ".git/prompt-foo/journal.json").exists():
            APPLIED.append(1)
            undo = CliRunner().invoke(main, ["--undo", "--root", str(root)])
            assert undo.exception is None or isinstance(undo.exception, SystemExit)
            assert undo.exit_code == 0, undo.output
            assert {k: v for k, v in state(root).items() if not k.startswith(".git")} == tree_before


def test_the_fuzzer_reached_real_applies():
    # Guards the generator: a fuzzer that only ever produced refusals would prove little.
    assert len(APPLIED) >= 10, len(APPLIED)


def test_the_replies_that_took_minutes_now_take_moments(tmp_path):
    from conftest import run_cli

    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / "a.txt").write_text("a\n")
    slow = [  # each took from a minute to many minutes with the old patterns
        "Target: notes.txt\n[[[WRITE_FILE]]]\n" + "[" * 400_000 + "\n[[[END_WRITE_FILE]]]\n",
        "Target: x.txt\n[[[WRITE_FILE]]]\n" + "[a](x" * 80_000 + "\n[[[END_WRITE_FILE]]]\n",
        "Target: a" + " " * 100_000 + "b.txt\n[[[SEARCH]]]\na\n[[[DIVIDER]]]\nb\n[[[REPLACE]]]\n",
        "*** Begin Patch\n*** Add File: a" + " " * 100_000 + "b\n+x\n*** End Patch\n",
        "Target: deep.json\n[[[WRITE_FILE]]]\n" + "[" * 100_000 + "\n[[[END_WRITE_FILE]]]\n",
    ]
    for reply in slow:
        started = time.monotonic()
        proc = run_cli("apply.py", "--dry-run", cwd=tmp_path, input=reply, timeout=60)
        assert time.monotonic() - started < 20, reply[:40]
        assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr, proc.stderr[-500:]
