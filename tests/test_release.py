"""Pure parts of the release step: version rules, stamps between sentinels, the config table."""

from __future__ import annotations

import pytest

from prompt_foo_loom.errors import UsageProblem
from prompt_foo_loom.release.config import ReleaseConfig, VersionFile, load_release_config
from prompt_foo_loom.release.stamp import StampProblem, stamp_text, syntax_for
from prompt_foo_loom.release.versioning import VersionRuleError, bump, read_version, set_version

ART = "  /\\\n\n (``) x"


@pytest.mark.parametrize("rule,path,before,after", [
    ("python", "pkg/__init__.py", '"""Doc."""\n\n__version__ = "1.2.3"  # keep\nX = "1.2.3"\n',
     '"""Doc."""\n\n__version__ = "2.0.0"  # keep\nX = "1.2.3"\n'),
    ("python", "pkg/v.py", "__version__='1.2.3'\n", "__version__='2.0.0'\n"),
    ("nix", "flake.nix", '{\n  let\n    version = "1.2.3";\n    x.version = "9";\n', '{\n  let\n    version = "2.0.0";\n    x.version = "9";\n'),
    ("shell", "install.sh", '#!/bin/sh\nVERSION="1.2.3"\necho "$VERSION"\n', '#!/bin/sh\nVERSION="2.0.0"\necho "$VERSION"\n'),
    ("shell", "run", "export VERSION=1.2.3 # pinned\n", "export VERSION=2.0.0 # pinned\n"),
    ("pyproject", "pyproject.toml", '[project]\nname = "x"  # n\nversion = "1.2.3"   # v\n\n[tool.x]\nversion = "0"\n',
     '[project]\nname = "x"  # n\nversion = "2.0.0"   # v\n\n[tool.x]\nversion = "0"\n'),
])
def test_each_rule_reads_and_replaces_only_the_value(rule, path, before, after):
    assert read_version(rule, before, path) == "1.2.3"
    assert set_version(rule, before, path, "2.0.0") == after
    assert set_version(rule, after, path, "2.0.0") == after


@pytest.mark.parametrize("rule,text,message", [
    ("python", "VERSION = '1'\n", "pkg/x: expected exactly one `__version__ = \"X.Y.Z\"` line (python rule), found 0 (none)"),
    ("nix", 'version = "1";\nversion = "2";\n', "found 2 (lines 1, 2)"),
    ("shell", "echo VERSION=1\n", "found 0"),
    ("pyproject", "[tool]\n", "pkg/x: no [project].version string (pyproject rule)"),
    ("pyproject", "[project\n", "not valid TOML"),
])
def test_a_file_without_exactly_one_version_is_an_error_naming_it(rule, text, message):
    with pytest.raises(VersionRuleError, match=None) as info:
        read_version(rule, text, "pkg/x")
    assert message in info.value.message


@pytest.mark.parametrize("part,after", [("major", "2.0.0"), ("minor", "1.3.0"), ("patch", "1.2.4")])
def test_bump(part, after):
    assert bump("1.2.3", part) == after


def test_bump_needs_a_pep_440_version():
    with pytest.raises(UsageProblem, match="'1.2-x' is not a PEP 440 version"):
        bump("1.2-x", "patch")


def test_markdown_stamp_fences_the_art_longer_than_its_backticks_and_is_idempotent():
    text = "# T\n\n<!-- seal:white_rabbit -->\nold\n<!-- /seal:white_rabbit -->\ntail\n"
    once = stamp_text(text, "README.md", "white_rabbit", ART)
    assert once == ("# T\n\n<!-- seal:white_rabbit -->\n```text\n  /\\\n\n (``) x\n```\n"
                    "<!-- /seal:white_rabbit -->\ntail\n")
    assert stamp_text(once, "README.md", "white_rabbit", ART) == once
    ticks = stamp_text(text, "README.md", "white_rabbit", "a ``` b")
    assert "````text\na ``` b\n````\n" in ticks


def test_hash_stamp_is_comment_lines_without_trailing_space_and_keeps_indent():
    text = "{\n  # seal:white_rabbit\n  # /seal:white_rabbit\n}\n"
    assert stamp_text(text, "flake.nix", "white_rabbit", ART) == (
        "{\n  # seal:white_rabbit\n  #   /\\\n  #\n  #  (``) x\n  # /seal:white_rabbit\n}\n")


def test_html_stamp_escapes_and_crlf_files_stay_crlf():
    text = "<p>\r\n<!-- seal:s -->\r\n<!-- /seal:s -->\r\n"
    assert stamp_text(text, "index.html", "s", "<a> & b") == (
        "<p>\r\n<!-- seal:s -->\r\n<pre>\r\n&lt;a&gt; &amp; b\r\n</pre>\r\n<!-- /seal:s -->\r\n")


@pytest.mark.parametrize("text,message", [
    ("no sentinels\n", "README.md: no `<!-- seal:white_rabbit -->` … `<!-- /seal:white_rabbit -->` sentinels"),
    ("<!-- seal:white_rabbit -->\n", "found 1 and 0 (lines 1)"),
    ("<!-- seal:white_rabbit -->\n<!-- /seal:white_rabbit -->\n<!-- seal:white_rabbit -->\n", "found 2 and 1"),
    ("<!-- /seal:white_rabbit -->\n<!-- seal:white_rabbit -->\n", "(line 1) comes before"),
    ("<!-- seal:black_rabbit -->\n<!-- /seal:black_rabbit -->\n", "no `<!-- seal:white_rabbit -->`"),
])
def test_sentinel_problems_are_reported_never_guessed(text, message):
    with pytest.raises(StampProblem) as info:
        stamp_text(text, "README.md", "white_rabbit", ART)
    assert message in info.value.message


def test_unknown_suffix_has_no_stamp_syntax():
    with pytest.raises(StampProblem, match=r"index\.rst: no stamp syntax for '\.rst' files"):
        syntax_for("index.rst")
    assert syntax_for("bin/foo").name == "hash"


def test_config_is_read_with_rules_inferred_or_given():
    cfg = load_release_config({"release": {
        "version_source": "pyproject.toml",
        "followers": ["pkg/__init__.py", {"path": "bin/run", "rule": "shell"}, "flake.nix"],
        "stamps": {"README.md": "white_rabbit", "install.sh": ["white_rabbit", "player_piano"]},
    }})
    assert cfg == ReleaseConfig(
        VersionFile("pyproject.toml", "pyproject"),
        (VersionFile("pkg/__init__.py", "python"), VersionFile("bin/run", "shell"),
         VersionFile("flake.nix", "nix")),
        (("README.md", ("white_rabbit",)), ("install.sh", ("white_rabbit", "player_piano"))), "v")


@pytest.mark.parametrize("table,message", [
    (None, "pyproject.toml has no [tool.prompt-foo.release] table"),
    ({}, "[tool.prompt-foo.release] version_source: missing"),
    ({"version_source": "VERSION"}, "version_source: cannot tell how 'VERSION' carries its version"),
    ({"version_source": "../p.py"}, "version_source: '../p.py' must be relative"),
    ({"version_source": "a.py", "followers": "b.py"}, "followers: expected a list"),
    ({"version_source": "a.py", "followers": ["b.py", {"path": "c", "rule": "perl"}]},
     "followers[1].rule: 'perl' is not one of nix, pattern, pyproject, python, setupcfg, shell"),
    ({"version_source": "a.py", "followers": ["a.py"]}, "followers[0]: 'a.py' is listed twice"),
    ({"version_source": "a.py", "stamps": {"README.md": "black_rabbit"}},
     "stamps.'README.md': no seal named 'black_rabbit'"),
    ({"version_source": "a.py", "stamps": {"README.md": []}}, "stamps.'README.md': expected a seal name"),
    ({"version_source": "a.py", "version": "1"}, "[tool.prompt-foo.release] version: unknown key"),
])
def test_config_errors_name_the_key(table, message):
    settings = {} if table is None else {"release": table}
    with pytest.raises(UsageProblem) as info:
        load_release_config(settings)
    assert message in info.value.message and info.value.exit_code == 2
