"""Read foo_files.py by parsing it with ``ast``: it is never imported or executed.

A chop is a module-level string assignment (usually triple-quoted). Each line of it is an
entry: a path (or a glob), a ``! command`` or an ``http(s)://`` URL. A leading ``#`` switches a
line off; notes may follow an entry (see ``split_note``); duplicates are dropped, the first kept.
Pipulate's other line kinds are recognised so they are never run or read by mistake: ``> prose``
is a note for the Manifest, and a sigil URL (``!https://…``, ``@``, ``$``, ``%``, ``?``) is one
of Pipulate's browser or cache "lenses", listed as skipped (see ``lens_meaning``).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageProblem
from ..model import Note

DEFAULT_CHOP = "AI_PHOOEY_CHOP"
MANIFEST_NAME = "foo_files.py"

# On a `!` line a note needs a gap of two or more spaces before `# `, so a `#` inside
# quoted shell text (`grep '# TODO'`) stays part of the command.
_COMMAND_NOTE = re.compile(r"[ \t]{2,}#(?:[ \t]|$)")
# On a URL line a `#` glued to the URL is a fragment, not a note.
_URL_NOTE = re.compile(r"<--|[ \t]#")
_PATH_NOTE = re.compile(r"<--|#")
_URL = re.compile(r"https?://", re.IGNORECASE)
_LENS = re.compile(r"([!@$%?])\s*(https?://\S.*)", re.IGNORECASE)
# What each Pipulate lens sigil asks for; prompt-foo implements none of them (no browser here).
LENS_SIGILS = {
    "!": "scrape the page in a real browser (Pipulate's browser lens)",
    "@": "read the page through one of Pipulate's browser/cache lenses ('@')",
    "$": "read the page through one of Pipulate's browser/cache lenses ('$')",
    "%": "read the page through one of Pipulate's browser/cache lenses ('%')",
    "?": "read the page through one of Pipulate's browser/cache lenses ('?')",
}
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_-]*)\}")


@dataclass(frozen=True)
class Entry:
    """One active manifest line."""

    text: str  # after notes are stripped and {k} substituted: "src/a.py", "! ls -la", "https://…"
    kind: str  # "path" | "command" | "url" | "lens" (a sigil URL, never fetched) | "prose" (a `>` note)
    line: int = 0  # line in ``file`` (0 when the entry came from elsewhere)
    note: str | None = None  # the inline note, if any
    origin: str = "manifest"  # "manifest" | "cli" | "default" | "changed"
    file: str = MANIFEST_NAME  # where the line is written: foo_files.py, or the overlay file


@dataclass
class Manifest:
    path: Path
    chop: str
    entries: list[Entry] = field(default_factory=list)
    chops: list[str] = field(default_factory=list)  # every chop name found in the file
    notes: list[Note] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)  # for the book's Manifest: prose lines, the overlay


@dataclass(frozen=True)
class _Var:
    name: str
    value: str | None  # None when the value is not a plain string constant
    lineno: int
    first_value_line: int  # file line holding the first character of the value


def read_manifest(root: Path, chop: str = DEFAULT_CHOP, args: dict[str, str] | None = None,
                  overlay: bool = True) -> Manifest | None:
    """The chosen chop of root/foo_files.py; None when there is no foo_files.py."""
    path = Path(root) / MANIFEST_NAME
    if not path.is_file():
        return None
    variables = _string_vars(path)
    chops = [v.name for v in variables.values() if v.value is not None]
    var = variables.get(chop)
    if var is None:
        listed = ", ".join(chops) if chops else "none"
        raise UsageProblem(f"{MANIFEST_NAME} has no chop named {chop!r}",
                           hint=f"Chops in {MANIFEST_NAME}: {listed}.")
    if var.value is None:
        raise UsageProblem(
            f"{MANIFEST_NAME}:{var.lineno}: {chop} is not a plain string",
            hint="prompt-foo reads foo_files.py without running it, so a chop must be a string "
                 "literal (no f-strings, joins or calls); use --arg k=v for {k} placeholders.")
    manifest = Manifest(path=path, chop=chop, chops=chops)
    from .overlay import splice_overlay

    lines = [(MANIFEST_NAME, var.first_value_line + i, raw) for i, raw in enumerate(var.value.split("\n"))]
    if overlay:
        lines = splice_overlay(lines, Path(root), chop, manifest.notes, manifest.remarks)
    manifest.entries = parse_lines(lines, args or {}, manifest.notes)
    manifest.remarks.extend(f"> {e.text}  ({e.file}:{e.line})" for e in manifest.entries if e.kind == "prose")
    manifest.entries = [e for e in manifest.entries if e.kind != "prose"]
    return manifest


def read_string_var(root: Path, name: str) -> str | None:
    """A top-level string variable of foo_files.py (for the @VAR prompt form)."""
    path = Path(root) / MANIFEST_NAME
    if not path.is_file():
        return None
    var = _string_vars(path).get(name)
    return None if var is None else var.value


def parse_chop(text: str, first_line: int = 1, args: dict[str, str] | None = None,
               notes: list[Note] | None = None) -> list[Entry]:
    """The active entries of one chop's text; ``first_line`` is the file line of its first line."""
    lines = [(MANIFEST_NAME, first_line + i, raw) for i, raw in enumerate(text.split("\n"))]
    return parse_lines(lines, args, notes)


def parse_lines(lines: list[tuple[str, int, str]], args: dict[str, str] | None = None,
                notes: list[Note] | None = None) -> list[Entry]:
    """The active entries of (file, line number, raw text) lines."""
    args = args or {}
    notes = notes if notes is not None else []
    used: set[str] = set()
    seen: dict[str, str] = {}
    entries: list[Entry] = []
    for where, lineno, raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(">"):  # prose for the reader of the book, never a path or a redirection
            prose = line[1:].strip()
            if prose:
                entries.append(Entry(text=prose, kind="prose", line=lineno, file=where))
            continue
        body, note = split_note(line)
        if not body:
            continue  # a line that is only a `<--` note
        body = _substitute(body, args, used, lineno, notes)
        kind = entry_kind(body)
        if kind == "command":
            command = body[1:].strip()
            if not command:
                raise UsageProblem(f"{where}:{lineno}: '!' with no command after it",
                                   hint="Write the shell command after the '!', or remove the line.")
            body = f"! {command}"
        if body in seen:
            notes.append(Note(f"{where}:{lineno}: duplicate of {seen[body]} dropped: {body}"))
            continue
        seen[body] = f"line {lineno}" if where == MANIFEST_NAME else f"{where}:{lineno}"
        entries.append(Entry(text=body, kind=kind, line=lineno, note=note, file=where))
    for key in sorted(set(args) - used):
        notes.append(Note(f"--arg {key}: no {{{key}}} in the chop", "warn"))
    return entries


def entry_kind(text: str) -> str:
    """"lens" for a sigil URL, "command" for `! …`, "url" for http(s)://…, else "path"."""
    if _LENS.fullmatch(text):
        return "lens"
    if text.startswith("!"):
        return "command"
    if _URL.match(text):
        return "url"
    return "path"


def split_note(line: str) -> tuple[str, str | None]:
    """(entry, note) for one stripped, active manifest line."""
    if _LENS.match(line) or _URL.match(line):
        pattern = _URL_NOTE
    elif line.startswith("!"):
        pattern = _COMMAND_NOTE
    elif _URL.match(line):
        pattern = _URL_NOTE
    else:
        pattern = _PATH_NOTE
    match = pattern.search(line)
    if not match:
        return line, None
    note = line[match.end():].strip().lstrip("#").strip()
    return line[: match.start()].rstrip(), note or None


def lens_meaning(text: str) -> tuple[str, str]:
    """(sigil, what Pipulate would have done) for a "lens" entry."""
    m = _LENS.fullmatch(text)
    sigil, url = m.group(1), m.group(2)
    return sigil, f"{LENS_SIGILS[sigil]} for {url}"


def _substitute(body: str, args: dict[str, str], used: set[str], lineno: int, notes: list[Note]) -> str:
    def replace(match: re.Match) -> str:
        key = match.group(1)
        if body[match.start() - 1: match.start()] == "{" and body[match.end(): match.end() + 1] == "}":
            return match.group()  # {{path}} is a command's file reference, not an --arg
        if key in args:
            used.add(key)
            return args[key]
        notes.append(Note(f"{MANIFEST_NAME}:{lineno}: {{{key}}} has no --arg {key}=… value; left as is", "warn"))
        return match.group()

    return _PLACEHOLDER.sub(replace, body)


def _string_vars(path: Path) -> dict[str, _Var]:
    """Module-level assignments of foo_files.py; a later assignment wins, as in Python."""
    try:
        source = path.read_bytes().decode("utf-8-sig")  # a BOM is fine: Python accepts it too
    except UnicodeDecodeError as exc:
        raise UsageProblem(f"{MANIFEST_NAME}: not valid UTF-8 (byte {exc.start})",
                           hint="Save foo_files.py as UTF-8.") from None
    try:
        tree = ast.parse(source, filename=MANIFEST_NAME)
    except SyntaxError as exc:
        where = f"{MANIFEST_NAME}:{exc.lineno}" if exc.lineno else MANIFEST_NAME
        shown = f": {exc.text.strip()}" if exc.text and exc.text.strip() else ""
        raise UsageProblem(
            f"{where}: not valid Python ({exc.msg}){shown}",
            hint="foo_files.py is parsed, never run; fix that line (an unclosed \"\"\" is the usual cause).",
        ) from None
    lines = source.splitlines(keepends=True)
    found: dict[str, _Var] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        is_str = isinstance(value, ast.Constant) and isinstance(value.value, str)
        for target in targets:
            if isinstance(target, ast.Name):
                found[target.id] = _Var(
                    target.id, value.value if is_str else None, node.lineno,
                    _first_value_line(value, lines) if is_str else node.lineno)
    return found


def _first_value_line(node: ast.Constant, lines: list[str]) -> int:
    """The file line of the string's first character: `\"\"\"\\` continues onto the next line."""
    row, col = node.lineno - 1, node.col_offset
    if row >= len(lines):
        return node.lineno
    # col_offset counts UTF-8 bytes; convert to characters before slicing.
    rest = lines[row].encode("utf-8")[col:].decode("utf-8", "replace")
    match = re.match(r"([rRbBuUfF]*)(\"\"\"|'''|\"|')", rest)
    raw = match is not None and "r" in match.group(1).lower()
    if match and not raw and rest[match.end():].rstrip("\r\n") == "\\":
        return node.lineno + 1
    return node.lineno
