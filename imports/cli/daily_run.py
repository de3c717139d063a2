"""The compile's daily controls (issue 15) that need the workspace or the user's config: the
answer frame, the extra prompt text, the book's own output file, and -f paths that named nothing."""

from __future__ import annotations

from ..collect.sources import cli_entries
from ..errors import UsageProblem


def choose_frame(controls) -> str:
    """--frame wins; then a review or "what do you need?" turn (--line-numbers, --context-only)
    is lean, since no patch can be anchored on what it shows; then [defaults] frame of the
    user's config; then full."""
    if controls.frame:
        return controls.frame
    if controls.context_only or controls.line_numbers:
        return "lean"
    from ..userconf import config_file, user_table

    value = user_table("defaults").get("frame")
    if value is None:
        return "full"
    if value not in ("full", "lean"):
        raise UsageProblem(f"{config_file()}: [defaults] frame = {value!r}: expected \"full\" or \"lean\"")
    return value


def with_extra_prompt(intent: str, controls) -> str:
    """The intent with --extra-prompt texts and --extra-prompt-file contents appended."""
    from pathlib import Path

    extra = [text for text in controls.extra_prompt if text.strip()]
    for name in controls.extra_prompt_files:
        try:
            extra.append(Path(name).expanduser().read_bytes().decode("utf-8", "replace"))
        except OSError as exc:
            raise UsageProblem(f"--extra-prompt-file {name}: cannot be read ({exc.strerror or exc})",
                               hint="Give the path of a text file.") from None
    if not extra:
        return intent
    return intent.rstrip() + "\n\n### Additional instructions\n\n" + "\n\n".join(e.strip() for e in extra) + "\n"


def own_output(ws, output) -> set[str]:
    """The book's own -o file, repo-relative, so the whole-repository pack never packs it."""
    import os

    if not output or output == "-":
        return set()
    absolute = os.path.realpath(os.path.abspath(output))
    root = os.path.realpath(ws.root)
    return {os.path.relpath(absolute, root).replace(os.sep, "/")} if absolute.startswith(root + os.sep) else set()


def unmatched_cli_files(ws, files, missing) -> list[str]:
    """The -f paths (and globs) that named nothing."""
    if not files or not missing:
        return []
    from ..printable import shown_path

    wanted = set(missing)
    found = []
    for entry in cli_entries(ws, files):
        if entry.kind == "path" and (shown_path(entry.text) in wanted or entry.text in wanted):
            found.append(shown_path(entry.text))
    return found

