"""The compile's result as JSON (--json), for editors and scripts: one object on stdout."""

from __future__ import annotations

import json

JSON_VERSION = 1  # raised when a field changes meaning; new fields may appear without it


def json_result(compiled, emitted, allowed, *, frame: str, profile=None, reason: str | None = None) -> str:
    m, facts = compiled.measures, compiled.facts
    result = {
        "version": JSON_VERSION,
        "ok": True,
        "book": {
            "destinations": list(emitted.destinations),
            "tokens": m.total,
            "bytes": m.size,
            "xxh3": m.digest,
            "encoding": facts.encoding,
            "settled": m.settled,
            "frame": frame,
        },
        "sections": [{"name": name, "tokens": n} for name, n in m.sections],
        "files": [{"label": i.label, "kind": i.kind, "tokens": i.tokens, "bytes": i.size, "flags": list(i.flags)}
                  for i in facts.items],
        "skipped": [{"label": s.label, "reason": s.reason} for s in facts.skipped],
        "missing": list(facts.missing),
        "seals": [{"name": s.name, "crc32": f"0x{s.crc:08x}", "drift": 0} for s in compiled.seals],
        "findings": {
            "allowed_secrets": [{"label": f.label, "line": f.line, "kind": f.kind} for f in allowed],
            "warnings": [n.text for n in facts.notes if n.level == "warn"] + list(emitted.warnings),
        },
        "profile": ({"name": profile.name, "substitutions": len(profile.substitutions),
                     "denylist": len(profile.denylist)} if profile is not None else None),
        "reason": reason,
    }
    return json.dumps(result, indent=2, ensure_ascii=False)


def json_error(exc) -> str:
    """A refused compile (exit 1-6): nothing was emitted."""
    return json.dumps({"version": JSON_VERSION, "ok": False, "exit_code": exc.exit_code, "error": exc.message,
                       "hint": exc.hint}, indent=2, ensure_ascii=False)
