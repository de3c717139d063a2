"""Figurate seals: ASCII art whose exact geometry is registered in a checked-in ledger.

Each seal renders twice: for people (a Rich ``Text`` with colour) and for models (plain
text). The ledger (imports/seals.json) holds the CRC32 of the plain rendering's exact UTF-8
bytes (one normalisation rule for every seal: none), its shape, and one CRC per line, so a
drifted line can be named without storing the art twice. Unknown names are errors.
"""

from __future__ import annotations

import binascii
import json
import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from .errors import SealDrift
from .atomic import write_atomic
from .seal_art import ART

LEDGER_PATH = Path(__file__).with_name("seals.json")
ART_MODULE = Path(__file__).with_name("seal_art.py")

# Colour markup names -> Rich styles. Only these tags are markup; any other <…> is art.
PALETTE = {
    "fur": "bold white",
    "eye": "bold magenta",
    "ink": "bold cyan",
    "dim": "dim",
    "box": "cyan",
    "key": "bold yellow",
}
# Late-bound placeholders: neutral during the colour pass, real markers at the last step.
PLACEHOLDERS = {
    "___SEARCH___": "[[[SEARCH]]]",
    "___DIVIDER___": "[[[DIVIDER]]]",
    "___REPLACE___": "[[[REPLACE]]]",
    "___WRITE_FILE___": "[[[WRITE_FILE]]]",
    "___END_WRITE_FILE___": "[[[END_WRITE_FILE]]]",
}
_TAG = re.compile(r"<(/?)(" + "|".join(map(re.escape, PALETTE)) + r")>")
_STRAY_PLACEHOLDER = re.compile(r"___[A-Z][A-Z_]*[A-Z]___")


class UnknownSeal(SealDrift):
    """A seal name that is not in FIGURATE_REGISTRY (never a pass)."""


class BrokenArt(SealDrift):
    """Art source whose colour markup or placeholders do not parse: it cannot be rendered."""


@dataclass(frozen=True)
class Seal:
    name: str
    meaning: str
    source: str  # art with colour markup and placeholders
    line: int | None = None  # the art file's line holding the art's first line, when known


@dataclass(frozen=True)
class FigurateResult:
    name: str
    meaning: str
    human: object  # a Rich renderable (Text), same characters as ``ai``
    ai: str  # plain text, markers bound
    crc: int
    drift: bool


@dataclass(frozen=True)
class LedgerEntry:
    crc: int
    lines: int
    width: int
    line_crcs: tuple[int, ...]


@dataclass(frozen=True)
class SealCheck:
    """The verdict for one seal: ``report`` is empty when it matches its ledger entry."""

    name: str
    expected: int | None
    actual: int | None
    report: str

    @property
    def ok(self) -> bool:
        return not self.report


FIGURATE_REGISTRY: dict[str, Seal] = {
    name: Seal(name, entry["meaning"], entry["art"]) for name, entry in ART.items()
}


@dataclass(frozen=True)
class Shelf:
    """One art file and the ledger that vouches for it: the built-in seals, or a project's own."""

    seals: dict[str, Seal]
    art_path: Path
    ledger_path: Path
    art_shown: str  # how messages name the art file
    ledger_shown: str  # how messages name the ledger
    project: bool = False


BUILTIN = Shelf(FIGURATE_REGISTRY, ART_MODULE, LEDGER_PATH, "imports/seal_art.py", LEDGER_PATH.name)


# -- rendering -------------------------------------------------------------------------

def colour_pass(source: str) -> list[tuple[str, str | None]]:
    """Split art source into (text, style) runs; only PALETTE tags are markup, never nested."""
    runs: list[tuple[str, str | None]] = []
    pos, open_tag = 0, None
    for m in _TAG.finditer(source):
        closing, name = m.group(1) == "/", m.group(2)
        if closing != (open_tag is not None) or (closing and name != open_tag):
            line = source.count("\n", 0, m.start()) + 1
            raise BrokenArt(f"art line {line}: unbalanced colour tag {m.group(0)!r}")
        if m.start() > pos:
            runs.append((source[pos:m.start()], PALETTE[open_tag] if open_tag else None))
        open_tag = None if closing else name
        pos = m.end()
    if open_tag is not None:
        raise BrokenArt(f"colour tag <{open_tag}> is never closed")
    if pos < len(source):
        runs.append((source[pos:], None))
    return runs


def bind_placeholders(text: str) -> str:
    """The last step: placeholders become the literal patch markers."""
    for token, marker in PLACEHOLDERS.items():
        text = text.replace(token, marker)
    return text


def render(source: str):
    """(human Rich Text, ai str) for an art source; both carry exactly the same characters.

    Raises BrokenArt (a SealDrift, exit 4) when the markup or placeholders do not parse."""
    from rich.text import Text  # lazy: rich is slow to import and --help should be fast

    runs = [(bind_placeholders(text), style) for text, style in colour_pass(source)]
    ai = "".join(text for text, _ in runs)
    stray = _STRAY_PLACEHOLDER.search(ai)
    if stray:  # a placeholder split by a colour tag, or misspelt: it would ship unbound
        raise BrokenArt(f"placeholder {stray.group(0)!r} survived binding")
    human = Text(no_wrap=True, overflow="ignore")
    for text, style in runs:
        human.append(text, style=style)
    return human, ai


def crc32(text: str) -> int:
    return binascii.crc32(text.encode("utf-8"))


def shape(ai: str) -> LedgerEntry:
    """What the ledger records for a rendering: lines split on LF only, so a CR stays visible."""
    from rich.cells import cell_len

    lines = ai.split("\n")
    return LedgerEntry(crc32(ai), len(lines), max(cell_len(line) for line in lines),
                       tuple(crc32(line) for line in lines))


# -- the ledger ------------------------------------------------------------------------

def load_ledger(path: Path = LEDGER_PATH) -> dict[str, LedgerEntry]:
    """The ledger file as entries by name (a missing or unreadable file is drift, exit 4)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {
            name: LedgerEntry(int(e["crc32"], 16), int(e["lines"]), int(e["width"]),
                              tuple(int(c, 16) for c in e["line_crc32"]))
            for name, e in data["seals"].items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SealDrift(f"the seal ledger {path} cannot be read ({exc})",
                        hint="Restore it from git, or re-ledger each seal deliberately.") from None


def ledger_text(entries: dict[str, LedgerEntry]) -> str:
    """The ledger file's text: sorted, one seal per entry, hex CRCs."""
    seals = {
        name: {"crc32": f"0x{e.crc:08x}", "lines": e.lines, "width": e.width,
               "line_crc32": [f"0x{c:08x}" for c in e.line_crcs]}
        for name, e in sorted(entries.items())
    }
    doc = {"about": "CRC32 of each seal's plain rendering (UTF-8, no normalisation); "
                    "change only with `prompt-foo --reledger NAME`", "seals": seals}
    return json.dumps(doc, indent=1) + "\n"


# -- checking --------------------------------------------------------------------------

_NAMED = {"\t": "<TAB>", "\r": "<CR>", "\u00a0": "<NBSP>", "\ufeff": "<BOM>"}


def make_visible(line: str) -> str:
    """The line with every invisible or look-alike character named, trailing spaces as <SP>."""
    body = line.rstrip(" ")
    out = []
    for ch in body:
        if ch in _NAMED:
            out.append(_NAMED[ch])
        elif ch != " " and (unicodedata.category(ch) in ("Cc", "Cf", "Zs", "Zl", "Zp")):
            out.append(f"<U+{ord(ch):04X} {unicodedata.name(ch, 'UNNAMED')}>")
        else:
            out.append(ch)
    return "|" + "".join(out) + "<SP>" * (len(line) - len(body)) + "|"


def drift_report(name: str, ai: str, entry: LedgerEntry, where: tuple[str, int] | None = None) -> str:
    """Empty when ``ai`` matches ``entry``; else expected/actual CRC, shape and each bad line.

    ``where`` (art file, line of the art's first line) adds each bad line's place in the file."""
    actual = shape(ai)
    if actual == entry:
        return ""
    out = [f"seal {name!r} has drifted from the ledger",
           f"  crc32: expected 0x{entry.crc:08x}, actual 0x{actual.crc:08x}",
           f"  shape: expected {entry.lines} lines x {entry.width} columns, "
           f"actual {actual.lines} lines x {actual.width} columns"]
    lines = ai.split("\n")
    # Align line CRCs so a deleted or inserted line names itself instead of shifting the rest.
    sm = SequenceMatcher(a=entry.line_crcs, b=actual.line_crcs, autojunk=False)
    def at(j: int) -> str:  # art line j (0-based) as `line N`, with its file:line when known
        return f"line {j + 1}" + (f" ({where[0]}:{where[1] + j})" if where else "")

    for op, a1, a2, b1, b2 in sm.get_opcodes():
        if op == "equal":
            continue
        for i in range(a1, a2):
            if i - a1 >= b2 - b1:
                blank = " (it was blank)" if entry.line_crcs[i] == crc32("") else ""
                out.append(f"  line {i + 1}: missing{blank}")
        for j in range(b1, b2):
            kind = "changed" if j - b1 < a2 - a1 else "added"
            out.append(f"  {at(j)}: {kind}: {make_visible(lines[j])}")
    if len(out) == 3:
        out.append("  (the ledger entry is inconsistent with itself; re-ledger deliberately)")
    return "\n".join(out)


def check_text(name: str, ai: str, entry: LedgerEntry) -> SealCheck:
    """The pure check of one rendering against one ledger entry."""
    return SealCheck(name, entry.crc, crc32(ai), drift_report(name, ai, entry))


def _seal(name: str, shelf: Shelf = BUILTIN) -> Seal:
    try:
        return shelf.seals[name]
    except KeyError:
        known = ", ".join(sorted(shelf.seals))
        raise UnknownSeal(f"no seal named {name!r} (known: {known})") from None


def _where(shelf: Shelf, seal: Seal) -> tuple[str, int] | None:
    return (shelf.art_shown, seal.line) if seal.line is not None else None


def _render_seal(shelf: Shelf, seal: Seal):
    try:
        return render(seal.source)
    except BrokenArt as exc:  # name the file: a project's art can be anywhere in its tree
        if not shelf.project:
            raise
        raise BrokenArt(f"{shelf.art_shown}, seal {seal.name!r} (art from line {seal.line}): "
                        f"{exc.message}") from None


def _shelf_ledger(shelf: Shelf) -> dict[str, LedgerEntry]:
    # A project's first seal has no ledger yet: that is "no ledger entry", not an unreadable file.
    if shelf.project and not shelf.ledger_path.exists():
        return {}
    return load_ledger(shelf.ledger_path)


def figurate(name: str, *, ledger: dict[str, LedgerEntry] | None = None,
             shelf: Shelf = BUILTIN) -> FigurateResult:
    """Both renderings of a seal and whether they drifted (unknown or unledgered: an error)."""
    seal = _seal(name, shelf)
    human, ai = _render_seal(shelf, seal)
    entries = _shelf_ledger(shelf) if ledger is None else ledger
    if name not in entries:
        raise SealDrift(f"seal {name!r} has no ledger entry in {shelf.ledger_shown}",
                        hint=f"Ledger it deliberately: prompt-foo --reledger {name}")
    return FigurateResult(name, seal.meaning, human, ai, crc32(ai), shape(ai) != entries[name])


def assert_figurate_seal(name: str, shelf: Shelf = BUILTIN) -> FigurateResult:
    """The seal, or SealDrift (exit 4) with a line-by-line report; unknown names are errors."""
    ledger = _shelf_ledger(shelf)
    result = figurate(name, ledger=ledger, shelf=shelf)
    if result.drift:
        report = drift_report(name, result.ai, ledger[name], _where(shelf, shelf.seals[name]))
        if shelf.project:
            report += f"\n  art: {shelf.art_shown}; ledger: {shelf.ledger_shown}"
        raise SealDrift(report, hint=f"If the change is intended: prompt-foo --reledger {name} "
                                     "(shows before/after art). Otherwise restore the art.")
    return result


def check_all_seals(shelf: Shelf = BUILTIN, names=None) -> list[SealCheck]:
    """The shelf's seals (or only ``names``) checked, plus ledger entries that name no seal."""
    ledger = _shelf_ledger(shelf)
    checks = []
    for name in sorted(shelf.seals if names is None else names):
        try:
            ai = _render_seal(shelf, shelf.seals[name])[1]
        except BrokenArt as exc:
            checks.append(SealCheck(name, ledger[name].crc if name in ledger else None, None,
                                    f"seal {name!r}: its art source is broken: {exc.message}"))
            continue
        if name in ledger:
            checks.append(SealCheck(name, ledger[name].crc, crc32(ai),
                                    drift_report(name, ai, ledger[name], _where(shelf, shelf.seals[name]))))
        else:
            checks.append(SealCheck(name, None, crc32(ai),
                                    f"seal {name!r}: no ledger entry in {shelf.ledger_shown} "
                                    f"(prompt-foo --reledger {name})"))
    for name in sorted(set(ledger) - set(shelf.seals) if names is None else ()):
        checks.append(SealCheck(name, ledger[name].crc, None, "ledger entry for a seal that does not exist"))
    return checks


# -- re-ledgering (deliberate) ---------------------------------------------------------

@dataclass(frozen=True)
class Reledger:
    name: str
    before: LedgerEntry | None
    after: LedgerEntry
    before_art: str | None  # from git HEAD when its rendering matches the old entry
    after_art: str
    text: str  # the new ledger file

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _art_at_head(name: str, shelf: Shelf = BUILTIN) -> str | None:
    """The seal's plain rendering as committed at HEAD, read with ast (never executed)."""
    import ast

    import git

    try:
        repo = git.Repo(shelf.art_path.parent, search_parent_directories=True)
        rel = shelf.art_path.resolve().relative_to(Path(repo.working_tree_dir).resolve()).as_posix()
        old = repo.git.show(f"HEAD:{rel}")
        for node in ast.parse(old).body:
            if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "ART":
                return render(ast.literal_eval(node.value)[name]["art"])[1]
    except (git.exc.GitError, OSError, ValueError, KeyError, TypeError, SyntaxError, SealDrift):
        return None
    return None


def plan_reledger(name: str, shelf: Shelf = BUILTIN) -> Reledger:
    """Before/after CRCs and art for one seal, and the ledger text that records the new art."""
    seal = _seal(name, shelf)
    after_art = _render_seal(shelf, seal)[1]
    try:
        ledger = _shelf_ledger(shelf)
    except SealDrift:
        if shelf.project:  # never overwrite a project's unreadable ledger and lose its entries
            raise
        ledger = {}
    before = ledger.get(name)
    old_art = _art_at_head(name, shelf) if before else None
    if old_art is not None and shape(old_art) != before:
        old_art = None
    after = shape(after_art)
    text = ledger_text({**ledger, name: after})
    return Reledger(name, before, after, old_art, after_art, text)


def write_ledger(text: str, path: Path = LEDGER_PATH) -> None:
    """Replace the ledger atomically (a temp file in the same folder, then os.replace)."""
    write_atomic(path, text, make_parents=False)
