"""Benchmark the applier: 1,000 blocks against a 100,000-line file, and parsing a 1 MB reply.

Run: python benchmarks/bench_apply.py [--runs N]. Prints medians; targets are < 1 s and
< 0.2 s. Not a test: these machines are noisy, so compare figures from one run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from prompt_foo_loom.patches.parse import parse  # noqa: E402
from prompt_foo_loom.patches.plan import plan  # noqa: E402
from prompt_foo_loom.patches.run import apply_reply  # noqa: E402


def big_file(lines: int) -> str:
    # Valid Python (a function body), so the .py row really runs the ast airlock.
    return "def big():\n" + "".join(f"    value_{i:06d} = compute({i}, 'x')  # line {i}\n" for i in range(lines))


def reply_for(blocks: int, lines: int) -> str:
    step = lines // blocks
    out = []
    for k in range(blocks):
        i = k * step + step // 2
        out.append(f"```text\nTarget: big.py\n[[[SEARCH]]]\n"
                   f"    value_{i:06d} = compute({i}, 'x')  # line {i}\n"
                   f"    value_{i + 1:06d} = compute({i + 1}, 'x')  # line {i + 1}\n"
                   f"[[[DIVIDER]]]\n"
                   f"    value_{i:06d} = compute({i}, 'y')  # line {i}\n"
                   f"    value_{i + 1:06d} = compute({i + 1}, 'x')  # line {i + 1}\n"
                   f"    extra_{i} = True\n[[[REPLACE]]]\n```\n\nSome prose between blocks.\n\n")
    return "".join(out)


def timed(fn, runs: int) -> float:
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    runs = ap.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "big.py").write_text(big_file(100_000), encoding="utf-8")
        reply = reply_for(1_000, 100_000)
        blocks = parse(reply)

        def apply_all():
            result = plan(blocks, root)
            assert not result.refused and len(result.changes) == 1

        mb_reply = reply
        while len(mb_reply.encode()) < 1_000_000:
            mb_reply += reply
        mb_reply = mb_reply[:1_000_000]
        mb_reply = mb_reply[: mb_reply.rfind("Some prose")]
        txt_reply = reply.replace("Target: big.py", "Target: big.txt")
        pristine = big_file(100_000).encode()

        def end_to_end(name: str, text: str):
            def go():
                (root / name).write_bytes(pristine)
                assert apply_reply(text, root).status == "applied"
            return go

        rows = [

            ("parse 1,000-block reply", f"{len(reply) / 1e6:.2f} MB", timed(lambda: parse(reply), runs), None),
            ("plan 1,000 blocks on 100,000 lines", "in memory", timed(apply_all, runs), 1.0),
            ("parse 1 MB reply", f"{len(mb_reply) / 1e6:.2f} MB", timed(lambda: parse(mb_reply), runs), 0.2),
            ("end to end, .txt (journal + write)", "100k lines",
             timed(end_to_end("big.txt", txt_reply), runs), None),
            ("end to end, .py (+ syntax airlock x2)", "100k lines",
             timed(end_to_end("big.py", reply), runs), None),
        ]
    print(f"{'case':<38} {'size':>10} {'median s':>9} {'target':>7}")
    for name, size, med, target in rows:
        tgt = f"<{target:g}" if target else "-"
        print(f"{name:<38} {size:>10} {med:>9.3f} {tgt:>7}")
    print(f"(median of {runs} runs, Python {sys.version.split()[0]})")


if __name__ == "__main__":
    main()
