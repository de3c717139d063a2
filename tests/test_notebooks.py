"""Notebook entries: code and markdown cells as percent-format text, outputs and metadata left out."""

from __future__ import annotations

import json

import pytest

from prompt_foo_loom.config import open_workspace
from prompt_foo_loom.collect.manifest import Entry
from prompt_foo_loom.collect.notebooks import NotebookError, render_notebook
from prompt_foo_loom.collect.sources import collect


def notebook(cells, language="python", kernel="python3") -> str:
    return json.dumps({
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": kernel, "language": language, "display_name": kernel},
                     "language_info": {"name": language}},
        "cells": cells,
    }, indent=1)


def md(text):
    return {"cell_type": "markdown", "id": "m", "metadata": {}, "source": text}


def code(text, outputs=()):
    return {"cell_type": "code", "id": "c", "metadata": {"tags": ["x"]}, "execution_count": 1,
            "outputs": list(outputs), "source": text}


OUTPUT = {"output_type": "stream", "name": "stdout", "text": "SECRET OUTPUT 42\n"}


def test_cells_render_readably_without_outputs(git_repo):
    git_repo.write("nb/analysis.ipynb", notebook([
        md("# Analysis\nSome *notes*."), code("import math\nprint(math.pi)", [OUTPUT]), code("x = 1"),
    ]))
    ws = open_workspace(git_repo.root)
    col = collect(ws, [Entry("nb/analysis.ipynb", "path", 1)])
    (src,) = col.sources
    assert src.kind == "notebook" and src.label == src.path == "nb/analysis.ipynb"
    assert src.lang == "python"
    assert src.text == (
        "# %% [markdown]\n# # Analysis\n# Some *notes*.\n\n"
        "# %%\nimport math\nprint(math.pi)\n\n"
        "# %%\nx = 1\n"
    )
    assert src.flags == ("notebook: 3 cells as percent-format text, outputs left out",)
    assert src.size == len((git_repo.root / "nb/analysis.ipynb").read_bytes())


def test_other_kernel_languages_use_their_comment_syntax():
    rendered = render_notebook(notebook([md("Title"), code("x <- 1")], language="R", kernel="ir"))
    assert rendered.lang == "r"
    assert rendered.text == "# %% [markdown]\n# Title\n\n# %%\nx <- 1\n"
    assert rendered.cells == 2


def test_same_notebook_same_text_regardless_of_metadata():
    a = notebook([code("y = 2")])
    b = json.loads(a)
    b["metadata"]["jupytext"] = {"formats": "ipynb,py:percent"}
    b["cells"][0]["metadata"] = {"collapsed": True, "scrolled": False}
    assert render_notebook(a).text == render_notebook(json.dumps(b)).text == "# %%\ny = 2\n"


def test_unreadable_notebook_is_included_as_raw_text_and_flagged(git_repo):
    git_repo.write("broken.ipynb", '{"cells": [ not json')
    ws = open_workspace(git_repo.root)
    col = collect(ws, [Entry("broken.ipynb", "path", 3)])
    (src,) = col.sources
    assert (src.kind, src.text, src.lang) == ("file", '{"cells": [ not json', "json")
    assert src.flags == ("not a readable notebook; raw text",)
    assert col.notes[0].text.startswith("foo_files.py:3: broken.ipynb: not a readable notebook (")
    with pytest.raises(NotebookError):
        render_notebook("[]")
