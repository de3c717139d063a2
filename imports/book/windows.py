"""Context windows the tool knows: for `--model NAME` and for the "no silent monsters" warning.

Windows are vendors' published input limits (tokens). Counts are exact for OpenAI encodings;
for other vendors' models the budget is an estimate, as the Summary says.
"""

from __future__ import annotations

from .summary import CONTEXT_WINDOWS

MODEL_WINDOWS = {
    "gpt-4o": 128_000, "gpt-4o-mini": 128_000, "gpt-4.1": 1_000_000, "gpt-4.1-mini": 1_000_000,
    "gpt-5": 400_000, "gpt-5-mini": 400_000, "o3": 200_000, "o4-mini": 200_000,
    "claude-opus-4": 200_000, "claude-sonnet-4": 200_000, "claude-haiku-4": 200_000,
    "gemini-2.5-pro": 1_000_000, "gemini-2.5-flash": 1_000_000,
    "llama-3.1": 128_000, "mistral-large": 128_000, "qwen3": 128_000, "deepseek-v3": 128_000,
}
LARGEST_WINDOW = max(limit for limit, _ in CONTEXT_WINDOWS)


def model_window(name: str) -> int | None:
    return MODEL_WINDOWS.get(name.strip().lower())


def oversize_message(total: int) -> str | None:
    """What to say about a book no known model can take, or None when one can."""
    if total <= LARGEST_WINDOW:
        return None
    return (f"this book is {total:,} tokens, larger than the largest context window known "
            f"({LARGEST_WINDOW:,}); no model can read it whole. Use --fit with --budget N or "
            f"--model NAME to get the most relevant files that fit.")
