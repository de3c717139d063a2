"""Signatures per language (tree-sitter, and the plain fallback), and `--compress` end to end."""

from __future__ import annotations

import pytest

from conftest import run_cli
from prompt_foo_loom.book.compress import plain_signatures, signatures

PYTHON = '''\
import os


@decorated
def add(a: int, b: int = 1) -> int:
    """Add two numbers.

    More words that stay out."""
    total = a + b
    return total


class Store(Base):
    """Keeps things."""

    limit = 3

    def get(self, key):
        return self.data[key]

    async def fetch(self, *keys) -> list:
        return [await self.get(k) for k in keys]
'''


def test_python_keeps_signatures_and_first_docstring_lines_only():
    sig = signatures("pkg/store.py", PYTHON)
    assert sig.text == (
        '@decorated\n'
        'def add(a: int, b: int = 1) -> int:\n'
        '    """Add two numbers."""\n'
        'class Store(Base):\n'
        '    """Keeps things."""\n'
        '    def get(self, key):\n'
        '        ...\n'
        '    async def fetch(self, *keys) -> list:\n'
        '        ...\n')
    assert sig.defines == ("add", "Store", "get", "fetch")
    assert sig.method == "tree-sitter python"


def test_typescript_exports_arrows_interfaces_and_doc_comments():
    text = ('/** Adds things.\n * more */\nexport function add(a: number, b: number): number { return a + b }\n'
            'export const twice = (x: string): string => { return x + x }\n'
            'export interface Point { x: number; y: number }\n'
            'export class Shape extends Base {\n  // the area\n  area(): number { return 0 }\n}\n')
    sig = signatures("src/shape.ts", text)
    assert sig.text == ('// Adds things.\nexport function add(a: number, b: number): number { … }\n'
                        'export const twice = (x: string): string => …\n'
                        'export interface Point { x: number; y: number }\n'
                        'export class Shape extends Base {\n  // the area\n  area(): number { … }\n}\n')
    assert sig.defines == ("add", "twice", "Point", "Shape", "area")


def test_javascript_and_tsx_parse_with_their_own_grammars():
    js = signatures("a.js", "function hello(name) {\n  return 'hi ' + name\n}\n")
    assert (js.text, js.method) == ("function hello(name) { … }\n", "tree-sitter javascript")
    tsx = signatures("a.tsx", "export function View(p: Props) { return <div>{p.x}</div> }\n")
    assert (tsx.text, tsx.method) == ("export function View(p: Props) { … }\n", "tree-sitter tsx")


def test_go_functions_methods_and_types():
    text = ('package shop\n\n// Total sums the cart.\n// Second line.\nfunc Total(items []Item) int {\n\treturn 0\n}\n\n'
            'type Item struct {\n\tPrice int\n}\n\nfunc (c *Cart) Add(i Item) error {\n\treturn nil\n}\n')
    sig = signatures("shop/cart.go", text)
    assert sig.text == ('// Total sums the cart.\nfunc Total(items []Item) int { … }\n'
                        'type Item struct {\n\tPrice int\n}\nfunc (c *Cart) Add(i Item) error { … }\n')
    assert sig.defines == ("Total", "Item", "Add")


def test_rust_items_impls_and_traits():
    text = ('/// Adds one.\npub fn inc(x: i32) -> i32 {\n    x + 1\n}\n\npub struct P { x: i32 }\n\n'
            'impl P {\n    pub fn new() -> Self {\n        P { x: 0 }\n    }\n}\n')
    sig = signatures("src/lib.rs", text)
    assert sig.text == ('// Adds one.\npub fn inc(x: i32) -> i32 { … }\npub struct P { x: i32 }\n'
                        'impl P {\n    pub fn new() -> Self { … }\n}\n')
    assert sig.defines == ("inc", "P", "new")


def test_java_classes_constructors_and_methods():
    text = ('package x;\n\n/** A counter. */\npublic class Counter {\n    private int n;\n'
            '    public Counter() { n = 0; }\n    /** Adds one. */\n    public int inc() { return ++n; }\n}\n')
    sig = signatures("src/Counter.java", text)
    assert sig.text == ('// A counter.\npublic class Counter {\n    public Counter() { … }\n'
                        '    // Adds one.\n    public int inc() { … }\n}\n')
    assert sig.defines == ("Counter", "inc")


@pytest.mark.parametrize("path,text,expected,method", [
    ("README.md", "# Title\n\nWords.\n\n## Usage\n\nMore.\n", "# Title\n## Usage\n", "plain (headings)"),
    ("lib/x.rb", "class Cart\n  def total\n    0\n  end\nend\n", "class Cart\n  def total\n", "plain (definition lines)"),
    ("data.csv", "a,b\n1,2\n3,4\n5,6\n7,8\n", "a,b\n1,2\n3,4\n… (2 more lines)\n", "plain (first lines)"),
])
def test_plain_fallback_for_languages_without_a_grammar(path, text, expected, method):
    sig = plain_signatures(path, text)
    assert (sig.text, sig.method) == (expected, method)
    assert signatures(path, text) == sig


def test_a_python_file_without_definitions_falls_back_to_its_first_lines():
    sig = signatures("run.py", "import sys\nprint(1)\nprint(2)\nprint(3)\nprint(4)\n")
    assert sig.text == "import sys\nprint(1)\nprint(2)\n… (2 more lines)\n"


def test_broken_source_still_gives_signatures_deterministically():
    text = "def ok(a):\n    return a\n\ndef broken(:\n    pass\n"
    first = signatures("b.py", text)
    assert "def ok(a):" in first.text
    assert signatures("b.py", text) == first


def test_compress_flag_packs_every_file_as_signatures(git_repo, tmp_path):
    git_repo.write("pkg/store.py", PYTHON)
    git_repo.write("README.md", "# Shop\n\nA long description that the signatures leave out.\n")
    git_repo.commit("initial")
    r = run_cli("prompt_foo.py", "--no-clipboard", "-o", "-", "--compress", "Explain.", cwd=git_repo.root)
    assert r.returncode == 0, r.stderr
    book = r.stdout
    assert "--- START: pkg/store.py (" in book and "signatures (tree-sitter python) · --compress)" in book
    assert "total = a + b" not in book  # bodies are gone
    assert "def add(a: int, b: int = 1) -> int:" in book
    assert "A long description" not in book.split("--- START: Codebase ---")[1].split("--- END: Codebase ---")[0]
    assert "Compressed (--compress): 2 files" in book
    assert "- signatures pkg/store.py: --compress: every file as signatures" in book
