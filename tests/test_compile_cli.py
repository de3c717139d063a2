"""The compile command end to end: the real launcher in a real git repository."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import run_cli
from prompt_foo_loom.book.settle import book_digest
from prompt_foo_loom.tokens import open_counter

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def small_repo(git_repo):
    git_repo.write("app.py", 'def greet(name):\n    return f"hello {name}"\n')
    git_repo.write("docs/guide.md", "# Guide\n\n```python\ngreet('x')\n```\n")
    git_repo.write("notes.txt", "no final newline")
    git_repo.commit("initial")
    return git_repo


def compile_to_stdout(repo, *args, **kw):
    return run_cli("prompt_foo.py", "--no-clipboard", "-o", "-", *args, cwd=kw.pop("cwd", repo.root), **kw)


def assert_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_book_matches_golden(small_repo):
    r = compile_to_stdout(small_repo, "-f", "app.py", "-f", "docs/guide.md", "-f", "notes.txt",
                          "Add a farewell function.")
    assert r.returncode == 0, r.stderr
    assert_golden("basic.md", r.stdout)


def test_same_inputs_same_bytes_and_the_summary_tells_the_truth(small_repo, tmp_path):
    args = ("-f", "app.py", "-f", "docs/guide.md", "Explain.")
    first = compile_to_stdout(small_repo, *args).stdout
    second = compile_to_stdout(small_repo, *args).stdout  # warm cache
    assert first == second
    counter = open_counter("cl100k_base", tmp_path)
    total = counter.encode_full(first)
    assert f"- Verified total: {total:,} tokens (cl100k_base;" in first
    assert f"book xxh3: {book_digest(first)}\n" in first
    assert f"- Size: {len(first.encode()):,} bytes;" in first


def test_sections_come_in_contract_order(small_repo):
    book = compile_to_stdout(small_repo, "-f", "app.py", "Go.").stdout
    starts = [line[len("--- START: "):-len(" ---")] for line in book.splitlines()
              if line.startswith("--- START: ") and "(" not in line]
    assert starts == ["Manifest", "Seal", "Story", "File Tree", "Articles", "Codebase", "Diff", "Log",
                      "Summary", "Context Recapture", "Prompt"]
    assert book.rstrip().endswith("Go.\n--- END: Prompt ---".rstrip())


def test_budget_refuses_and_leaves_an_existing_output_untouched(small_repo):
    out = small_repo.root / "book.md"
    out.write_text("previous book\n", encoding="utf-8")
    r = run_cli("prompt_foo.py", "--no-clipboard", "-o", str(out), "--budget", "50", "-f", "app.py", "Go.",
                cwd=small_repo.root)
    assert r.returncode == 3
    assert "over budget" in r.stderr and "the budget is 50" in r.stderr and "app.py" in r.stderr
    assert out.read_text(encoding="utf-8") == "previous book\n"
    assert "Traceback" not in r.stderr


def test_output_file_is_written_and_stdout_stays_clean(small_repo):
    r = run_cli("prompt_foo.py", "--no-clipboard", "-o", "out.md", "-f", "app.py", "Go.", cwd=small_repo.root)
    assert r.returncode == 0, r.stderr
    assert r.stdout == ""
    assert (small_repo.root / "out.md").read_text(encoding="utf-8").startswith("# Context book (prompt-foo)\n")
    assert "-> out.md" in r.stderr


def test_no_clipboard_tool_keeps_the_book_and_says_where(small_repo):
    env = {"DISPLAY": "", "WAYLAND_DISPLAY": "", "PATH": os.path.dirname(os.sys.executable) + ":/nonexistent"}
    r = run_cli("prompt_foo.py", "-f", "app.py", "Go.", cwd=small_repo.root, env=env)
    assert r.returncode == 0, r.stderr
    fallback = Path(os.environ["PROMPT_FOO_CACHE"]) / "last-book.md"
    assert "clipboard" in r.stderr and str(fallback) in r.stderr
    assert fallback.read_text(encoding="utf-8").startswith("# Context book")


def test_nested_compile_is_a_quiet_no_op(small_repo):
    r = run_cli("prompt_foo.py", "-o", "x.md", "Go.", cwd=small_repo.root, env={"PROMPT_FOO_COMPILE_LOCK": "1"})
    assert r.returncode == 0 and r.stdout == ""
    assert "nested compile skipped" in r.stderr
    assert not (small_repo.root / "x.md").exists()


@pytest.mark.parametrize("source", ["file", "prompt.md", "stdin", "dash"])
def test_intent_sources(small_repo, source):
    kwargs = {}
    args = ["-f", "app.py"]
    if source == "file":
        small_repo.write("ask.txt", "INTENT FROM FILE")
        args.append("ask.txt")
    elif source == "prompt.md":
        small_repo.write("prompt.md", "INTENT FROM PROMPT.MD")
    elif source == "stdin":
        kwargs["input"] = "INTENT FROM STDIN"
    else:
        args.append("-")
        kwargs["input"] = "INTENT FROM STDIN"
    book = compile_to_stdout(small_repo, *args, **kwargs).stdout
    expected = {"file": "INTENT FROM FILE", "prompt.md": "INTENT FROM PROMPT.MD"}.get(source, "INTENT FROM STDIN")
    assert book.endswith(f"## The request\n\n{expected}\n--- END: Prompt ---\n")


def test_bad_arg_is_a_usage_error(small_repo):
    r = compile_to_stdout(small_repo, "--arg", "novalue", "Go.")
    assert r.returncode == 2
    assert "expected KEY=VALUE" in r.stderr and "Traceback" not in r.stderr


def test_outside_git_works_on_the_folder_and_says_so(tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n", encoding="utf-8")
    r = run_cli("prompt_foo.py", "--no-clipboard", "-o", "-", "-v", "-f", "a.py", "Go.", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "not inside a git repository" in r.stderr
    assert "--- START: a.py (" in r.stdout


def test_help_is_fast_and_documents_exit_codes(tmp_path):
    r = run_cli("prompt_foo.py", "--help", cwd=tmp_path)
    assert r.returncode == 0
    for code in ("0  done", "3  over the token budget", "4  seal drift", "5  secrets found"):
        assert code in r.stdout
    r = run_cli("prompt_foo.py", "--version", cwd=tmp_path)
    assert r.returncode == 0 and "prompt-foo, version" in r.stdout


def test_help_imports_no_heavy_modules(tmp_path):
    import subprocess
    import sys

    code = ("import sys; sys.argv=['prompt-foo','--help']\n"
            "from prompt_foo_loom.cli.compile import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "heavy=[m for m in ('tiktoken','git','rich','yaml','jupytext') if m in sys.modules]\n"
            "print('HEAVY', heavy, file=sys.stderr)")
    r = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parents[1], capture_output=True, text=True)
    assert "HEAVY []" in r.stderr, r.stderr


def test_default_pack_lists_what_it_skipped(git_repo):
    git_repo.write("main.py", "print(1)\n")
    git_repo.write("uv.lock", "version = 1\n")
    git_repo.write("logo.png", b"\x89PNG\r\n\x1a\n\x00\x00")
    git_repo.commit("files")
    r = run_cli("prompt_foo.py", "--no-clipboard", "-o", "-", "Go.", cwd=git_repo.root)
    assert r.returncode == 0, r.stderr
    assert "--- START: main.py (" in r.stdout
    skipped = r.stdout.split("Skipped (2):\n", 1)[1].split("\n\n", 1)[0]
    assert skipped.startswith("- ")
    assert "uv.lock" in skipped and "logo.png" in skipped
    assert "--- START: uv.lock" not in r.stdout and "--- START: logo.png" not in r.stdout


def test_manifest_chop_drives_the_book(git_repo):
    git_repo.write("a.py", "A = 1\n")
    git_repo.write("b.py", "B = 2\n")
    git_repo.write("foo_files.py", 'AI_PHOOEY_CHOP = """\\\na.py  # the core\n# b.py\n! echo hi-from-command\n"""\n'
                   'OTHER = """\\\n{mod}.py\n"""\n')
    git_repo.commit("manifest")
    book = compile_to_stdout(git_repo, "--trust", "--yes", "Go.").stdout
    assert "--- START: a.py (" in book and "--- START: b.py (" not in book
    assert "--- START: ! echo hi-from-command (" in book and "hi-from-command\n" in book
    assert 'AI_PHOOEY_CHOP = """\\\na.py\n! echo hi-from-command\n"""' in book
    other = compile_to_stdout(git_repo, "--chop", "OTHER", "--arg", "mod=b", "Go.").stdout
    assert "--- START: b.py (" in other and "--- START: a.py (" not in other


def test_every_chop_of_this_projects_manifest_resolves(tmp_path):
    """The repository's own foo_files.py stays true to the tree (--strict refuses stale entries)."""
    from prompt_foo_loom.collect.manifest import read_manifest

    root = Path(__file__).resolve().parents[1]
    for chop in read_manifest(root).chops:
        args = ["--arg", "module=tokens"] if chop == "CHOP_MODULE" else []
        r = run_cli("prompt_foo.py", "--chop", chop, *args, "--trust", "--yes", "--strict", "--no-clipboard", "-o", str(tmp_path / "b.md"),
                    "-q", "Check.", cwd=root)
        assert r.returncode == 0, (chop, r.stderr)
