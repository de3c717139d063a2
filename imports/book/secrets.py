"""The secrets gate: high-confidence credential *shapes* in a book, before it leaves the machine.

Only shapes a real issuer produces are reported (provider prefixes, learnt from gitleaks'
rules and detect-secrets' plugins, in secrets_shapes.py; PEM key blocks; expiring JWTs;
passwords in URLs to real hosts; named assignments of a random-looking literal). Keyword hits
alone never count: a scanner that fires on ordinary code gets switched off, which is worse than none.

Named assignments are found in any case and form (``NAME=v``, ``name = "v"``, ``"name": "v"``,
``name: v``, ``name="v"`` keyword arguments, ``?name=v``); a lower- or camel-case name needs a
key-like value (16+ characters, upper, lower and digits, or 32+ hex), because such names in
code are usually test fixtures. Deliberate blind spots, each because the alternative fires on
ordinary projects:
- values containing EXAMPLE (AWS's documented key pair), runs of x or 0, placeholder words;
- `SECRET_KEY` (framework signing keys: Flask and FastAPI tutorials publish hex examples);
- URL passwords to RFC 2606/6761 hosts (example.com, *.test, *.invalid, localhost);
- JWTs without an `exp` claim or outside an assignment (hand-made test and docs tokens).
Measured (benchmarks/bench_secrets.py): 99.0% of a 50-kind x 8-context corpus (detect-secrets:
69.7%), zero findings on flask, click, httpx and fastapi (requests: its committed test TLS keys).
Warm compiles skip unchanged clean files through secrets_memo.CleanMemo.

Every provider prefix below is assembled from fragments so this file cannot match itself.
"""

from __future__ import annotations

import base64
import binascii
import fnmatch
import json
import math
import re
from collections import Counter
from dataclasses import dataclass

from .secrets_shapes import PROVIDERS

ALLOW_MARKER = "prompt-foo: allow-secret"
_J = "".join  # assembles prefixes so no credential shape appears literally here


@dataclass(frozen=True)
class Finding:
    label: str  # the section or file label ("src/app.py", "! env", "Prompt")
    line: int  # 1-based line within that text
    kind: str  # e.g. "AWS access key"
    excerpt: str  # the line with the secret redacted


@dataclass(frozen=True)
class _Shape:
    kind: str
    # A substring prefilter, only for patterns without a literal prefix: a pattern that starts
    # with a literal is already searched at memchr speed by `re` (measured faster than `in`).
    anchors: tuple[str, ...]
    pattern: re.Pattern
    group: str = "secret"  # the group holding the secret (redacted in the excerpt)
    # For shapes whose literal sits mid-token (`-us` of a Mailchimp key): what must come right
    # before the match, checked on the rare hit, and counted as part of the secret.
    lead: re.Pattern | None = None


# Patterns start with their literal prefix (no lookbehind) so `re` can skip ahead at C speed;
# the word edge before a token is checked in Python on the rare match.
_E = r"(?![A-Za-z0-9_\-])"  # a token ends at a word edge
_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_NL = r"(?:\r?\n|(?:\\r)?\\n)"  # a real newline, or an escaped one inside a JSON/Python string

_SHAPES: tuple[_Shape, ...] = (
    _Shape(
        "private key block",
        (),
        # The BEGIN line must be followed (within a few header lines) by base64 body, so code that
        # merely names the marker (parsers, docs) does not count.
        re.compile(
            _J(["-----BEG", "IN "])
            + r"(?P<secret>(?:[A-Z0-9]+ )*"
            + _J(["PRIV", "ATE"])
            + r" KEY(?: BLOCK)?)-----[ \t]*"
            + _NL
            + r"(?:[A-Za-z-]+:[^\n]*"
            + _NL
            + r"|[ \t]*"
            + _NL
            + r"){0,3}[ \t]*[A-Za-z0-9+/]{40,}"
        ),
    ),
    _Shape(
        "AWS access key",
        (),
        re.compile(r"(?P<secret>(?:" + _J(["AK", "IA"]) + "|" + _J(["AS", "IA"]) + r")[A-Z0-9]{16})" + _E),
    ),
    _Shape(
        "AWS secret key",
        (_J(["aws_secret_", "access_key"]), _J(["AWS_SECRET_", "ACCESS_KEY"])),
        re.compile(
            r"(?:" + _J(["aws_secret_", "access_key"]) + "|" + _J(["AWS_SECRET_", "ACCESS_KEY"]) + r")"
            r"[\"']?[ \t]*[:=][ \t]*[\"']?"
            r"(?P<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])"
        ),
    ),
    _Shape(
        "GitHub token",
        (),
        re.compile(
            r"(?P<secret>gh[pousr]"
            + "_"
            + r"[A-Za-z0-9]{36,}|"
            + _J(["github", "_pat_"])
            + r"[A-Za-z0-9_]{50,})"
            + _E
        ),
    ),
    _Shape(
        "GitLab token",
        (),
        re.compile(r"(?P<secret>" + _J(["gl", "pat-"]) + r"[A-Za-z0-9_\-]{20,})" + _E),
    ),
    _Shape(
        "Slack token",
        (),
        re.compile(r"(?P<secret>" + _J(["xo", "x"]) + r"[abprs]-(?:[0-9]+-)+[A-Za-z0-9]{10,})" + _E),
    ),
    _Shape(
        "Stripe live key",
        (_J(["k_", "live_"]),),
        re.compile(r"(?P<secret>[sr]" + _J(["k_", "live_"]) + r"[A-Za-z0-9]{20,})" + _E),
    ),
    _Shape(
        "Google API key",
        (),
        re.compile(r"(?P<secret>" + _J(["AI", "za"]) + r"[A-Za-z0-9_\-]{35})" + _E),
    ),
    _Shape(
        "Anthropic API key",
        (),
        re.compile(r"(?P<secret>" + _J(["sk-", "ant-"]) + r"[A-Za-z0-9_\-]{40,})" + _E),
    ),
    _Shape(
        "OpenAI API key",
        (),
        # Project/service keys, and the legacy form with its fixed "T3BlbkFJ" infix; a bare
        # sk-<48 alnum> is also OpenAI's legacy shape. Anthropic's sk-ant- is excluded here.
        re.compile(
            r"(?P<secret>"
            + _J(["s", "k-"])
            + r"(?:(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{40,}|(?!ant-)[A-Za-z0-9]{20}"
            + _J(["T3Blbk", "FJ"])
            + r"[A-Za-z0-9]{20}|(?!ant-)[A-Za-z0-9]{48})"
            + r")"
            + _E
        ),
    ),
    _Shape(
        "JWT in an assignment",
        (),
        re.compile(
            r"(?P<secret>" + _J(["ey", "J"])
            + r"[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{16,})"
            + _E
        ),
    ),
    *(_Shape(kind, (), re.compile(r"(?P<secret>" + body + r")" + _E), lead=re.compile(lead) if lead else None)
      for kind, lead, body in PROVIDERS),
    _Shape(
        "password in a URL",
        (),
        # scheme://user:password@host: database URLs, basic-auth package indexes, webhooks.
        re.compile(r"://[^\s:/@'\"`<>(){}\[\]]{1,64}:"
                   r"(?P<secret>[^\s:/@'\"`<>(){}\[\]]{6,200})@(?P<host>[A-Za-z0-9.\-]+)"),
    ),
)

# `.env`-style assignments: an upper-case name *ending* in one of these words. SECRET_KEY (a
# framework's signing key) is deliberately absent: Flask's and FastAPI's tutorials publish
# random-looking example values under that name, and it is not a credential for a service.
_NAME_WORDS = ("SECRET", "TOKEN", "PASSWORD", "PASSWD", "API_KEY", "APIKEY", "ACCESS_KEY", "PRIVATE_KEY")
_ASSIGN_REST = (
    r"(?![A-Za-z0-9_])[\"']?[ \t]*(?::=|=(?!=)|:(?!:))[ \t]*"
    r"(?:(?P<q>[\"'])(?P<qv>[^\"'\r\n]*)(?P=q)|(?P<bv>[^\s\"'`#;,&]+))"
)


def _spellings(word: str) -> tuple[str, ...]:
    """UPPER_CASE, lower_case and camelCase spellings of a name word (each a literal `re` can find fast)."""
    parts = word.lower().split("_")
    return tuple(dict.fromkeys((word, "_".join(parts), "".join(p.title() for p in parts), "".join(parts))))


# One pattern per spelling, so each starts with a literal `re` can search for quickly.
_ASSIGNS = tuple((re.compile(f"(?P<word>{spelling})" + _ASSIGN_REST), spelling)
                 for word in _NAME_WORDS for spelling in _spellings(word))
_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_ANY_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.")
_PLACEHOLDER_WORDS = (
    "example", "changeme", "change_me", "change-me", "placeholder", "your", "dummy", "fake",
    "sample", "test", "redacted", "xxxx", "insecure", "secret", "password", "token", "todo",
    "replace", "default", "here", "foobar", "mock",
)  # fmt: skip
_CODE_REF = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*\Z")
# After the literal: the end of the statement or the next item, not an operator or a call on it.
_LINE_TAIL_OK = re.compile(r"[ \t]*(?:[,;)\]}#&]|//|--|\r?\Z)")


def _entropy(value: str) -> float:
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def _looks_random(value: str, min_len: int = 12) -> bool:
    """A literal of real-looking entropy: long enough, mixed characters, no placeholder words."""
    if not (min_len <= len(value) <= 400):
        return False
    lowered = value.lower()
    if any(word in lowered for word in _PLACEHOLDER_WORDS):
        return False
    return _classes(value) >= 2 and _entropy(value) >= 3.0


def _classes(value: str) -> int:
    """How many of lower case, upper case and digits occur."""
    kinds = (str.islower, str.isupper, str.isdigit)
    return sum(any(kind(c) for c in value) for kind in kinds)


def _assignment_value_ok(m: re.Match, line_rest: str, strict: bool = False) -> bool:
    """True when the assigned value is a plain literal that looks like a real secret."""
    quoted = m.group("q") is not None
    value = m.group("qv") if quoted else m.group("bv")
    if not _LINE_TAIL_OK.match(line_rest):
        return False  # a code expression: concatenation, call, f-string continuation…
    if value[:1] in "$%<{[(@&*" or any(s in value for s in ("${", "{{", "$(", "%(", "{", "}", " ", "\t")):
        return False  # an env lookup, template or interpolation
    if not quoted and ("(" in value or _CODE_REF.match(value) and not any(c.isdigit() for c in value)):
        return False  # a call or a reference to another name
    if strict:  # code variables and config keys: test fixtures are common, so only a key-like value
        return _looks_random(value, 16) and (_classes(value) == 3 or _hexlike(value)) and _entropy(value) >= 3.5
    return _looks_random(value)


def _hexlike(value: str) -> bool:
    return len(value) >= 32 and all(c in "0123456789abcdefABCDEF" for c in value)


def _jwt_is_live(token: str) -> bool:
    """A JWT whose header names an algorithm and whose claims carry an expiry: issued, not hand-made."""
    parts = token.split(".")

    def decode(part: str):
        try:
            raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
            return json.loads(raw)
        except (binascii.Error, ValueError):
            return None

    header, claims = decode(parts[0]), decode(parts[1])
    return (
        isinstance(header, dict)
        and header.get("alg") not in (None, "none")
        and isinstance(claims, dict)
        and "exp" in claims
    )


def _token_ok(kind: str, secret: str) -> bool:
    """Filters documentation examples and placeholders out of provider-prefixed matches."""
    upper = secret.upper()
    if "EXAMPLE" in upper or "XXXXXXXX" in upper or "000000000" in secret:
        return False  # e.g. AWS's documented example key id, ghp_xxxx… placeholders
    if kind == "private key block":
        return True
    if kind == "JWT in an assignment":
        return _jwt_is_live(secret)
    if kind == "password in a URL":
        return secret[:1] not in "$%<{*" and _looks_random(secret, 8)
    if kind == "Hugging Face token":  # letters only: mixed case and random-looking is the shape
        body = secret[3:]
        return _classes(body) >= 2 and _entropy(body) >= 3.5
    body = secret[4:]
    if secret.startswith(_J(["AK", "IA"])):
        return _entropy(body) >= 3.0  # base32 ids lack a digit 4% of the time; ASIA starts words
    return any(c.isdigit() for c in body) and any(c.isalpha() for c in body) and _entropy(body) >= 3.0


def _redact(line: str, start: int, end: int) -> str:
    """The line around [start:end), the secret cut to its first 4 characters (a long line is clipped)."""
    keep = min(4, max(0, end - start - 4))
    before, after = line[:start].lstrip(), line[end:].rstrip()
    before = before if len(before) <= 60 else "..." + before[-57:]
    after = after if len(after) <= 60 else after[:57] + "..."
    return before + line[start : start + keep] + "…[redacted]" + after


def _line_span(text: str, pos: int) -> tuple[int, int, int]:
    """(1-based line number, line start offset, line end offset) of ``pos``."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return text.count("\n", 0, pos) + 1, start, len(text) if end < 0 else end


def _finding(label: str, text: str, kind: str, start: int, end: int) -> Finding:
    number, ls, le = _line_span(text, start)
    line = text[ls:le]
    return Finding(label, number, kind, _redact(line, start - ls, min(end, le) - ls))


def _literal_prefix(pattern: str) -> str:
    """The plain text every match starts with (after the secret group's opening), or ''."""
    body = pattern.removeprefix("(?P<secret>")
    depth, klass = 0, False
    for i, c in enumerate(body):  # a top-level alternation has no common prefix
        if body[i - 1 : i] == "\\":
            continue
        if klass:
            klass = c != "]"
        elif c == "[":
            klass = True
        elif c in "()":
            depth += 1 if c == "(" else -1
            if depth < 0:
                break
        elif c == "|" and depth == 0:
            return ""
    out = []
    i = 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body) and not body[i + 1].isalnum():
            out.append(body[i + 1])
            i += 2
            continue
        if c in ".^$*+?{}[]|()\\":
            break
        out.append(c)
        i += 1
    if i < len(body) and body[i] in "*?{" and out:
        out.pop()  # the last literal is optional or repeated
    return "".join(out)


# A substring test per shape skips most patterns on most texts: `in` is far faster than a
# regex pass, and most texts hold none of these prefixes.
_ANCHORS = tuple(shape.anchors or ((p,) if (p := _literal_prefix(shape.pattern.pattern)) else ()) for shape in _SHAPES)


def _scan_shapes(label: str, text: str) -> list[Finding]:
    found = []
    access_keys = []
    for shape, anchors in zip(_SHAPES, _ANCHORS):
        if anchors and not any(a in text for a in anchors):
            continue
        for m in shape.pattern.finditer(text):
            start = m.start()
            lo, hi = m.start(shape.group), m.end(shape.group)
            if shape.lead is not None:
                lead = shape.lead.search(text, max(0, start - 40), start)
                if lead is None:
                    continue
                start = lo = lead.start()
            if shape.kind == "password in a URL":
                if _documentation_host(m.group("host")):
                    continue
            elif start and text[start - 1] in _WORD_CHARS and shape.kind != "AWS secret key":
                continue  # the prefix sits inside a longer word
            if shape.kind == "JWT in an assignment" and not _JWT_LEAD.search(text, max(0, start - 40), start):
                continue
            secret = text[lo:hi]
            if not _token_ok(shape.kind, secret):
                continue
            found.append(_finding(label, text, shape.kind, lo, hi))
            if shape.kind == "AWS access key":
                access_keys.append(m)
    for m in access_keys:
        found.extend(_paired_aws_secret(label, text, m, found))
    return found


_DOC_DOMAINS = ("example.com", "example.org", "example.net")
_DOC_TLDS = (".example", ".invalid", ".test", ".localhost")


def _documentation_host(host: str) -> bool:
    """RFC 2606/6761 names: reserved for documentation and tests, never a live service."""
    host = host.lower().rstrip(".")
    return host in ("localhost", *_DOC_DOMAINS, *(t[1:] for t in _DOC_TLDS)) or host.endswith(
        tuple("." + d for d in _DOC_DOMAINS) + _DOC_TLDS)


_JWT_LEAD = re.compile(r"[=:][ \t]*[\"'`]?(?:Bearer[ \t]+)?\Z")  # what makes a JWT an assignment
_AWS_SECRET = re.compile(r"(?<![A-Za-z0-9/+])(?P<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])")


def _paired_aws_secret(label: str, text: str, key: re.Match, found: list[Finding]) -> list[Finding]:
    """The 40-character secret written within three lines of an access key id, if any."""
    lo = key.start()
    for _ in range(4):  # back to the start of the line three lines up
        lo = text.rfind("\n", 0, lo) if lo > 0 else -1
        if lo < 0:
            break
    lo = max(lo, 0)
    hi = key.end()
    for _ in range(4):  # on to the end of the line three lines down
        nxt = text.find("\n", hi)
        if nxt < 0:
            hi = len(text)
            break
        hi = nxt + 1
    seen = {(f.line, f.kind) for f in found}
    out = []
    for m in _AWS_SECRET.finditer(text, lo, hi):
        secret = m.group("secret")
        if _token_ok("AWS secret key", secret) and _classes(secret) == 3:
            f = _finding(label, text, "AWS secret key", m.start(), m.end())
            if (f.line, f.kind) not in seen:
                out.append(f)
                seen.add((f.line, f.kind))
    return out


def _scan_assignments(label: str, text: str) -> list[Finding]:
    found = []
    for m in (m for pattern, spelling in _ASSIGNS if spelling in text for m in pattern.finditer(text)):
        word_start = name_start = m.start("word")
        upper = m.group("word").isupper()
        chars = _NAME_CHARS if upper else _ANY_NAME_CHARS
        while name_start > 0 and text[name_start - 1] in chars:
            name_start -= 1
        if name_start > 0 and text[name_start - 1].isalnum():
            continue  # the name runs on in lower case (e.g. myTOKEN): not an env-style name
        if not upper and word_start > name_start and text[word_start - 1].isalpha() and m.group("word").islower():
            continue  # lower-case word glued to a longer name (e.g. "nosecret"): not this word
        line_end = text.find("\n", m.end())
        rest = text[m.end() : len(text) if line_end < 0 else line_end]
        if _assignment_value_ok(m, rest, strict=not upper):
            group = "qv" if m.group("q") is not None else "bv"
            found.append(_finding(label, text, "secret assignment", m.start(group), m.end(group)))
    return found


def scan_text(label: str, text: str) -> list[Finding]:
    """Every credential shape in ``text``."""
    found = _scan_shapes(label, text)
    specific = {f.line for f in found}  # a provider shape says more than a generic assignment
    found += [f for f in _scan_assignments(label, text) if f.line not in specific]
    return sorted(set(found), key=lambda f: (f.line, f.kind, f.excerpt))


def allowed(finding: Finding, allow_globs: list[str], line_text: str) -> bool:
    """True when the user let this finding through: a glob over its label, or the inline marker."""
    if ALLOW_MARKER in line_text:
        return True
    where = f"{finding.label}:{finding.line}"
    return any(fnmatch.fnmatchcase(finding.label, g) or fnmatch.fnmatchcase(where, g) for g in allow_globs)


def gate(label: str, text: str, allow_globs: list[str]) -> list[Finding]:
    """The findings in ``text`` that nothing allows (what the compiler refuses on)."""
    findings = scan_text(label, text)
    if not findings:
        return []
    lines = text.split("\n")
    return [f for f in findings if not allowed(f, allow_globs, lines[f.line - 1])]


def describe_how_to_allow() -> str:
    """How to let a deliberate secret-shaped value through (for the refusal message)."""
    return (
        "If a value is deliberate (a test fixture, a revoked or documented example key), allow it:\n"
        f"  - add `{ALLOW_MARKER}` in a comment on that line, or\n"
        "  - pass --allow-secret GLOB (matches the section label, e.g. 'tests/fixtures/*',\n"
        "    or 'path:line'), repeatable, or\n"
        '  - list globs in pyproject.toml: [tool.prompt-foo] allow_secrets = ["tests/fixtures/*"].\n'
        "Otherwise remove the secret (and rotate it if it was ever committed) or drop the file."
    )
