"""Token counting: the split-sum identity, the persistent cache, the encoding fallback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prompt_foo_loom.tokens import (Encoder, TokenCache, merge_unsafe_joins, open_counter,
                            split_at_boundaries, is_safe_join)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def counter(tmp_path):
    return open_counter("cl100k_base", tmp_path)


def test_split_sum_equals_whole_encode_on_real_files(counter):
    text = "".join(f"--- START: {p.name} ---\n{p.read_text()}\n--- END ---\n\n"
                   for p in sorted((ROOT / "imports").rglob("*.py")))
    assert len(split_at_boundaries(text)) > 10
    assert counter.count_exact(text) == counter.encode_full(text)


_atoms = st.sampled_from(list("ab /\n\t-`'0é") + ["--- START: ", "\n\n", "  ", "www.", "def f():\n    "])
_pieces = st.lists(_atoms, max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(_pieces, max_size=8))
def test_segment_sum_is_exact_for_any_segmentation(tmp_path_factory, segments):
    c = open_counter("cl100k_base", tmp_path_factory.mktemp("c"), persist=False)
    text = "".join(segments)
    assert c.count_segments(segments) == c.encode_full(text)
    assert c.count_exact(text) == c.encode_full(text)
    assert "".join(merge_unsafe_joins(segments)) == text


@pytest.mark.parametrize("left,right,safe", [
    ("a\n", "b", True), ("a\n", " b", False), ("a\n", "/b", False), ("a", "b", False),
    ("a\n", "\nb", False), ("a\n", "", False), ("```\n", "--- START", True),
])
def test_safe_join_rule(left, right, safe):
    assert is_safe_join(left, right) is safe


def test_cache_persists_and_skips_tokenizing(tmp_path):
    c1 = open_counter("cl100k_base", tmp_path)
    assert c1.count_many(["alpha beta", "gamma"]) == [2, 1]
    assert c1.misses == 2
    c1.cache.save()
    c2 = open_counter("cl100k_base", tmp_path)
    assert c2.count_many(["alpha beta", "gamma"]) == [2, 1]
    assert (c2.hits, c2.misses) == (2, 0)
    assert c2.encoder._encoding is None  # a fully cached count never loads the encoding


def test_corrupt_cache_is_discarded_with_a_note(tmp_path):
    path = tmp_path / "tokens-cl100k_base.json"
    path.write_text("{not json", encoding="utf-8")
    c = open_counter("cl100k_base", tmp_path)
    assert c.cache.counts == {}
    assert "unreadable" in c.cache.note
    assert c.count("hello") == 1
    c.cache.save()
    assert isinstance(json.loads(path.read_text()), dict)


def test_cache_rejects_wrong_shape(tmp_path):
    (tmp_path / "t.json").write_text('{"k": "five"}', encoding="utf-8")
    cache = TokenCache(tmp_path / "t.json")
    assert cache.counts == {} and cache.note


def test_unknown_encoding_is_a_usage_error(tmp_path):
    from prompt_foo_loom.errors import UsageProblem

    with pytest.raises(UsageProblem, match="not one prompt-foo can count offline"):
        Encoder("no_such_encoding", tmp_path).info
