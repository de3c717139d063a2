"""Release stamps: a seal's plain art between keyed sentinels, in the target file's comment syntax.

Markdown:  ``<!-- seal:NAME -->`` … ``<!-- /seal:NAME -->`` around a ```text fence;
HTML:      the same sentinels around a ``<pre>`` block (escaped);
scripts:   ``# seal:NAME`` … ``# /seal:NAME`` around the art as ``# `` comment lines
           (shell, Python, Nix, TOML, YAML).

Sentinels name the seal, so they survive any change to the art; a file without them is
reported, never guessed at. Stamping is pure and idempotent: stamping twice changes nothing.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import PurePosixPath

from ..book.render import fence_for
from ..errors import PromptFooError


class StampProblem(PromptFooError):
    """A stamp target whose sentinels are missing, unpaired or repeated."""


@dataclass(frozen=True)
class Syntax:
    name: str
    open: str  # with {name}
    close: str

    def sentinels(self, seal: str) -> tuple[str, str]:
        return self.open.format(name=seal), self.close.format(name=seal)


MARKDOWN = Syntax("markdown", "<!-- seal:{name} -->", "<!-- /seal:{name} -->")
HTML = Syntax("html", "<!-- seal:{name} -->", "<!-- /seal:{name} -->")
HASH = Syntax("hash", "# seal:{name}", "# /seal:{name}")
_BY_SUFFIX = {".md": MARKDOWN, ".markdown": MARKDOWN, ".html": HTML, ".htm": HTML,
              ".sh": HASH, ".bash": HASH, ".py": HASH, ".nix": HASH, ".toml": HASH,
              ".yaml": HASH, ".yml": HASH}


def syntax_for(path: str) -> Syntax:
    """The comment syntax of a stamp target, from its suffix (scripts without one: ``#``)."""
    p = PurePosixPath(path)
    syntax = _BY_SUFFIX.get(p.suffix.lower(), HASH if not p.suffix else None)
    if syntax is None:
        raise StampProblem(f"{path}: no stamp syntax for {p.suffix!r} files "
                           f"(known: {', '.join(sorted(_BY_SUFFIX))}, or no suffix)")
    return syntax


def stamp_body(syntax: Syntax, art: str, indent: str = "") -> list[str]:
    """The lines that go between the sentinels."""
    lines = art.split("\n")
    if syntax is MARKDOWN:
        fence = fence_for(art)
        return [indent + fence + "text", *lines, indent + fence]
    if syntax is HTML:
        return [indent + "<pre>", *(html.escape(line, quote=False) for line in lines), indent + "</pre>"]
    # No trailing space on blank art lines: editors would strip it and call that drift.
    return [indent + ("# " + line if line else "#") for line in lines]


def _find(lines: list[str], marker: str) -> list[int]:
    return [i for i, line in enumerate(lines) if line.strip() == marker]


def stamp_text(text: str, path: str, seal: str, art: str) -> str:
    """``text`` with the stamp of ``seal`` between its sentinels (StampProblem if they are amiss)."""
    syntax = syntax_for(path)
    open_m, close_m = syntax.sentinels(seal)
    # Split on \n and keep each line's own \r: one pasted CRLF line must not hide the sentinels.
    lines = text.split("\n")
    opens, closes = _find(lines, open_m), _find(lines, close_m)
    if not opens and not closes:
        raise StampProblem(f"{path}: no `{open_m}` … `{close_m}` sentinels for seal {seal!r}",
                           hint="Add both lines where the seal should go; the stamp goes between them.")
    if len(opens) != 1 or len(closes) != 1:
        raise StampProblem(f"{path}: expected one `{open_m}` and one `{close_m}`, "
                           f"found {len(opens)} and {len(closes)} (lines "
                           f"{', '.join(str(i + 1) for i in sorted(opens + closes))})")
    start, end = opens[0], closes[0]
    if end < start:
        raise StampProblem(f"{path}: `{close_m}` (line {end + 1}) comes before `{open_m}` "
                           f"(line {start + 1})")
    # Another seal's sentinel inside this stamp would be stamped away, silently.
    heads = [t.split("{name}")[0] for t in (syntax.open, syntax.close)]
    for i in range(start + 1, end):
        if lines[i].strip().startswith(tuple(heads)):
            raise StampProblem(f"{path}: line {i + 1} `{lines[i].strip()}` is inside the {seal} "
                               f"stamp (opened on line {start + 1}); stamps cannot nest")
    indent = lines[start][: len(lines[start]) - len(lines[start].lstrip())]
    cr = "\r" if lines[start].endswith("\r") else ""  # the stamp takes its opening line's ending
    body = [line + cr for line in stamp_body(syntax, art, indent)]
    return "\n".join(lines[: start + 1] + body + lines[end:])

