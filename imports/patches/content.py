"""A file's text held so that edits never disturb the bytes of untouched lines.

The text is split on "\\n" only. Each line remembers whether it ended in "\\r\\n", the file
remembers whether it ended with a newline, its encoding (UTF-8, UTF-8 with BOM, or Latin-1
as a lossless fallback) and its mode. Matching works on ``norm``: the lines joined by
"\\n" without their "\\r", so one ``str.find`` serves CRLF, LF and mixed files alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field

BOM = "\ufeff"


@dataclass
class Content:
    """Editable text of one file; ``norm`` and ``crlf`` always describe the same lines."""

    norm: str
    crlf: list[bool]
    final_newline: bool
    encoding: str = "utf-8"
    bom: bool = False
    mode: int | None = None
    _dominant: bool | None = field(default=None, repr=False)

    @property
    def line_count(self) -> int:
        return len(self.crlf)

    @classmethod
    def from_bytes(cls, data: bytes, mode: int | None = None) -> "Content":
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = data.decode("latin-1"), "latin-1"
        bom = encoding == "utf-8" and text.startswith(BOM)
        if bom:
            text = text[1:]
        return cls.from_text(text, encoding=encoding, bom=bom, mode=mode)

    @classmethod
    def from_text(cls, text: str, *, encoding: str = "utf-8", bom: bool = False,
                  mode: int | None = None) -> "Content":
        if text == "":
            return cls("", [], False, encoding, bom, mode)
        final = text.endswith("\n")
        parts = text.split("\n")
        if final:
            parts.pop()
        crlf = []
        for k, part in enumerate(parts):
            # A "\r" counts as a line ending only when a "\n" follows it.
            ended = final or k < len(parts) - 1
            if ended and part.endswith("\r"):
                parts[k] = part[:-1]
                crlf.append(True)
            else:
                crlf.append(False)
        return cls("\n".join(parts), crlf, final, encoding, bom, mode)

    def lines(self) -> list[str]:
        return self.norm.split("\n") if self.crlf else []

    def text(self) -> str:
        if not self.crlf:
            return BOM if self.bom else ""
        lines = self.lines()
        out = []
        last = len(lines) - 1
        for k, (line, cr) in enumerate(zip(lines, self.crlf)):
            out.append(line)
            if k < last or self.final_newline:
                out.append("\r\n" if cr else "\n")
        return (BOM if self.bom else "") + "".join(out)

    def to_bytes(self) -> bytes:
        return self.text().encode(self.encoding)

    def dominant_crlf(self) -> bool:
        """The ending new lines get: the file's majority as loaded (LF when tied or empty)."""
        if self._dominant is None:
            self._dominant = sum(self.crlf) * 2 > len(self.crlf)
        return self._dominant

    def line_of(self, offset: int) -> int:
        """0-based line index of a character offset into ``norm``."""
        return self.norm.count("\n", 0, offset)

    def find_lines(self, needle: list[str], limit: int = 50) -> list[tuple[int, int]]:
        """(line, offset) where ``needle`` occurs as whole lines (at most ``limit``)."""
        if not needle or not self.crlf:
            return []
        text, norm, n = "\n".join(needle), self.norm, len(self.norm)
        found: list[tuple[int, int]] = []
        pos, last_off, last_line = norm.find(text), 0, 0
        while pos != -1 and len(found) < limit:
            end = pos + len(text)
            if (pos == 0 or norm[pos - 1] == "\n") and (end == n or norm[end] == "\n"):
                last_line += norm.count("\n", last_off, pos)
                last_off = pos
                found.append((last_line, pos))
            pos = norm.find(text, pos + 1)
        return found

    def offset_of(self, line: int) -> int:
        """Character offset in ``norm`` where 0-based ``line`` starts."""
        if line == 0:
            return 0
        return sum(len(s) + 1 for s in self.norm.split("\n", line)[:line])

    def splice(self, start: int, count: int, new: list[str], new_crlf: list[bool],
               offset: int | None = None) -> None:
        """Replace lines [start, start+count) by ``new`` (with their endings).

        ``offset`` is where line ``start`` begins in ``norm``, when the caller knows it.
        """
        lines_before = self.line_count
        if count == lines_before and not new:
            self.norm, self.crlf = "", []
            return
        a = self.offset_of(start) if offset is None else offset
        if start + count == lines_before:
            b = len(self.norm)
        else:
            b = _nth_newline_from(self.norm, a, count) if count else a
        joined = "\n".join(new)
        if new and count:
            self.norm = self.norm[:a] + joined + self.norm[b:]
        elif new:  # pure insertion before line ``start``
            if start == lines_before:
                self.norm = self.norm + ("\n" if lines_before else "") + joined
            else:
                self.norm = self.norm[:a] + joined + "\n" + self.norm[a:]
        else:  # deletion: take one neighbouring "\n" with the lines
            if start + count < lines_before:
                self.norm = self.norm[:a] + self.norm[b + 1:]
            else:
                self.norm = self.norm[: a - 1]
        self.crlf[start:start + count] = new_crlf


def _nth_newline_from(text: str, a: int, count: int) -> int:
    """Offset just past ``count`` lines starting at offset ``a`` (at their last "\\n")."""
    pos = a - 1
    for _ in range(count):
        nxt = text.find("\n", pos + 1)
        if nxt == -1:
            return len(text)
        pos = nxt
    return pos
