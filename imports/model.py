"""Values passed between the compiler's stages (collect → render → settle → seal → gate → emit)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Source:
    """One piece of content for the Codebase section."""

    kind: str  # "file" | "command" | "url" | "notebook"
    label: str  # repo-relative path with "/", "! <command>", or the URL
    text: str  # exactly what goes inside the fence
    lang: str = ""  # the fence's language tag ("python", "text", …)
    size: int = 0  # bytes of the original (file bytes, command stdout, response body)
    flags: tuple[str, ...] = ()  # visible remarks: "outside repository", "decoded with replacement", "exit 2"…
    path: str | None = None  # repo-relative path for files and notebooks (used by tree and recapture)


@dataclass(frozen=True)
class Skipped:
    """Something that was considered and left out, and why (listed in the book)."""

    label: str
    reason: str


@dataclass(frozen=True)
class Note:
    """A processing note for the Summary's log (and stderr with -v)."""

    text: str
    level: str = "info"  # "info" | "warn"


@dataclass
class Collection:
    """What collect() found: the sources in order, what was skipped, and the notes."""

    sources: list[Source] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # manifest entries that do not exist


@dataclass
class StoryParts:
    """The story-so-far parts of a book (imports/story/gather.py gathers them).

    A field left as None means the option was not asked for; the book then carries the
    section's placeholder sentence instead.
    """

    story: str | None = None  # Story section body (-l)
    articles: str | None = None  # Articles section body (-a / --slug / -c)
    diff: str | None = None  # Diff section body (--diff)
    log: str | None = None  # Log section body (--log)
    changed_paths: list[str] = field(default_factory=list)  # --changed: repo-relative paths to add
    notes: list[Note] = field(default_factory=list)
