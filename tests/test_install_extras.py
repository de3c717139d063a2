"""Optional parts and platform folders (issue 13, Must 6): notebooks without jupytext are
explained, not a crash; the cache, config and state folders follow the platform's usual
places (platformdirs) while PROMPT_FOO_* and XDG_* overrides keep winning."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import run_cli

NOTEBOOK = json.dumps({"cells": [{"cell_type": "code", "execution_count": None, "id": "a1", "metadata": {},
                                  "outputs": [], "source": ["x = 1"]}],
                       "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
                       "nbformat": 4, "nbformat_minor": 5})


def test_a_notebook_without_jupytext_is_included_raw_with_the_way_to_install_it(git_repo, tmp_path):
    blocker = tmp_path / "nojupytext"
    blocker.mkdir()
    # Python's own way to make a module unimportable: None in sys.modules.
    (blocker / "sitecustomize.py").write_text("import sys\nsys.modules['jupytext'] = None\n", encoding="utf-8")
    git_repo.write("analysis.ipynb", NOTEBOOK)
    git_repo.write("foo_files.py", 'AI_PHOOEY_CHOP = """\\\nanalysis.ipynb\n"""\n')
    git_repo.commit("start")
    r = run_cli("prompt_foo.py", "--no-clipboard", "-o", "book.md", "hi", cwd=git_repo.root,
                env={"PYTHONPATH": str(blocker)})
    assert r.returncode == 0, r.stderr
    hint = ("analysis.ipynb: notebooks need jupytext, which is not installed; included as raw JSON "
            "(install it with: pipx install 'prompt-foo-loom[notebooks]' or pip install jupytext)")
    assert hint in r.stderr
    book = (git_repo.root / "book.md").read_text(encoding="utf-8")
    assert '"source": ["x = 1"]' in book and "jupytext not installed; raw JSON" in book

    with_it = run_cli("prompt_foo.py", "--no-clipboard", "-o", "book2.md", "hi", cwd=git_repo.root)
    assert with_it.returncode == 0 and "jupytext" not in with_it.stderr
    assert "# %%\nx = 1\n" in (git_repo.root / "book2.md").read_text(encoding="utf-8")


def folders(env: dict, platform: str | None = None) -> dict:
    """The three folders as a fresh process sees them (optionally as another platform would)."""
    pretend = f"sys.platform = {platform!r}\n" if platform else ""
    code = ("import sys, json\n" + pretend +
            "from prompt_foo_loom.config import cache_dir\nfrom prompt_foo_loom.userconf import config_file, state_dir\n"
            "print(json.dumps({'cache': str(cache_dir()), 'config': str(config_file()), 'state': str(state_dir())}))")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PROMPT_FOO_", "XDG_"))}
    done = subprocess.run([sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout)


def test_linux_defaults_and_overrides(tmp_path):
    home = str(tmp_path)
    assert folders({"HOME": home}) == {"cache": f"{home}/.cache/prompt-foo",
                                       "config": f"{home}/.config/prompt-foo/config.toml",
                                       "state": f"{home}/.local/state/prompt-foo"}
    xdg = {"HOME": home, "XDG_CACHE_HOME": "/x/cache", "XDG_CONFIG_HOME": "/x/config", "XDG_STATE_HOME": "/x/state"}
    assert folders(xdg) == {"cache": "/x/cache/prompt-foo", "config": "/x/config/prompt-foo/config.toml",
                            "state": "/x/state/prompt-foo"}
    explicit = {**xdg, "PROMPT_FOO_CACHE": "/p/c", "PROMPT_FOO_CONFIG": "/p/c.toml", "PROMPT_FOO_STATE": "/p/s"}
    assert folders(explicit) == {"cache": "/p/c", "config": "/p/c.toml", "state": "/p/s"}


def test_macos_uses_its_library_folders_unless_told_otherwise(tmp_path):
    home = str(tmp_path)
    assert folders({"HOME": home}, platform="darwin") == {
        "cache": f"{home}/Library/Caches/prompt-foo",
        "config": f"{home}/Library/Application Support/prompt-foo/config.toml",
        "state": f"{home}/Library/Application Support/prompt-foo"}
    assert folders({"HOME": home, "XDG_CACHE_HOME": "/x/cache"}, platform="darwin")["cache"] == "/x/cache/prompt-foo"
