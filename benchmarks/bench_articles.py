"""Benchmark: listing every post of a large blog, cold (nothing cached) against warm (nothing changed).

    python benchmarks/bench_articles.py [--posts 320] [--mb 20] [--runs 7]

Generates a repository with a _posts folder of N posts totalling about MB megabytes, then
measures (1) the index step in-process (scan, cache, parse, count) and (2) the real
`prompt_foo.py -l "[:]"` end to end, plus bare interpreter start-up, and prints medians.
Targets (issue 5): warm index step < 50 ms; (cold - start-up) / (warm - start-up) >= 10.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

COMMON = ("context loom card shuttle weave token budget seal canary rabbit patch search replace commit "
          "branch story article journal python module cache index stat mtime hash yaml front matter "
          "permalink slug the a of and to in is that for it as with on by this be are from at or").split()
SYLLABLES = "ka ro mi tue sel van dor pli quo zen hab rit ful ow ex ing ment tra gle ster ph ion".split()


def vocabulary(rng: random.Random) -> list[str]:
    """Common words plus invented ones of 2-4 syllables, so BPE works about as hard as on prose."""
    made = {"".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(6000)}
    return COMMON * 40 + sorted(made)


def make_blog(root: Path, n: int, total_bytes: int) -> None:
    """N posts of random prose (seeded) adding up to about total_bytes, mtimes in the past."""
    rng = random.Random(5)
    words = vocabulary(rng)
    folder = root / "_posts"
    folder.mkdir(parents=True)
    per_post = total_bytes // n
    past = time.time_ns() - 86_400 * 10**9
    for i in range(n):
        day = f"2024-{1 + i // 28 % 12:02d}-{1 + i % 28:02d}"
        head = (f"---\ntitle: Post {i} about {rng.choice(words)}\npermalink: /futureproof/post-{i}/\n"
                f"description: {' '.join(rng.choices(words, k=12))}\nsort_order: {i % 3}\n---\n")
        parts, size = [head], len(head)
        while size < per_post:
            line = " ".join(rng.choices(words, k=rng.randint(8, 20))).capitalize() + ".\n"
            parts.append(line)
            size += len(line)
        path = folder / f"{2020 + i // 336}-{day[5:]}-post-{i:04d}.md"
        path.write_text("".join(parts), encoding="utf-8")
        os.utime(path, ns=(past, past))
    (root / "app.py").write_text("print('hello')\n", encoding="utf-8")
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run([*git, "add", "app.py"], cwd=root, check=True)  # posts stay untracked: not in the Codebase
    subprocess.run([*git, "commit", "-q", "-m", "bench"], cwd=root, check=True)


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def bench_index(folder: Path, state: Path, runs: int) -> tuple[list[float], list[float], int]:
    from prompt_foo_loom.story.articles import open_index
    from prompt_foo_loom.tokens import open_counter

    def cold():
        shutil.rmtree(state, ignore_errors=True)
        counter = open_counter("cl100k_base", state)
        counter.encoder.encoding()  # load the encoding outside the timing: it is start-up, not indexing
        start = time.perf_counter()
        index, cache = open_index(folder, counter)
        cache.save()
        counter.cache.save()
        elapsed = time.perf_counter() - start
        assert index.bodies_read == len(index.posts), "a cold run found a cache"
        return elapsed, len(index.posts)

    colds = [cold() for _ in range(max(2, runs // 3))]
    warms = []
    for _ in range(runs):
        counter = open_counter("cl100k_base", state)
        start = time.perf_counter()
        index, cache = open_index(folder, counter)
        warms.append(time.perf_counter() - start)
        assert index.bodies_read == 0, "a warm run read post bodies"
    return [c[0] for c in colds], warms, colds[0][1]


def bench_cli(root: Path, state: Path, runs: int) -> tuple[list[float], list[float], list[float]]:
    # As an installed tool runs: with bytecode caches (kept out of the work tree by the prefix).
    env = dict(os.environ, PROMPT_FOO_CACHE=str(state), PROMPT_FOO_ENCODING="cl100k_base",
               PYTHONPYCACHEPREFIX=str(state.parent / "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cmd = [sys.executable, str(ROOT / "prompt_foo.py"), "-l", "[:]", "--no-clipboard", "-o", "-", "-q", "go"]

    def once():
        done = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"prompt_foo.py failed:\n{done.stderr}")

    def cold():
        shutil.rmtree(state, ignore_errors=True)
        return timed(once)

    colds = [cold() for _ in range(max(2, runs // 3))]
    warms = [timed(once) for _ in range(runs)]
    startup = [timed(lambda: subprocess.run([sys.executable, "-c", "pass"], env=env, check=True))
               for _ in range(runs)]
    return colds, warms, startup


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, default=320)
    ap.add_argument("--mb", type=float, default=20)
    ap.add_argument("--runs", type=int, default=7)
    opts = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-articles-") as tmp:
        root, state = Path(tmp) / "blog", Path(tmp) / "state"
        os.environ["PROMPT_FOO_CACHE"] = str(state)  # both caches live (and are cleared) here
        make_blog(root, opts.posts, int(opts.mb * 1_000_000))
        size = sum(p.stat().st_size for p in (root / "_posts").iterdir())
        print(f"blog: {opts.posts} posts, {size / 1e6:.1f} MB; runs: {opts.runs} warm, "
              f"{max(2, opts.runs // 3)} cold; medians")
        icold, iwarm, count = bench_index(root / "_posts", state, opts.runs)
        ccold, cwarm, start = bench_cli(root, state, opts.runs)
    med = statistics.median
    rows = [
        ("index step, cold (parse + tokenize)", med(icold)),
        ("index step, warm (stat + cache)", med(iwarm)),
        ("prompt_foo.py -l '[:]', cold", med(ccold)),
        ("prompt_foo.py -l '[:]', warm", med(cwarm)),
        ("interpreter start-up (python -c pass)", med(start)),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'step':<{width}}  {'median':>10}")
    for name, secs in rows:
        print(f"{name:<{width}}  {secs * 1000:>8.1f} ms")
    ratio = (med(ccold) - med(start)) / max(med(cwarm) - med(start), 1e-9)
    print(f"indexed posts: {count}")
    print(f"warm index step {med(iwarm) * 1000:.1f} ms (target < 50 ms): {'ok' if med(iwarm) < 0.05 else 'MISSED'}")
    print(f"end to end minus start-up, cold/warm = {ratio:.1f}x (target >= 10x): {'ok' if ratio >= 10 else 'MISSED'}")


if __name__ == "__main__":
    main()
