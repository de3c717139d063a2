"""Pure rendering: fences, sections, file blocks, the tree, the self-consistent summary."""

from __future__ import annotations

import pytest

from prompt_foo_loom.book.render import body_text, fence_for, file_block, recapture_body, section
from prompt_foo_loom.model import Source
from prompt_foo_loom.book.tree import render_tree


@pytest.mark.parametrize("text,fence", [
    ("plain", "```"), ("a ``` b", "````"), ("````` five", "``````"), ("`x`", "```"),
])
def test_fence_is_longer_than_any_backtick_run(text, fence):
    assert fence_for(text) == fence


def test_file_block_layout_is_exact():
    src = Source("file", "docs/a.md", "# T\n```py\nx\n```", "markdown", 16, ("outside repository",), "docs/a.md")
    assert "".join(file_block(src, 1234)) == (
        "--- START: docs/a.md (1,234 tokens; outside repository) ---\n"
        "````markdown\n# T\n```py\nx\n```\n````\n"
        "--- END: docs/a.md ---\n\n"
    )


def test_body_keeps_exact_text_and_adds_only_a_missing_newline():
    assert body_text("a\n\n") == "a\n\n"
    assert body_text("a") == "a\n"
    assert body_text("") == ""


def test_empty_section_gets_its_placeholder():
    assert section("Diff", None).text == (
        "--- START: Diff ---\nNo diff requested (add --diff, or --diff REF).\n--- END: Diff ---\n")


def test_recapture_is_a_pasteable_chop():
    out = recapture_body(["a.py", "! git status"], "AI_PHOOEY_CHOP")
    assert 'AI_PHOOEY_CHOP = """\\\na.py\n! git status\n"""\n' in out


def test_tree_shows_included_tokens_and_folds_deep_folders():
    paths = ["a.py", "src/pkg/deep/x.py", "src/pkg/deep/y.py", "src/main.py", "docs/i.md"]
    out = render_tree(paths, {"src/main.py": 1200}, root_name="repo", max_depth=2)
    assert out == (
        "repo/\n"
        "├── docs/\n"
        "│   └── i.md\n"
        "├── src/\n"
        "│   ├── pkg/ (… 2 files)\n"
        "│   └── main.py  (1,200 tokens)\n"
        "└── a.py\n"
    )


def test_tree_folds_long_listings_but_never_included_files():
    paths = [f"f{i:02}.txt" for i in range(30)]
    out = render_tree(paths, {"f29.txt": 5}, max_listed=3)
    assert "f29.txt  (5 tokens)" in out
    assert "… 26 more files" in out
