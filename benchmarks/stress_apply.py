"""Stress foo-apply's write path on a real repository: kills at random moments, concurrent runs,
an editor saving during a run. Not a test: it prints a table and the issue's target.

    python benchmarks/stress_apply.py [--repo /work/.mirror/pallets+click/repo] [--kills 200]
                                      [--concurrent 50] [--editor 50] [--fuzz N]

The repository is cloned to /tmp (never committed here). Each trial starts from a clean tree
with one earlier application already journaled (so the run under test must keep that journal
intact until its own is durable), then:

- kill-apply: a multi-file reply (edits in 6 files, a new file in a new folder, a deletion) is
  killed with SIGKILL at a random moment (half of the trials: uniform over the whole run; half:
  uniform over --window s from the journal switch, i.e. inside the write phase); a journal left
  mid-write is resolved with --undo.
- kill-undo: --undo of that reply is killed at a random moment; an unfinished undo is resumed
  with --undo.
- concurrent: two runs edit different lines of the same files at the same moment.
- editor: a file is saved (a line appended) at a random moment during the run, half of the
  trials inside the test seam's pause between planning and writing, half at any moment.

Per kind: trials, trees exactly old, exactly new (after --undo or resume where needed), lost
edits (an edit gone although its run exited 0, or an editor's save overwritten), wrong restores
(an --undo exiting 0 without giving back exactly the old tree) and anything else ("torn").
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
APPLY = [sys.executable, str(HERE / "apply.py")]
FILES = ["src/click/core.py", "src/click/types.py", "src/click/utils.py",
         "src/click/termui.py", "src/click/decorators.py", "src/click/parser.py"]
BASE_FILES = ["src/click/exceptions.py", "src/click/formatting.py"]  # the earlier application


def sh(*args: str, cwd: Path) -> None:
    subprocess.run(args, cwd=cwd, check=True, capture_output=True)


def snapshot(root: Path) -> dict[str, str]:
    out = {}
    for dirpath, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in files:
            p = Path(dirpath, name)
            out[p.relative_to(root).as_posix()] = hashlib.sha1(p.read_bytes()).hexdigest()
    return out


def unique_lines(text: str) -> list[str]:
    lines = text.split("\n")
    counts: dict[str, int] = {}
    for ln in lines:
        counts[ln] = counts.get(ln, 0) + 1
    return [ln for ln in lines if counts[ln] == 1 and ln.strip() and len(ln) > 20
            and ln.strip().startswith(("def ", "class ", "return ", "if ", "raise "))]


def block(target: str, search: str, replace: str) -> str:
    return f"Target: {target}\n[[[SEARCH]]]\n{search}\n[[[DIVIDER]]]\n{replace}\n[[[REPLACE]]]\n\n"


class Stress:
    def __init__(self, mirror: Path, work: Path):
        self.root = work / "repo"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        sh("git", "clone", "-q", str(mirror), str(self.root), cwd=work)
        sh("git", "config", "user.email", "stress@example.invalid", cwd=self.root)
        sh("git", "config", "user.name", "stress", cwd=self.root)
        self.picks = {f: unique_lines((self.root / f).read_text()) for f in FILES + BASE_FILES}
        self.env = dict(os.environ, PROMPT_FOO_APPLY_LOCK_WAIT="60")
        self.rows: dict[str, dict[str, int]] = {}
        self.window = 0.4

    def reset(self) -> None:
        sh("git", "reset", "-q", "--hard", cwd=self.root)
        sh("git", "clean", "-qfdx", cwd=self.root)
        shutil.rmtree(self.root / ".git/prompt-foo", ignore_errors=True)

    def reply(self, tag: str, k: int, files=FILES, extra: bool = True) -> str:
        out = []
        for f in files:
            line = self.picks[f][k % len(self.picks[f])]
            out.append(block(f, line, f"{line}  # {tag}"))
        if extra:
            out.append(f"Target: notes/{tag}/new.txt\n[[[WRITE_FILE]]]\nnew {tag}\n"
                       "[[[END_WRITE_FILE]]]\n\n")
            out.append(f"*** Begin Patch\n*** Delete File: docs/{self.victim}\n*** End Patch\n")
        return "".join(out)

    def run(self, *args: str, reply: str | None = None, env: dict | None = None):
        return subprocess.run([*APPLY, *args], cwd=self.root, input=reply, text=True,
                              capture_output=True, env=env or self.env, timeout=120)

    def start(self, *args: str, reply: str | None = None, env: dict | None = None):
        proc = subprocess.Popen([*APPLY, *args], cwd=self.root, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=env or self.env)
        if reply is not None:
            proc.stdin.write(reply)
        proc.stdin.close()
        proc.stdin = None
        return proc

    def journal_state(self) -> str | None:
        try:
            return json.loads((self.root / ".git/prompt-foo/journal.json").read_text())["state"]
        except (OSError, ValueError, KeyError):
            return None

    def count(self, kind: str, outcome: str) -> None:
        row = self.rows.setdefault(kind, {"trials": 0, "old": 0, "new": 0, "lost": 0,
                                          "wrong": 0, "torn": 0, "resumed": 0})
        if outcome == "trial":
            row["trials"] += 1
        else:
            row[outcome] += 1

    # -- the base every kill trial starts from: one earlier application, journaled -------
    def base(self, k: int) -> tuple[dict, dict]:
        self.reset()
        docs = sorted(p.name for p in (self.root / "docs").glob("*.md"))
        self.victim = docs[k % len(docs)]
        first = self.run(reply=self.reply(f"base{k}", k + 1, files=BASE_FILES, extra=False))
        assert first.returncode == 0, first.stderr
        old = snapshot(self.root)
        return old, old

    def timing(self) -> float:
        old, _ = self.base(0)
        times = []
        for k in range(3):
            t = time.monotonic()
            assert self.run(reply=self.reply("t", k)).returncode == 0
            times.append(time.monotonic() - t)
            assert self.run("--undo").returncode == 0
        return statistics.median(times)

    def kill_at_random(self, proc, k: int, span: float, phase: str) -> None:
        """Even trials: any moment of the run. Odd trials: a moment of the write phase (or
        the undo phase), which a uniform draw over the whole run would rarely hit."""
        if k % 2 == 0:
            time.sleep(random.uniform(0, span))
        else:
            while self.journal_state() != phase and proc.poll() is None:
                time.sleep(0.002)
            time.sleep(random.uniform(0, self.window))
        proc.kill()

    def kill_apply(self, k: int, span: float) -> None:
        old, _ = self.base(k)
        reply = self.reply(f"kill{k}", k)
        proc = self.start(reply=reply)
        self.kill_at_random(proc, k, span, "writing")
        proc.communicate()
        self.count("kill-apply", "trial")
        if self.journal_state() in ("writing", "undoing"):
            self.count("kill-apply", "resumed")
            undo = self.run("--undo")
            now = snapshot(self.root)
            self.count("kill-apply", "old" if undo.returncode == 0 and now == old else "wrong")
            return
        now = snapshot(self.root)
        if now == old:
            self.count("kill-apply", "old")
            return
        # Finished before the kill: the tree must be the reply's, and --undo must give back
        # exactly the base (the earlier application's pre-images were never touched).
        new_ok = all(f"# kill{k}" in (self.root / f).read_text() for f in FILES)
        undo = self.run("--undo")
        back = snapshot(self.root) == old
        self.count("kill-apply", "new" if new_ok else "torn")
        if undo.returncode != 0 or not back:
            self.count("kill-apply", "wrong")

    def kill_undo(self, k: int, span: float) -> None:
        old, _ = self.base(k)
        assert self.run(reply=self.reply(f"undo{k}", k)).returncode == 0
        new = snapshot(self.root)
        proc = self.start("--undo")
        self.kill_at_random(proc, k, span, "undoing")
        proc.communicate()
        self.count("kill-undo", "trial")
        if self.journal_state() == "undoing":
            self.count("kill-undo", "resumed")
            undo = self.run("--undo")
            ok = undo.returncode == 0 and snapshot(self.root) == old
            self.count("kill-undo", "old" if ok else "wrong")
            return
        now = snapshot(self.root)
        self.count("kill-undo", "old" if now == old else "new" if now == new else "torn")

    def concurrent(self, k: int) -> None:
        self.reset()
        files = FILES[:4]
        a = "".join(block(f, self.picks[f][k % len(self.picks[f])],
                          self.picks[f][k % len(self.picks[f])] + "  # A") for f in files)
        b = "".join(block(f, self.picks[f][(k + 1) % len(self.picks[f])],
                          self.picks[f][(k + 1) % len(self.picks[f])] + "  # B") for f in files)
        old = snapshot(self.root)
        p1, p2 = self.start(reply=a), self.start(reply=b)
        r1, r2 = p1.communicate(), p2.communicate()
        self.count("concurrent", "trial")
        texts = [(self.root / f).read_text() for f in files]
        has_a = all("# A" in t for t in texts)
        has_b = all("# B" in t for t in texts)
        lost = (p1.returncode == 0 and not has_a) or (p2.returncode == 0 and not has_b)
        partial = any("# A" in t for t in texts) != has_a or any("# B" in t for t in texts) != has_b
        if lost:
            self.count("concurrent", "lost")
        if partial:
            self.count("concurrent", "torn")
        elif has_a and has_b:
            self.count("concurrent", "new")
        elif snapshot(self.root) == old:
            self.count("concurrent", "old")

    def editor(self, k: int, span: float) -> None:
        old, _ = self.base(k)
        reply = self.reply(f"ed{k}", k)
        target = self.root / FILES[k % len(FILES)]
        buffer = target.read_text()  # what the editor loaded before the run
        seam = k % 2 == 0
        env = dict(self.env, PROMPT_FOO_TEST_PAUSE="before-write:0.6") if seam else None
        proc = self.start(reply=reply, env=env)
        if seam:
            while self.journal_state() != "writing" and proc.poll() is None:
                time.sleep(0.01)
            time.sleep(0.1)
        else:
            time.sleep(random.uniform(0, span))
        saved = buffer.rstrip("\n") + f"\n# editor {k}\n"
        target.write_text(saved)  # the editor saves its buffer
        proc.communicate()
        self.count("editor", "trial")
        final = target.read_text()
        if f"# editor {k}" not in final:
            self.count("editor", "lost")
        rest = {p: h for p, h in snapshot(self.root).items() if p != FILES[k % len(FILES)]}
        old_rest = {p: h for p, h in old.items() if p != FILES[k % len(FILES)]}
        if proc.returncode != 0:
            self.count("editor", "old" if rest == old_rest else "torn")
        else:
            others = [f for f in FILES if f != FILES[k % len(FILES)]]
            ok = all(f"# ed{k}" in (self.root / f).read_text() for f in others)
            self.count("editor", "new" if ok else "torn")

    def table(self) -> None:
        print(f"{'kind':<12}{'trials':>8}{'old':>7}{'new':>7}{'lost':>7}{'wrong':>7}{'torn':>7}"
              "   killed mid-write/undo (resolved by --undo)")
        for kind, r in self.rows.items():
            print(f"{kind:<12}{r['trials']:>8}{r['old']:>7}{r['new']:>7}{r['lost']:>7}"
                  f"{r['wrong']:>7}{r['torn']:>7}   {r['resumed']}")
        bad = sum(r["lost"] + r["wrong"] + r["torn"] for r in self.rows.values())
        settled = all(r["old"] + r["new"] == r["trials"] for r in self.rows.values())
        print(f"target (every trial exactly old or new, 0 lost, 0 wrong): "
              f"{'met' if settled and not bad else 'NOT met'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repo", default="/work/.mirror/pallets+click/repo")
    ap.add_argument("--work", default="/tmp/foo-apply-stress")
    ap.add_argument("--kills", type=int, default=200, help="kill trials (half apply, half undo)")
    ap.add_argument("--concurrent", type=int, default=50)
    ap.add_argument("--editor", type=int, default=50)
    ap.add_argument("--fuzz", type=int, default=0, help="also run the fuzzer with N examples")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--window", type=float, default=0.4,
                    help="seconds after the journal switch (or undo start) that odd trials kill in")
    args = ap.parse_args()
    random.seed(args.seed)
    s = Stress(Path(args.repo), Path(args.work))
    s.window = args.window
    span = s.timing()
    print(f"repository: {args.repo} ({len(snapshot(s.root))} files); median apply "
          f"{span:.2f} s; kills land uniformly in [0, {span * 1.2:.2f}] s", flush=True)
    t0 = time.monotonic()
    for k in range(args.kills - args.kills // 2):
        s.kill_apply(k, span * 1.2)
    for k in range(args.kills // 2):
        s.kill_undo(k, span * 1.2)
    for k in range(args.concurrent):
        s.concurrent(k)
    for k in range(args.editor):
        s.editor(k, span * 1.2)
    s.table()
    print(f"({time.monotonic() - t0:.0f} s)")
    if args.fuzz:
        env = dict(os.environ, PROMPT_FOO_FUZZ_EXAMPLES=str(args.fuzz))
        proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                               str(HERE / "tests/test_apply_fuzz.py")], env=env, cwd=HERE)
        print(f"fuzzer, {args.fuzz} replies: {'no traceback' if proc.returncode == 0 else 'FAILED'}")
    shutil.rmtree(args.work, ignore_errors=True)


if __name__ == "__main__":
    main()
