# The manifest prompt-foo uses on itself. Each chop is a triple-quoted list of entries;
# `prompt-foo --chop NAME` picks one. This file is parsed, never imported.

AI_PHOOEY_CHOP = """\
README.md
pyproject.toml
imports/cli/compile.py
imports/cli/compile_run.py
imports/book/pipeline.py
imports/book/render.py
imports/book/summary.py
imports/book/settle.py
imports/tokens.py
templates/instructions.md
! git log --oneline -8
"""

CHOP_COLLECT = """\
imports/collect/
"""

CHOP_STORY = """\
imports/cli/story.py
imports/story/
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
imports/release/
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
