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
templates/instructions.md
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
imports/seal_art.py
imports/seals.json
imports/cli/seals.py
imports/stamp.py
imports/versioning.py
imports/release_config.py
imports/cli/release.py
install.sh
"""

CHOP_EDITORS = """\
imports/clipboard.py
editors/nvim/plugin/prompt_foo.lua
editors/nvim/lua/prompt_foo/init.lua
flake.nix
"""

# A chop with a placeholder: prompt-foo --chop CHOP_MODULE --arg module=tokens
CHOP_MODULE = """\
imports/{module}.py
tests/test_{module}.py
"""
