"""How well tree-sitter's Python grammar stands in for compile() as foo-apply's airlock.

For every .py file of the given git snapshots (bare mirrors are fine: files are read with
`git show`): does the grammar report errors on files that compile (false alarms), does it
see the damage compile() sees when a line is broken the ways edits break code (an operator
left dangling, a bracket lost, a colon lost, an indent broken), and how long each takes.

    python benchmarks/bench_airlock.py /work/.mirror/pallets+click/repo /work/.mirror/pallets+flask/repo
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
import warnings

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))
from prompt_foo_loom.patches.verify import _grammar_errors, _python  # noqa: E402


def files(repo: str):
    names = subprocess.run(["git", "-C", repo, "ls-tree", "-r", "--name-only", "HEAD"],
                           capture_output=True, text=True, check=True).stdout.split()
    for name in names:
        if name.endswith(".py"):
            yield name, subprocess.run(["git", "-C", repo, "show", f"HEAD:{name}"],
                                       capture_output=True, check=True).stdout.decode("utf-8", "replace")


def breaks(text: str):
    """A few broken versions of ``text``: each the kind of damage a bad edit leaves."""
    lines = text.split("\n")
    for k, line in enumerate(lines):
        s = line.strip()
        if s.startswith("return ") and s.endswith(")"):
            yield "dangling operator", "\n".join(lines[:k] + [line + " +"] + lines[k + 1:])
            yield "lost bracket", "\n".join(lines[:k] + [line[:-1]] + lines[k + 1:])
            break
    for k, line in enumerate(lines):
        if line.lstrip().startswith("def ") and line.rstrip().endswith(":"):
            yield "lost colon", "\n".join(lines[:k] + [line.rstrip()[:-1]] + lines[k + 1:])
            if k + 1 < len(lines) and lines[k + 1].strip():
                yield "broken indent", "\n".join(lines[:k + 1] + [lines[k + 1].strip()] + lines[k + 2:])
            break


def main() -> None:
    warnings.simplefilter("ignore")
    n = alarms = 0
    seen = {"compile": 0, "grammar": 0}
    kinds: dict[str, list[int]] = {}
    total = 0
    t_compile, t_grammar = [], []
    for repo in sys.argv[1:]:
        for name, text in files(repo):
            if _python(text) is not None:
                continue  # this interpreter cannot parse it: not a fair comparison
            n += 1
            t0 = time.perf_counter(); _python(text); t_compile.append(time.perf_counter() - t0)
            t0 = time.perf_counter(); base = _grammar_errors(text); t_grammar.append(time.perf_counter() - t0)
            alarms += bool(base)
            for kind, broken in breaks(text):
                total += 1
                c, g = _python(broken) is not None, len(_grammar_errors(broken)) > len(base)
                seen["compile"] += c
                seen["grammar"] += g
                row = kinds.setdefault(kind, [0, 0, 0])
                row[0] += 1; row[1] += c; row[2] += g
    print(f"files that compile: {n}; grammar errors on them (false alarms): {alarms}")
    print(f"broken versions: {total}; caught by compile(): {seen['compile']}, "
          f"by the grammar (more error nodes than before): {seen['grammar']}")
    for kind, (k_n, k_c, k_g) in kinds.items():
        print(f"  {kind:18} {k_n:4} cases: compile() {k_c}, grammar {k_g}")
    print(f"median per file: compile() {statistics.median(t_compile) * 1e3:.2f} ms, "
          f"tree-sitter {statistics.median(t_grammar) * 1e3:.2f} ms; "
          f"max tree-sitter {max(t_grammar) * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
