"""What the daily controls (issue 15) change in a book: bodies left out (--context-only), line
numbers (--line-numbers), a profile's scrub, a whole-repository recapture, the Summary's lines."""

from __future__ import annotations

from dataclasses import replace

from ..model import Source
from .profiles import Profile


CONTEXT_ONLY = ("File bodies left out (--context-only): the Manifest lists every file with its tokens, "
                "the File Tree shows where each sits. Ask for what you need under NEXT CONTEXT.\n")
WHOLE_REPO_RECAPTURE = ("Whole-repository pack (no foo_files.py): run prompt-foo again with the same --exclude "
                        "globs to rebuild it; the files are listed in the Manifest.\n")


def numbered(src: Source) -> Source:
    """A file's text with "N: " before each line (review mode); other sources are unchanged."""
    if src.kind not in ("file", "notebook") or not src.text:
        return src
    if any(f.startswith("signatures (") for f in src.flags):  # --fit/--compress (book/fit.py's flag)
        # its lines are not the file's: "3: def b" would be cited as line 3 of a file that has it elsewhere
        return replace(src, flags=(*src.flags, "no line numbers: a signature view's lines are not the file's"))
    lines = src.text.split("\n")
    trailing = lines[-1] == ""
    width = len(str(len(lines) - trailing))
    text = "\n".join(f"{i:>{width}}: {line}" for i, line in enumerate(lines[:-1] if trailing else lines, 1))
    return replace(src, text=text + ("\n" if trailing else ""), lang=src.lang,
                   flags=(*src.flags, "line numbers added for review; not the file's text"))


def scrubbed(src: Source, profile: Profile) -> Source:
    return replace(src, label=profile.scrub(src.label), text=profile.scrub(src.text),
                   path=profile.scrub(src.path) if src.path else src.path)


def disclosure(req) -> list[str]:
    lines = []
    if req.profile is not None:
        lines.append(f"Disclosure profile: {req.profile.describe()}")
    if req.reason:
        lines.append(f"Reason for sharing: {req.reason}")
    if req.frame == "lean":
        lines.append("Frame: lean (read-only: answer in prose, no patch blocks)")
    return lines
