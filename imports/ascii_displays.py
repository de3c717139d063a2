"""PLACEHOLDER (owned by the seals helper): the figurate registry, renderings and ledger assertion."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FigurateResult:
    name: str
    meaning: str
    human: object  # a Rich renderable
    ai: str  # plain text, markers bound
    crc: int
    drift: bool


def assert_figurate_seal(name: str) -> FigurateResult:
    """The seal, or SealDrift (exit 4) with a line-by-line report; unknown names are errors."""
    ai = f"[{name}]"
    return FigurateResult(name, "placeholder", ai, ai, 0, False)
