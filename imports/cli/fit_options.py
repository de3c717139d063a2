"""The compile command's --fit, --compress and --model options, and what they do to a compile."""

from __future__ import annotations

import click

from ..errors import UsageProblem

FIT_KEYS = ("fit", "compress", "model")


def fit_options(fn):
    """Adds --fit, --compress and --model (the budget itself is --budget)."""
    options = [
        click.option("--fit", is_flag=True,
                     help="Fit the whole repository into the budget: rank every file by relevance to the "
                          "intent, the most relevant whole, the next as signatures, the rest omitted "
                          "(needs --budget, --model or [tool.prompt-foo] budget)."),
        click.option("--compress", is_flag=True,
                     help="Every file as signatures: classes, functions, their signatures and first "
                          "docstring lines (tree-sitter; a plain fallback for other files)."),
        click.option("--model", metavar="NAME",
                     help="Take the budget from this model's context window (e.g. gpt-4o, gpt-5, "
                          "claude-sonnet-4, gemini-2.5-pro)."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def pop_fit_params(params: dict) -> dict:
    """Take this module's options out of the command's extra parameters."""
    return {key: params.pop(key, None) for key in FIT_KEYS}


def model_budget(name: str | None) -> int | None:
    if not name:
        return None
    from ..book.windows import MODEL_WINDOWS, model_window

    window = model_window(name)
    if window is None:
        known = ", ".join(sorted(MODEL_WINDOWS))
        raise UsageProblem(f"--model {name!r}: no known context window for this model",
                           hint=f"Known: {known}. Or give the budget itself with --budget N.")
    return window
