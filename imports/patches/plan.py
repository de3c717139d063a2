"""Apply parsed blocks in memory, in order, each against the result of the previous one.

Matching is line-aligned: SEARCH must equal whole lines of the file (compared without
their line endings), exactly once. The reference matched substrings, so an anchor could
start or end mid-line; whole lines were chosen because a substring can land inside a longer
line (``count = 1`` inside ``recount = 1``) and edit the wrong place, and because line
endings, indentation and every recovery pass are defined per line. Several matches refuse
with their line numbers; none tries the named recoveries (unless strict), then refuses with
a diagnosis. Nothing here writes; the outcome is data.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .content import Content
from .diagnose import explain_no_match, nearest_window
from .narrow import regions, within
from .parse import Block
from .rendered import refusal as rendering_refusal
from .paths import PathRefused, resolve_target
from .fragment import fragment_edit, replace_present_fragment
from .recover import Match, compose, find_seq, transport_damage, try_passes, unproven


@dataclass
class BlockResult:
    """What happened to one block."""

    block: Block
    status: str  # "applied" | "already" | "refused" | "not-attempted"
    message: str
    target: str
    file_line: int | None = None
    recovery: str | None = None
    details: list[str] = field(default_factory=list)
    # For an "already" on weak evidence: the refusal it becomes unless every block agrees.
    unproven: "BlockResult | None" = None


@dataclass
class FileChange:
    """A file's bytes before and after (None: absent), with the path to write."""

    rel: str
    path: Path
    before: bytes | None
    after: bytes | None
    mode: int | None

    @property
    def action(self) -> str:
        if self.before is None:
            return "created"
        return "deleted" if self.after is None else "modified"


@dataclass
class Plan:
    results: list[BlockResult]
    changes: list[FileChange]

    @property
    def refused(self) -> bool:
        return any(r.status == "refused" for r in self.results)


@dataclass
class _State:
    rel: str
    path: Path
    before: bytes | None
    mode: int | None
    content: Content | None  # None: absent (never existed, or deleted by a block)
    failed: bool = False


def _load(rel: str, path: Path) -> _State:
    if not os.path.lexists(path):
        return _State(rel, path, None, None, None)
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise PathRefused(f"{rel!r} is not a regular file")
    data = path.read_bytes()
    mode = stat.S_IMODE(st.st_mode)
    return _State(rel, path, data, mode, Content.from_bytes(data, mode))


def _contains(outer: list[str], inner: list[str]) -> bool:
    return bool(inner) and bool(find_seq(outer, inner, limit=1))


class _Planner:
    def __init__(self, root: Path, strict: bool, canary_damage: list[str]):
        self.root = root
        self.strict = strict
        self.canary_damage = canary_damage
        self.states: dict[str, _State] = {}
        self.resolved: dict[str, tuple[str, Path]] = {}

    def state(self, target: str) -> _State:
        if target not in self.resolved:
            self.resolved[target] = resolve_target(self.root, target)
        rel, path = self.resolved[target]
        key = str(path)
        if key not in self.states:
            self.states[key] = _load(rel, path)
        return self.states[key]

    def run(self, block: Block) -> BlockResult:
        def result(status: str, message: str, **kw) -> BlockResult:
            return BlockResult(block, status, message, block.target, **kw)

        try:
            st = self.state(block.target)
        except PathRefused as exc:
            return result("refused", str(exc))
        except OSError as exc:
            return result("refused", f"cannot read {block.target!r}: {exc.strerror}")
        if block.target.strip().startswith(("/", "~")):
            # An absolute target inside the root is reported by its relative path.
            def result(status: str, message: str, **kw) -> BlockResult:
                return BlockResult(block, status, message, st.rel, **kw)
        if st.failed:
            return result("not-attempted", "an earlier block on this file was refused")
        if st.content is not None and st.content.encoding != "utf-8":
            for k, line in enumerate(block.replace, 1):  # else encoding the result crashes
                bad = next((ch for ch in line if ord(ch) > 255), None)
                if bad is not None:
                    st.failed = True
                    return result("refused", f"the file is Latin-1, not UTF-8, and cannot hold "
                                  f"{bad!r} (REPLACE line {k})")
        if st.before is None and st.content is None and block.target_in_prose:
            damaged = rendering_refusal(self.root, st.rel)
            if damaged:  # never create (or miss) the name a renderer made
                st.failed = True
                return result("refused", damaged[0], details=damaged[1:])
        outcome = getattr(self, f"_{block.kind}")(block, st, result)
        if outcome.status == "refused":
            st.failed = True
        return outcome

    def _delete(self, block, st: _State, result) -> BlockResult:
        if (self.root / st.rel).is_symlink():
            return result("refused", "is a symlink; only regular files are deleted")
        if st.content is None:
            return result("already", "file is already absent")
        st.content = None
        return result("applied", "file deleted")

    def _folder_clash(self, st: _State) -> str | None:
        """Why ``st`` cannot be created: a file (on disk or planned) sits on its folder path."""
        root = Path(os.path.realpath(self.root))
        depth = len(root.parts)  # st.path lies below root (resolve_target); counting parts
        for parent in st.path.parents:  # keeps this linear ('root in parents' was quadratic)
            if len(parent.parts) <= depth:
                break
            planned = self.states.get(str(parent))
            if planned is not None:
                if planned.content is not None:
                    return f"{planned.rel!r} is a file, not a folder"
            elif os.path.lexists(parent) and not parent.is_dir():
                return f"{parent.relative_to(root).as_posix()!r} is a file, not a folder"
        below = str(st.path) + os.sep
        for key, other in self.states.items():
            if key.startswith(below) and other.content is not None:
                return f"{st.rel!r} is a file, not a folder, but {other.rel!r} is written below it"
        return None

    def _write(self, block, st: _State, result) -> BlockResult:
        if st.content is None and (clash := self._folder_clash(st)):
            return result("refused", clash)
        body = list(block.replace)
        while body and body[-1] == "":
            body.pop()  # a whole file ends with exactly one newline
        old = st.content
        crlf = old.dominant_crlf() if old else False
        new = Content.from_text("\n".join(body) + "\n" if body else "",
                                encoding=old.encoding if old else "utf-8",
                                bom=old.bom if old else False, mode=st.mode)
        new.crlf = [crlf] * new.line_count
        if old is not None and old.same_text(new):
            return result("already", "file already has this content", file_line=1)
        damage = transport_damage(old.lines() if old else [], body,
                                  old.lines() if old else [], self.canary_damage)
        if damage:
            return result("refused", "the new lines look damaged in transport", details=damage)
        st.content = new
        return result("applied", "file written" if old is not None else "file created",
                      file_line=1)

    def _insert(self, block, content: Content, spans, result) -> BlockResult:
        """An apply_patch hunk of only added lines: after its (innermost) header line, or
        at the end of the file without one, as Codex's reference implementation does."""
        lines = content.lines()
        if len(spans) > 1:
            at = ", ".join(str(lo + 1) for lo, _ in spans[:20])
            return result("refused", f"the @@ header occurs {len(spans)} times (lines {at})",
                          details=["give a header that names one place, or context lines"])
        at = spans[0][0] + 1 if block.anchors else len(lines)
        new = block.replace
        if lines[at:at + len(new)] == new or (not block.anchors and lines[-len(new):] == new):
            return result("already", "the added lines already stand there", file_line=at + 1)
        cr = content.dominant_crlf()
        if at == content.line_count:
            if not content.final_newline and at:
                content.crlf[at - 1] = cr
            content.splice(at, 0, new, [cr] * len(new), len(content.buf))
            content.final_newline = True
        else:
            content.splice(at, 0, new, [cr] * len(new), None)
        where = f"after line {at}" if block.anchors else "at the end of the file"
        return result("applied", f"added lines inserted {where}", file_line=at + 1)

    def _append(self, block, st: _State, result) -> BlockResult:
        """aider's empty SEARCH: create the file with REPLACE, or append REPLACE to it."""
        body = list(block.replace)
        if st.content is None:
            if (clash := self._folder_clash(st)):
                return result("refused", clash)
            st.content = Content.from_text("".join(r + "\n" for r in body), mode=st.mode)
            return result("applied", "file created (empty SEARCH)", file_line=1)
        content = st.content
        lines = content.lines()
        if not any(r.strip() for r in body):
            return result("already", "nothing to append", file_line=content.line_count)
        if lines == body or (content.final_newline is False and lines[-len(body):] == body):
            return result("already", "file already has this content", file_line=1)
        if len(lines) >= len(body) and lines[len(lines) - len(body):] == body:
            refusal = result("refused", "empty SEARCH appends REPLACE, which already ends "
                             "the file", details=["its REPLACE text is already present at line "
                                                  f"{len(lines) - len(body) + 1}, but other "
                                                  "blocks of this reply are not applied, so this "
                                                  "is no proof that it was applied"])
            return result("already", "REPLACE already ends the file",
                          file_line=len(lines) - len(body) + 1, unproven=refusal)
        at = content.line_count
        if not content.final_newline and at:
            content.crlf[at - 1] = content.dominant_crlf()
        content.splice(at, 0, body, [content.dominant_crlf()] * len(body), len(content.buf))
        content.final_newline = True
        return result("applied", "appended at the end of the file (empty SEARCH)",
                      file_line=at + 1)

    def _replace(self, block, st: _State, result) -> BlockResult:
        search, replace = block.search, block.replace
        if st.content is None:
            return result("refused", "file does not exist" if st.before is None
                          else "file was deleted by an earlier block",
                          details=["SEARCH/REPLACE needs an existing file; "
                                   "use WRITE_FILE to create one"])
        content = st.content
        spans = None
        if block.dialect == "patch" and (block.anchors or block.at_eof or not search):
            spans = regions(content.lines(), block.anchors)
            if isinstance(spans, str):
                return result("refused", spans,
                              details=["the header must be copied from a line of the file"])
            if not search:
                return self._insert(block, content, spans, result)
        if not any(s.strip() for s in search):
            return result("refused", "SEARCH is empty",
                          details=["copy a few lines from the file into SEARCH"])
        hits = content.find_lines(search, 50 if spans is None else 100_000)
        if spans is not None:
            total = content.line_count
            hits = [h for h in hits if within(spans, h[0], len(search), total, block.at_eof)]
        if len(hits) == 1:
            start, offset = hits[0]
            if _contains(replace, search) and len(content.find_lines(replace, 2)) == 1:
                line = content.find_lines(replace, 1)[0][0]
                # Proof: the REPLACE found is the one that grew around this very SEARCH.
                if any(line + k == start for k in find_seq(replace, search)):
                    return result("already", "REPLACE is already in the file",
                                  file_line=line + 1)
            damage = transport_damage(search, replace, content.lines, self.canary_damage,
                                      (start, start + len(search)))
            if damage:
                return result("refused", "the new lines look damaged in transport",
                              details=damage, file_line=start + 1)
            match = Match(start, start + len(search), list(range(start, start + len(search))),
                          search, lambda s: s)
            self._splice(content, match, replace, offset)
            return result("applied", "applied", file_line=start + 1)
        if len(hits) > 1:
            at = ", ".join(str(h + 1) for h, _ in hits[:20])
            return result("refused", f"SEARCH occurs {len(hits)} times (lines {at})",
                          file_line=hits[0][0] + 1,
                          details=["add surrounding lines to SEARCH until it is unique"])
        lines = content.lines()
        present = _replace_present(content, lines, search, replace)
        if not self.strict:
            name, found = try_passes(lines, search)
            if present is not None and len(found) == 1 and \
                    present - 1 <= found[0].start and found[0].end <= present - 1 + len(replace):
                found = []  # it matched inside the REPLACE already there: applied before
            if spans is not None:
                found = [m for m in found
                         if within(spans, m.start, m.end - m.start, len(lines), block.at_eof)]
            if len(found) == 1:
                why = unproven(found[0], replace, st.rel, lines) or transport_damage(
                    found[0].search, [found[0].repair(r) for r in replace], lines,
                    self.canary_damage, (found[0].start, found[0].end))
                if why:
                    return result("refused", f"recovery {name!r} matched at line "
                                  f"{found[0].start + 1}, but it cannot prove what to write",
                                  details=why, file_line=found[0].start + 1)
                self._splice(content, found[0], replace, None, lines)
                return result("applied", f"applied after recovery {name!r}",
                              file_line=found[0].start + 1, recovery=name)
            if len(found) > 1:
                at = ", ".join(str(m.start + 1) for m in found[:20])
                return result("refused", f"no exact match; recovery {name!r} matches "
                              f"{len(found)} places (lines {at})",
                              details=["make SEARCH an exact copy of the file's lines"])
        frag = fragment_edit(lines, search, replace) if spans is None else None
        if frag is not None:
            if isinstance(frag, str):
                return result("refused", frag,
                              details=["add more of the line to SEARCH until it is unique"])
            damage = transport_damage(search, replace, lines, self.canary_damage)
            if damage:
                return result("refused", "the new lines look damaged in transport",
                              details=damage)
            line, new_lines = frag
            crlf = content.crlf[line]
            ending = content.dominant_crlf() if crlf is None else crlf
            content.splice(line, 1, new_lines, [ending] * len(new_lines), None)
            if crlf is None:  # the file's last line had no ending: neither has the new last
                content.crlf[line + len(new_lines) - 1] = None
            return result("applied", f"applied as a fragment edit inside line {line + 1}",
                          file_line=line + 1, recovery="fragment")
        details = explain_no_match(lines, search, strict=self.strict,
                                   canary_damage=self.canary_damage)
        if not any(r.strip() for r in replace):
            details.append("a deletion leaves nothing to recognise: if this block ran before, "
                           "it is already applied")
        near = nearest_window(lines, search)  # the editor jumps there
        refusal = result("refused", "SEARCH not found in the file", details=details,
                         file_line=near[0] + 1 if near else None)
        if present is not None and not _search_still_there(lines, search, replace, present):
            # Weak evidence: the REPLACE text could stand there for another reason (a typo in
            # SEARCH, a line that exists elsewhere). It counts only if the whole reply agrees.
            refusal.details.append(
                f"its REPLACE text is already present at line {present}, but other blocks of "
                "this reply are not applied, so this is no proof that it was applied")
            return result("already", "SEARCH is gone and REPLACE is present: already applied",
                          file_line=present, unproven=refusal)
        return refusal

    def _splice(self, content: Content, match: Match, replace: list[str],
                offset: int | None, lines: list[str] | None = None) -> None:
        base = 0
        if lines is None:
            lines, base = content.window(offset, match.end - match.start), match.start
        new, new_cr = compose(match, lines, content.crlf, replace, content.dominant_crlf(), base)
        content.splice(match.start, match.end - match.start, new, new_cr, offset)

    def changes(self) -> list[FileChange]:
        out = []
        for st in self.states.values():
            after = st.content.to_bytes() if st.content is not None else None
            if after != st.before:
                out.append(FileChange(st.rel, st.path, st.before, after, st.mode))
        return sorted(out, key=lambda c: c.rel)


def _replace_present(content: Content, lines: list[str], search: list[str],
                     replace: list[str]) -> int | None:
    """The 1-based line where REPLACE stands once (as whole lines, or as the fragment a
    one-line SEARCH would have become), or None."""
    if not any(r.strip() for r in replace):
        return None
    again = content.find_lines(replace, 2)
    if len(again) == 1:
        return again[0][0] + 1
    if not again and len(search) == 1 and len(replace) == 1:
        return replace_present_fragment(lines, replace[0])
    return None


def _search_still_there(lines: list[str], search: list[str], replace: list[str],
                        present: int) -> bool:
    """Whether the SEARCH still stands, all but one of its lines in place, with a line the
    block removes among them: then it drifted or was damaged, and was not applied."""
    near = nearest_window(lines, search)
    if near is None:
        return False
    start, score = near
    solid = [j for j, s in enumerate(search) if s.strip()]
    if score < len(solid) - 1:
        return False
    keep = {r.strip() for r in replace}
    return any(search[j].strip() not in keep and start + j < len(lines)
               and lines[start + j].strip() == search[j].strip() for j in solid)


def plan(blocks: list[Block], root: Path, *, strict: bool = False,
         canary_damage: list[str] | None = None) -> Plan:
    """Every block's outcome and every file's new bytes, computed in memory."""
    planner = _Planner(root, strict, canary_damage or [])
    results = [planner.run(b) for b in blocks]
    # "Already applied" on the evidence of one block is believed only when every block is
    # already applied; otherwise those blocks are refused, so nothing is half-written.
    if any(r.status != "already" for r in results):
        results = [r.unproven if r.unproven is not None else r for r in results]
    return Plan(results, planner.changes())
