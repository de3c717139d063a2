"""Python slice syntax typed on the command line: "[-5:]", "[:]", "[-1]", "[10:20]", "[::2]"."""

from __future__ import annotations

import re

from ..errors import UsageProblem

_INT = r"\s*(-?\d+)?\s*"
_SLICE = re.compile(rf"^\[?{_INT}(?::{_INT}(?::{_INT})?)?\]?$")

SLICE_HELP = (
    "A slice looks like Python's, on the list of posts oldest first: "
    "[-5:] (last five), [:] (all), [-1] (the newest), [10:20], [::2]."
)


def parse_slice(text: str, *, option: str = "slice") -> slice:
    """The slice ``text`` denotes; a single index "[i]" becomes the one-item slice i:i+1."""
    raw = text.strip()
    m = _SLICE.match(raw)
    # Brackets must pair, and there must be something between them.
    if not m or raw.startswith("[") != raw.endswith("]") or raw in ("", "[]"):
        raise UsageProblem(f"{option} {text!r} is not a slice.", hint=_hint(text))
    start, stop, step = (int(g) if g is not None else None for g in m.groups())
    if ":" not in raw:
        if start is None:
            raise UsageProblem(f"{option} {text!r} is not a slice.", hint=_hint(text))
        return slice(start, start + 1 if start != -1 else None)
    if step == 0:
        raise UsageProblem(f"{option} {text!r}: a slice step cannot be zero.", hint=SLICE_HELP)
    return slice(start, stop, step)


def _hint(text: str) -> str:
    if " " in text.strip() and not text.strip().startswith("["):
        # click gives a bare optional-value option the next word: most likely the prompt.
        return SLICE_HELP + " If that was your prompt, put it before the option or give the slice explicitly."
    return SLICE_HELP
