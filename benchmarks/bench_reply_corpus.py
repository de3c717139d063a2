"""A corpus of model replies built from real commits, applied by foo-apply: how many end as
intended, and how many end in a WRONG WRITE (a tree that is neither the untouched one nor
the one the commit made). Issue 10's Measure.

For each small commit of each fetched repository (bare snapshots from the `fetch` tool, or
any clone), the files it modifies are checked out at the parent, and the commit's diff is
written as a reply in each dialect (bracket blocks with the Target inside the fence or above
it; aider blocks with the file name above the fence, continuing without it, or inside
<source> tags; an apply_patch envelope), then damaged the ways transports damage replies.
Nothing of the repositories is stored: the corpus is built in a temporary folder at run time.

    python benchmarks/bench_reply_corpus.py /work/.mirror/pallets+click/repo \\
        /work/.mirror/pallets+flask/repo --commits 30

Outcomes per case:
- must apply (clean, CRLF reply, CRLF checkout, every shape, chat-page header lines, already
  applied): the commit's tree, exit 0;
- may refuse (NBSP, smart quotes, trailing spaces stripped, blank lines lost, a file name
  rendered by Markdown): the commit's tree with exit 0, or the untouched tree with exit 1;
- must refuse (truncated mid-block, drifted SEARCH, duplicated anchor): the untouched tree
  with exit 1.
A WRONG WRITE is any other tree. Exit codes that contradict the tree are counted apart.
"""

from __future__ import annotations

import argparse
import difflib
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from prompt_foo_loom.canary import CANARY_PROSE, CANARY_TEXT  # noqa: E402
from prompt_foo_loom.errors import PromptFooError  # noqa: E402
from prompt_foo_loom.patches.run import apply_reply  # noqa: E402

TEXT_SUFFIXES = (".py", ".rst", ".md", ".txt", ".toml", ".cfg", ".html", ".yaml", ".yml", ".ini")
MUST_APPLY = {"clean", "crlf-reply", "crlf-checkout", "already-applied", "page-headers"}
MAY_REFUSE = {"nbsp", "smart-quotes", "trailing-stripped", "blank-lines-lost", "page-rendered"}
MUST_REFUSE = {"truncated", "drift", "duplicate-anchor"}


def git(repo: str, *args: str) -> bytes:
    return subprocess.run(["git", "-C", repo, *args], capture_output=True, check=True).stdout


def commits(repo: str, limit: int):
    """Small non-merge commits that only modify (or add) a few text files."""
    out = git(repo, "log", "--no-merges", "--format=%H", "-n", str(limit * 30), "HEAD").decode()
    found = 0
    for sha in out.split():
        rows = git(repo, "diff-tree", "--no-commit-id", "-r", "--name-status", sha).decode()
        changes = [r.split("\t") for r in rows.splitlines() if r]
        if not changes or len(changes) > 4:
            continue
        if any(c[0] not in ("M", "A") or not c[-1].endswith(TEXT_SUFFIXES) for c in changes):
            continue
        if not any(c[0] == "M" for c in changes):
            continue
        files = {}
        try:
            for status, path in changes:
                before = git(repo, "show", f"{sha}^:{path}").decode("utf-8") if status == "M" else None
                after = git(repo, "show", f"{sha}:{path}").decode("utf-8")
                files[path] = (before, after)
        except (UnicodeDecodeError, subprocess.CalledProcessError):
            continue
        changed = sum(abs(len((b or "").splitlines()) - len(a.splitlines())) + 1
                      for b, a in files.values())
        if changed > 150 or any("\r" in (b or "") + a for b, a in files.values()):
            continue
        yield sha, files
        found += 1
        if found >= limit:
            return


def _unique(hay: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return sum(hay[i:i + n] == needle for i in range(len(hay) - n + 1)) == 1


def hunks(before: str, after: str):
    """(SEARCH, REPLACE) pairs that turn ``before`` into ``after`` in order, each unique in
    the file as the earlier ones left it; None when some hunk cannot be made unique."""
    a, b = before.splitlines(), after.splitlines()
    cur = list(a)
    out = []
    shift = 0  # how far earlier replacements moved the lines of ``a`` in ``cur``
    for group in difflib.SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(2):
        i1, i2, j1, j2 = group[0][1], group[-1][2], group[0][3], group[-1][4]
        grown = 0
        while True:
            search = cur[i1 + shift:i2 + shift]
            if search and any(s.strip() for s in search) and _unique(cur, search):
                break
            if grown >= 12 or (i1 == 0 and i2 == len(a)):
                return None
            grown += 1
            if i1 > 0:
                i1 -= 1
                j1 -= 1
            if i2 < len(a):
                i2 += 1
                j2 += 1
        replace = b[j1:j2]
        cur[i1 + shift:i2 + shift] = replace
        out.append((search, replace))
        shift += len(replace) - len(search)
    return out


# -- dialects --------------------------------------------------------------------------------

def fence_for(lines) -> str:
    """A fence longer than any backtick run inside, as the book asks models to use."""
    longest = max((len(m) for ln in lines for m in re.findall(r"`+", ln)), default=0)
    return "`" * max(3, longest + 1)


def _all_lines(edits) -> list[str]:
    out = []
    for _p, (kind, body) in edits:
        for search, replace in body if kind == "edit" else [([], body)]:
            out += search + replace
    return out

def bracket(edits, prose_target=False) -> str:
    parts = ["Here are the changes.\n"]
    f = fence_for(_all_lines(edits))
    for path, (kind, body) in edits:
        for search, replace in body if kind == "edit" else [(None, body)]:
            head = f"Target: {path}\n"
            out = ("" if not prose_target else head + "\n") + f + "text\n" + ("" if prose_target else head)
            if search is None:
                out += "[[[WRITE_FILE]]]\n" + "".join(x + "\n" for x in replace) + "[[[END_WRITE_FILE]]]\n"
            else:
                out += ("[[[SEARCH]]]\n" + "".join(x + "\n" for x in search) + "[[[DIVIDER]]]\n"
                        + "".join(x + "\n" for x in replace) + "[[[REPLACE]]]\n")
            parts.append(out + f + "\n\nThat keeps the tests passing.\n")
    return "\n".join(parts)


def aider(edits, style="plain") -> str:
    parts = ["Here are the *SEARCH/REPLACE* blocks:\n"]
    f = fence_for(_all_lines(edits))
    for path, (kind, body) in edits:
        pairs = body if kind == "edit" else [([], body)]
        if style == "continue":  # one fence per file, the name only on the first block
            text = f"{path}\n{f}python\n"
            for n, (search, replace) in enumerate(pairs):
                text += ("\n" if n else "") + _aider_block(search, replace)
            parts.append(text + f + "\n")
            continue
        for search, replace in pairs:
            if style == "source":
                parts.append(f"{path}\n<source>python\n{_aider_block(search, replace)}</source>\n")
            elif style == "page-headers":  # a chat-styled page, selected and copied
                parts.append(f"{path}\npython\nCopy code\n{_aider_block(search, replace)}\n")
            else:
                parts.append(f"{path}\n{f}python\n{_aider_block(search, replace)}{f}\n")
    return "\n".join(parts)


def _aider_block(search, replace) -> str:
    return ("<<<<<<< SEARCH\n" + "".join(x + "\n" for x in search) + "=======\n"
            + "".join(x + "\n" for x in replace) + ">>>>>>> REPLACE\n")


def patch(edits) -> str:
    f = fence_for(_all_lines(edits))
    out = ["I'll make these changes:\n", f, "*** Begin Patch"]
    for path, (kind, body) in edits:
        if kind == "add":
            out.append(f"*** Add File: {path}")
            out += ["+" + x for x in body]
            continue
        out.append(f"*** Update File: {path}")
        for search, replace in body:
            out.append("@@")
            sm = difflib.SequenceMatcher(None, search, replace, autojunk=False)
            for tag, i1, i2, j1, j2 in sm.get_opcodes():
                if tag == "equal":
                    out += [" " + x for x in search[i1:i2]]
                else:
                    out += ["-" + x for x in search[i1:i2]]
                    out += ["+" + x for x in replace[j1:j2]]
    out += ["*** End Patch", f, ""]
    return "\n".join(out)


# -- damage ----------------------------------------------------------------------------------

def nbsp(text: str) -> str:  # HTML keeps runs of spaces as NBSP + space
    return "\n".join(ln.replace("  ", "\u00a0 ") for ln in text.split("\n"))


def smart_quotes(text: str) -> str:
    out, open_ = [], True
    for ch in text:
        if ch == '"':
            out.append("\u201c" if open_ else "\u201d")
            open_ = not open_
        elif ch == "'":
            out.append("\u2019")
        else:
            out.append(ch)
    return "".join(out)


def truncate(text: str) -> str:
    lines = text.split("\n")
    # Cut inside the last block: a stream stopped mid-answer.
    marks = [k for k, ln in enumerate(lines) if ln.strip() in (
        "[[[DIVIDER]]]", "=======", "[[[END_WRITE_FILE]]]") or ln.startswith(("-", "+"))]
    cut = marks[-1] if marks else len(lines) // 2
    return "\n".join(lines[:cut])


DAMAGE = {
    "clean": lambda t: t,
    "crlf-reply": lambda t: t.replace("\n", "\r\n"),
    "nbsp": nbsp,
    "smart-quotes": smart_quotes,
    "trailing-stripped": lambda t: "\n".join(ln.rstrip() for ln in t.split("\n")),
    "blank-lines-lost": lambda t: "\n".join(ln for ln in t.split("\n") if ln.strip()),
    "truncated": truncate,
}


def md_rendered(path: str) -> str:
    from prompt_foo_loom.patches.rendered import rendered
    return "/".join(rendered(p) for p in path.split("/"))


# -- running ---------------------------------------------------------------------------------

def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file() and ".prompt-foo" not in p.relative_to(root).parts}


LAST: list[str] = []  # the last report's block lines, for --show


def run_case(start: dict[str, bytes], reply: str) -> tuple[dict[str, bytes], int]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for rel, data in start.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(data)
        try:
            report = apply_reply(reply, root)
            code = report.exit_code
            LAST[:] = report.messages[-2:] + [f"{r.block.n} {r.status}: {r.message} {r.details}"
                                              for r in report.results]
            LAST.extend(f"{f.rel}: {f.message}" for f in report.findings)
        except PromptFooError as exc:
            code = exc.exit_code
            LAST[:] = [exc.message]
        return tree(root), code


def cases(files, rng: random.Random):
    """(kind, dialect, reply, start tree, intended tree) for one commit."""
    edits = []
    for path, (before, after) in sorted(files.items()):
        if before is None:
            edits.append((path, ("add", after.splitlines())))
            continue
        h = hunks(before, after)
        if h is None:
            return
        edits.append((path, ("edit", h)))
    enc = lambda d: {k: v.encode() for k, v in d.items() if v is not None}  # noqa: E731
    start = enc({p: b for p, (b, _a) in files.items()})
    child = enc({p: a for p, (_b, a) in files.items()})
    # The book asks for the canary first; a model that follows it echoes both parts.
    echo = f"```text\n{CANARY_TEXT}\n```\n\n{CANARY_PROSE}\n\n"
    dialects = {"bracket": echo + bracket(edits), "aider": echo + aider(edits),
                "patch": echo + patch(edits)}
    for dialect, reply in dialects.items():
        for kind, damage in DAMAGE.items():
            yield kind, dialect, damage(reply), start, child
        yield "already-applied", dialect, reply, child, child
        crlf = lambda t: {k: v.replace(b"\n", b"\r\n") for k, v in t.items()}  # noqa: E731
        # Existing files stay CRLF; a file the reply creates is written with "\n".
        yield "crlf-checkout", dialect, reply, crlf(start), crlf(child) | {
            k: v for k, v in child.items() if k not in start}
        # Drift: the file changed since the reply was written, inside the first SEARCH.
        edited = [(p, body) for p, (k, body) in edits if k == "edit"]
        path, body = edited[0]
        search = body[0][0]
        j = max(range(len(search)), key=lambda x: len(search[x]))
        lines = start[path].decode().split("\n")
        at = next(i for i in range(len(lines)) if lines[i:i + len(search)] == search)
        if len(search[j].strip()) > 6:  # the line changes inside the SEARCH's own window
            k = len(search[j]) // 2
            lines[at + j] = search[j][:k] + "DRIFT" + search[j][k:]
            drifted = dict(start)
            drifted[path] = "\n".join(lines).encode()
            yield "drift", dialect, reply, drifted, None
        # Duplicate anchor: the first SEARCH now occurs twice.
        dup = dict(start)
        dup[path] = start[path] + ("\n" + "\n".join(search) + "\n").encode()
        yield "duplicate-anchor", dialect, reply, dup, None
    for name, reply in (("bracket-prose-target", bracket(edits, prose_target=True)),
                        ("aider-continue", aider(edits, "continue")),
                        ("aider-source", aider(edits, "source"))):
        yield "clean", name, reply, start, child
    yield "page-headers", "aider", aider(edits, "page-headers"), start, child
    # A page copy renders names written as prose: __init__.py arrives as init.py.
    for name, reply in (("bracket-prose-target", bracket(edits, prose_target=True)),
                        ("aider", aider(edits))):
        damaged = reply
        for path in files:
            damaged = damaged.replace(f"{path}\n", f"{md_rendered(path)}\n")
        if damaged != reply:
            yield "page-rendered", name, damaged, start, child


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("repos", nargs="+", help="git repositories (bare snapshots are fine)")
    ap.add_argument("--commits", type=int, default=30, help="commits per repository")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every failing case")
    ap.add_argument("--show", metavar="SHA:KIND:DIALECT", help="print one case's reply and diff")
    args = ap.parse_args()
    rng = random.Random(10)
    stats: dict[tuple[str, str], Counter] = defaultdict(Counter)
    wrong_cases = []
    t0 = time.perf_counter()
    for repo in args.repos:
        for sha, files in commits(repo, args.commits):
            for kind, dialect, reply, start, child in cases(files, rng):
                if args.show and args.show != f"{sha[:10]}:{kind}:{dialect}":
                    continue
                got, code = run_case(start, reply)
                if args.show:
                    print(reply, "\n=== exit", code, *LAST, sep="\n")
                    want = child or start
                    for rel in sorted(set(got) | set(want)):
                        a = (want.get(rel) or b"").decode().splitlines()
                        b = (got.get(rel) or b"").decode().splitlines()
                        print("\n".join(difflib.unified_diff(a, b, "intended/" + rel, "got/" + rel, lineterm="")))
                untouched = got == start
                applied = child is not None and got == child
                row = stats[(kind, dialect)]
                row["cases"] += 1
                if not (untouched or applied):
                    row["WRONG"] += 1
                    wrong_cases.append((Path(repo).parent.name, sha[:10], kind, dialect))
                    continue
                if kind in MUST_APPLY:
                    ok = applied and code == 0
                elif kind in MUST_REFUSE:
                    ok = untouched and code == 1
                else:
                    ok = (applied and code == 0) or (untouched and code == 1)
                row["pass"] += ok
                row["applied"] += applied and code == 0 and kind not in ("already-applied",)
                row["refused"] += untouched and code == 1
                if not ok:
                    row["exit-mismatch" if (applied or untouched) and kind not in MUST_APPLY
                        else "missed"] += 1
                    if args.verbose:
                        print(f"MISS {Path(repo).parent.name} {sha[:10]} {kind} {dialect} exit {code}")
    total = Counter()
    print(f"{'kind':20} {'dialect':22} {'cases':>6} {'pass':>6} {'applied':>8} "
          f"{'refused':>8} {'missed':>7} {'WRONG':>6}")
    for (kind, dialect), row in sorted(stats.items()):
        total.update(row)
        print(f"{kind:20} {dialect:22} {row['cases']:6} {row['pass']:6} {row['applied']:8} "
              f"{row['refused']:8} {row['missed'] + row['exit-mismatch']:7} {row['WRONG']:6}")
    n = total["cases"]
    print(f"\ntotal: {n} cases, {total['pass']} as intended ({100 * total['pass'] / max(n, 1):.2f}%), "
          f"{total['WRONG']} wrong writes; {time.perf_counter() - t0:.0f} s")
    for case in wrong_cases[:20]:
        print("WRONG WRITE:", *case)


if __name__ == "__main__":
    main()
