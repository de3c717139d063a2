"""Jupyter notebooks as readable text: code and markdown cells in jupytext's percent format.

Outputs and metadata are left out on purpose: they are large, noisy and, for metadata,
vary with the jupytext version, which would break byte-identical books.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

# Fence tags for the languages jupytext names; anything else keeps jupytext's own name.
_FENCE_TAGS = {"R": "r", "c++": "cpp", "wolfram language": "wolfram"}


@dataclass(frozen=True)
class Rendered:
    text: str
    lang: str
    cells: int


class NotebookError(ValueError):
    """The file is not a notebook jupytext can read."""


class NotebookSupportMissing(NotebookError):
    """jupytext is an optional extra (``prompt-foo-loom[notebooks]``) and is not installed."""


def render_notebook(text: str) -> Rendered:
    """The notebook's cells as percent-format script text (no outputs, no metadata)."""
    try:
        import jupytext  # lazy: jupytext pulls in nbformat and friends (~50 ms)
        from jupytext.languages import _SCRIPT_EXTENSIONS
    except ImportError:
        raise NotebookSupportMissing("jupytext is not installed") from None

    try:
        with warnings.catch_warnings():  # nbformat warns (and repairs) e.g. duplicate cell ids
            warnings.simplefilter("ignore")
            notebook = jupytext.reads(text, fmt="ipynb")
    except Exception as exc:  # nbformat raises several unrelated types for bad JSON
        raise NotebookError(f"{type(exc).__name__}: {exc}".splitlines()[0][:200]) from None
    language = _language(notebook.metadata)
    extension = next((ext for ext, spec in _SCRIPT_EXTENSIONS.items() if spec["language"] == language), ".py")
    if extension == ".py":
        language = "python"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        body = jupytext.writes(notebook, fmt={"extension": extension, "format_name": "percent",
                                              "notebook_metadata_filter": "-all",
                                              "cell_metadata_filter": "-all"})
    return Rendered(body, _FENCE_TAGS.get(language, language), len(notebook.cells))


def _language(metadata) -> str:
    kernel = metadata.get("kernelspec") or {}
    info = metadata.get("language_info") or {}
    return str(kernel.get("language") or info.get("name") or "python")
