"""Issue 12, Must 5: detection over the fake-credential corpus (benchmarks/secrets_corpus.py),
generated at run time: at least 95% of samples, and every kind found in at least 6 contexts."""

from __future__ import annotations

import importlib.util
from collections import defaultdict

from conftest import ROOT

from prompt_foo_loom.book.secrets import scan_text


def _corpus():
    spec = importlib.util.spec_from_file_location("secrets_corpus", ROOT / "benchmarks" / "secrets_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.corpus()


def test_the_corpus_is_wide_enough_and_at_least_95_percent_is_found():
    samples = _corpus()
    by_kind = defaultdict(list)
    for kind, context, filename, text in samples:
        by_kind[kind].append((context, bool(scan_text(filename, text))))
    assert len(by_kind) >= 40 and all(len(v) >= 6 for v in by_kind.values())
    found = sum(hit for v in by_kind.values() for _, hit in v)
    assert found / len(samples) >= 0.95, f"{found}/{len(samples)}"
    weak = {k: [c for c, hit in v if not hit] for k, v in by_kind.items() if sum(h for _, h in v) < 6}
    assert weak == {}


def test_findings_redact_the_value():
    for kind, context, filename, text in _corpus()[:80]:
        for f in scan_text(filename, text):
            assert "[redacted]" in f.excerpt
