"""The return-path canary: a short block the book asks the model to echo verbatim.

It carries what transports break: a bare www. host (renderers turn it into a link),
runs of spaces (collapsed by HTML), a blank line (dropped by some chat UIs) and a
leading indent. apply.py compares the echo in a reply with this text.
"""

from __future__ import annotations

CANARY_OPEN = "<<<CANARY"
CANARY_CLOSE = "CANARY>>>"
CANARY_BODY = (
    "www.canary.invalid  two  spaces    four\n"
    "\n"
    "    indented four | after blank"
)
CANARY_TEXT = f"{CANARY_OPEN}\n{CANARY_BODY}\n{CANARY_CLOSE}"


def canary_instruction() -> str:
    """The sentence and block the book's Prompt section carries."""
    return (
        "Echo this canary block verbatim, inside a ```text fence, before your patches "
        "(it lets the applier tell what the transport did to whitespace and links):\n\n"
        f"```text\n{CANARY_TEXT}\n```"
    )
