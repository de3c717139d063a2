"""Article and git options for the compile command (the gathering is in story/gather.py)."""

from __future__ import annotations

import click

from ..story.gather import HEAD as _HEAD


def story_options(fn):
    """Adds -l/-a/-c/--slug/--posts/--base-url/--diff/--log/--changed to the compile command."""
    options = [
        click.option("-l", "--list", "list_slice", is_flag=False, flag_value="[-5:]", default=None,
                     metavar="[SLICE]", help="Add a Story section listing posts, oldest first: a Python "
                     "slice of the post list, e.g. [-10:], [:], [-1], [10:20]. Bare: [-5:]."),
        click.option("-a", "--article", "article_slice", is_flag=False, flag_value="[-1:]", default=None,
                     metavar="[SLICE]", help="Add those posts in full as the Articles section. Bare: [-1:]."),
        click.option("--slug", "slugs", multiple=True, metavar="NAME",
                     help="Add the post with this slug in full (repeatable)."),
        click.option("-c", "--context-shards", "context_shards", is_flag=True,
                     help="Add the compact JSON shard (_context/<stem>.json) of each listed or included post."),
        click.option("--posts", metavar="DIR", help="The folder of YYYY-MM-DD-slug.md posts "
                     "(default: [tool.prompt-foo] posts, else _posts/)."),
        click.option("--base-url", metavar="URL",
                     help="Prefix for permalinks in the Story (default: [tool.prompt-foo] base_url)."),
        click.option("--diff", "diff_ref", is_flag=False, flag_value=_HEAD, default=None, metavar="[REF]",
                     help="Add a Diff section: the working tree (staged and unstaged) against REF. Bare: HEAD."),
        click.option("--log", "log_count", type=click.IntRange(min=1), metavar="N",
                     help="Add a Log section with the last N commits."),
        click.option("--changed", "changed_ref", is_flag=False, flag_value=_HEAD, default=None,
                     metavar="[REF]", help="Add every file changed since REF to the Codebase. "
                     "Bare: the uncommitted changes (staged, unstaged, untracked)."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn
