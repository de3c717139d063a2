"""Parse a whole model reply into edit blocks, before anything is matched or written.

Three dialects are read, and one reply may mix them:

* the bracket dialect of DESIGN.md (``Target: path`` then ``[[[SEARCH]]]`` /
  ``[[[DIVIDER]]]`` / ``[[[REPLACE]]]``, or ``[[[WRITE_FILE]]]`` … ``[[[END_WRITE_FILE]]]``;
  3–5 brackets or braces on each side);
* aider's conflict-marker blocks (``<<<<<<< SEARCH`` / ``=======`` / ``>>>>>>> REPLACE``),
  the file named on the line before the block or before its opening fence;
* OpenAI's ``*** Begin Patch`` … ``*** End Patch`` envelope (Add/Update/Delete File, ``@@``).

A marker counts only when it is the whole (stripped) line. Everything outside blocks is
prose and ignored. Any structural fault (unterminated block, stray marker, no target)
raises ``PatchSyntaxError`` with the reply line, so a truncated reply writes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import PromptFooError

_BRACKET = re.compile(
    r"^[\[{]{3,5}(SEARCH|DIVIDER|REPLACE|WRITE_FILE|END_WRITE_FILE)[\]}]{3,5}$", re.IGNORECASE
)
_AIDER_SEARCH = re.compile(r"^<{5,9} ?SEARCH>?$")
_AIDER_DIVIDER = re.compile(r"^={5,9}$")
_AIDER_REPLACE = re.compile(r"^>{5,9} ?REPLACE$")
# Both patterns see stripped lines, so a greedy group is exact; a lazy one before \s*$ is
# quadratic on a line with many inner spaces.
_TARGET = re.compile(r"^(?:target|file|path)\s*:\s*(.+)$", re.IGNORECASE)
_FENCE = re.compile(r"^(`{3,}|~{3,})[\w+.-]*\s*$")
_ENVELOPE_OP = re.compile(r"^\*\*\* (Add|Update|Delete) File: (.+)$")

# How far back a target line may sit above its block (across blank and fence lines).
_LOOKBACK = 3


class PatchSyntaxError(PromptFooError):
    """The reply is not a well-formed set of blocks; nothing is applied."""

    def __init__(self, message: str, line: int, *, hint: str | None = None):
        super().__init__(f"reply line {line}: {message}", hint=hint)
        self.line = line


@dataclass
class Block:
    """One edit: replace SEARCH by REPLACE, write a whole file, or delete one."""

    n: int
    kind: str  # "replace" | "write" | "delete"
    target: str
    reply_line: int
    dialect: str  # "bracket" | "aider" | "patch"
    search: list[str] = field(default_factory=list)
    replace: list[str] = field(default_factory=list)


def _marker(line: str) -> str | None:
    """The bracket marker name on this line, upper-cased, or None."""
    m = _BRACKET.match(line.strip())
    return m.group(1).upper() if m else None


def _clean_target(raw: str) -> str:
    """A path as a model writes it, without decoration (backticks, bold, a trailing colon)."""
    text = raw.strip()
    m = _TARGET.match(text)
    if m:
        text = m.group(1)
    text = text.strip().strip("`*").strip()
    if text.startswith("#"):
        text = text.lstrip("#").strip()
    return text.rstrip(":").strip().strip("`*'\"").strip()


def _looks_like_path(text: str) -> bool:
    return bool(text) and " " not in text.strip() and not _FENCE.match(text)


def _find_target(lines: list[str], start: int, *, require_label: bool) -> str | None:
    """The target named just above line index ``start`` (skipping blank and fence lines)."""
    i, seen = start - 1, 0
    while i >= 0 and seen <= _LOOKBACK:
        line = lines[i].strip()
        i -= 1
        if not line or _FENCE.match(line):
            seen += 1
            continue
        if _TARGET.match(line):
            path = _clean_target(line)
            return path or None
        if require_label:
            return None
        path = _clean_target(line)
        return path if _looks_like_path(path) else None
    return None


class _Parser:
    def __init__(self, reply: str):
        # "\r\r\n" is a CRLF reply converted again by a text-mode stream: one line ending.
        self.lines = reply.replace("\r\r\n", "\n").replace("\r\n", "\n").split("\n")
        self.blocks: list[Block] = []
        self.i = 0

    def add(self, **kw) -> None:
        self.blocks.append(Block(n=len(self.blocks) + 1, **kw))

    def run(self) -> list[Block]:
        lines = self.lines
        while self.i < len(lines):
            raw = lines[self.i]
            stripped = raw.strip()
            marker = _marker(raw)
            if marker == "SEARCH":
                self.bracket_search()
            elif marker == "WRITE_FILE":
                self.bracket_write()
            elif marker is not None:
                raise PatchSyntaxError(
                    f"stray marker {stripped!r} outside a block", self.i + 1,
                    hint="Every block starts with [[[SEARCH]]] or [[[WRITE_FILE]]]; "
                    "the reply may be truncated or a marker mistyped.",
                )
            elif _AIDER_SEARCH.match(stripped):
                self.aider_block()
            elif _AIDER_REPLACE.match(stripped):
                raise PatchSyntaxError(f"stray marker {stripped!r} outside a block", self.i + 1)
            elif stripped == "*** Begin Patch":
                self.envelope()
            elif stripped == "*** End Patch" or _ENVELOPE_OP.match(stripped):
                raise PatchSyntaxError(
                    f"{stripped!r} outside a *** Begin Patch envelope", self.i + 1
                )
            else:
                self.i += 1
        return self.blocks

    # -- bracket dialect -------------------------------------------------------------

    def _target_or_fail(self, start: int, dialect: str) -> str:
        target = _find_target(self.lines, start, require_label=dialect == "bracket")
        if target is None:
            example = "Target: path/to/file" if dialect == "bracket" else "path/to/file"
            raise PatchSyntaxError(
                f"block {len(self.blocks) + 1} has no target",
                start + 1,
                hint=f"Put a line '{example}' directly above the block.",
            )
        return target

    def _collect(self, start: int, stops: set[str], what: str, match) -> tuple[list[str], str]:
        """Lines from ``start`` up to a stop marker; fails on other markers and at the end."""
        body: list[str] = []
        j = start
        while j < len(self.lines):
            name = match(self.lines[j])
            if name in stops:
                self.i = j
                return body, name
            if name is not None:
                raise PatchSyntaxError(
                    f"unexpected {self.lines[j].strip()!r} inside {what}", j + 1,
                    hint="Markers must come in order; the block above is malformed.",
                )
            body.append(self.lines[j])
            j += 1
        raise PatchSyntaxError(
            f"unterminated {what} (started at line {start})", len(self.lines),
            hint="The reply looks truncated; ask the model to resend the rest.",
        )

    def bracket_search(self) -> None:
        start = self.i
        target = self._target_or_fail(start, "bracket")
        search, _ = self._collect(start + 1, {"DIVIDER"}, "[[[SEARCH]]] block", _marker)
        replace, _ = self._collect(self.i + 1, {"REPLACE"}, "[[[SEARCH]]] block", _marker)
        self.i += 1
        self.add(kind="replace", target=target, reply_line=start + 1, dialect="bracket",
                 search=search, replace=replace)

    def bracket_write(self) -> None:
        start = self.i
        target = self._target_or_fail(start, "bracket")
        # Inside a whole-file body only the end marker counts: the file may document markers.
        def end_only(line: str) -> str | None:
            return "END" if _marker(line) == "END_WRITE_FILE" else None

        body, _ = self._collect(start + 1, {"END"}, "[[[WRITE_FILE]]] block", end_only)
        self.i += 1
        self.add(kind="write", target=target, reply_line=start + 1, dialect="bracket",
                 replace=body)

    # -- aider dialect ---------------------------------------------------------------

    def aider_block(self) -> None:
        start = self.i
        target = self._target_or_fail(start, "aider")

        def aider_marker(line: str) -> str | None:
            s = line.strip()
            if _AIDER_DIVIDER.match(s):
                return "DIVIDER"
            if _AIDER_REPLACE.match(s):
                return "REPLACE"
            if _AIDER_SEARCH.match(s):
                return "SEARCH"
            return None

        search, _ = self._collect(start + 1, {"DIVIDER"}, "<<<<<<< SEARCH block", aider_marker)
        replace, _ = self._collect(self.i + 1, {"REPLACE"}, "<<<<<<< SEARCH block", aider_marker)
        self.i += 1
        self.add(kind="replace", target=target, reply_line=start + 1, dialect="aider",
                 search=search, replace=replace)

    # -- OpenAI apply_patch envelope -------------------------------------------------

    def envelope(self) -> None:
        begin = self.i
        self.i += 1
        while self.i < len(self.lines):
            line = self.lines[self.i]
            stripped = line.strip()
            if stripped == "*** End Patch":
                self.i += 1
                return
            m = _ENVELOPE_OP.match(stripped)
            if not m:
                if not stripped:
                    self.i += 1
                    continue
                raise PatchSyntaxError(
                    f"expected '*** Add/Update/Delete File: path' in the patch envelope, "
                    f"found {stripped[:60]!r}", self.i + 1,
                )
            op, path = m.group(1), _clean_target(m.group(2))
            op_line = self.i + 1
            self.i += 1
            if op == "Delete":
                self.add(kind="delete", target=path, reply_line=op_line, dialect="patch")
            elif op == "Add":
                self.add(kind="write", target=path, reply_line=op_line, dialect="patch",
                         replace=self._added_lines())
            else:
                self._update(path, op_line)
        raise PatchSyntaxError(
            f"unterminated *** Begin Patch envelope (started at line {begin + 1})",
            len(self.lines), hint="The reply looks truncated; ask for the rest.",
        )

    def _op_ends(self, stripped: str) -> bool:
        return stripped == "*** End Patch" or bool(_ENVELOPE_OP.match(stripped))

    def _added_lines(self) -> list[str]:
        body: list[str] = []
        while self.i < len(self.lines):
            line = self.lines[self.i]
            if self._op_ends(line.strip()):
                break
            if not line.startswith("+"):
                raise PatchSyntaxError(
                    "every line of '*** Add File' must start with '+'", self.i + 1
                )
            body.append(line[1:])
            self.i += 1
        return body

    def _update(self, path: str, op_line: int) -> None:
        if self.i < len(self.lines) and self.lines[self.i].strip().startswith("*** Move to:"):
            raise PatchSyntaxError(
                "'*** Move to:' is not supported", self.i + 1,
                hint="Use '*** Add File' for the new path and '*** Delete File' for the old.",
            )
        hunks = 0
        search: list[str] = []
        replace: list[str] = []
        hunk_line = op_line
        blanks = 0  # raw empty lines not yet known to be context (trailing ones are not)

        def flush() -> None:
            nonlocal hunks, search, replace, blanks
            blanks = 0
            if search or replace:
                if not search:
                    raise PatchSyntaxError(
                        "hunk has only added lines, so there is nothing to anchor it",
                        hunk_line, hint="Give a few lines of unchanged context around it.",
                    )
                hunks += 1
                self.add(kind="replace", target=path, reply_line=hunk_line, dialect="patch",
                         search=search, replace=replace)
            search, replace = [], []

        while self.i < len(self.lines):
            line = self.lines[self.i]
            stripped = line.strip()
            if self._op_ends(stripped):
                break
            if stripped.startswith("@@"):
                flush()
                hunk_line = self.i + 1
            elif stripped == "*** End of File":
                pass
            elif line == "":
                blanks += 1
            elif line[0] in "+- ":
                search += [""] * blanks
                replace += [""] * blanks
                blanks = 0
                if line[0] != "+":
                    search.append(line[1:])
                if line[0] != "-":
                    replace.append(line[1:])
            else:
                raise PatchSyntaxError(
                    f"hunk line must start with ' ', '-' or '+': {line[:60]!r}", self.i + 1
                )
            self.i += 1
        flush()
        if hunks == 0:
            raise PatchSyntaxError(f"'*** Update File: {path}' has no hunks", op_line)


def parse(reply: str) -> list[Block]:
    """Every block of ``reply`` in order; raises PatchSyntaxError on any structural fault."""
    return _Parser(reply).run()
