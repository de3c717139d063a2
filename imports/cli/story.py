"""PLACEHOLDER (owned by the story helper): article and git options for the compile command."""

from __future__ import annotations

from ..model import StoryParts


def story_options(fn):
    """Adds -l/-a/-c/--slug/--posts/--diff/--log/--changed to the compile command."""
    return fn


def gather_story(ws, counter, params: dict) -> StoryParts:
    """Build the Story/Articles/Diff/Log parts from the options in ``params``."""
    return StoryParts()
