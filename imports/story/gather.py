"""Gathering the story-so-far sections (Story, Articles, Diff, Log) from the compile's options."""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageProblem
from ..model import Note, StoryParts
from ..printable import without_home
from .slices import parse_slice

if TYPE_CHECKING:  # the article and git modules load only when their options are used
    from .articles import Post, PostIndex

HEAD = "HEAD"  # what a bare --diff / --changed means: compare with HEAD (uncommitted changes)


def gather_story(ws, counter, params: dict) -> StoryParts:
    """Build the Story/Articles/Diff/Log parts from the options in ``params``."""
    parts = StoryParts()
    _gather_posts(ws, counter, params, parts)
    _gather_git(ws, params, parts)
    return parts


def _gather_posts(ws, counter, params: dict, parts: StoryParts) -> None:
    list_text, article_text = params.get("list_slice"), params.get("article_slice")
    slugs, shards_wanted = tuple(params.get("slugs") or ()), bool(params.get("context_shards"))
    if not (list_text or article_text or slugs or shards_wanted):
        return
    if not (list_text or article_text or slugs):  # -c alone: nothing chosen, nothing to index
        parts.notes.append(Note("-c adds the context shards of the posts chosen by -l, -a or --slug; "
                                "none was given, so no shards were added (try -c -l '[-5:]')", "warn"))
        return
    from .articles import NO_FOLDER_HINT, open_index, posts_folder, read_post
    from .render import render_articles, render_story

    list_slice = parse_slice(list_text, option="-l") if list_text else None
    article_slice = parse_slice(article_text, option="-a") if article_text else None
    target = blog_target(params.get("target"))
    folder, _origin = posts_folder(ws, params.get("posts") or target.get("posts"))
    if folder is None:
        parts.notes.append(Note(NO_FOLDER_HINT, "warn"))
        sentence = NO_FOLDER_HINT[0].upper() + NO_FOLDER_HINT[1:] + ".\n"
        parts.story = sentence if list_text else None
        parts.articles = sentence if (article_text or slugs or shards_wanted) else None
        return
    index, cache = open_index(folder, counter)
    cache.save()
    parts.notes.extend(index.notes)
    shown = _shown(folder, ws.root)
    base_url = str(params.get("base_url") or target.get("base_url") or ws.setting("base_url") or "") or None
    listed = index.posts[list_slice] if list_slice else []
    if list_slice:
        if listed or not index.posts:
            long = bool(params.get("story_long"))
            keywords = {} if long else _shard_keywords(index, listed)
            parts.story = render_story(listed, len(index.posts), shown, f"-l {list_text}", base_url,
                                       long=long, keywords=keywords, by_slug=bool(params.get("by_slug")))
        else:
            parts.story = _out_of_range("-l", list_text, len(index.posts), shown, parts.notes)
    included = index.posts[article_slice] if article_slice else []
    if article_slice and not included and index.posts:
        parts.articles = _out_of_range("-a", article_text, len(index.posts), shown, parts.notes)
    included = _dedupe(included + _by_slug(index, slugs))
    shards: list[tuple[str, str]] = []
    if shards_wanted:
        shards = _shards(index, _dedupe(listed + included), parts.notes)
    if included or shards:
        parts.articles = render_articles([(p.name, read_post(index, p)) for p in included], shards)
    # No cache statistics here: a warm compile must produce the same book as a cold one.
    parts.notes.append(Note(f"posts: {len(index.posts)} in {shown}; {len(listed)} listed, "
                            f"{len(included)} included, {len(shards)} shards"))


def blog_target(name: str | None) -> dict:
    """[targets.NAME] of the user's config: {"posts": folder, "base_url": url} ({} without -t)."""
    if not name:
        return {}
    from ..userconf import config_file, user_table

    targets = user_table("targets")
    if name not in targets:
        known = ", ".join(sorted(targets)) or "none"
        raise UsageProblem(f"-t {name}: no blog named {name!r} in {without_home(str(config_file()))} "
                           f"(targets there: {known})",
                           hint=f'Add [targets.{name}] with posts = "~/path/to/_posts" (and base_url = '
                                '"https://…") to your prompt-foo config.')
    table = targets[name]
    if not isinstance(table, dict) or not isinstance(table.get("posts"), str):
        raise UsageProblem(f"{without_home(str(config_file()))}: [targets.{name}] needs posts = \"FOLDER\"",
                           hint='e.g. posts = "~/blog/_posts", base_url = "https://example.com"')
    posts = Path(table["posts"]).expanduser()
    if not posts.is_dir():
        raise UsageProblem(f"-t {name}: its posts folder {without_home(str(posts))} does not exist",
                           hint=f"Fix posts under [targets.{name}] in {without_home(str(config_file()))}.")
    base = table.get("base_url")
    return {"posts": str(posts), "base_url": base if isinstance(base, str) else None}


def _out_of_range(option: str, text: str, total: int, shown: str, notes: list[Note]) -> str:
    """What an empty slice of a non-empty blog says: the range that does exist."""
    sentence = (f"{option} {text} selects no post: {shown} has {total} posts, indices 0 to {total - 1} "
                f"(or -{total} to -1), oldest first. Try {option} '[-5:]' or {option} '[:]'.")
    notes.append(Note(sentence, "warn"))
    return sentence + "\n"


def _shard_keywords(index: PostIndex, posts: list[Post], limit: int = 4) -> dict[str, tuple[str, ...]]:
    """The first keywords (``kw`` then ``sub``) of each post's _context/<stem>.json, when it has one.
    A shard that cannot be read is simply not used here; -c reports it."""
    found: dict[str, tuple[str, ...]] = {}
    folder = index.folder / "_context"
    if not folder.is_dir():
        return found
    for post in posts:
        try:
            data = json.loads((folder / f"{post.stem}.json").read_bytes())
        except (OSError, ValueError):
            continue
        words: list[str] = []
        for key in ("kw", "sub"):
            value = data.get(key) if isinstance(data, dict) else None
            for word in value if isinstance(value, list) else ():
                word = " ".join(str(word).split())
                if word and word not in words:
                    words.append(word)
        if words:
            found[post.stem] = tuple(words[:limit])
    return found


def _shown(folder: Path, root: Path) -> str:
    """The folder as the book names it: repository-relative when inside it."""
    try:
        rel = folder.relative_to(root.resolve())
        return rel.as_posix() + "/" if str(rel) != "." else "./"
    except ValueError:
        return without_home(str(folder))


def _dedupe(posts: list[Post]) -> list[Post]:
    seen: set[str] = set()
    return [p for p in posts if not (p.file in seen or seen.add(p.file))]


def _by_slug(index: PostIndex, slugs: tuple[str, ...]) -> list[Post]:
    """Posts named by slug, file name or stem, a path to the post file, or its URL (matched by
    permalink, else by the URL's last segment); an unknown name is a usage error."""
    names: dict[str, Post] = {}
    for post in index.posts:
        for key in (post.slug, post.stem, post.name):
            names.setdefault(key, post)
    by_link = {p.permalink.strip("/"): p for p in index.posts if p.permalink}
    chosen = []
    for given in slugs:
        slug = given
        if "://" in given:
            from urllib.parse import urlsplit

            link = urlsplit(given).path.strip("/")
            for suffix in ("/index.md", "/index.html", ".html", "/index"):
                link = link.removesuffix(suffix)
            if link in by_link or "/" + link in by_link:
                chosen.append(by_link.get(link) or by_link["/" + link])
                continue
            slug = link.rsplit("/", 1)[-1]
        elif "/" in given or given.endswith((".md", ".markdown")):
            slug = given.rstrip("/").rsplit("/", 1)[-1]
        if slug not in names:
            close = difflib.get_close_matches(slug, [p.slug for p in index.posts], n=3)
            hint = f"Did you mean: {', '.join(close)}?" if close else "List them with -l '[:]'."
            raise UsageProblem(f"--slug {given}: no post with that slug in {index.folder}.", hint=hint)
        chosen.append(names[slug])
    return chosen


def _shards(index: PostIndex, posts: list[Post], notes: list[Note]) -> list[tuple[str, str]]:
    """Compact JSON of each post's _context/<stem>.json that exists; unreadable ones are noted."""
    found = []
    for post in posts:
        path = index.folder / "_context" / f"{post.stem}.json"
        if not path.is_file():
            continue
        try:
            data = json.loads(path.read_bytes())
        except (OSError, ValueError) as exc:
            notes.append(Note(f"context shard _context/{path.name}: not valid JSON ({exc}); left out", "warn"))
            continue
        found.append((post.name, json.dumps(data, separators=(",", ":"), ensure_ascii=False)))
    if posts and not found:
        notes.append(Note(f"-c: none of the {len(posts)} chosen posts has a shard in "
                          f"{index.folder / '_context'}", "warn"))
    return found


def _gather_git(ws, params: dict, parts: StoryParts) -> None:
    diff_ref, log_count, changed_ref = params.get("diff_ref"), params.get("log_count"), params.get("changed_ref")
    asked = [name for name, v in (("--diff", diff_ref), ("--log", log_count), ("--changed", changed_ref)) if v]
    if not asked:
        return
    from .gitctx import NotInGit, changed_files, open_repo, recent_commits, working_diff
    from .render import render_diff, render_log

    try:
        repo = open_repo(ws.root) if ws.in_git else None
    except NotInGit:
        repo = None
    if repo is None:
        parts.notes.append(Note(f"{', '.join(asked)}: {ws.root} is not inside a git repository; "
                                "left out (run from a git work tree)", "warn"))
        sentence = f"Not inside a git repository ({ws.root.name}/): nothing to show.\n"
        parts.diff = sentence if diff_ref else None
        parts.log = sentence if log_count else None
        return
    with repo:
        if diff_ref:
            text, untracked = working_diff(repo, None if diff_ref == HEAD else diff_ref)
            parts.diff = render_diff(text, untracked)
        if log_count:
            commits = recent_commits(repo, log_count)
            parts.log = render_log(commits) if commits else "No commits yet.\n"
        if changed_ref:
            present, deleted = changed_files(repo, None if changed_ref == HEAD else changed_ref)
            since = "uncommitted" if changed_ref == HEAD else f"since {changed_ref}"
            parts.changed_paths = present
            parts.notes.append(Note(f"--changed: {len(present)} files changed ({since}) added to the Codebase"))
            if deleted:
                parts.notes.append(Note(f"--changed: deleted, so not included: {', '.join(deleted)}"))
