"""Signatures: a file cut down to its classes, functions, their signatures and the first line
of each docstring (what `--compress` and `--fit` put in the book for a file that does not fit whole).

Tree-sitter parses the common languages (Python, JavaScript, TypeScript/TSX, Go, Rust, Java);
every other file, or a grammar that is not installed, gets the plain fallback: Markdown
headings, lines that look like definitions, else the first lines. The same walk also names
what the file defines, which the reference graph in ``rank`` needs. Pure functions; the
result is cached by content hash in ``analysis.AnalysisCache``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# file suffix -> grammar key
GRAMMARS = {
    ".py": "python", ".pyi": "python",
    ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascript",
    ".ts": "typescript", ".mts": "typescript", ".cts": "typescript", ".tsx": "tsx",
    ".go": "go", ".rs": "rust", ".java": "java",
}
_MODULES = {"python": "tree_sitter_python", "javascript": "tree_sitter_javascript",
            "typescript": "tree_sitter_typescript", "tsx": "tree_sitter_typescript",
            "go": "tree_sitter_go", "rust": "tree_sitter_rust", "java": "tree_sitter_java"}
_WHOLE_LINES = 12  # a struct/interface/type alias up to this many lines is its own signature


@dataclass(frozen=True)
class _Spec:
    defs: frozenset  # definitions shown as header (+ docstring) without their body
    containers: frozenset  # definitions whose members are shown too
    whole: frozenset  # short declarations shown as they are (structs, interfaces, type aliases)
    wrappers: frozenset  # nodes that wrap a definition (export, decorators)
    python_style: bool = False


def _spec(defs="", containers="", whole="", wrappers="", python_style=False) -> _Spec:
    return _Spec(frozenset(defs.split()), frozenset(containers.split()), frozenset(whole.split()),
                 frozenset(wrappers.split()), python_style)


_JS_DEFS = "function_declaration generator_function_declaration method_definition"
_JS_CONTAINERS = "class_declaration abstract_class_declaration class"
_TS_WHOLE = ("interface_declaration type_alias_declaration enum_declaration function_signature "
             "abstract_method_signature method_signature")
SPECS = {
    "python": _spec("function_definition", "class_definition", "", "decorated_definition", True),
    "javascript": _spec(_JS_DEFS, _JS_CONTAINERS, "", "export_statement"),
    "typescript": _spec(_JS_DEFS, _JS_CONTAINERS + " internal_module", _TS_WHOLE, "export_statement"),
    "tsx": _spec(_JS_DEFS, _JS_CONTAINERS + " internal_module", _TS_WHOLE, "export_statement"),
    "go": _spec("function_declaration method_declaration", "", "type_declaration"),
    "rust": _spec("function_item", "trait_item impl_item mod_item",
                  "function_signature_item struct_item enum_item type_item union_item"),
    "java": _spec("method_declaration constructor_declaration",
                  "class_declaration interface_declaration enum_declaration record_declaration", ""),
}


@dataclass(frozen=True)
class Signatures:
    text: str  # the signature view of the file ("" when there is nothing to show)
    defines: tuple[str, ...]  # names the file defines, in order of appearance, no repeats
    method: str  # "tree-sitter python", "plain" …


def grammar_for(path: str) -> str | None:
    dot = path.rfind(".")
    return GRAMMARS.get(path[dot:].lower()) if dot >= 0 else None


@lru_cache(maxsize=None)
def _parser(key: str):
    """A tree-sitter parser for ``key``, or None when the package or its grammar is missing."""
    try:
        import importlib

        import tree_sitter

        module = importlib.import_module(_MODULES[key])
        if key == "typescript":
            lang = module.language_typescript()
        elif key == "tsx":
            lang = module.language_tsx()
        else:
            lang = module.language()
        return tree_sitter.Parser(tree_sitter.Language(lang))
    except (ImportError, AttributeError, ValueError, TypeError):
        return None


def signatures(path: str, text: str) -> Signatures:
    """The signature view of ``text`` (the file at ``path``), deterministic for the same input."""
    key = grammar_for(path)
    parser = _parser(key) if key else None
    if parser is not None:
        sig = _TreeWalk(SPECS[key], text).run(parser)
        if sig.text:
            return Signatures(sig.text, sig.defines, f"tree-sitter {key}")
        if not text.strip():
            return sig
    return plain_signatures(path, text)


# --- the plain fallback -----------------------------------------------------------------

_HEADING = re.compile(r"^#{1,6} \S.*$", re.M)
_DEF_LINE = re.compile(
    r"^[ \t]*(?:export\s+|pub(?:\([^)]*\))?\s+|public\s+|private\s+|protected\s+|static\s+|async\s+|abstract\s+)*"
    r"(?:def|class|function|func|fn|struct|interface|trait|enum|type|module|sub|proc)\s+\(?[\w$.*]+.*$",
    re.M)
_DEF_NAME = re.compile(r"(?:def|class|function|func|fn|struct|interface|trait|enum|type|module|sub|proc)"
                       r"\s+(?:\([^)]*\)\s*)?\*?([A-Za-z_$][\w$]*)")
_HEAD_LINES = 3


def plain_signatures(path: str, text: str) -> Signatures:
    lines = text.splitlines()
    if path.lower().endswith((".md", ".markdown", ".mdx")):
        found = _HEADING.findall(text)
        if found:
            return Signatures("\n".join(found) + "\n", (), "plain (headings)")
    found = [m.group(0).rstrip() for m in _DEF_LINE.finditer(text)]
    if found:
        names = [m.group(1) for line in found for m in [_DEF_NAME.search(line)] if m]
        return Signatures("\n".join(found) + "\n", tuple(dict.fromkeys(names)), "plain (definition lines)")
    head = lines[:_HEAD_LINES]
    if len(lines) > _HEAD_LINES:
        head.append(f"… ({len(lines) - _HEAD_LINES:,} more lines)")
    return Signatures("\n".join(head) + "\n" if head else "", (), "plain (first lines)")


# --- the tree-sitter walk ------------------------------------------------------------------

class _TreeWalk:
    def __init__(self, spec: _Spec, text: str):
        self.spec, self.text = spec, text
        self.src = text.encode("utf-8", "surrogatepass")
        self.out: list[str] = []
        self.defines: dict[str, None] = {}

    def run(self, parser) -> Signatures:
        tree = parser.parse(self.src)
        self.walk(tree.root_node)
        body = "\n".join(self.out)
        return Signatures(body + "\n" if body else "", tuple(self.defines), "tree-sitter")

    def slice(self, start: int, end: int) -> str:
        return self.src[start:end].decode("utf-8", "replace")

    def indent(self, start: int) -> str:
        """The whitespace before ``start`` on its line (so the header keeps its column)."""
        line_start = self.src.rfind(b"\n", 0, start) + 1
        lead = self.src[line_start:start]
        return lead.decode("utf-8", "replace") if not lead.strip() else ""

    def walk(self, node) -> None:
        spec = self.spec
        for child in node.named_children:
            kind = child.type
            if kind in spec.wrappers:
                target = (child.child_by_field_name("definition") or child.child_by_field_name("declaration"))
                if target is not None and self.is_definition(target):
                    self.emit(target, child.start_byte, child)
                elif target is not None and target.type in ("lexical_declaration", "variable_declaration"):
                    self.arrow(target, child)
                else:
                    self.walk(child)
            elif self.is_definition(child):
                self.emit(child, child.start_byte)
            elif kind in ("lexical_declaration", "variable_declaration"):
                self.arrow(child)

    def is_definition(self, node) -> bool:
        s = self.spec
        return node.type in s.defs or node.type in s.containers or node.type in s.whole

    def name_of(self, node) -> None:
        name = node.child_by_field_name("name") or node.child_by_field_name("type")
        if name is None and node.type == "type_declaration":  # Go: type ( A struct{}; B int )
            for spec in node.named_children:
                inner = spec.child_by_field_name("name")
                if inner is not None:
                    self.defines.setdefault(self.slice(inner.start_byte, inner.end_byte), None)
            return
        if name is not None:
            self.defines.setdefault(self.slice(name.start_byte, name.end_byte), None)

    def emit(self, node, start: int, anchor=None) -> None:
        """``node`` from byte ``start`` (its wrapper's start); ``anchor`` is where doc comments sit."""
        anchor = anchor or node
        self.name_of(node)
        body = node.child_by_field_name("body")
        pad = self.indent(start)
        if node.type in self.spec.whole or body is None:
            whole = self.slice(start, node.end_byte).rstrip()
            lines = whole.split("\n")
            if len(lines) > _WHOLE_LINES:
                whole = "\n".join(lines[:_WHOLE_LINES]) + f"\n{pad}    … ({len(lines) - _WHOLE_LINES} more lines)"
            self.out.extend(self.comment(anchor, pad) + [pad + whole])
            return
        header = self.slice(start, body.start_byte).rstrip()
        if self.spec.python_style:
            self.out.append(pad + header)
            doc = self.docstring(body)
            inner = self.indent(body.start_byte) or pad + "    "
            if doc:
                self.out.append(f'{inner}"""{doc}"""')
            if node.type in self.spec.containers:
                before = len(self.out)
                self.walk(body)
                if len(self.out) == before and not doc:
                    self.out.append(inner + "...")
            elif not doc:
                self.out.append(inner + "...")
            return
        self.out.extend(self.comment(anchor, pad))
        if node.type in self.spec.containers:
            self.out.append(f"{pad}{header} {{")
            before = len(self.out)
            self.walk(body)
            if len(self.out) == before:
                self.out[-1] += " … }"
            else:
                self.out.append(pad + "}")
        else:
            self.out.append(f"{pad}{header} {{ … }}")

    def arrow(self, node, anchor=None) -> None:
        """`const f = (a) => …` and `let g = function (…) {…}`: shown like functions."""
        for decl in node.named_children:
            value = decl.child_by_field_name("value")
            name = decl.child_by_field_name("name")
            if value is None or name is None or value.type not in ("arrow_function", "function_expression",
                                                                    "function"):
                continue
            self.defines.setdefault(self.slice(name.start_byte, name.end_byte), None)
            body = value.child_by_field_name("body")
            end = body.start_byte if body is not None else value.end_byte
            anchor = anchor or node
            pad = self.indent(anchor.start_byte)
            self.out.extend(self.comment(anchor, pad))
            self.out.append(pad + self.slice(anchor.start_byte, end).rstrip() + " …")

    def docstring(self, body) -> str:
        first = body.named_children[0] if body.named_children else None
        if first is None or first.type != "expression_statement" or not first.named_children:
            return ""
        string = first.named_children[0]
        if string.type != "string":
            return ""
        raw = self.slice(string.start_byte, string.end_byte)
        inner = raw.lstrip("rRbBuUfF").strip("\"'")
        for line in inner.splitlines():
            if line.strip():
                return line.strip().replace('"""', '\\"\\"\\"')
        return ""

    def comment(self, node, pad: str) -> list[str]:
        """The first line of the comment block just above ``node`` (doc comments in brace languages)."""
        prev, first = node.prev_named_sibling, None
        row = node.start_point.row
        while prev is not None and "comment" in prev.type and prev.end_point.row >= row - 1:
            first, row = prev, prev.start_point.row
            prev = prev.prev_named_sibling
        if first is None:
            return []
        for line in self.slice(first.start_byte, first.end_byte).splitlines():
            line = line.strip().lstrip("/*!").strip()
            line = line[:-2].rstrip() if line.endswith("*/") else line
            if line:
                return [f"{pad}// {line}"]
        return []
