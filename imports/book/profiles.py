"""Client-safe disclosure profiles: PII substitutions on every byte of the book, then a denylist.

A profile comes from the user's own config (never the repository's, which is the client's):

    [profiles.acme]
    substitutions = { "Acme Corp" = "the client", "jane@acme.example" = "person@example.com" }
    denylist = ["acme", "Project Falcon"]

Substitutions are literal, case-insensitive and made in one pass (longest term first), so a
replacement is never substituted again. The denylist is checked on the finished book: a term
still present (any case) refuses it, naming the section it is in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import PromptFooError, UsageProblem


@dataclass(frozen=True)
class Profile:
    name: str
    substitutions: tuple[tuple[str, str], ...] = ()
    denylist: tuple[str, ...] = ()

    def scrub(self, text: str) -> str:
        if not self.substitutions or not text:
            return text
        return _pattern(self.substitutions).sub(lambda m: _lookup(self.substitutions)[m.group().casefold()], text)

    def describe(self) -> str:
        return (f"{self.name} ({len(self.substitutions)} PII substitution{'s' if len(self.substitutions) != 1 else ''}"
                f" applied to every byte; {len(self.denylist)} denylist term{'s' if len(self.denylist) != 1 else ''}"
                " checked: none remains)")


_CACHE: dict = {}


def _pattern(subs: tuple[tuple[str, str], ...]) -> re.Pattern:
    key = ("re", subs)
    if key not in _CACHE:
        terms = sorted((t for t, _ in subs), key=len, reverse=True)
        _CACHE[key] = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    return _CACHE[key]


def _lookup(subs: tuple[tuple[str, str], ...]) -> dict[str, str]:
    key = ("map", subs)
    if key not in _CACHE:
        _CACHE[key] = {t.casefold(): r for t, r in subs}
    return _CACHE[key]


def load_profile(name: str) -> Profile:
    """[profiles.NAME] of the user's config, checked (a usage error names what is wrong)."""
    from ..printable import without_home
    from ..userconf import config_file, user_table

    where = without_home(str(config_file()))
    profiles = user_table("profiles")
    if name not in profiles:
        known = ", ".join(sorted(profiles)) or "none"
        raise UsageProblem(f"-p {name}: no profile named {name!r} in {where} (profiles there: {known})",
                           hint=f"Add [profiles.{name}] with substitutions = {{ \"Client\" = \"the client\" }} "
                                "and denylist = [\"client\"] to your prompt-foo config.")
    table = profiles[name]
    subs = table.get("substitutions", {}) if isinstance(table, dict) else None
    deny = table.get("denylist", []) if isinstance(table, dict) else None
    if not isinstance(subs, dict) or not all(isinstance(k, str) and k and isinstance(v, str)
                                             for k, v in subs.items()):
        raise UsageProblem(f"{where}: [profiles.{name}] substitutions must be a table of \"term\" = \"replacement\"")
    if not isinstance(deny, list) or not all(isinstance(t, str) and t.strip() for t in deny):
        raise UsageProblem(f"{where}: [profiles.{name}] denylist must be a list of non-empty strings")
    for text in [*subs, *subs.values(), *deny]:
        if "\n" in text or "\r" in text or text[:1].isspace():
            # The book is counted in pieces that start at a line's first visible character.
            raise UsageProblem(f"{where}: [profiles.{name}]: {text!r}: terms and replacements are one line "
                               "and do not start with a space")
    for term, replacement in subs.items():
        clash = next((t for t in list(subs) + deny if t.casefold() in replacement.casefold()), None)
        if clash is not None:
            raise UsageProblem(f"{where}: [profiles.{name}]: the replacement {replacement!r} for {term!r} "
                               f"contains {clash!r}, a term the profile removes",
                               hint="Choose a replacement that names none of the profile's terms.")
    return Profile(name, tuple(subs.items()), tuple(deny))


def check_denylist(text: str, profile: Profile) -> None:
    """Refuse (exit 1) when a denylist term remains anywhere in the finished book."""
    found = []
    lowered = text.casefold()
    for term in profile.denylist:
        at = lowered.find(term.casefold())
        if at >= 0:
            found.append((term, _section_at(text, at), text.count("\n", 0, at) + 1))
    if found:
        lines = [f"profile {profile.name}: {len(found)} denylisted term{'s' if len(found) != 1 else ''} "
                 "remain in the book; nothing was emitted:"]
        lines += [f"  {term!r} in section {section} (book line {line})" for term, section, line in found]
        raise PromptFooError("\n".join(lines),
                             hint=f"Add a substitution for each term under [profiles.{profile.name}], or leave "
                                  "out what holds it.")


def _section_at(text: str, offset: int) -> str:
    """The book section holding ``offset``, and the block inside it (a Codebase file) if any."""
    from .render import SECTION_ORDER

    heads = re.findall(r"^--- START: (.*) ---$", text[:offset], re.MULTILINE)
    top = next((h for h in reversed(heads) if h in SECTION_ORDER), None)
    if top is None:
        return "(book header)"
    inner = heads[-1] if heads[-1] != top else None
    return top + (f" (in {inner})" if inner else "")
