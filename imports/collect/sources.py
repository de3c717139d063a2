"""Turn manifest entries into sources: files, notebooks, `!` commands and URLs.

This is the compiler's only stage that reads the world. Every file is read once, here;
binary detection is a NUL check plus a full UTF-8 decode of the bytes already read (never
a prefix sniff, which cuts multibyte characters in half). Nothing is dropped without a
word: what is left out becomes a Skipped with its reason, or a flagged Source.
"""

from __future__ import annotations

import os
from pathlib import Path

from .commands import (DEFAULT_TIMEOUT, CommandInputMissing, CredentialStoreInput, expand_file_refs,
                       run_command)
from ..config import Workspace
from ..errors import PromptFooError, SecretsFound
from ..userconf import load_user_config
from .bounds import effective
from .credstores import store_of
from .globs import expand_glob, is_glob, untracked_files
from .manifest import Entry, entry_kind, lens_meaning
from ..model import Collection, Note, Skipped, Source
from ..printable import shown_path, without_home
from .repo_files import default_reason, exclude_matcher, language_for, listing, walk

EXPLICIT = ("manifest", "cli")  # written by the user: kept even when odd, and flagged
_ORIGINS = {"cli": "--file", "default": "default selection", "changed": "--changed"}
_SHELLISH = set(" |&;$`'\"()=")
UNTRACKED = "untracked: not yet added to git"
# Words that start a shell command but are not programs on PATH (builtins, keywords).
_SHELL_WORDS = {"cd", "echo", "export", "for", "if", "printf", "set", "source", "test", "time", "while"}


def cli_entries(ws: Workspace, paths: list[str]) -> list[Entry]:
    """Entries for files named on the command line (relative to the current folder)."""
    cwd, home = os.getcwd(), os.path.expanduser("~")
    entries = []
    for given in paths:
        if entry_kind(given) == "url":
            entries.append(Entry(text=given, kind="url", origin="cli"))
            continue
        absolute = os.path.normpath(os.path.join(cwd, os.path.expanduser(given)))
        rel = _relative(ws, absolute)
        if rel is None and home not in ("", "/", "~") and _inside(absolute, home):
            rel = "~/" + os.path.relpath(absolute, home).replace(os.sep, "/")  # outside: ~/… keeps home private
        entries.append(Entry(text=rel or absolute, kind="path", origin="cli"))
    return entries


def default_entries(ws: Workspace, exclude: list[str],
                    leave_out: set[str] | None = None) -> tuple[list[Entry], list[Skipped]]:
    """Every tracked text file, and every untracked one git does not ignore (flagged as such),
    minus the default and configured exclusions (listed as skipped) and ``leave_out`` (the
    book's own output file, which must not be packed into the next book)."""
    configured = set(ws.setting("exclude", []) or [])
    matcher = exclude_matcher(exclude)
    entries: list[Entry] = []
    skipped: list[Skipped] = []
    files, pruned = listing(ws)
    untracked = [p for p in untracked_files(ws) if p not in (leave_out or set())]
    known = set(files)
    skipped.extend(Skipped(f"{d}/", "folder not walked (tool or cache folder)") for d in pruned)
    for rel in [*files, *(p for p in untracked if p not in known)]:
        reason = default_reason(rel)
        if reason is None and matcher is not None:
            pattern = matcher(rel)
            if pattern is not None:
                where = "[tool.prompt-foo] exclude" if pattern in configured else "--exclude"
                reason = f"excluded by {where} {pattern!r}"
        if reason:
            skipped.append(Skipped(shown_path(rel), reason))
        else:
            entries.append(Entry(text=rel, kind="path", origin="default",
                                 note=None if rel in known else UNTRACKED))
    return entries, skipped


def tracked_files(ws: Workspace) -> list[str]:
    """Repo-relative paths of the files git tracks (or, outside git, a walk of the folder)."""
    return listing(ws)[0]


def collect(ws: Workspace, entries: list[Entry], *, command_timeout: float | None = None,
            url_timeout: float | None = None, exclude: list[str] | None = None) -> Collection:
    """Read every entry into a Source; problems become notes, skipped items or missing entries.
    ``exclude`` globs apply to what include globs match (a file named outright is always read)."""
    reader = _Reader(ws, Collection())
    reader.exclude = exclude_matcher(exclude or [])
    reader.named = {os.path.realpath(reader._locate(e.text)[0]) for e in entries if e.origin == "cli"}
    ws.setting("command_timeout"), ws.setting("url_timeout")  # settings.py: a bad value is a usage error
    bounds = effective(ws.settings, load_user_config())  # the repository's values, within safe bounds
    timeout = command_timeout or bounds.command_timeout or DEFAULT_TIMEOUT
    for entry in entries:
        if entry.kind == "command":
            reader.command(entry, timeout)
        elif entry.kind == "url":
            reader.url(entry, url_timeout or bounds.url_timeout, bounds.allow_private_urls)
        elif entry.kind == "lens":
            reader.lens(entry)
        elif entry.kind == "prose":
            continue  # carried into the Manifest by the caller; nothing to read
        else:
            reader.path(entry)
    return reader.col


class _Reader:
    """Collect's state: the collection being filled, labels already taken, the tracked list."""

    def __init__(self, ws: Workspace, col: Collection):
        self.ws, self.col = ws, col
        self.root = str(ws.root)
        self.real_root = os.path.realpath(ws.root)
        self.seen: set[str] = set()
        self._tracked: list[str] | None = None
        self._candidates: list[str] | None = None
        self.exclude = None
        self.named: set[str] = set()  # real paths the user named with -f (credential stores allowed)

    def _where(self, entry: Entry) -> str:
        return f"{entry.file}:{entry.line}" if entry.line else _ORIGINS.get(entry.origin, entry.origin)

    def note(self, entry: Entry, text: str, level: str = "warn") -> None:
        self.col.notes.append(Note(f"{self._where(entry)}: {text}", level))

    def _fresh(self, entry: Entry, label: str) -> bool:
        if label in self.seen:
            if entry.origin in EXPLICIT:
                self.note(entry, f"{label} is already included; listed again", "info")
            return False
        self.seen.add(label)
        return True

    def command(self, entry: Entry, timeout: float) -> None:
        if not self._fresh(entry, entry.text):
            return
        try:
            command = expand_file_refs(entry.text[1:].strip(), self.ws.root)
        except CommandInputMissing as exc:
            what = "a credential store" if isinstance(exc, CredentialStoreInput) else "no readable text file"
            why = f"not run: {{{{{exc.args[0]}}}}} names {what}"
            self.add(entry, Source("command", entry.text, f"# {why}\n", "text", 0, (why,)))
            return
        self.add(entry, run_command(entry.text, command, self.ws.root, timeout))

    def add(self, entry: Entry, src: Source) -> None:
        self.col.sources.append(src)
        if src.flags and src.flags != (UNTRACKED,):  # untracked files are counted once, by the caller
            self.note(entry, f"{src.label}: {'; '.join(src.flags)}")

    def url(self, entry: Entry, timeout, allow_private: bool = False) -> None:
        from .urls import DEFAULT_TIMEOUT as URL_TIMEOUT, fetch_url  # lazy: urllib is only needed here

        if not self._fresh(entry, entry.text):
            return
        self.add(entry, fetch_url(entry.text, float(timeout or URL_TIMEOUT), allow_private=allow_private))

    def lens(self, entry: Entry) -> None:
        """A Pipulate lens line: listed as skipped with what it asks for, never fetched or run."""
        _sigil, would = lens_meaning(entry.text)
        where = f"{entry.file}:{entry.line}" if entry.line else _ORIGINS.get(entry.origin, entry.origin)
        self.col.skipped.append(Skipped(entry.text, f"{where}: not implemented by prompt-foo, so neither fetched "
                                                    f"nor run; in Pipulate it would {would} "
                                                    "(write the plain URL to fetch it)"))

    def glob(self, entry: Entry) -> None:
        """An include glob: every tracked or untracked-but-not-ignored file it matches, minus excludes."""
        if self._candidates is None:
            self._candidates = sorted({*tracked_files(self.ws), *untracked_files(self.ws)})
        matched = expand_glob(entry.text, self._candidates)
        kept = [m for m in matched if self.exclude is None or self.exclude(m) is None]
        for m in matched:
            if m not in kept:
                self.col.skipped.append(Skipped(shown_path(m), f"excluded by the exclude pattern {self.exclude(m)!r}"))
        if not kept:
            self.col.missing.append(entry.text)
            self.note(entry, f"{entry.text}: the glob matches no file" + (
                f" ({len(matched)} matched, all excluded)" if matched else ""))
            return
        self.note(entry, f"{entry.text}: glob matched {len(kept)} files", "info")
        for rel in kept:
            label = shown_path(rel)
            reason = default_reason(rel)
            if reason:
                self.col.skipped.append(Skipped(label, reason))
            elif self._fresh(sub := Entry(label, "path", entry.line, origin="glob", file=entry.file), label):
                self.file(sub, os.path.join(self.root, rel), label, label)

    def _locate(self, written: str) -> tuple[str, str | None]:
        """(absolute path, repo-relative label or None when outside the root)."""
        absolute = os.path.normpath(os.path.join(self.root, os.path.expanduser(written)))
        return absolute, _relative(self.ws, absolute)

    def path(self, entry: Entry) -> None:
        absolute, rel = self._locate(entry.text)
        if is_glob(entry.text) and not os.path.lexists(absolute) and (rel is not None and rel != "."):
            self.glob(Entry(rel, entry.kind, entry.line, entry.note, entry.origin, entry.file))
            return
        if os.path.isdir(absolute):
            if entry.origin in EXPLICIT:
                self.folder(entry, absolute, rel)
            else:  # a listed path that is a folder: a git submodule
                self.col.skipped.append(Skipped(shown_path(rel or entry.text), "folder (a git submodule?): not read"))
            return
        # Outside the root the written form is kept, but home is shown as ~ (issue 2: no home
        # directories in the book; this overrides DESIGN.md's "absolute form").
        label = shown_path(rel if rel is not None else without_home(entry.text))
        if not os.path.lexists(absolute):
            self.missing(entry, label)
        elif self._fresh(entry, label):
            self.file(entry, absolute, label, None if rel is None else label)

    def missing(self, entry: Entry, label: str) -> None:
        if entry.origin not in EXPLICIT:
            self.col.skipped.append(Skipped(label, "tracked, but not in the work tree"))
            return
        self.col.missing.append(shown_path(entry.text))
        hint = ""
        if _looks_like_command(entry.text):
            hint = f"; it looks like a shell command: did you mean `! {shown_path(entry.text)}`?"
        self.note(entry, f"{shown_path(entry.text)} does not exist{hint}")

    def folder(self, entry: Entry, absolute: str, rel: str | None) -> None:
        """A folder entry: its tracked files (or a walk outside the repository), with default exclusions."""
        if rel is not None:
            if self._tracked is None:
                self._tracked = tracked_files(self.ws)
            prefix = "" if rel == "." else rel + "/"
            found = [(os.path.join(self.root, f), shown_path(f), shown_path(f)) for f in self._tracked
                     if f.startswith(prefix)]
        else:
            found = [(os.path.join(absolute, f), shown_path(f"{entry.text.rstrip('/')}/{f}"), None)
                     for f in walk(Path(absolute))[0]]
        if not found:
            self.col.missing.append(entry.text)
            self.note(entry, f"{entry.text} is a folder with no tracked files")
            return
        self.note(entry, f"{entry.text}: folder expanded to {len(found)} files", "info")
        for full, label, sub_rel in found:
            reason = default_reason(label)
            if reason:
                self.col.skipped.append(Skipped(label, reason))
            elif self._fresh(sub := Entry(label, "path", entry.line, origin="folder"), label):
                self.file(sub, full, label, sub_rel)

    def file(self, entry: Entry, absolute: str, label: str, rel: str | None) -> None:
        explicit = entry.origin in EXPLICIT
        flags: list[str] = []
        leaves = rel is not None and not _inside(os.path.realpath(absolute), self.real_root)
        if leaves and not explicit:  # a symlink out is never followed, whatever it points at
            self.col.skipped.append(Skipped(label, "symlink to a file outside the repository"))
            return
        store = store_of(label, absolute)
        if store and os.path.realpath(absolute) not in self.named:
            if not explicit and rel is not None:
                # A repository's own file by that name (a test fixture .netrc): never packed, and
                # listed, but no refusal, or every such repository would fail to compile whole.
                self.col.skipped.append(Skipped(label, "a credential store by its name: not packed "
                                                       "(name it with -f to include it)"))
                return
            raise SecretsFound(
                f"{self._where(entry)}: {label} is a credential store"
                + (f" (it points to {without_home(os.path.realpath(absolute))})" if store != label else "")
                + "; nothing was emitted",
                hint="Credential stores never go into a book from a manifest, a folder or a repository. "
                     "If you really mean it, name the file yourself: prompt-foo -f PATH.")
        if rel is None:
            flags.append("outside repository")
        # Listed files never sit under a symlinked folder (git stores the link), so check the file only.
        elif leaves:
            if entry.origin == "manifest":
                raise PromptFooError(
                    f"{self._where(entry)}: {label} is a symlink to "
                    f"{without_home(os.path.realpath(absolute))}, outside the repository; nothing was emitted",
                    hint="Symlinks out of the repository are not followed. Name the target itself in the "
                         "manifest (it then needs prompt-foo --trust), or -f it on the command line.")
            flags.append("symlink to a file outside the repository")
        try:
            if os.path.exists(absolute) and not os.path.isfile(absolute):  # reading would block or never end
                raise OSError(0, "not a regular file (a FIFO, socket or device)")
            with open(absolute, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            self._unreadable(entry, label, rel, f"cannot read: {exc.strerror or exc}", explicit, flags)
            return
        if label.lower().endswith(".ipynb") and self.notebook(entry, label, rel, data, flags):
            return
        text, decode_flags = decode(data)
        if text is None:
            self._unreadable(entry, label, rel, f"binary ({len(data):,} bytes, NUL bytes found)", explicit,
                             flags, len(data))
            return
        if not explicit and _looks_minified(data):
            self.col.skipped.append(Skipped(label, "looks minified (very long lines)"))
            return
        flags.extend(decode_flags)
        if entry.origin == "default" and entry.note == UNTRACKED:
            flags.append(UNTRACKED)
        self.add(entry, Source("file", label, text, language_for(label), len(data), tuple(flags), rel))

    def _unreadable(self, entry, label, rel, why, explicit, flags, size=0) -> None:
        if not explicit:
            self.col.skipped.append(Skipped(label, why))
            return
        flags = [*flags, f"{why}; not included"]
        self.note(entry, f"{label}: {why}; included as a note")
        self.col.sources.append(Source("file", label, f"[{why}; contents not included]\n", "text", size,
                                       tuple(flags), rel))

    def notebook(self, entry, label, rel, data: bytes, flags: list[str]) -> bool:
        from .notebooks import NotebookError, NotebookSupportMissing, render_notebook  # lazy: jupytext is slow

        try:
            rendered = render_notebook(data.decode("utf-8", "replace"))
        except NotebookSupportMissing:
            self.note(entry, f"{label}: notebooks need jupytext, which is not installed; included as raw JSON "
                             "(install it with: pipx install 'prompt-foo-loom[notebooks]' or pip install jupytext)")
            flags.append("jupytext not installed; raw JSON")
            return False
        except NotebookError as exc:
            self.note(entry, f"{label}: not a readable notebook ({exc}); included as raw text")
            flags.append("not a readable notebook; raw text")
            return False
        flags.append(f"notebook: {rendered.cells} cells as percent-format text, outputs left out")
        self.col.sources.append(Source("notebook", label, rendered.text, rendered.lang, len(data),
                                       tuple(flags), rel))
        return True


def decode(data: bytes) -> tuple[str | None, tuple[str, ...]]:
    """(text, flags) for a file's bytes; text is None for binary content."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), ("decoded from UTF-16",)
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        return None, ()
    try:
        return data.decode("utf-8"), ()
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", "replace")
        return text, (f"not valid UTF-8 (first bad byte at offset {exc.start:,}): decoded with replacement",)


def _looks_like_command(text: str) -> bool:
    """A missing path that reads as a shell command whose `!` was lost: its first word is a
    program on PATH (or a shell word) and it has shell syntax after it. Never for text that
    holds a redirection, since the suggested `! …` line would then write over a file."""
    import shutil

    if "<" in text or ">" in text or text[:1] in "@$%?!" or not (_SHELLISH & set(text)):
        return False
    first = text.split()[0] if text.split() else ""
    return first in _SHELL_WORDS or (first.isprintable() and "/" not in first and shutil.which(first) is not None)


def _looks_minified(data: bytes) -> bool:
    """At least 20 kB with lines averaging over 1,000 characters."""
    return len(data) >= 20_000 and len(data) / (data.count(b"\n") + 1) > 1_000


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _relative(ws: Workspace, absolute: str) -> str | None:
    """``absolute`` relative to the root with "/" separators, or None when it is outside."""
    root = str(ws.root)
    if absolute == root or not _inside(absolute, root):
        return "." if absolute == root else None
    return absolute[len(root.rstrip(os.sep)) + 1:].replace(os.sep, "/")
