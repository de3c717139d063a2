"""The compile command's body: wire the stages, show the result on stderr, set the exit code."""

from __future__ import annotations

from ..book.pipeline import Request, compile_book
from ..config import cache_dir, open_workspace
from ..book.emit import emit
from ..errors import PromptFooError, UsageProblem
from ..book.gates import check_budget, check_secrets
from ..collect.intent import resolve_intent
from ..collect.manifest import DEFAULT_CHOP, read_manifest
from ..model import Note
from ..collect.sources import cli_entries, default_entries
from ..tokens import open_counter
from .common import stderr_console
from .report import show_result
from .story import gather_story


def _entries(ws, chop, args, files, exclude, notes):
    """Manifest entries, plus command-line files; the whole repository when neither exists."""
    manifest = read_manifest(ws.root, chop or ws.setting("chop") or DEFAULT_CHOP, args)
    extra = cli_entries(ws, files)
    if manifest is not None:
        notes.extend(manifest.notes)
        return manifest.entries + extra, [], manifest
    if chop:
        raise UsageProblem(f"--chop {chop}: there is no foo_files.py in {ws.root}")
    if extra:
        return extra, [], None
    entries, skipped = default_entries(ws, exclude)
    notes.append(Note(f"no foo_files.py: packing every tracked text file ({len(entries)} files)"))
    return entries, skipped, None


def run_compile(*, prompt, output, no_clipboard, clipboard_backend, chop, args, files, exclude, tree,
                budget, encoding, allow_secrets, strict, quiet, verbose, story_params, argv, command_line):
    console = stderr_console()
    if clipboard_backend and not no_clipboard:
        from ..clipboard import check_backend

        check_backend(clipboard_backend)  # a misspelt backend is a usage error before any work
    try:
        ws = open_workspace()
    except FileNotFoundError:  # the shell's current folder was deleted under it
        raise PromptFooError("the current folder no longer exists",
                             hint="cd to an existing folder and run again.") from None
    budget = budget or ws.setting("budget")  # settings are checked before any work, so a typo costs nothing
    exclude = _globs(ws, "exclude") + _valid_globs(exclude, "--exclude")  # the command line wins
    allow_globs = list(allow_secrets) + _globs(ws, "allow_secrets")
    notes: list[Note] = [Note(w, "warn") for w in getattr(ws.settings, "warnings", [])]
    if not ws.in_git:
        notes.append(Note(f"not inside a git repository: working on {ws.root}", "warn"))
    counter = open_counter(encoding or ws.setting("encoding"), cache_dir())
    if counter.cache.note:
        notes.append(Note(counter.cache.note, "warn"))
    if counter.encoder.info.note:
        notes.append(Note(f"encoding {counter.encoder.info.describe()}"))

    intent, intent_from = resolve_intent(prompt, ws.root)
    notes.append(Note(f"intent from {intent_from}"))
    entries, skipped, manifest = _entries(ws, chop, args, files, exclude, notes)
    story = gather_story(ws, counter, story_params)
    if story.changed_paths:
        from ..collect.manifest import Entry

        known = {e.text for e in entries}
        entries += [Entry(p, "path", origin="changed") for p in story.changed_paths if p not in known]

    req = Request(entries=entries, prompt=intent, command=command_line(argv, ws.root),
                  chop=manifest.chop if manifest else (chop or DEFAULT_CHOP),
                  story=story, tree=tree, notes=notes, skipped=skipped)
    with _progress(console, quiet) as progress:
        compiled = compile_book(ws, counter, req, progress)
    counter.cache.save()

    if strict and compiled.collection.missing:  # exit 1 promises that nothing was written
        raise PromptFooError(f"--strict: {len(compiled.collection.missing)} manifest entries do not exist: "
                             + ", ".join(compiled.collection.missing) + "; nothing was emitted",
                             hint="Fix or comment out those entries, or run without --strict.")
    check_budget(compiled, budget)
    parts = [(s.label, s.text) for s in compiled.collection.sources]
    parts += [(name, text) for name, text in (("Story", story.story), ("Articles", story.articles),
                                               ("Diff", story.diff), ("Log", story.log), ("Prompt", intent))
              if text]
    allowed = check_secrets(parts, allow_globs, cache_dir())
    emitted = emit(compiled.text, output, use_clipboard=not no_clipboard and output != "-",
                   backend=clipboard_backend, fallback=cache_dir() / "last-book.md")
    show_result(console, compiled, emitted, allowed, quiet=quiet, verbose=verbose)


def _globs(ws, key: str) -> list[str]:
    """A glob-list setting (its shape checked by settings.py), each glob compiled now."""
    return _valid_globs(ws.setting(key) or [], f"[tool.prompt-foo] {key}")


def _valid_globs(patterns: list[str], where: str) -> list[str]:
    """``patterns``, each checked now: pathspec raises deep inside the default pack otherwise."""
    import re

    import pathspec

    for pattern in patterns:
        if pattern.strip():
            try:
                pathspec.GitIgnoreSpec.from_lines([pattern])
            except (ValueError, re.error) as exc:
                raise UsageProblem(f"{where} {pattern!r}: not a valid gitignore pattern ({exc})",
                                   hint="Patterns are gitignore-style, e.g. 'docs/**' or '*.log'.") from None
    return patterns


class _progress:
    """A Rich progress bar on stderr while tokenizing, only for long packs on a terminal."""

    def __init__(self, console, quiet):
        self.console, self.quiet, self.bar, self.task = console, quiet, None, None

    def __enter__(self):
        return self.update

    def update(self, done, total):
        if self.quiet or total < 512 or not self.console.is_terminal:
            return
        if self.bar is None:
            from rich.progress import Progress

            self.bar = Progress(console=self.console, transient=True)
            self.bar.start()
            self.task = self.bar.add_task("counting tokens", total=total)
        self.bar.update(self.task, completed=done)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
        return False


