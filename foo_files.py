# The manifest prompt-foo uses on itself. Each chop is a triple-quoted list of entries;
# `prompt-foo --chop NAME` picks one. This file is parsed, never imported.

AI_PHOOEY_CHOP = """\
README.md
pyproject.toml
imports/cli/compile.py
imports/cli/compile_run.py
imports/compiler.py
imports/book.py
imports/summary.py
imports/settle.py
imports/tokens.py
! git log --oneline -8
"""

CHOP_COLLECT = """\
imports/manifest.py
imports/sources.py
imports/commands.py
imports/urls.py
imports/notebooks.py
"""

CHOP_STORY = """\
imports/cli/story.py
imports/articles.py
imports/article_cache.py
imports/gitctx.py
imports/story_render.py
"""

CHOP_APPLY = """\
apply.py
imports/cli/apply.py
imports/patches/
imports/canary.py
"""

CHOP_SEALS = """\
imports/ascii_displays.py
imports/cli/seals.py
imports/stamp.py
imports/versioning.py
imports/cli/release.py
"""
