"""Does foo-apply apply every reply aider's own parser tests expect aider to parse, to the
same result? (issue 10, Must 3)

The cases are read at run time from a snapshot of aider's repository (never copied here):
the chat-history fixture behind ``tests/basic/test_find_or_blocks.py`` (split into sections
the way that test splits it, each with the fence that test picks) and every reply string in
``tests/basic/test_editblock.py``. aider's own ``find_original_update_blocks`` (loaded from
the snapshot's ``editblock_coder.py``) says which blocks it reads; replies it rejects are not
counted. For each reply a git repository is built in which every SEARCH occurs once (filler
lines between), aider's result is computed by exact replacement (what aider does when the
text is there), and ``apply.py`` is run on the reply. A case passes when every file ends
byte-identical to aider's result.

    python benchmarks/bench_aider_compat.py /work/.mirror/Aider-AI+aider/repo [-v]
"""

from __future__ import annotations

import argparse
import ast
import difflib
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def show(repo: str, path: str) -> str:
    return subprocess.run(["git", "-C", repo, "show", f"HEAD:{path}"], capture_output=True,
                          check=True).stdout.decode("utf-8")


def load_aider_parser(repo: str) -> dict:
    """aider's parser functions and fences, executed from the snapshot's source."""
    src = show(repo, "aider/coders/editblock_coder.py")
    tree = ast.parse(src)
    wanted = {"strip_filename", "find_original_update_blocks", "find_filename"}
    keep = [n for n in tree.body if (isinstance(n, ast.FunctionDef) and n.name in wanted)
            or (isinstance(n, ast.Assign) and all(isinstance(t, ast.Name) for t in n.targets))]
    ns: dict = {"re": re, "difflib": difflib, "Path": Path}
    exec(compile(ast.Module(body=keep, type_ignores=[]), "editblock_coder.py", "exec"), ns)
    base = ast.parse(show(repo, "aider/coders/base_coder.py"))
    fence_src = [n for n in base.body if (isinstance(n, ast.FunctionDef) and n.name == "wrap_fence")
                 or (isinstance(n, ast.Assign) and any(getattr(t, "id", "") == "all_fences"
                                                       for t in n.targets))]
    exec(compile(ast.Module(body=fence_src, type_ignores=[]), "base_coder.py", "exec"), ns)
    return ns


def chat_history_cases(repo: str, ns: dict):
    content = show(repo, "tests/fixtures/chat-history.md")
    for k, section in enumerate(re.split(r"(?=####\s)", content)):
        if "editblock_coder.py" in section or "test_editblock.py" in section or not section.strip():
            continue
        body = "".join(section.splitlines(keepends=True)[1:])
        fences = ns["all_fences"]
        fence = fences[0]
        for f in fences[1:] + fences[:1]:
            if "\n" + f[0] in body:
                fence = f
                break
        yield f"chat-history section {k}", body, fence


def editblock_test_cases(repo: str, ns: dict):
    tree = ast.parse(show(repo, "tests/basic/test_editblock.py"))
    for fn in ast.walk(tree):
        if not isinstance(fn, ast.FunctionDef):
            continue
        for node in ast.walk(fn):
            text = None
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
            elif isinstance(node, ast.JoinedStr) and all(isinstance(v, ast.Constant) for v in node.values):
                text = "".join(v.value for v in node.values)
            if text and re.search(r"^<{5,9} SEARCH", text, re.M):
                yield f"test_editblock.py {fn.name}", text, ns["all_fences"][0]


def expected_tree(blocks) -> tuple[dict[str, str], dict[str, str], bool] | None:
    """(files before, files after aider, first-of-several) where every SEARCH occurs once
    when its turn comes. first-of-several: a later block searches text an earlier block
    also searched, so the file holds it twice and aider edits the first copy, which
    foo-apply refuses by design (a SEARCH must be unique)."""
    several = False
    init: dict[str, str | None] = {}
    cur: dict[str, str | None] = {}
    for n, (fname, orig, upd) in enumerate(blocks):
        if fname not in init:
            init[fname] = cur[fname] = None
        if not orig.strip():
            if cur[fname] is None:
                cur[fname] = upd  # aider creates the file
            else:
                cur[fname] += upd  # and appends to an existing one
            continue
        if cur[fname] is None:
            init[fname] = cur[fname] = ""
        if cur[fname].count(orig) != 1:
            if cur[fname].count(orig) > 1 or init[fname] is None:
                return None  # twice, or not in a file an earlier block created
            # The file will hold this text twice (or an earlier SEARCH inside it): aider
            # edits the first copy, foo-apply refuses.
            several = several or orig in init[fname] or any(
                o.strip() and o in orig for f, o, _ in blocks[:n] if f == fname)
            filler = f"filler line {n} of the benchmark\n"
            init[fname] += filler + orig
            cur[fname] += filler + orig
        cur[fname] = cur[fname].replace(orig, upd, 1)
    return ({k: v for k, v in init.items() if v is not None},
            {k: v for k, v in cur.items() if v is not None}, several)


def _local(name: str) -> str:
    """The file a name denotes in the repository: a Windows path (src\\x.py) is read with
    its separators, as aider does on Windows and foo-apply does everywhere."""
    return name.replace("\\", "/").lstrip("/")


def run_case(reply: str, before: dict[str, str], after: dict[str, str]) -> tuple[str, str]:
    """("same", "untouched" or "WRONG", stderr)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        subprocess.run(["git", "init", "-q"], cwd=root, check=True)
        for name, text in before.items():
            p = root / _local(name)
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text, encoding="utf-8")
        # The synthetic files are SEARCH texts strung together, not valid code: the syntax
        # airlocks (aider has none) are turned off so the parser and matcher are measured.
        off = [a for n in ("python", "json", "toml", "nix") for a in ("--no-airlock", n)]
        proc = subprocess.run([sys.executable, str(ROOT / "apply.py"), "-", *off], cwd=root,
                              input=reply, capture_output=True, text=True)
        got = {}
        for p in root.rglob("*"):
            rel = p.relative_to(root).as_posix()
            if p.is_file() and not rel.startswith((".git/", ".prompt-foo/")):
                got[rel] = p.read_text(encoding="utf-8")
        want = {_local(k): v for k, v in after.items()}
        if got == want:
            return "same", proc.stderr
        untouched = got == {_local(k): v for k, v in before.items()}
        return ("untouched" if untouched else "WRONG"), proc.stderr


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("aider_repo", help="a checkout or bare snapshot of Aider-AI/aider")
    ap.add_argument("-v", "--verbose", action="store_true", help="show every miss")
    args = ap.parse_args()
    ns = load_aider_parser(args.aider_repo)
    totals: dict[str, list[int]] = {}
    for source in (chat_history_cases, editblock_test_cases):
        for name, reply, fence in source(args.aider_repo, ns):
            kind = name.split()[0]
            # cases, same result, first-of-several, of those untouched, ambiguous, wrong writes
            row = totals.setdefault(kind, [0, 0, 0, 0, 0, 0])
            try:
                blocks = [b for b in ns["find_original_update_blocks"](reply, fence)
                          if b[0] is not None]
            except ValueError:
                continue  # aider rejects it too
            if not blocks:
                continue
            trees = expected_tree(blocks)
            if trees is None:
                row[4] += 1  # aider's test text is itself ambiguous: skipped, counted
                continue
            before, after, several = trees
            outcome, err = run_case(reply, before, after)
            if several:
                row[2] += 1
                row[3] += outcome == "untouched"
                row[5] += outcome == "WRONG"
                continue
            row[0] += 1
            row[1] += outcome == "same"
            row[5] += outcome == "WRONG"
            if outcome != "same" and args.verbose:
                print(f"--- MISS ({outcome}) {name}\n{err}")
    print("source              cases  same result | first-of-several (refused by design): "
          "cases  tree untouched | ambiguous | wrong writes")
    for kind, (n, ok, sev, sev_ok, amb, wrong) in totals.items():
        print(f"{kind:18} {n:6} {ok:12} | {sev:43} {sev_ok:15} | {amb:9} | {wrong:12}")
    n = sum(r[0] for r in totals.values())
    ok = sum(r[1] for r in totals.values())
    wrong = sum(r[5] for r in totals.values())
    print(f"{'total':18} {n:6} {ok:12}   ({100 * ok / max(n, 1):.1f}%); wrong writes: {wrong}")


if __name__ == "__main__":
    main()
