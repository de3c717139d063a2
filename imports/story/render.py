"""Pure renderers for the Story, Articles, Diff and Log section bodies (the compiler adds the fences)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..book.render import fenced

if TYPE_CHECKING:
    from .articles import Post


@dataclass(frozen=True)
class Commit:
    """One commit as the Log shows it."""

    hexsha: str
    date: str  # ISO 8601 with offset
    author: str  # "Name <email>"
    subject: str
    files: tuple[tuple[str, int, int], ...] = ()  # (path, lines added, lines removed); -1 = binary


def post_url(post: Post, base_url: str | None) -> str:
    """base_url + permalink; the permalink alone without a base; the slug without a permalink."""
    if not post.permalink:
        return post.slug
    if not base_url:
        return post.permalink
    return base_url.rstrip("/") + "/" + post.permalink.lstrip("/")


def dense_line(post: Post, keywords: tuple[str, ...] = (), by_slug: bool = False, prefix: str = "") -> str:
    """``date name | title`` then ``| kw, …`` when the post has a shard: one line per post.
    The name is the permalink (the post's address on the site) less the ``prefix`` all listed
    permalinks share (said once in the heading), or the slug when there is no permalink."""
    name = post.slug if by_slug or not post.permalink else (post.permalink[len(prefix):].rstrip("/") or "/")
    line = f"{post.date} {name} | {post.title}"
    return line + (f" | {', '.join(keywords)}" if keywords else "")


def common_folder(posts: list[Post]) -> str:
    """The longest folder prefix ("/futureproof/") every listed permalink starts with ("" if none)."""
    links = [p.permalink for p in posts if p.permalink]
    if len(links) < 2:
        return ""
    prefix = os.path.commonprefix(links)
    return prefix[: prefix.rfind("/") + 1] if "/" in prefix else ""


def story_line(post: Post, base_url: str | None) -> str:
    """``[date] URL | title | N tokens`` then, when present, the description and keywords."""
    line = f"[{post.date}] {post_url(post, base_url)} | {post.title} | {post.tokens:,} tokens"
    if post.description:
        line += f"\n    {post.description}"
    if post.keywords:
        line += f"\n    keywords: {', '.join(post.keywords)}"
    return line


def render_story(posts: list[Post], total: int, folder: str, selection: str, base_url: str | None,
                 *, long: bool = False, keywords: dict[str, tuple[str, ...]] | None = None,
                 by_slug: bool = False) -> str:
    """The Story body: a heading line, then one entry per selected post, oldest first.
    Dense by default (one line a post); ``long`` gives URL, token count, description, keywords."""
    head = (f"{len(posts)} of {total} posts in {folder}, oldest first (selected {selection}); "
            f"{sum(p.tokens for p in posts):,} tokens in full.")
    if not posts:
        return head + "\n"
    if long:
        return head + "\n\n" + "\n".join(story_line(p, base_url) for p in posts) + "\n"
    keywords = keywords or {}
    prefix = "" if by_slug else common_folder(posts)
    under = (base_url or "").rstrip("/") + prefix
    shape = ("One line per post: date, " + ("slug" if by_slug else "permalink (or slug)") + " | title"
             + (" | keywords from its context shard" if keywords else "") + ". Add --story-long for "
             "descriptions, URLs and token counts."
             + (f" Permalinks are under {under}" if under and under != "/" and not by_slug else ""))
    return (head + "\n" + shape + "\n\n"
            + "\n".join(dense_line(p, keywords.get(p.stem, ()), by_slug, prefix) for p in posts) + "\n")


def render_articles(articles: list[tuple[str, str]], shards: list[tuple[str, str]]) -> str:
    """The Articles body: compact-JSON shards (one line per post), then each article fenced."""
    parts: list[str] = []
    if shards:
        lines = "".join(f"{name}: {json_text}\n" for name, json_text in shards)
        parts.append(f"Context shards (compact JSON from _context/, one line per post):\n{lines}")
    for name, text in articles:
        # Fenced like a Codebase file, so a post that quotes this format (an "--- END:" line)
        # cannot close its own section early.
        parts.append(f"--- START: Article: {name} ---\n{fenced(text, 'markdown')}--- END: Article ---\n")
    return "\n".join(parts)


def render_diff(diff: str, untracked: list[str]) -> str:
    """The unified diff, with untracked files (which git diff leaves out) named at the end."""
    text = diff if not diff or diff.endswith("\n") else diff + "\n"
    if untracked:
        names = "".join(f"    {p}\n" for p in untracked)
        text += f"{'' if not text else chr(10)}# Untracked files (new, not in the diff above):\n{names}"
    return text


def render_log(commits: list[Commit]) -> str:
    """One block per commit, newest first: hash, date, author, subject, files touched."""
    blocks = []
    for c in commits:
        lines = [f"commit {c.hexsha}", f"Date:    {c.date}", f"Author:  {c.author}", f"Subject: {c.subject}"]
        if c.files:
            lines.append("Files:")
            for path, added, removed in c.files:
                change = "binary" if added < 0 else f"+{added} -{removed}"
                lines.append(f"    {path} ({change})")
        else:
            lines.append("Files:   (none)")
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)
