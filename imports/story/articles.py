"""The Jekyll post index: discovery, YAML front matter, ordering, and the cached index.

Posts are files named ``YYYY-MM-DD-slug.md`` (or ``.markdown``) in the posts folder or
its sub-folders (folders starting with "_" or "." are Jekyll's own, e.g. ``_context``).
Order is oldest first by (date, sort_order, file); a front-matter ``date`` overrides the
date in the file name.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .cache import ArticleCache, cache_path, content_hash, now_ns
from ..errors import UsageProblem
from ..model import Note

POST_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-(.+)\.(?:md|markdown)$")
_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*\r?$\n?", re.DOTALL | re.MULTILINE)


@dataclass(frozen=True)
class Post:
    """One post as the index knows it (everything but its body)."""

    file: str  # path relative to the posts folder, "/" separators
    slug: str
    date: str  # YYYY-MM-DD
    title: str  # the slug when the front matter has none
    permalink: str = ""
    description: str = ""
    sort_order: int = 0
    keywords: tuple[str, ...] = ()
    tokens: int = 0  # of the whole file, as -a includes it
    problems: tuple[str, ...] = ()  # why its front matter was not used as is

    @property
    def name(self) -> str:
        return self.file.rsplit("/", 1)[-1]

    @property
    def stem(self) -> str:
        return self.name.rsplit(".", 1)[0]

    def sort_key(self) -> tuple:
        return (self.date, self.sort_order, self.file)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Post":
        fields = dict(data)
        fields["keywords"] = tuple(fields.get("keywords", ()))
        fields["problems"] = tuple(fields.get("problems", ()))
        post = cls(**fields)
        if not all(isinstance(v, str) for v in (post.file, post.slug, post.date, post.title)):
            raise TypeError("bad field types")
        return post


@dataclass
class PostIndex:
    """The ordered posts of one folder, the notes about them, and what this build read."""

    folder: Path
    posts: list[Post] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    bodies_read: int = 0  # post files opened this time (0 on a warm run)
    tokenized: int = 0  # texts the token counter had to encode

    def by_slug(self) -> dict[str, Post]:
        return {p.slug: p for p in self.posts}


def posts_folder(ws, option: str | None) -> tuple[Path | None, str]:
    """The posts folder (--posts, then [tool.prompt-foo] posts, then _posts/) and where it came from."""
    if option:
        folder = Path(option).expanduser()
        if not folder.is_dir():
            raise UsageProblem(f"--posts {option}: no such folder.",
                               hint="Give the folder that holds your YYYY-MM-DD-slug.md posts.")
        return folder.resolve(), "--posts"
    configured = ws.setting("posts")
    if configured:
        folder = ws.root / Path(str(configured)).expanduser()  # relative to the repository root
        if not folder.is_dir():
            raise UsageProblem(f"[tool.prompt-foo] posts = {configured!r} in {ws.root / 'pyproject.toml'}: "
                               f"no such folder ({folder}).", hint="Fix the setting or pass --posts DIR.")
        return folder.resolve(), "pyproject.toml"
    default = ws.root / "_posts"
    if default.is_dir():
        return default.resolve(), "_posts/"
    return None, ""


NO_FOLDER_HINT = ("no posts folder is configured: pass --posts DIR, set posts = \"DIR\" under "
                  "[tool.prompt-foo] in pyproject.toml, or keep posts in _posts/ at the repository root")


def scan(folder: Path) -> list[tuple[str, os.stat_result]]:
    """Every post file under ``folder`` with its stat; other files are ignored silently."""
    found: list[tuple[str, os.stat_result]] = []
    stack = [("", folder)]
    while stack:
        prefix, path = stack.pop()
        try:
            with os.scandir(path) as it:
                entries = list(it)
        except OSError:
            continue  # an unreadable sub-folder holds nothing we can list
        for entry in entries:
            if entry.is_dir():
                if not entry.name.startswith(("_", ".")):
                    stack.append((f"{prefix}{entry.name}/", Path(entry.path)))
            elif POST_NAME.match(entry.name) and entry.is_file():
                found.append((prefix + entry.name, entry.stat()))
    return found


def decode(data: bytes) -> tuple[str, str | None]:
    """UTF-8 text of a post (BOM dropped), with a problem when bytes had to be replaced."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        return data.decode("utf-8-sig", "replace"), f"not valid UTF-8 at byte {exc.start}; decoded with replacement"


def split_front_matter(text: str) -> tuple[str | None, str | None]:
    """(the YAML text, problem): no front matter, or an unclosed one, is a problem."""
    if not re.match(r"---[ \t]*\r?\n", text):
        return None, "no front matter (the file does not start with a '---' line)"
    m = _FRONT.match(text)
    if not m:
        return None, "front matter is not closed (no second '---' line)"
    return m.group(1), None


def load_yaml(source: str) -> tuple[dict, str | None]:
    """The front matter as a mapping, or {} and why it could not be read."""
    import yaml  # lazy: a warm run never parses YAML

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(source, Loader=loader)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at front-matter line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return {}, f"invalid YAML front matter{where}: {what}"
    if data is None:
        return {}, None
    if not isinstance(data, dict):
        return {}, f"front matter is a {type(data).__name__}, not a mapping of fields"
    return data, None


def _text(value) -> str:
    if value is None:
        return ""
    return " ".join(str(value).split())  # one line: Story lines are line-oriented


def _date(value, fallback: str) -> tuple[str, str | None]:
    if value is None or value == "":
        return fallback, None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10], None
    try:
        return dt.date.fromisoformat(str(value).strip()[:10]).isoformat(), None
    except ValueError:
        return fallback, f"date {str(value)!r} is not a date; the file name's date is used"


def _sort_order(value) -> tuple[int, str | None]:
    if value is None:
        return 0, None
    if isinstance(value, int) and not isinstance(value, bool):
        return value, None
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value), None
    return 0, f"sort_order {value!r} is not an integer; 0 is used"


def _keywords(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(_text(v) for v in value if _text(v))
    return tuple(k.strip() for k in str(value).split(",") if k.strip())


def parse_post(rel: str, text: str, tokens: int = 0, problems: tuple[str, ...] = ()) -> Post:
    """A Post from its path and text (pure: problems are kept on the Post)."""
    name = rel.rsplit("/", 1)[-1]
    m = POST_NAME.match(name)
    file_date, slug = m.group(1), m.group(2)
    found = list(problems)
    source, problem = split_front_matter(text.removeprefix("\ufeff"))
    data: dict = {}
    if problem:
        found.append(problem)
    else:
        data, problem = load_yaml(source)
        if problem:
            found.append(problem)
    if data.get("date") in (None, ""):
        try:
            dt.date.fromisoformat(file_date)
        except ValueError:
            found.append(f"the file name's date {file_date} is not a calendar date")
    date, problem = _date(data.get("date"), file_date)
    found += [problem] if problem else []
    order, problem = _sort_order(data.get("sort_order"))
    found += [problem] if problem else []
    description = data.get("meta_description") or data.get("description")
    keywords = data.get("keywords") if data.get("keywords") is not None else data.get("meta_keywords")
    return Post(file=rel, slug=slug, date=date, title=_text(data.get("title")) or slug,
                permalink=_text(data.get("permalink")), description=_text(description),
                sort_order=order, keywords=_keywords(keywords), tokens=tokens, problems=tuple(found))


def build_index(folder: Path, counter, cache: ArticleCache) -> PostIndex:
    """Index ``folder``: stat every post, read and parse only what the cache cannot vouch for."""
    index = PostIndex(folder)
    if cache.note:
        index.notes.append(Note(cache.note, "warn"))
    seen_ns = now_ns()
    found = scan(folder)
    posts: dict[str, Post] = {}
    pending: list[tuple[str, os.stat_result, str, str, tuple[str, ...]]] = []
    for rel, st in found:
        post = _cached(cache, rel, st)
        if post is not None:
            posts[rel] = post
            continue
        try:
            data = (folder / rel).read_bytes()
        except OSError as exc:
            index.notes.append(Note(f"post {rel}: unreadable ({exc.strerror or exc}); left out", "warn"))
            continue
        index.bodies_read += 1
        digest = content_hash(data)
        post = _from_dict(cache.same_content(rel, digest))
        if post is not None:  # touched, not changed: refresh the stat only
            cache.put(rel, st, digest, post.to_dict(), seen_ns)
            posts[rel] = post
            continue
        text, problem = decode(data)
        pending.append((rel, st, digest, text, (problem,) if problem else ()))
    if pending:
        misses = counter.misses
        counts = counter.count_many([p[3] for p in pending])
        index.tokenized = counter.misses - misses
        for (rel, st, digest, text, problems), n in zip(pending, counts):
            post = parse_post(rel, text, n, problems)
            cache.put(rel, st, digest, post.to_dict(), seen_ns)
            posts[rel] = post
    cache.keep_only(set(posts))
    index.posts = sorted(posts.values(), key=Post.sort_key)
    for post in index.posts:
        for problem in post.problems:
            index.notes.append(Note(f"post {post.file}: {problem}", "warn"))
    return index


def _from_dict(data: dict | None) -> Post | None:
    if data is None:
        return None
    try:
        return Post.from_dict(data)
    except (TypeError, ValueError, KeyError):
        return None  # a damaged entry is a miss, not a crash


def _cached(cache: ArticleCache, rel: str, st: os.stat_result) -> Post | None:
    return _from_dict(cache.fresh(rel, st))


def open_index(folder: Path, counter) -> tuple[PostIndex, ArticleCache]:
    """The index of ``folder`` through its on-disk cache (the caller saves the cache)."""
    cache = ArticleCache(cache_path(folder, counter.encoding_name), counter.encoding_name)
    return build_index(folder, counter, cache), cache


def read_post(index: PostIndex, post: Post) -> str:
    """The full text of one post (for -a)."""
    return decode((index.folder / post.file).read_bytes())[0]
