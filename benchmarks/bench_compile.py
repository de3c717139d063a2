"""Compile benchmark: prompt-foo cold and warm against a plain tiktoken baseline and peer packers.

Usage: python benchmarks/bench_compile.py [LAUNCHER] [--repos fastapi,flask] [--runs N] [--no-peers]

LAUNCHER defaults to ../prompt_foo.py next to this folder. Corpora are exported from the
snapshots under --mirror (default /work/.mirror) or cloned from GitHub, into benchmarks/.work/
(gitignored, never committed), and committed there so every tool sees a git repository.
Peers (files-to-prompt from PyPI, repomix from npm) are installed into benchmarks/.work/ and
shown as "not installed" when that fails. Each figure is the median wall time of N runs after
one warm-up; max RSS is the largest of the timed runs. The token encoding is pinned to
cl100k_base (the one the baseline uses).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
REPOS = {"fastapi": ("fastapi/fastapi", 3), "flask": ("pallets/flask", 5)}  # slug, default runs
GIT_ID = ["-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "-c", "commit.gpgsign=false"]
PROMPT = "Benchmark run: summarize the architecture."


@dataclass
class Timing:
    seconds: float | None  # median wall time; None when the tool is missing or failed
    rss_mb: float = 0.0
    out_mb: float = 0.0
    note: str = ""


def run_once(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, int, str]:
    """(wall seconds, max RSS MB of the child, exit status, stderr tail) of one run."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stderr.close()
    tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
    return elapsed, usage.ru_maxrss / 1024, proc.returncode, tail[0][:120]


def measure(cmd, cwd, env, runs, output: Path | None = None, before=None, warmup=1) -> Timing:
    """Median of ``runs`` timed runs after ``warmup`` untimed ones; ``before`` runs untimed each time."""
    times, peak = [], 0.0
    for i in range(warmup + runs):
        if before:
            before()
        elapsed, rss, code, tail = run_once(cmd, cwd, env)
        if code != 0:
            return Timing(None, note=f"failed (exit {code}: {tail})")
        if i >= warmup:
            times.append(elapsed)
            peak = max(peak, rss)
    out_mb = output.stat().st_size / 1e6 if output and output.exists() else 0.0
    return Timing(statistics.median(times), peak, out_mb)


def prepare_corpus(name: str, slug: str, mirror: Path) -> Path:
    """benchmarks/.work/corpus/NAME: the snapshot's tree, committed once into a fresh repository."""
    dest = WORK / "corpus" / name
    if (dest / ".git").is_dir():
        return dest
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    snapshot = mirror / slug.replace("/", "+") / "repo"
    if snapshot.is_dir():
        archive = subprocess.Popen(["git", "--git-dir", str(snapshot), "archive", "HEAD"], stdout=subprocess.PIPE)
        with tarfile.open(fileobj=archive.stdout, mode="r|") as tar:
            tar.extractall(dest, filter="data")
        if archive.wait() != 0:
            raise SystemExit(f"git archive failed for {snapshot}")
        subprocess.run(["git", "init", "-q", "."], cwd=dest, check=True)
    else:
        subprocess.run(["git", "clone", "-q", "--depth", "1", f"https://github.com/{slug}", str(dest)], check=True)
        shutil.rmtree(dest / ".git")
        subprocess.run(["git", "init", "-q", "."], cwd=dest, check=True)
    subprocess.run(["git", "add", "-A"], cwd=dest, check=True)
    subprocess.run(["git", *GIT_ID, "commit", "-q", "-m", "corpus"], cwd=dest, check=True)
    return dest


def peer_version(cmd: list[str], name: str) -> str:
    """The installed version of a peer, for the table's labels."""
    if name == "repomix":
        probe = [*cmd, "--version"]
    else:
        python = str(Path(cmd[0]).with_name("python"))
        probe = [python, "-c", "import importlib.metadata as m; print(m.version('files-to-prompt'))"]
    done = subprocess.run(probe, capture_output=True, text=True)
    return done.stdout.strip().splitlines()[-1] if done.returncode == 0 and done.stdout.strip() else "?"


def install_files_to_prompt() -> list[str] | None:
    """files-to-prompt from PyPI in its own venv, or None when it cannot be installed."""
    venv = WORK / "venv-f2p"
    exe = venv / "bin" / "files-to-prompt"
    if not exe.exists():
        shutil.rmtree(venv, ignore_errors=True)
        made = subprocess.run([sys.executable, "-m", "venv", str(venv)], capture_output=True)
        pip = venv / "bin" / "pip"
        if made.returncode or subprocess.run([pip, "install", "-q", "files-to-prompt"], capture_output=True).returncode:
            return None
    return [str(exe)]


def install_repomix() -> list[str] | None:
    """repomix from npm under benchmarks/.work/npm, run with node, or None."""
    node = shutil.which("node")
    entry = WORK / "npm" / "node_modules" / "repomix" / "bin" / "repomix.cjs"
    if node and not entry.exists() and shutil.which("npm"):
        (WORK / "npm").mkdir(parents=True, exist_ok=True)
        cmd = ["npm", "install", "--prefix", str(WORK / "npm"), "--no-audit", "--no-fund", "--silent", "repomix"]
        subprocess.run(cmd, capture_output=True)
    return [node, str(entry)] if node and entry.exists() else None


def bench_repo(corpus: Path, runs: int, launcher: Path, peers: dict | None) -> dict[str, Timing]:
    """Every tool on one corpus, in the order the table shows them."""
    out = WORK / "out" / corpus.name
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PROMPT_FOO_ENCODING="cl100k_base")
    env.pop("PROMPT_FOO_COMPILE_LOCK", None)
    rows: dict[str, Timing] = {}
    py = sys.executable
    missing = "skipped (--no-peers)" if peers is None else "not installed"
    peers = peers or {}

    rows["baseline (tiktoken, file by file)"] = measure(
        [py, str(HERE / "baseline_tiktoken.py"), str(out / "baseline.md")], corpus, env, runs, out / "baseline.md"
    )
    cache = WORK / "cache" / corpus.name
    pf_env = dict(env, PROMPT_FOO_CACHE=str(cache))
    pf = [py, str(launcher), "--no-clipboard", "-q", "-o", str(out / "prompt-foo.md"), PROMPT]

    def empty_cache():
        shutil.rmtree(cache, ignore_errors=True)
        cache.mkdir(parents=True)

    rows["prompt-foo cold (empty cache)"] = measure(pf, corpus, pf_env, runs, out / "prompt-foo.md", empty_cache)
    rows["prompt-foo warm (same cache)"] = measure(pf, corpus, pf_env, runs, out / "prompt-foo.md")

    f2p, f2p_version = peers.get("files-to-prompt") or (None, "")
    rows[f"files-to-prompt {f2p_version} (PyPI)".replace("  ", " ")] = (
        measure([*f2p, ".", "-o", str(out / "f2p.txt")], corpus, env, runs, out / "f2p.txt")
        if f2p else Timing(None, note=missing)
    )  # fmt: skip
    repomix, repomix_version = peers.get("repomix") or (None, "")
    repomix_out = out / "repomix.xml"
    rows[f"repomix {repomix_version} (npm, node)".replace("  ", " ")] = (
        measure([*repomix, "-o", str(repomix_out), "--quiet"], corpus, env, runs, repomix_out)
        if repomix else Timing(None, note=missing)
    )  # fmt: skip
    return rows


def help_startup(launcher: Path, runs: int) -> tuple[Timing, Timing]:
    """`prompt-foo --help` wall time, and bare interpreter start-up for reference."""
    env = dict(os.environ)
    return (
        measure([sys.executable, str(launcher), "--help"], HERE, env, runs, warmup=2),
        measure([sys.executable, "-c", "pass"], HERE, env, runs, warmup=2),
    )


def cell(t: Timing, base: Timing) -> str:
    if t.seconds is None:
        return t.note
    ratio = f" ({t.seconds / base.seconds:.2f}×)" if base.seconds else ""
    out = f", {t.out_mb:.1f} MB out" if t.out_mb else ""
    return f"{t.seconds:.2f} s{ratio}, {t.rss_mb:.0f} MB RSS{out}"


def print_table(results: dict[str, dict[str, Timing]], corpora: dict[str, Path], runs: dict[str, int]) -> None:
    names = list(results)
    header = " | ".join(f"{n} ({count_files(corpora[n])} files, n={runs[n]})" for n in names)
    print(f"\n| tool | {header} |")
    print("|---" * (len(names) + 1) + "|")
    for tool in next(iter(results.values())):
        base = {n: results[n]["baseline (tiktoken, file by file)"] for n in names}
        print(f"| {tool} | " + " | ".join(cell(results[n][tool], base[n]) for n in names) + " |")


def count_files(corpus: Path) -> int:
    return len(subprocess.run(["git", "ls-files"], cwd=corpus, capture_output=True, text=True).stdout.splitlines())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("launcher", nargs="?", default=str(HERE.parent / "prompt_foo.py"))
    parser.add_argument("--repos", default="fastapi,flask", help="comma-separated: " + ",".join(REPOS))
    parser.add_argument("--runs", type=int, help="timed runs per tool (default: fastapi 3, flask 5)")
    parser.add_argument("--help-runs", type=int, default=10)
    parser.add_argument("--mirror", default="/work/.mirror", help="folder of owner+name/repo snapshots")
    parser.add_argument("--no-peers", action="store_true", help="skip files-to-prompt and repomix")
    args = parser.parse_args()
    launcher = Path(args.launcher).resolve()
    if not launcher.is_file():
        raise SystemExit(f"launcher not found: {launcher} (pass the path to prompt_foo.py)")

    peers = None if args.no_peers else {}
    if peers is not None:
        for name, cmd in (("files-to-prompt", install_files_to_prompt()), ("repomix", install_repomix())):
            peers[name] = (cmd, peer_version(cmd, name)) if cmd else None
            print(f"{name}: {peers[name][1] if cmd else 'not installed'}", file=sys.stderr)

    results, corpora, runs = {}, {}, {}
    for name in args.repos.split(","):
        slug, default_runs = REPOS[name]
        corpora[name] = prepare_corpus(name, slug, Path(args.mirror))
        runs[name] = args.runs or default_runs
        print(f"benchmarking {name} ({runs[name]} runs each)...", file=sys.stderr)
        results[name] = bench_repo(corpora[name], runs[name], launcher, peers)

    print(f"launcher: {launcher}; python {sys.version.split()[0]}; {os.cpu_count()} cores")
    print_table(results, corpora, runs)
    helped, bare = help_startup(launcher, args.help_runs)
    verdict = "meets" if helped.seconds is not None and helped.seconds < 0.25 else "misses"
    print(f"\n`prompt-foo --help`: {cell(helped, Timing(None))} (n={args.help_runs}; {verdict} the 0.25 s target)")
    print(f"`python -c pass` for reference: {cell(bare, Timing(None))}")
    for name in results:
        cold = results[name]["prompt-foo cold (empty cache)"].seconds
        warm = results[name]["prompt-foo warm (same cache)"].seconds
        base = results[name]["baseline (tiktoken, file by file)"].seconds
        if cold and warm and base:
            print(f"{name}: cold/baseline {cold / base:.2f}× (target ≤ 1), cold/warm {cold / warm:.1f}× (target ≥ 5)")


if __name__ == "__main__":
    main()
