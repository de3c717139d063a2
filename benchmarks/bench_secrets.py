"""Detection on the fake-credential corpus, ours beside detect-secrets, and false findings on
whole-repository compiles of real projects.

    pip install detect-secrets          # only for the side-by-side column
    python benchmarks/bench_secrets.py [--projects CLONE ...]

The corpus is generated at run time (benchmarks/secrets_corpus.py) into /tmp. For projects,
pass git clones (e.g. made with `git clone` from a local mirror); each is compiled whole by the
real CLI (no manifest, so every tracked text file) and the gate's findings are counted.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
from prompt_foo_loom.book.secrets import scan_text  # noqa: E402
from secrets_corpus import corpus  # noqa: E402


def detect_secrets_scan():
    try:
        from detect_secrets.core.secrets_collection import SecretsCollection
        from detect_secrets.settings import default_settings
    except ImportError:
        return None

    def scan(path: Path) -> int:
        found = SecretsCollection()
        with default_settings():
            found.scan_file(str(path))
        return sum(len(v) for v in found.data.values())
    return scan


def run_corpus() -> None:
    samples = corpus()
    ds = detect_secrets_scan()
    ours, theirs = defaultdict(list), defaultdict(list)
    misses = []
    with tempfile.TemporaryDirectory(prefix="pf-corpus-") as tmp:
        for i, (kind, context, filename, text) in enumerate(samples):
            hit = bool(scan_text(filename, text))
            ours[kind].append(hit)
            if not hit:
                misses.append(f"{kind} / {context}")
            if ds is not None:
                path = Path(tmp) / f"{i:03d}" / filename
                path.parent.mkdir()
                path.write_text(text, encoding="utf-8")
                theirs[kind].append(ds(path) > 0)
    contexts = sorted({c for _, c, _, _ in samples})
    print(f"corpus: {len(ours)} kinds, {len(samples)} samples, contexts: {', '.join(contexts)}\n")
    print(f"{'kind':40} {'ours':>8} {'detect-secrets':>15}")
    for kind in ours:
        o = f"{sum(ours[kind])}/{len(ours[kind])}"
        t = f"{sum(theirs[kind])}/{len(theirs[kind])}" if ds else "n/a"
        print(f"{kind:40} {o:>8} {t:>15}")
    total = sum(len(v) for v in ours.values())
    o_pct = 100 * sum(sum(v) for v in ours.values()) / total
    line = f"\ndetected: ours {o_pct:.1f}%"
    if ds:
        line += f", detect-secrets {100 * sum(sum(v) for v in theirs.values()) / total:.1f}%"
    print(line + f" of {total} samples")
    if misses:
        print("ours missed: " + "; ".join(misses))


def tracked_texts(root: Path) -> list[Path]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True).stdout
    return [root / p for p in out.decode("utf-8", "replace").split("\0") if p and (root / p).is_file()]


def run_projects(clones: list[Path]) -> None:
    ds = detect_secrets_scan()
    print(f"\n{'project':20} {'files':>6} {'ours (compile)':>15} {'exit':>5} {'seconds':>8} {'detect-secrets':>15}")
    env = dict(os.environ, PROMPT_FOO_ENCODING="cl100k_base")
    with tempfile.TemporaryDirectory(prefix="pf-home-") as home:
        env.update(HOME=home, PROMPT_FOO_STATE=f"{home}/state", PROMPT_FOO_CONFIG=f"{home}/config.toml",
                   PROMPT_FOO_CACHE=f"{home}/cache")
        for clone in clones:
            files = tracked_texts(clone)
            times = []
            for _ in range(3):
                started = time.monotonic()
                proc = subprocess.run([sys.executable, str(HERE.parent / "prompt_foo.py"), "-o", f"{home}/book.md",
                                       "--no-clipboard", "-q", "review"], cwd=clone, env=env,
                                      capture_output=True, text=True, stdin=subprocess.DEVNULL)
                times.append(time.monotonic() - started)
            found = [ln for ln in proc.stderr.splitlines() if re.match(r"  \S.*: .*\[redacted\]", ln)]
            if proc.returncode not in (0, 5):
                found = [f"exit {proc.returncode}: {proc.stderr.strip()[:300]}"]
            theirs = sum(ds(p) for p in files) if ds else "n/a"
            print(f"{clone.name:20} {len(files):>6} {len(found):>15} {proc.returncode:>5} "
                  f"{statistics.median(times):>8.2f} {theirs:>15}")
            for ln in found[:20]:
                print(f"    {ln}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", nargs="*", type=Path, default=[])
    parser.add_argument("--no-corpus", action="store_true")
    a = parser.parse_args()
    if not a.no_corpus:
        run_corpus()
    if a.projects:
        run_projects(a.projects)
