"""File names damaged by a Markdown renderer: a name written as prose above a fence is
rendered, and a copy of the page keeps the rendering (``__main__.py`` shows as bold
``main.py``; ``_x_`` and ``*x*`` as italic ``x``). When a target read from prose names a
missing file, the existing files whose rendered name equals it are the names the author
may have meant; foo-apply then refuses and names both, and never creates the damaged name.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

# Underscores emphasise only at word edges (CommonMark: snake_case stays); stars anywhere.
_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)")
_EMPH = re.compile(r"\*(?=[^\s*])(.+?)(?<=[^\s*])\*|(?<!\w)_(?=[^\s_])(.+?)(?<=[^\s_])_(?!\w)")


def _inner(m: re.Match) -> str:
    return m.group(1) if m.group(1) is not None else m.group(2)


def rendered(name: str) -> str:
    """``name`` as a Markdown renderer shows it, emphasis markers dropped."""
    prev = None
    while prev != name:
        prev, name = name, _EMPH.sub(_inner, _STRONG.sub(_inner, name))
    return name


def undamaged(root: Path, rel: str, limit: int = 10) -> list[str]:
    """Existing files whose rendered path is ``rel`` (``rel`` itself excluded)."""
    found = [("", Path(root))]
    for part in rel.split("/"):
        nxt = []
        for prefix, folder in found:
            try:
                names = os.listdir(folder)
            except OSError:
                continue
            for name in names:
                if name == part or (("_" in name or "*" in name) and rendered(name) == part):
                    nxt.append((f"{prefix}{name}", folder / name))
                    if len(nxt) > limit:
                        break
        found = [(p + "/", f) for p, f in nxt]
    return sorted(p[:-1] for p, f in found if f.is_file() and p[:-1] != rel)[:limit]


def refusal(root: Path, rel: str) -> list[str] | None:
    """Refusal lines when ``rel`` (missing) may be a rendering of an existing file's name."""
    cands = undamaged(root, rel)
    if not cands:
        return None
    named = " or ".join(repr(c) for c in cands)
    return [f"{rel!r} does not exist, but {named} does: a Markdown renderer shows that name "
            f"as {rel!r} (__x__ bold, *x* or _x_ italic), so the file name was probably "
            "damaged when the reply was copied from the page; refused rather than create it",
            "put the file name inside the code block (Target: line inside the fence), or copy "
            "the reply's raw Markdown"]
