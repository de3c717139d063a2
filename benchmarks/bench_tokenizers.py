"""Which tokenizer counts prompt-foo's tokens: speed and exactness, side by side.

Usage: python benchmarks/bench_tokenizers.py [--npm DIR] [--mb 4] [--runs 5]

Candidates, each counting every file of one corpus with `encode_ordinary`, per encoding:
- tiktoken + bundled vocab: prompt_foo_loom.tokens.load_bundled (what the compile uses)
- bpe-openai: the Rust `bpe` crate's tiktoken-compatible API, if installed (pip install bpe-openai)
- npm tiktoken: the WASM build of tiktoken's own Rust core, through node, as an independent
  implementation and an independent copy of the ranks (--npm: a node_modules folder holding
  `tiktoken`; default benchmarks/.work/npm, installed there with npm when missing)

The corpus is the first --mb megabytes of this Python's standard library sources (real code
and prose, some non-ASCII), in path order. Exactness: every file's count from every candidate
must equal tiktoken's; the table says "exact" or how many files differ. Times are medians of
--runs runs after one warm-up, in one process per candidate; "load" is building the encoder.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ENCODINGS = ["o200k_base", "cl100k_base"]

NODE_SCRIPT = r"""
const fs = require('fs');
const { get_encoding } = require(process.argv[2]);
const files = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
const runs = Number(process.argv[4]);
const texts = files.map(f => fs.readFileSync(f, 'utf8'));
const out = {};
for (const name of ['o200k_base', 'cl100k_base']) {
  let t0 = process.hrtime.bigint();
  const enc = get_encoding(name);
  const load = Number(process.hrtime.bigint() - t0) / 1e9;
  let counts = texts.map(t => enc.encode_ordinary(t).length);   // warm-up
  const times = [];
  for (let r = 0; r < runs; r++) {
    t0 = process.hrtime.bigint();
    counts = texts.map(t => enc.encode_ordinary(t).length);
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  enc.free();
  out[name] = { load, times, counts };
}
process.stdout.write(JSON.stringify(out));
"""


def corpus(megabytes: float) -> list[Path]:
    root = Path(sysconfig.get_paths()["stdlib"])
    files, size = [], 0
    for path in sorted(root.rglob("*.py")):
        try:
            n = len(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, OSError):
            continue
        files.append(path)
        size += n
        if size >= megabytes * 1e6:
            break
    return files


def time_python(make, texts: list[str], runs: int) -> dict:
    t0 = time.perf_counter()
    enc = make()
    load = time.perf_counter() - t0
    counts = [len(enc.encode_ordinary(t)) for t in texts]
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        counts = [len(enc.encode_ordinary(t)) for t in texts]
        times.append(time.perf_counter() - t0)
    return {"load": load, "times": times, "counts": counts}


def npm_dir(arg: str | None) -> Path | None:
    folder = Path(arg) if arg else HERE / ".work" / "npm" / "node_modules"
    if not (folder / "tiktoken").is_dir() and not arg:
        prefix = folder.parent
        prefix.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--prefix", str(prefix), "tiktoken"],
                       capture_output=True, timeout=300)
    return folder if (folder / "tiktoken").is_dir() else None


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--npm")
    ap.add_argument("--mb", type=float, default=4.0)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    from prompt_foo_loom.tokens import load_bundled

    files = corpus(args.mb)
    texts = [p.read_text(encoding="utf-8") for p in files]
    mb = sum(len(t.encode()) for t in texts) / 1e6
    print(f"corpus: {len(files)} stdlib files, {mb:.1f} MB; median of {args.runs} runs\n")

    results: dict[str, dict[str, dict]] = {}
    results["tiktoken + bundled vocab"] = {e: time_python(lambda e=e: load_bundled(e), texts, args.runs)
                                           for e in ENCODINGS}
    try:
        import bpe_openai

        results["bpe-openai"] = {e: time_python(lambda e=e: bpe_openai.get_encoding(e), texts, args.runs)
                                 for e in ENCODINGS}
    except ImportError:
        print("bpe-openai: not installed (pip install bpe-openai)")
    folder = npm_dir(args.npm)
    if folder is None:
        print("npm tiktoken: not installed (no npm or no registry)")
    else:
        with tempfile.TemporaryDirectory() as tmp:
            listing = Path(tmp) / "files.json"
            listing.write_text(json.dumps([str(p) for p in files]))
            script = Path(tmp) / "count.js"
            script.write_text(NODE_SCRIPT)
            done = subprocess.run(["node", str(script), str(folder / "tiktoken"), str(listing), str(args.runs)],
                                  capture_output=True, text=True, timeout=900)
            if done.returncode:
                print("npm tiktoken failed:", done.stderr[-400:])
            else:
                results["npm tiktoken (WASM)"] = json.loads(done.stdout)

    base = results["tiktoken + bundled vocab"]
    print(f"| candidate | encoding | load s | count s | MB/s | × tiktoken | tokens | exactness |")
    print("|---|---|---|---|---|---|---|---|")
    worst = 0
    for name, per in results.items():
        for enc in ENCODINGS:
            r = per[enc]
            med = statistics.median(r["times"])
            ref = statistics.median(base[enc]["times"])
            diff = sum(a != b for a, b in zip(r["counts"], base[enc]["counts"]))
            worst = max(worst, diff)
            exact = "exact" if diff == 0 else f"{diff} files differ"
            print(f"| {name} | {enc} | {r['load']:.2f} | {med:.3f} | {mb / med:.1f} | {ref / med:.2f} | "
                  f"{sum(r['counts'])} | {exact} |")
    print("\n× tiktoken: how many times faster than tiktoken + bundled vocab (above 1 = faster).")
    return 1 if worst else 0


if __name__ == "__main__":
    sys.exit(main())
