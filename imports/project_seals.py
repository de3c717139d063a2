"""A repository's own figurate seals, declared in its pyproject.toml and read without running code.

    [tool.prompt-foo.seals]
    art = "seals/art.py"          # ART = {"name": {"meaning": "...", "art": \"\"\"...\"\"\"}}
    ledger = "seals/seals.json"   # written only by `prompt-foo --reledger NAME`
    signature = "lighthouse"      # the seal the book's Seal section shows (default: white_rabbit)

The art file is parsed with ast and its ``ART`` dict read with ``ast.literal_eval``: nothing in it
runs. The source goes through Python's own tokenizer, exactly as the built-in art does on import,
so the ledger's one rule holds for both (CRC of the plain rendering's UTF-8 bytes; CRLF in a
string literal reads as LF, as it does in any Python source). Project seal names may not shadow
the built-in ones: a book must never be able to show a project's art under the rabbit's name.
"""

from __future__ import annotations

import ast
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .ascii_displays import (
    BUILTIN, FIGURATE_REGISTRY, FigurateResult, Seal, SealCheck, Shelf, UnknownSeal,
    assert_figurate_seal, check_all_seals, figurate,
)
from .errors import UsageProblem

TABLE = "[tool.prompt-foo.seals]"
KEYS = {"art", "ledger", "signature"}
DEFAULT_SIGNATURE = "white_rabbit"
BOOK_BUILTINS = ("player_piano",)  # the Prompt section's panel, whatever the signature
_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")


def _bad(key: str, what: str, hint: str = "See README.md, section 'Your own seals'.") -> UsageProblem:
    return UsageProblem(f"pyproject.toml {TABLE} {key}: {what}", hint=hint)


def _inside(root: Path, key: str, value) -> tuple[Path, str]:
    if not isinstance(value, str) or not value.strip():
        raise _bad(key, f"expected a file path relative to the repository root, got {value!r}")
    rel = PurePosixPath(value)
    if rel.is_absolute() or ".." in rel.parts:
        raise _bad(key, f"{value!r} must be inside the repository (relative, without '..')")
    path = root / rel
    try:  # a symlink out of the tree would read (or, for the ledger, write) someone else's file
        path.resolve().relative_to(root.resolve())
    except ValueError:
        raise _bad(key, f"{value!r} leads outside the repository") from None
    if os.path.exists(path) and not os.path.isfile(path):  # a FIFO would hang the read
        raise _bad(key, f"{value!r} is not a regular file (a folder, FIFO or device)")
    return path, rel.as_posix()


def _first_art_line(lines: list[bytes], node: ast.expr) -> int:
    """The file line holding the art's first line: after the quotes, or the next line after `\\`."""
    rest = lines[node.lineno - 1][node.col_offset:].decode("utf-8", "replace")
    m = re.match(r"[rRuU]?(\"\"\"|'''|\"|')", rest)
    if m and rest[m.end():].rstrip("\r\n") == "\\":
        return node.lineno + 1
    return node.lineno


def read_art(path: Path, shown: str) -> dict[str, Seal]:
    """The seals of an art file, by name (UsageProblem naming the file and line if it is not one)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _bad("art", f"{shown} does not exist",
                   hint="Create it with `prompt-foo --new-seal NAME`, or fix the path.") from None
    except OSError as exc:
        raise _bad("art", f"{shown} cannot be read ({exc.strerror})") from None
    try:
        tree = ast.parse(raw, filename=shown)
    except (SyntaxError, ValueError) as exc:
        line = f", line {exc.lineno}" if getattr(exc, "lineno", None) else ""
        raise _bad("art", f"{shown}{line}: not valid Python ({getattr(exc, 'msg', exc)})") from None
    assigns = [n for n in tree.body if isinstance(n, ast.Assign) and len(n.targets) == 1
               and isinstance(n.targets[0], ast.Name) and n.targets[0].id == "ART"]
    if len(assigns) != 1 or not isinstance(assigns[0].value, ast.Dict):
        raise _bad("art", f"{shown}: expected one top-level `ART = {{...}}` dict literal, "
                          f"found {len(assigns)} assignment(s) to ART")
    lines = raw.split(b"\n")
    seals: dict[str, Seal] = {}
    for key, value in zip(assigns[0].value.keys, assigns[0].value.values):
        where = f"{shown}, line {(key or value).lineno}"
        try:
            name, entry = ast.literal_eval(key), ast.literal_eval(value)
        except (ValueError, TypeError, SyntaxError):
            raise _bad("art", f"{where}: only literal strings and dicts are read (nothing is run)"
                       ) from None
        if not isinstance(name, str) or not _NAME.match(name):
            raise _bad("art", f"{where}: seal name {name!r} must be lower_snake_case")
        if not isinstance(entry, dict) or set(entry) != {"meaning", "art"} or not all(
                isinstance(v, str) for v in entry.values()):
            raise _bad("art", f"{where}: seal {name!r} must be {{\"meaning\": str, \"art\": str}}")
        if name in FIGURATE_REGISTRY:
            raise _bad("art", f"{where}: {name!r} is a built-in seal's name; give yours another")
        if name in seals:
            raise _bad("art", f"{where}: seal {name!r} is defined twice")
        art_node = next(v for k, v in zip(value.keys, value.values) if ast.literal_eval(k) == "art")
        seals[name] = Seal(name, entry["meaning"], entry["art"], _first_art_line(lines, art_node))
    return seals


@dataclass(frozen=True)
class Catalogue:
    """Every seal one run knows: the built-in shelf, and the project's when it brings one."""

    project: Shelf | None = None
    signature: str = DEFAULT_SIGNATURE
    shelves: tuple[Shelf, ...] = field(default=(BUILTIN,))

    @property
    def names(self) -> list[str]:
        return sorted(n for shelf in self.shelves for n in shelf.seals)

    def shelf_of(self, name: str) -> Shelf:
        for shelf in self.shelves:
            if name in shelf.seals:
                return shelf
        raise UnknownSeal(f"no seal named {name!r} (known: {', '.join(self.names)})")

    def assert_seal(self, name: str) -> FigurateResult:
        return assert_figurate_seal(name, self.shelf_of(name))

    def figurate(self, name: str) -> FigurateResult:
        return figurate(name, shelf=self.shelf_of(name))

    def book_seals(self) -> tuple[str, ...]:
        """The seals a book carries: its signature first, then the Prompt's panel."""
        return (self.signature, *(n for n in BOOK_BUILTINS if n != self.signature))

    def checks(self) -> list[tuple[Shelf, list[SealCheck]]]:
        """--check-seals: all of the project's seals, and the built-in ones its books use."""
        if self.project is None:
            return [(BUILTIN, check_all_seals(BUILTIN))]
        used = [n for n in self.book_seals() if n in BUILTIN.seals]
        return [(self.project, check_all_seals(self.project)), (BUILTIN, check_all_seals(BUILTIN, used))]


def load_catalogue(root: Path, settings: dict) -> Catalogue:
    """The seals of the repository at ``root`` ([tool.prompt-foo] ``settings``)."""
    table = settings.get("seals")
    if table is None:
        return Catalogue()
    if not isinstance(table, dict):
        raise _bad("", "must be a table with art, ledger and (optionally) signature")
    unknown = sorted(set(table) - KEYS)
    if unknown:
        raise _bad(unknown[0], f"unknown key (known: {', '.join(sorted(KEYS))})")
    for key in ("art", "ledger"):
        if key not in table:
            raise _bad(key, "missing (the art file and its ledger go together)")
    art_path, art_shown = _inside(root, "art", table["art"])
    ledger_path, ledger_shown = _inside(root, "ledger", table["ledger"])
    shelf = Shelf(read_art(art_path, art_shown), art_path, ledger_path, art_shown, ledger_shown,
                  project=True)
    signature = table.get("signature", DEFAULT_SIGNATURE)
    catalogue = Catalogue(shelf, signature, (shelf, BUILTIN))
    if not isinstance(signature, str) or signature not in catalogue.names:
        raise _bad("signature", f"no seal named {signature!r} (known: {', '.join(catalogue.names)})")
    return catalogue


STARTER = '''\
"""This project's figurate seals, read by prompt-foo with ast (never run).

Markup: <fur> <eye> <ink> <dim> <box> <key> ... </...> colour a run in the terminal; every other
character is art, and every space is counted by the ledger. Change art, then run
`prompt-foo --reledger NAME` to record it deliberately.
"""

ART = {
}
'''


def starter_entry(name: str) -> str:
    return (f'    "{name}": {{\n'
            f'        "meaning": "what the {name} seal vouches for",\n'
            '        "art": """\\\n'
            f'<ink>+--------------+</ink>\n'
            f'<ink>|</ink> {name[:12]:<12} <ink>|</ink>\n'
            f'<ink>+--------------+</ink>""",\n'
            '    },\n')


def add_starter(root: Path, settings: dict, name: str) -> tuple[Path, str, str]:
    """The art file's path, its shown name and its new text with a starter entry for ``name``."""
    if not _NAME.match(name):
        raise UsageProblem(f"--new-seal {name!r}: a seal name is lower_snake_case (e.g. lighthouse)")
    table = settings.get("seals")
    if not isinstance(table, dict) or "art" not in table:
        raise UsageProblem(f"--new-seal: pyproject.toml has no {TABLE} art = \"...\"",
                           hint=f'Add {TABLE} with art = "seals/art.py", ledger = "seals/seals.json".')
    path, shown = _inside(root, "art", table["art"])
    text = path.read_text(encoding="utf-8") if path.exists() else STARTER
    known = read_art(path, shown) if path.exists() else {}
    if name in known or name in FIGURATE_REGISTRY:
        raise UsageProblem(f"--new-seal {name}: {shown} or the built-in seals already have it")
    tree = ast.parse(text)
    node = next((n for n in tree.body if isinstance(n, ast.Assign)
                 and getattr(n.targets[0], "id", "") == "ART"), None)
    if node is None:
        raise UsageProblem(f"--new-seal: {shown} has no ART = {{...}} to add to")
    lines = text.splitlines(keepends=True)
    close = node.value.end_lineno - 1  # the line of the dict's closing brace
    col = len(lines[close].encode("utf-8")[:node.value.end_col_offset - 1].decode("utf-8"))
    before, after = lines[close][:col], lines[close][col:]
    if before.strip():  # `ART = {...}` ends on a line of its own content: break before the brace
        head = before.rstrip()
        lines[close:close + 1] = [head + ("" if head.endswith(("{", ",")) else ",") + "\n",
                                  starter_entry(name), after]
    else:
        prev = max((i for i in range(close) if lines[i].strip()), default=None)
        if prev is not None and not lines[prev].rstrip().endswith(("{", ",")):
            lines[prev] = lines[prev].rstrip("\r\n") + ",\n"
        lines.insert(close, starter_entry(name))
    new = "".join(lines)
    try:  # never leave the art file unreadable: what we write must read back with the new seal
        ast.parse(new)
    except SyntaxError:
        raise UsageProblem(f"--new-seal: could not add {name!r} to {shown} cleanly; add it by hand"
                           ) from None
    return path, shown, new
