"""Pure rendering of the context book: sections, file blocks, fences, placeholders.

A rendered section is a list of *segments* whose concatenation is its text. Segments are
cut where tiktoken must start a new piece (after a newline, before a non-space), so the
token counter can count each one through its cache and add them up exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Source

SECTION_ORDER = (
    "Manifest",
    "Seal",
    "Story",
    "File Tree",
    "Articles",
    "Codebase",
    "Diff",
    "Log",
    "Summary",
    "Context Recapture",
    "Prompt",
)

PLACEHOLDERS = {
    "Seal": "No seal: none was asserted for this book.",
    "Story": "No story requested (add -l [SLICE] to list recent posts).",
    "File Tree": "No file tree (it was turned off with --no-tree).",
    "Articles": "No articles requested (add -a [SLICE] or --slug NAME to include posts in full).",
    "Codebase": "No files were selected (name them in foo_files.py, with --file, or run without a manifest).",
    "Diff": "No diff requested (add --diff, or --diff REF).",
    "Log": "No log requested (add --log N).",
    "Context Recapture": "Nothing to recapture: no files or commands were included.",
    "Prompt": "No prompt.",
}



def fence_for(text: str) -> str:
    """A code fence longer than the longest backtick run in ``text`` (at least three)."""
    if "```" not in text:  # the common case, without scanning every run
        return "```"
    fence = "````"  # substring tests run in C; a regex listing every run of a large file is slower
    while fence in text:
        fence += "`"
    return fence


def body_text(text: str) -> str:
    """The text as it sits inside a fence: exactly the file, plus a newline if it lacks one."""
    return text if (not text or text.endswith("\n")) else text + "\n"


@dataclass
class Section:
    name: str
    segments: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.segments)


def section(name: str, body: list[str] | str | None) -> Section:
    """Wrap body segments in the section's START/END lines (placeholder when empty)."""
    if isinstance(body, str):
        body = [body]
    body = [b for b in (body or []) if b]
    if not body:
        body = [PLACEHOLDERS.get(name, "Empty.") + "\n"]
    if not body[-1].endswith("\n"):
        body = [*body[:-1], body[-1] + "\n"]
    return Section(name, [f"--- START: {name} ---\n", *body, f"--- END: {name} ---\n"])


def file_block(src: Source, tokens: int) -> list[str]:
    """One Codebase entry: START line with its token count, fenced exact text, END line."""
    remarks = "; ".join(src.flags)
    label = f"{src.label} ({tokens:,} tokens{'; ' + remarks if remarks else ''})"
    fence = fence_for(src.text)
    body = body_text(src.text)
    return [
        f"--- START: {label} ---\n{fence}{src.lang}\n",
        body,
        f"{fence}\n--- END: {src.label} ---\n\n",
    ]


def fenced(text: str, lang: str = "text") -> str:
    """``text`` inside a fence that cannot collide with it."""
    fence = fence_for(text)
    return f"{fence}{lang}\n{body_text(text)}{fence}\n"


def join_sections(sections: list[Section]) -> list[list[str]]:
    """Each section's segments as laid out in the book, one blank line between sections
    (the blank line belongs to the section on its left, so every section starts a piece)."""
    out: list[list[str]] = []
    for i, sec in enumerate(sections):
        segs = list(sec.segments)
        if i < len(sections) - 1:
            segs[-1] = segs[-1] + "\n"
        out.append(segs)
    return out


def codebase_body(sources: list[Source], tokens: list[int]) -> list[str]:
    """The Codebase section's body: every source block, in order."""
    segs: list[str] = []
    for src, n in zip(sources, tokens):
        segs.extend(file_block(src, n))
    if segs:
        segs[-1] = segs[-1][:-1]  # no blank line before the section's END
    return segs


def recapture_body(labels: list[str], chop: str, kinds: list[str] | None = None) -> str:
    """A ready-to-paste chop that rebuilds this selection (``kinds``: each source's kind)."""
    if not labels:
        return ""
    kinds = kinds or [None] * len(labels)
    listing = "".join(_chop_line(_chop_entry(label, kind)) + "\n" for label, kind in zip(labels, kinds))
    code = f'{chop} = """\\\n{listing}"""\n'
    return "Paste into foo_files.py to rebuild this selection:\n\n" + fenced(code, "python")


def _chop_line(label: str) -> str:
    """A label as a line of a plain (not raw) triple-quoted string that reads back as the label."""
    line = label.replace("\\", "\\\\")
    return line.replace('"', '\\"') if '"""' in line else line


def _chop_entry(label: str, kind: str | None) -> str:
    """The chop line that reads back as this source: a file named "!x" is written "./!x" so it
    is never taken for a command; a name the grammar cannot hold ('#', '<--') is switched off."""
    from ..collect.manifest import parse_chop

    is_file = kind in ("file", "notebook")
    for line in (label, "./" + label) if is_file and not label.startswith(("/", "~")) else (label,):
        entries = parse_chop(line)
        if len(entries) == 1 and entries[0].text == line and (kind is None or (entries[0].kind == "path") == is_file):
            return line
    return f"# not listable in a chop (the name holds '#', '<--' or edge spaces): {label}"
