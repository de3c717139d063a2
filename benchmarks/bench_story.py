"""Benchmark: the size of the Story section for every post of a 331-post blog (issue 15).

    python benchmarks/bench_story.py [--posts 331] [--shards 1.0] [--runs 3]

Generates (in /tmp) a repository whose _posts folder holds N posts with typical Jekyll front
matter (a title of 5-11 words, a permalink made of 3-7 slug words, a description of about 25
words, keywords) and, for a fraction of them, a _context/<stem>.json shard with 5-8 keywords
and 3-5 sub-topics. Runs the real `prompt_foo.py -l "[:]"` dense (the default) and long
(--story-long) and prints the Story section's tokens as the book's own Manifest reports them,
with the per-post figure and the long/dense ratio, and the median wall time of each.
Target: dense -l "[:]" of 331 posts in at most 12,000 tokens.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

WORDS = """nix flakes htmx python fastapi starlette jupyter notebook workflow pipeline local first llm
ollama agent context window token prompt seo crawler sitemap jekyll blog article server client browser
selenium automation vim neovim linux macos windows wsl git branch commit release version package pip
cache index search database sqlite table query schema api endpoint route template html css javascript
design pattern refactor test plugin module function class object state session cookie login user
workspace terminal shell script command tool future proof craft skill habit journal daily note idea
system simple tiny small big fast slow modern old new open source free private public local remote
cloud home lab machine model data file folder path tree graph link page site web network domain""".split()
GLUE = "the a of and to in for with on from your my how why what when".split()


def title(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(4, 8))]
    for _ in range(rng.randint(1, 3)):
        words.insert(rng.randint(1, len(words) - 1), rng.choice(GLUE))
    return " ".join(w.capitalize() if i == 0 or w not in GLUE else w for i, w in enumerate(words))


def make_blog(root: Path, n: int, shard_share: float) -> None:
    rng = random.Random(15)
    posts = root / "_posts"
    (posts / "_context").mkdir(parents=True)
    past = time.time_ns() - 86_400 * 10**9
    for i in range(n):
        date = f"{2024 + i // 336}-{1 + i // 28 % 12:02d}-{1 + i % 28:02d}"
        slug = "-".join(rng.choice(WORDS) for _ in range(rng.randint(3, 7)))
        keywords = ", ".join(rng.sample(WORDS, 5))
        head = (f"---\ntitle: \"{title(rng)}\"\npermalink: /futureproof/{slug}/\n"
                f"description: \"{' '.join(rng.choice(WORDS + GLUE) for _ in range(25))}.\"\n"
                f"meta_keywords: \"{keywords}\"\nlayout: post\nsort_order: {i % 3}\n---\n")
        body = "\n\n".join(" ".join(rng.choice(WORDS + GLUE) for _ in range(60)) for _ in range(8))
        stem = f"{date}-{slug}"
        path = posts / f"{stem}.md"
        path.write_text(head + body + "\n", encoding="utf-8")
        os.utime(path, ns=(past, past))
        if rng.random() < shard_share:
            shard = {"kw": rng.sample(WORDS, rng.randint(5, 8)), "sub": rng.sample(WORDS, rng.randint(3, 5)),
                     "s": " ".join(rng.choice(WORDS) for _ in range(20))}
            (posts / "_context" / f"{stem}.json").write_text(json.dumps(shard), encoding="utf-8")
    (root / "pyproject.toml").write_text('[tool.prompt-foo]\nbase_url = "https://blog.example"\n',
                                         encoding="utf-8")
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-qm", "blog"], cwd=root, check=True)


def story_tokens(root: Path, *extra: str) -> tuple[int, float, str]:
    start = time.perf_counter()
    r = subprocess.run([sys.executable, str(ROOT / "prompt_foo.py"), "--no-clipboard", "-o", "-", "-q",
                        "-n", "-l", "[:]", *extra, "Go."], cwd=root, capture_output=True, text=True, check=True)
    took = time.perf_counter() - start
    n = int(re.search(r"^- Story: ([\d,]+)$", r.stdout, re.M).group(1).replace(",", ""))
    encoding = re.search(r"^Encoding: (\S+)", r.stdout, re.M).group(1)
    return n, took, encoding


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=331)
    parser.add_argument("--shards", type=float, default=1.0, help="share of posts with a _context shard")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="pf-story-"))
    env_cache = tmp / "cache"
    os.environ["PROMPT_FOO_CACHE"] = str(env_cache)
    try:
        make_blog(tmp / "blog", args.posts, args.shards)
        results = {}
        for name, extra in (("dense", ()), ("dense --slugs", ("--slugs",)), ("long", ("--story-long",))):
            runs = [story_tokens(tmp / "blog", *extra) for _ in range(args.runs)]
            results[name] = (runs[0][0], statistics.median(t for _, t, _ in runs), runs[0][2])
        print(f"{args.posts} posts, {args.shards:.0%} with shards; encoding {results['dense'][2]}")
        for name, (n, took, _) in results.items():
            print(f"  {name:14} Story {n:>7,} tokens  ({n / args.posts:5.1f} per post)  median {took:.2f} s")
        print(f"  long / dense = {results['long'][0] / results['dense'][0]:.2f}; target dense <= 12,000: "
              f"{'met' if results['dense'][0] <= 12_000 else 'NOT met'}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
