"""The on-disk article index cache: warm runs read nothing, every kind of change is seen."""

from __future__ import annotations

import json
import os
import time

import pytest

from prompt_foo_loom.story.cache import ArticleCache, cache_path
from prompt_foo_loom.story.articles import open_index
from prompt_foo_loom.tokens import open_counter
from test_articles import ODD, make_blog, write

DAY_NS = 86_400 * 10**9


@pytest.fixture
def counter(tmp_path):
    return open_counter("cl100k_base", tmp_path / "state", persist=False)


@pytest.fixture
def blog(tmp_path):
    """A 200-post blog whose files were last written a day ago (as real posts are)."""
    folder = tmp_path / "_posts"
    make_blog(folder, n=200)
    for path in folder.rglob("*"):
        set_mtime(path, time.time_ns() - DAY_NS)
    return folder


def set_mtime(path, ns):
    os.utime(path, ns=(ns, ns))


def run(folder, counter):
    index, cache = open_index(folder, counter)
    cache.save()
    return index


def titles(index):
    return {p.file: p.title for p in index.posts}


def test_warm_run_reads_no_post_bodies(blog, counter):
    cold = run(blog, counter)
    assert (cold.bodies_read, cold.tokenized) == (200 + len(ODD), 200 + len(ODD))
    warm = run(blog, counter)
    assert (warm.bodies_read, warm.tokenized) == (0, 0)
    assert warm.posts == cold.posts
    assert [n.text for n in warm.notes] == [n.text for n in cold.notes]  # notes survive the cache
    assert len(warm.notes) == 6


def test_edit_with_a_new_size_is_seen(blog, counter):
    run(blog, counter)
    write(blog / "2023-01-05-post-0012.md", "---\ntitle: Rewritten and longer\n---\nNew body.\n")
    index = run(blog, counter)
    assert titles(index)["2023-01-05-post-0012.md"] == "Rewritten and longer"
    assert (index.bodies_read, index.tokenized) == (1, 1)


def test_same_size_edit_with_a_new_mtime_is_seen(blog, counter):
    run(blog, counter)
    path = blog / "2023-01-05-post-0012.md"
    old = path.read_text(encoding="utf-8")
    new = old.replace("Post number 12", "Post NUMBER 12")
    assert len(new) == len(old)
    mtime = path.stat().st_mtime_ns
    write(path, new)
    set_mtime(path, mtime + 10**9)
    index = run(blog, counter)
    assert titles(index)["2023-01-05-post-0012.md"] == "Post NUMBER 12"
    assert index.bodies_read == 1


def test_same_size_same_mtime_edit_right_after_indexing_is_caught_by_the_hash(tmp_path, counter):
    # The file was written moments before it was indexed, so its stat alone proves nothing.
    folder = tmp_path / "_posts"
    path = folder / "2024-01-01-racy.md"
    write(path, "---\ntitle: AAAA\n---\nbody\n")
    run(folder, counter)
    mtime = path.stat().st_mtime_ns
    write(path, "---\ntitle: BBBB\n---\nbody\n")
    set_mtime(path, mtime)
    index = run(folder, counter)
    assert titles(index) == {"2024-01-01-racy.md": "BBBB"}
    assert index.bodies_read == 1


def test_touch_without_change_rereads_but_does_not_retokenize(blog, counter):
    run(blog, counter)
    set_mtime(blog / "2023-01-05-post-0012.md", time.time_ns() - DAY_NS // 2)
    index = run(blog, counter)
    assert (index.bodies_read, index.tokenized) == (1, 0)
    again = run(blog, counter)  # the refreshed stat is trusted next time
    assert again.bodies_read == 0


def test_add_rename_delete(blog, counter):
    first = run(blog, counter)
    write(blog / "2030-01-01-added.md", "---\ntitle: Added\n---\nfresh\n")
    (blog / "2023-01-02-post-0003.md").rename(blog / "2023-01-02-renamed.md")
    (blog / "2023-01-03-post-0006.md").unlink()
    index = run(blog, counter)
    files = [p.file for p in index.posts]
    assert files[-1] == "2030-01-01-added.md"
    assert "2023-01-02-renamed.md" in files
    assert "2023-01-02-post-0003.md" not in files and "2023-01-03-post-0006.md" not in files
    assert len(files) == len(first.posts)  # one added, one deleted
    assert index.bodies_read == 2
    assert index.tokenized == 1  # the renamed post's text was counted before
    stored = json.loads(cache_path(blog, counter.encoding_name).read_text(encoding="utf-8"))["entries"]
    assert sorted(stored) == sorted(files)


@pytest.mark.parametrize("damage, why", [
    (b"{not json", "Expecting property name enclosed in double quotes"),
    (b"\x80\x81", "codec can't decode"),
    (b'{"version": 1, "encoding": "cl100k_base", "entries": {"a.md": {"size": "big"}}}',
     "unexpected entry shape"),
    (b'{"version": 99}', "unknown format version"),
    (b'{"version": 1, "encoding": "o200k_base", "entries": {}}', "counted with another encoding"),
])
def test_corrupt_cache_is_discarded_with_a_note(blog, counter, damage, why):
    run(blog, counter)
    path = cache_path(blog, counter.encoding_name)
    path.write_bytes(damage)
    index = run(blog, counter)
    assert index.notes[0].level == "warn"
    assert index.notes[0].text.startswith(f"article index cache {path} was unreadable (")
    assert why in index.notes[0].text
    assert index.notes[0].text.endswith("); discarded and rebuilt")
    assert index.bodies_read == len(index.posts)
    assert run(blog, counter).notes[0].text.startswith("post ")  # rebuilt and trusted again
    assert ArticleCache(path, counter.encoding_name).note is None


def test_a_damaged_entry_is_a_miss_not_a_crash(blog, counter):
    run(blog, counter)
    path = cache_path(blog, counter.encoding_name)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["entries"]["2023-01-01-post-0000.md"]["post"] = {"file": 3}
    path.write_text(json.dumps(data), encoding="utf-8")
    index = run(blog, counter)
    assert index.bodies_read == 1
    assert titles(index)["2023-01-01-post-0000.md"] == "Post number 0"
