"""Scale benchmark: whole-repo packs and --fit, cold and warm, from fastapi up to 50,000 files.

Usage: python benchmarks/bench_fit.py [--sizes fastapi,1000,5000,20000,50000] [--runs 3] [--big-runs 1]
                                      [--mirror /work/.mirror/fastapi+fastapi/repo] [--launcher PATH]

Corpora (built at run time in /tmp/pf-bench, never committed):
- fastapi: a clone of the fetched snapshot (the real case, 3,139 files).
- N files: fastapi's own tracked files copied round-robin into copy-K/ folders until there are N,
  committed into a fresh repository. Real files, so the tokenizer, the parsers and the ranking
  see real text; the copies make the scale.

For each corpus: a whole-repo pack (no manifest, no budget) and
`--fit --budget 150000 "How does FastAPI resolve dependencies declared with Depends?"`, each
cold (PROMPT_FOO_CACHE emptied before every run) and warm (the same cache, filled by an untimed
run). Figures: median wall time, median CPU time (user+sys of the child: the machine is shared,
so CPU time is the steadier figure), peak RSS of the child (wait4), and the book's token count.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = Path("/tmp/pf-bench")
INTENT = "How does FastAPI resolve dependencies declared with Depends?"
GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "-c", "commit.gpgsign=false"]


def corpus_fastapi(mirror: Path) -> Path:
    dest = WORK / "fastapi"
    if not (dest / ".git").exists():
        shutil.rmtree(dest, ignore_errors=True)
        subprocess.run(["git", "clone", "-q", str(mirror), str(dest)], check=True)
    return dest


def corpus_scaled(base: Path, n: int) -> Path:
    dest = WORK / f"scale-{n}"
    if (dest / ".git").exists():
        return dest
    shutil.rmtree(dest, ignore_errors=True)
    files = subprocess.run(["git", "ls-files"], cwd=base, capture_output=True, text=True, check=True).stdout.split("\n")
    files = [f for f in files if f and (base / f).is_file() and not (base / f).is_symlink()]
    dest.mkdir(parents=True)
    for i in range(n):
        src = files[i % len(files)]
        target = dest / f"copy-{i // len(files)}" / src
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(base / src, target)
    subprocess.run(GIT + ["init", "-q"], cwd=dest, check=True)
    subprocess.run(GIT + ["add", "-A"], cwd=dest, check=True)
    subprocess.run(GIT + ["commit", "-q", "-m", "corpus"], cwd=dest, check=True)
    return dest


def run_once(cmd, cwd, env):
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    found = re.search(r"book: ([\d,]+) tokens", err)
    tokens = int(found.group(1).replace(",", "")) if found else None
    if code != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {code}:\n{err[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, tokens


def measure(cmd, cwd, cache: Path, runs: int, cold: bool):
    env = dict(os.environ, PROMPT_FOO_CACHE=str(cache), PROMPT_FOO_ENCODING="cl100k_base")
    if not cold:
        run_once(cmd, cwd, env)  # fill the cache, untimed
    walls, cpus, peak, tokens = [], [], 0.0, None
    for _ in range(runs):
        if cold:
            shutil.rmtree(cache, ignore_errors=True)
        wall, cpu, rss, tokens = run_once(cmd, cwd, env)
        walls.append(wall)
        cpus.append(cpu)
        peak = max(peak, rss)
    return statistics.median(walls), statistics.median(cpus), peak, tokens


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="fastapi,1000,5000,20000,50000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--big-runs", type=int, default=1, help="runs for corpora of 20,000 files or more")
    ap.add_argument("--mirror", type=Path, default=Path("/work/.mirror/fastapi+fastapi/repo"))
    ap.add_argument("--launcher", default=str(HERE.parent / "prompt_foo.py"))
    ap.add_argument("--modes", default="whole,fit")
    args = ap.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    base = corpus_fastapi(args.mirror)
    out = WORK / "book.md"
    rows = []
    for size in args.sizes.split(","):
        root = base if size == "fastapi" else corpus_scaled(base, int(size))
        files = len(subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True).stdout.splitlines())
        runs = args.big_runs if files >= 20_000 else args.runs
        for mode in args.modes.split(","):
            cmd = [sys.executable, args.launcher, "--no-clipboard", "-q", "-o", str(out)]
            cmd += ["--fit", "--budget", "150000", INTENT] if mode == "fit" else [INTENT]
            cache = WORK / f"cache-{size}-{mode}"
            cold = measure(cmd, root, cache, runs, cold=True)
            warm = measure(cmd, root, cache, runs, cold=False)
            rows.append((size, files, mode, cold, warm, runs))
            print(f"{size:>8} {files:>7,} files {mode:>5}: cold {cold[0]:6.2f} s wall {cold[1]:6.2f} s cpu "
                  f"{cold[2]:7.0f} MB; warm {warm[0]:6.2f} s wall {warm[1]:6.2f} s cpu {warm[2]:7.0f} MB; "
                  f"cold/warm {cold[0] / warm[0]:.1f}x wall {cold[1] / warm[1]:.1f}x cpu; "
                  f"book {warm[3]:,} tokens (n={runs})", flush=True)
    print("\n| corpus | files | pack | cold wall / cpu | warm wall / cpu | cold÷warm (wall, cpu) | peak RSS cold / warm | book tokens |")
    print("|---|---:|---|---|---|---|---|---:|")
    for size, files, mode, cold, warm, runs in rows:
        print(f"| {size} (n={runs}) | {files:,} | {'--fit 150k' if mode == 'fit' else 'whole repo'} | "
              f"{cold[0]:.2f} s / {cold[1]:.2f} s | {warm[0]:.2f} s / {warm[1]:.2f} s | "
              f"{cold[0] / warm[0]:.1f}× / {cold[1] / warm[1]:.1f}× | {cold[2]:,.0f} / {warm[2]:,.0f} MB | {warm[3]:,} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
