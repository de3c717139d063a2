"""The compile command's body: wire the stages, show the result on stderr, set the exit code."""

from __future__ import annotations

from ..book.pipeline import Request, compile_book
from ..config import cache_dir, open_workspace
from ..book.emit import emit
from ..errors import PromptFooError, UsageProblem
from ..book.gates import check_book, check_budget
from ..collect.intent import resolve_intent
from ..collect.manifest import DEFAULT_CHOP, read_manifest
from ..model import Note
from ..collect.sources import UNTRACKED, cli_entries, default_entries
from ..tokens import open_counter
from ..collect.bounds import effective
from ..textdata import outside_overrides
from ..userconf import load_user_config
from .trust_gate import decide as decide_trust
from .common import stderr_console
from .daily_run import choose_frame, own_output, unmatched_cli_files, with_extra_prompt
from .fit_run import compile_shaped, fit_budget
from .report import show_result
from ..story.gather import gather_story


def _entries(ws, chop, args, files, exclude, notes, output=None):
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
    entries, skipped = default_entries(ws, exclude, own_output(ws, output))
    new = sum(1 for e in entries if e.note == UNTRACKED)
    untracked = f", {new} of them untracked: not yet added to git, flagged in the Manifest" if new else ""
    notes.append(Note("no foo_files.py: packing every text file git tracks or does not ignore "
                      f"({len(entries)} files{untracked})"))
    return entries, skipped, None


def run_compile(*, prompt, output, no_clipboard, clipboard_backend, chop, args, files, exclude, tree,
                budget, encoding, allow_secrets, strict, quiet, verbose, story_params, argv, command_line,
                controls=None, trust=(False, False, False), fit_params=None):
    from .pipulate_options import DailyControls

    controls = controls or DailyControls()
    console = stderr_console()
    if clipboard_backend and not no_clipboard:
        from ..clipboard import check_backend

        check_backend(clipboard_backend)  # a misspelt backend is a usage error before any work
    try:
        ws = open_workspace()
    except FileNotFoundError:  # the shell's current folder was deleted under it
        raise PromptFooError("the current folder no longer exists",
                             hint="cd to an existing folder and run again.") from None
    bounds = effective(ws.settings, load_user_config())  # what the repository may loosen, bounded
    fit_params = fit_params or {}
    # settings are checked before any work, so a typo costs nothing
    budget = budget or fit_budget(fit_params) or ws.setting("budget")
    exclude = _globs(ws, "exclude") + _valid_globs(exclude, "--exclude")  # the command line wins
    _globs(ws, "allow_secrets")  # checked for shape; applied only within bounds
    notes: list[Note] = [Note(w, "warn") for w in getattr(ws.settings, "warnings", [])]
    notes += [Note(n, "warn") for n in bounds.notes]
    if not ws.in_git:
        notes.append(Note(f"not inside a git repository: working on {ws.root}", "warn"))
    counter = open_counter(encoding or ws.setting("encoding"), cache_dir())
    if counter.cache.note:
        notes.append(Note(counter.cache.note, "warn"))
    if counter.encoder.info.note:
        notes.append(Note(f"encoding {counter.encoder.info.describe()}"))

    profile = None
    if controls.profile:
        from ..book.profiles import load_profile

        profile = load_profile(controls.profile)  # a bad profile costs nothing: checked before any work
    frame = choose_frame(controls)
    intent, intent_from = resolve_intent(prompt, ws.root)
    notes.append(Note(f"intent from {intent_from}"))
    intent = with_extra_prompt(intent, controls)
    entries, skipped, manifest = _entries(ws, chop, args, files, exclude, notes, output)
    entries = decide_trust(ws, entries, trust, notes, skipped)  # before anything runs (exit 6)
    skipped += outside_overrides(ws.root)
    story = gather_story(ws, counter, story_params)
    if story.changed_paths:
        from ..collect.manifest import Entry

        known = {e.text for e in entries}
        entries += [Entry(p, "path", origin="changed") for p in story.changed_paths if p not in known]

    req = Request(entries=entries, prompt=intent, command=command_line(argv, ws.root),
                  chop=manifest.chop if manifest else (chop or DEFAULT_CHOP),
                  story=story, tree=tree, notes=notes, skipped=skipped,
                  remarks=manifest.remarks if manifest else [], exclude=exclude,
                  context_only=controls.context_only, line_numbers=controls.line_numbers, frame=frame,
                  profile=profile, reason=controls.reason,
                  whole_repo=manifest is None and not files and not story.changed_paths
                  and not fit_params.get("fit"))  # --fit chose files: the Recapture lists them
    with _progress(console, quiet) as progress:
        if fit_params.get("fit") or fit_params.get("compress"):
            compiled = compile_shaped(ws, counter, req, fit_params, budget, exclude, progress,
                                      own_output(ws, output))
        else:
            compiled = compile_book(ws, counter, req, progress)
    counter.cache.save()

    unmatched = unmatched_cli_files(ws, files, compiled.collection.missing)
    if unmatched:  # a file typed on the command line is never a quiet no-op
        raise PromptFooError(f"-f: {', '.join(unmatched)}: no such file, and no file matches; nothing was emitted",
                             hint="Check the spelling (paths and globs such as "
                                  "'src/**/*.py' are relative to the current folder).")
    if strict and compiled.collection.missing:  # exit 1 promises that nothing was written
        raise PromptFooError(f"--strict: {len(compiled.collection.missing)} manifest entries do not exist: "
                             + ", ".join(compiled.collection.missing) + "; nothing was emitted",
                             hint="Fix or comment out those entries, or run without --strict.")
    if budget is None and compiled.fit is None:
        from ..book.windows import oversize_message

        compiled.oversize = oversize_message(compiled.measures.total)
    check_budget(compiled, budget)
    if profile is not None:
        from ..book.profiles import check_denylist

        check_denylist(compiled.text, profile)
    # The gate reads the finished book, every byte of it (scrubbed by the profile, if any).
    user_allow, repo_allow = list(allow_secrets) + list(bounds.user_allow), list(bounds.repo_allow)
    if profile is not None:  # the labels are scrubbed: so are globs written with the real names
        user_allow, repo_allow = [profile.scrub(g) for g in user_allow], [profile.scrub(g) for g in repo_allow]
    allowed = check_book(compiled, user_allow, repo_allow, entries, cache_dir())
    emitted = emit(compiled.text, output, use_clipboard=not no_clipboard and output != "-",
                   backend=clipboard_backend, fallback=cache_dir() / "last-book.md")
    show_result(console, compiled, emitted, allowed, quiet=quiet, verbose=verbose)
    if compiled.oversize:
        console.print(f"warning: {compiled.oversize}", style="yellow", markup=False)
    if controls.json:
        import click

        from .json_result import json_result

        click.echo(json_result(compiled, emitted, allowed, frame=frame, profile=profile, reason=controls.reason))


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


