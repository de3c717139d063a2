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
# The part echoed as prose, outside any fence: a chat page renders prose, so `__init__`
# turns bold and `*stars*` italic, and a copy of the page loses the markers. A code block
# never shows this, and file names written above a fence are prose.
CANARY_PROSE = "canary prose: __init__.py and *stars* stay as typed"
_PROSE_KEY = "canary prose:"


def canary_instruction() -> str:
    """The sentence and block the book's Prompt section carries."""
    return (
        "Echo this canary block verbatim, inside a ```text fence, before your patches "
        "(it lets the applier tell what the transport did to whitespace and links):\n\n"
        f"```text\n{CANARY_TEXT}\n```\n\n"
        "Then echo this line as plain prose, outside any fence (it shows what rendering "
        f"does to file names written outside code blocks):\n\n{CANARY_PROSE}"
    )


# -- reply side ----------------------------------------------------------------------------

import re  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

_NBSP_LIKE = "\u00a0\u202f\u2007\u2009\u200a\u3000"
_HOST = "www.canary.invalid"


@dataclass
class CanaryReport:
    """What the reply's echo of the canary says about the transport."""

    present: bool
    damage: list[str] = field(default_factory=list)

    def describe(self) -> str:
        if not self.present:
            return "canary: not echoed in the reply (transport damage cannot be diagnosed)"
        if not self.damage:
            return "canary: echoed intact"
        text = "canary: damaged in transport: " + ", ".join(self.damage)
        if "prose-rendered" in self.damage:
            text += (" (the page rendered Markdown: file names written outside code blocks may "
                     "have lost __ or *)")
        return text


def _prose_damage(lines: list[str]) -> list[str]:
    """["prose-rendered"] when the prose echo lost its Markdown markers, else []."""
    for line in lines:
        at = line.lower().find(_PROSE_KEY)
        if at != -1:
            echo = line[at:].strip()
            return [] if ("__init__.py" in echo and "*stars*" in echo) else ["prose-rendered"]
    return []


def inspect_reply(reply: str) -> CanaryReport:
    """Find the canary echo in ``reply`` and name each kind of damage it shows."""
    lines = reply.replace("\r\n", "\n").split("\n")
    report = _inspect_block(lines)
    prose = _prose_damage(lines)
    if prose:
        report.present = True
        report.damage = report.damage + prose
    return report


def _inspect_block(lines: list[str]) -> CanaryReport:
    opens = [k for k, ln in enumerate(lines) if ln.strip().endswith("CANARY") and "<" in ln]
    if not opens:
        return CanaryReport(False)
    start = opens[-1]
    # An echo inside a Markdown blockquote is read through its quote prefix: copying the raw
    # Markdown kept the text intact, and the close line would otherwise look truncated.
    quote = re.match(r"^\s*(?:> ?)+", lines[start])
    if quote:
        prefix = quote.group(0)
        lines = lines[:start] + [ln[len(prefix):] if ln.startswith(prefix) else
                                 "" if ln.rstrip() == prefix.rstrip() else ln
                                 for ln in lines[start:]]
    end = next((k for k in range(start + 1, len(lines)) if lines[k].strip().startswith("CANARY")
                and ">" in lines[k]), None)
    if end is None:
        return CanaryReport(True, ["truncated"])
    echo = lines[start + 1:end]
    expected = CANARY_BODY.split("\n")
    if echo == expected:
        return CanaryReport(True)
    damage: list[str] = []
    joined = "\n".join(echo)
    if any(ch in joined for ch in _NBSP_LIKE):
        damage.append("nbsp")
    plain = joined
    for ch in _NBSP_LIKE:
        plain = plain.replace(ch, " ")
    if re.search(r"\]\((?:https?://)?" + re.escape(_HOST), plain) or re.search(
            r"(?:https?://|<)" + re.escape(_HOST), plain):
        damage.append("autolinked")
    if len([ln for ln in echo if not ln.strip()]) < len([ln for ln in expected if not ln.strip()]):
        damage.append("blank-lines-lost")
    if "  " in expected[0] and "two  spaces" not in plain and "two spaces" in plain:
        damage.append("spaces-collapsed")
    indented = next((ln for ln in plain.split("\n") if "indented four" in ln), None)
    if indented is not None and not indented.startswith("    "):
        damage.append("indentation-stripped")
    if any(ln != ln.rstrip() for ln in echo) and not any(ln.rstrip() != ln for ln in expected):
        damage.append("trailing-whitespace")
    if not damage:
        damage.append("altered")
    return CanaryReport(True, damage)
