"""The post index on a synthetic Jekyll blog: discovery, front matter, ordering, notes, Story lines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from prompt_foo_loom.story.cache import ArticleCache
from prompt_foo_loom.story.articles import Post, build_index, parse_post
from prompt_foo_loom.story.render import render_story
from prompt_foo_loom.tokens import open_counter

ODD = {
    # file name -> text; each exercises one oddity the index must survive
    "2023-03-01-empty-title.md": '---\ntitle: ""\npermalink: /empty/\n---\nEmpty title body.\n',
    "2023-03-02-bad-yaml.md": "---\ntitle: [unclosed\nsort_order: 1\n---\nBody after bad YAML.\n",
    "2023-03-03-no-front-matter.md": "Just a body, no front matter at all.\n",
    "2023-03-04-unclosed.md": "---\ntitle: Never closed\nBody runs on.\n",
    "2023-03-05-list-front.md": "---\n- a\n- b\n---\nFront matter that is a list.\n",
    "2023-03-06-moved.md": "---\ntitle: Moved back\ndate: 2020-01-01 08:00:00 +0100\n---\nDated by front matter.\n",
    "2023-03-07-long-form.markdown": "---\ntitle: Markdown extension\nsort_order: 2\n---\nA .markdown post.\n",
    "2023-03-08-bad-order.md": "---\ntitle: Bad order\nsort_order: first\n---\nNot an integer.\n",
    "2023-03-09-bad-date.md": "---\ntitle: Bad date\ndate: someday\n---\nUnparseable date.\n",
}
NOT_POSTS = {
    "README.md": "# not a post\n",
    "index.html": "<html></html>\n",
    "2023-03-01-text.txt": "wrong extension\n",
    "draft-idea.md": "no date\n",
    "_context/2023-01-01-post-0000.json": '{"kw": ["k0"]}\n',
    "_drafts/2023-01-01-draft.md": "---\ntitle: a draft\n---\n",
    ".hidden/2023-01-01-hidden.md": "---\ntitle: hidden\n---\n",
}


def make_blog(folder: Path, n: int = 300, body_lines: int = 3) -> list[str]:
    """Write ``n`` ordinary posts (three a day, ordered by sort_order against their file names)
    plus the odd ones and some non-post files; returns the ordinary file names."""
    names = []
    start = dt.date(2023, 1, 1)
    for i in range(n):
        day = start + dt.timedelta(days=i // 3)
        name = f"{day.isoformat()}-post-{i:04d}.md"
        # sort_order runs against the file name order, so only a correct sort gets it right
        order = 3 - i % 3
        body = "".join(f"Line {j} of post {i}: the story so far, told again.\n" for j in range(body_lines))
        write(folder / name, f"---\ntitle: Post number {i}\npermalink: /blog/post-{i}/\n"
                             f"meta_description: About post {i}\nsort_order: {order}\n---\n{body}")
        names.append(name)
    for name, text in {**ODD, **NOT_POSTS}.items():
        write(folder / name, text)
    return names


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def counter(tmp_path):
    return open_counter("cl100k_base", tmp_path / "state", persist=False)


def fresh_index(folder, counter):
    return build_index(folder, counter, ArticleCache(None, counter.encoding_name))


def test_synthetic_blog_is_indexed_in_order_with_notes(tmp_path, counter):
    folder = tmp_path / "_posts"
    make_blog(folder, n=300)
    index = fresh_index(folder, counter)
    assert len(index.posts) == 300 + len(ODD)
    assert index.bodies_read == len(index.posts)
    files = [p.file for p in index.posts]
    assert not any(f.endswith((".txt", ".html")) or "draft" in f or "hidden" in f for f in files)
    assert "README.md" not in files
    # front-matter date overrides the file name: 2020 sorts before every 2023 post
    assert files[0] == "2023-03-06-moved.md" and index.posts[0].date == "2020-01-01"
    # same-day posts follow sort_order, not the file name
    assert files[1:4] == ["2023-01-01-post-0002.md", "2023-01-01-post-0001.md", "2023-01-01-post-0000.md"]
    keys = [p.sort_key() for p in index.posts]
    assert keys == sorted(keys)
    assert [p.file for p in index.posts if p.date == "2023-03-07"] == [
        "2023-03-07-post-0197.md", "2023-03-07-long-form.markdown", "2023-03-07-post-0196.md",
        "2023-03-07-post-0195.md"]
    notes = [n.text for n in index.notes]
    assert notes == [
        "post 2023-03-02-bad-yaml.md: invalid YAML front matter at front-matter line 2, column 11: "
        "did not find expected ',' or ']'",
        "post 2023-03-03-no-front-matter.md: no front matter (the file does not start with a '---' line)",
        "post 2023-03-04-unclosed.md: front matter is not closed (no second '---' line)",
        "post 2023-03-05-list-front.md: front matter is a list, not a mapping of fields",
        "post 2023-03-08-bad-order.md: sort_order 'first' is not an integer; 0 is used",
        "post 2023-03-09-bad-date.md: date 'someday' is not a date; the file name's date is used",
    ]
    assert all(n.level == "warn" for n in index.notes)


def test_titles_fall_back_to_the_slug(tmp_path, counter):
    folder = tmp_path / "_posts"
    make_blog(folder, n=3)
    by_file = {p.file: p for p in fresh_index(folder, counter).posts}
    assert by_file["2023-03-01-empty-title.md"].title == "empty-title"
    assert by_file["2023-03-02-bad-yaml.md"].title == "bad-yaml"
    assert by_file["2023-03-02-bad-yaml.md"].sort_order == 0  # nothing from a broken front matter is used
    assert by_file["2023-03-03-no-front-matter.md"].title == "no-front-matter"
    assert by_file["2023-03-07-long-form.markdown"].title == "Markdown extension"
    assert by_file["2023-01-01-post-0000.md"].description == "About post 0"


def test_token_counts_are_of_the_whole_file(tmp_path, counter):
    folder = tmp_path / "_posts"
    make_blog(folder, n=3)
    for post in fresh_index(folder, counter).posts:
        assert post.tokens == counter.encode_full((folder / post.file).read_text(encoding="utf-8"))


def test_front_matter_fields():
    text = ("---\ntitle: \"Hello: World\"\npermalink: /hello/\ndescription: plain\nmeta_description: meta wins\n"
            "keywords: [alpha, beta]\nsort_order: '3'\ndate: 2024-05-06\n---\nbody\n")
    assert parse_post("2024-01-01-hello.md", text, tokens=7) == Post(
        file="2024-01-01-hello.md", slug="hello", date="2024-05-06", title="Hello: World",
        permalink="/hello/", description="meta wins", sort_order=3, keywords=("alpha", "beta"), tokens=7)
    post = parse_post("sub/2024-01-01-kw.md", "---\nmeta_keywords: a, b ,c\ndescription: |\n  two\n  lines\n---\n")
    assert (post.keywords, post.description, post.title, post.name, post.stem) == (
        ("a", "b", "c"), "two lines", "kw", "2024-01-01-kw.md", "2024-01-01-kw")
    assert parse_post("2024-01-01-e.md", "---\n---\nbody\n").problems == ()
    assert parse_post("2024-01-01-e.md", "\ufeff---\r\ntitle: crlf\r\n---\r\nbody\r\n").title == "crlf"


def test_story_body_whole(tmp_path, counter):
    folder = tmp_path / "_posts"
    write(folder / "2024-01-01-one.md", "---\ntitle: One\npermalink: /one/\ndescription: First post\n"
                                         "keywords: [a, b]\n---\nHello.\n")
    write(folder / "2024-01-02-two.md", "---\ntitle: Two\n---\nNo permalink here.\n")
    write(folder / "2024-01-03-three.md", "---\ntitle: Three\npermalink: three/\n---\n")
    index = fresh_index(folder, counter)
    tokens = [p.tokens for p in index.posts]
    body = render_story(index.posts[-3:], len(index.posts), "_posts/", "-l [-3:]", "https://ex.org/", long=True)
    assert body == (
        f"3 of 3 posts in _posts/, oldest first (selected -l [-3:]); {sum(tokens):,} tokens in full.\n\n"
        f"[2024-01-01] https://ex.org/one/ | One | {tokens[0]} tokens\n"
        "    First post\n"
        "    keywords: a, b\n"
        f"[2024-01-02] two | Two | {tokens[1]} tokens\n"
        f"[2024-01-03] https://ex.org/three/ | Three | {tokens[2]} tokens\n"
    )
    no_base = render_story(index.posts[:1], 3, "_posts/", "-l [0]", None, long=True)
    assert no_base.splitlines()[2] == f"[2024-01-01] /one/ | One | {tokens[0]} tokens"
    # The default (issue 15) is one dense line per post.
    dense = render_story(index.posts[-3:], len(index.posts), "_posts/", "-l [-3:]", "https://ex.org/")
    assert dense.splitlines()[1:] == [
        "One line per post: date, permalink (or slug) | title. Add --story-long for descriptions, URLs and "
        "token counts. Permalinks are under https://ex.org",
        "", "2024-01-01 /one | One", "2024-01-02 two | Two", "2024-01-03 three | Three"]


def test_sub_folders_and_impossible_file_dates(tmp_path, counter):
    folder = tmp_path / "_posts"
    write(folder / "2024-01-01-top.md", "---\ntitle: Top\n---\n")
    write(folder / "python/2024-01-02-in-category.md", "---\ntitle: In a category\n---\n")
    write(folder / "2024-13-40-impossible.md", "---\ntitle: Impossible\n---\n")
    write(folder / "2024-13-41-redated.md", "---\ntitle: Redated\ndate: 2023-12-31\n---\n")
    index = fresh_index(folder, counter)
    assert [p.file for p in index.posts] == [
        "2024-13-41-redated.md", "2024-01-01-top.md", "python/2024-01-02-in-category.md",
        "2024-13-40-impossible.md"]
    assert index.posts[2].name == "2024-01-02-in-category.md"
    assert [n.text for n in index.notes] == [
        "post 2024-13-40-impossible.md: the file name's date 2024-13-40 is not a calendar date"]
