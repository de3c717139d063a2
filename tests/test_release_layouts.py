"""foo-release on layouts modelled on real projects, through the real launcher.

flask-like (a PEP 440 dev version in pyproject.toml), a package carrying __version__,
setup.cfg, dynamic versions (setuptools-scm, hatch-vcs), a flake that computes its version,
and a Pipulate-like layout (__init__.py source, install.sh VERSION=, README with a project seal).
"""

from __future__ import annotations

import pytest

from conftest import run_cli
from prompt_foo_loom.ascii_displays import render

FLASK = """\
[project]
name = "flask"
version = "3.2.0.dev"
requires-python = ">=3.10"

[tool.prompt-foo.release]
version_source = "pyproject.toml"
followers = [{ path = "docs/conf.py", pattern = 'release = "{version}"' }]
"""
FLASK_CONF = 'project = "Flask"\nrelease = "3.2.0.dev"\nhtml_theme = "flask"\n'


def release(repo, *args):
    return run_cli("release.py", *args, cwd=repo.root)


def read(repo, rel):
    return (repo.root / rel).read_text(encoding="utf-8")


@pytest.fixture
def flask(git_repo):
    git_repo.write("pyproject.toml", FLASK)
    git_repo.write("docs/conf.py", FLASK_CONF)
    git_repo.commit("flask-like")
    return git_repo


def test_flask_dev_version_is_read_checked_and_bumped(flask):
    check = release(flask, "--check")
    assert (check.returncode, check.stdout) == (0, "release: up to date (version 3.2.0.dev; 0 stamps)\n")
    r = release(flask, "--bump", "dev")
    assert r.returncode == 0, r.stderr
    assert "version 3.2.0.dev -> 3.2.0.dev1 (--bump dev)" in r.stderr
    assert r.stdout == "wrote docs/conf.py\nwrote pyproject.toml\n"
    assert read(flask, "docs/conf.py") == FLASK_CONF.replace("3.2.0.dev", "3.2.0.dev1")
    assert 'version = "3.2.0.dev1"' in read(flask, "pyproject.toml")


def test_flask_bump_patch_from_a_dev_version_asks_and_names_the_bumps_that_apply(flask):
    r = release(flask, "--bump", "patch")
    assert r.returncode == 2
    assert r.stderr == ("foo-release: usage error: --bump patch: 3.2.0.dev is a development release "
                        "of 3.2.0: which version follows it is your call\n"
                        "--bump release gives 3.2.0; --bump dev gives 3.2.0.dev1; or name the "
                        "version with --set-version (for example --set-version 3.2.0)\n")
    assert read(flask, "docs/conf.py") == FLASK_CONF


def test_flask_release_commit_with_its_own_message_and_tag(flask):
    r = release(flask, "--bump", "release", "--commit", "--tag", "-m", "Flask {version} (was {old_version})")
    assert r.returncode == 0, r.stderr
    assert flask.git("log", "-1", "--format=%s").strip() == "Flask 3.2.0 (was 3.2.0.dev)"
    assert flask.git("tag").split() == ["v3.2.0"]
    assert 'release = "3.2.0"' in read(flask, "docs/conf.py")


def test_message_needs_commit_and_set_version_needs_normal_form(flask):
    assert "needs --commit" in release(flask, "-m", "x").stderr
    r = release(flask, "--set-version", "3.2.0.dev")
    assert r.returncode == 2 and "not a PEP 440 version in normal form" in r.stderr
    assert "Write it as '3.2.0.dev0'." in r.stderr
    ok = release(flask, "--set-version", "3.2.0rc1")
    assert ok.returncode == 0, ok.stderr
    assert 'release = "3.2.0rc1"' in read(flask, "docs/conf.py")


@pytest.mark.parametrize("pattern,message", [
    ("release = 'x'", "expected one line with exactly one {version}"),
    ("{version} {version}", "expected one line with exactly one {version}"),
])
def test_a_bad_pattern_is_a_usage_error(flask, pattern, message):
    flask.write("pyproject.toml", FLASK.replace("""'release = "{version}"'""", repr(pattern)))
    r = release(flask, "--check")
    assert r.returncode == 2 and message in r.stderr, r.stderr


def test_a_pattern_that_matches_nothing_is_named(flask):
    flask.write("docs/conf.py", "release = get_version()\n")
    flask.commit("computed")
    r = release(flask, "--check")
    assert r.returncode == 1
    assert "docs/conf.py: expected exactly one `release = \"{version}\"` line (pattern rule)" in r.stderr


PKG = {
    "pyproject.toml": """\
[project]
name = "pkg"
dynamic = ["version"]

[tool.setuptools.dynamic]
version = { attr = "pkg.__version__" }

[tool.prompt-foo.release]
version_source = "src/pkg/__init__.py"
""",
    "src/pkg/__init__.py": '"""pkg."""\n\n__version__ = "1.2.3rc1"\n',
}


def test_a_package_with_dunder_version_bumps_its_pre_release(git_repo):
    for rel, text in PKG.items():
        git_repo.write(rel, text)
    git_repo.commit("pkg")
    r = release(git_repo, "--bump", "pre")
    assert r.returncode == 0, r.stderr
    assert read(git_repo, "src/pkg/__init__.py") == '"""pkg."""\n\n__version__ = "1.2.3rc2"\n'
    assert release(git_repo, "--bump", "release").returncode == 0
    assert '__version__ = "1.2.3"' in read(git_repo, "src/pkg/__init__.py")


def test_the_dynamic_version_in_pyproject_is_named_when_it_is_the_source(git_repo):
    git_repo.write("pyproject.toml", PKG["pyproject.toml"].replace('"src/pkg/__init__.py"', '"pyproject.toml"'))
    r = release(git_repo, "--check")
    assert r.returncode == 1
    assert r.stderr == ("foo-release: refused: pyproject.toml: [project] version is dynamic, read by "
                        "setuptools from pkg.__version__; foo-release cannot set a version it does "
                        "not own\nMake the file the version is read from the version_source of "
                        "[tool.prompt-foo.release] (a module with __version__, for example).\n")


@pytest.mark.parametrize("tool,who", [
    ('[tool.setuptools_scm]\nversion_file = "src/x/_v.py"\n', "computed by setuptools-scm from git tags"),
    ('[tool.hatch.version]\nsource = "vcs"\n', "computed by hatch-vcs from git tags"),
])
def test_a_vcs_version_is_named_and_refused(git_repo, tool, who):
    git_repo.write("pyproject.toml", '[project]\nname = "x"\ndynamic = ["version"]\n\n' + tool
                   + '\n[tool.prompt-foo.release]\nversion_source = "pyproject.toml"\n')
    git_repo.commit("scm")
    r = release(git_repo, "--bump", "patch")
    assert r.returncode == 1
    assert f"pyproject.toml: [project] version is dynamic, {who}" in r.stderr
    assert "The git tag is the version: tag the release with git" in r.stderr


def test_setup_cfg_is_a_version_source_and_attr_is_named(git_repo):
    git_repo.write("pyproject.toml", '[tool.prompt-foo.release]\nversion_source = "setup.cfg"\n')
    git_repo.write("setup.cfg", "[metadata]\nname = old\nversion = 0.9.0\n\n[options]\nversion = 9\n")
    git_repo.commit("setup.cfg")
    r = release(git_repo, "--bump", "post")
    assert r.returncode == 0, r.stderr
    assert read(git_repo, "setup.cfg") == "[metadata]\nname = old\nversion = 0.9.0.post1\n\n[options]\nversion = 9\n"
    git_repo.write("setup.cfg", "[metadata]\nname = old\nversion = attr: old.__version__\n")
    r = release(git_repo, "--check")
    assert r.returncode == 1
    assert ("setup.cfg, line 3: the version is read from elsewhere "
            "(`version = attr: old.__version__`)") in r.stderr


FLAKE = """\
{
  outputs = { self, nixpkgs }:
    let
      pyproject = builtins.fromTOML (builtins.readFile ./pyproject.toml);
      version = pyproject.project.version;
    in { };
}
"""


def test_a_flake_that_computes_its_version_follows_by_itself(git_repo):
    git_repo.write("pyproject.toml", '[project]\nname = "f"\nversion = "0.4.0"\n\n'
                   '[tool.prompt-foo.release]\nversion_source = "pyproject.toml"\n'
                   'followers = ["flake.nix"]\n')
    git_repo.write("flake.nix", FLAKE)
    git_repo.commit("flake")
    check = release(git_repo, "--check")
    assert check.returncode == 0, check.stderr
    note = ("note: flake.nix, line 5: the version is computed (`version = pyproject.project.version;`), "
            "not a string to write; left as it is\n")
    assert check.stderr == note
    r = release(git_repo, "--bump", "minor")
    assert (r.returncode, r.stdout) == (0, "wrote pyproject.toml\n"), r.stderr
    assert read(git_repo, "flake.nix") == FLAKE


def test_a_flake_computed_version_cannot_be_the_source(git_repo):
    git_repo.write("pyproject.toml", '[tool.prompt-foo.release]\nversion_source = "flake.nix"\n')
    git_repo.write("flake.nix", FLAKE.replace("pyproject.project.version", '"${self.shortRev}"'))
    r = release(git_repo, "--check")
    assert r.returncode == 1
    assert 'flake.nix, line 5: the version is computed (`version = "${self.shortRev}";`)' in r.stderr


# -- Pipulate-like: __init__.py is the source, install.sh and pyproject follow, README carries
#    the project's own seal (not prompt-foo's rabbit).
WORKSPACE_ART = '''\
ART = {
    "workspace_tree": {
        "meaning": "the workspace layout, sealed",
        "art": """\\
<box>pipulate/</box>
<dim>+--</dim> apps/
<dim>+--</dim> imports/
<dim>`--</dim> server.py""",
    },
}
'''
PIPULATE = {
    "pyproject.toml": """\
[project]
name = "pipulate"
version = "1.4.5"

[tool.prompt-foo.seals]
art = "imports/seal_art.py"
ledger = "imports/seals.json"
signature = "workspace_tree"

[tool.prompt-foo.release]
version_source = "pipulate/__init__.py"
followers = ["pyproject.toml", "install.sh"]

[tool.prompt-foo.release.stamps]
"README.md" = "workspace_tree"
""",
    "pipulate/__init__.py": '__version__ = "1.4.5"\n__version_description__ = "Lightning"\n',
    "install.sh": '#!/usr/bin/env bash\nVERSION="1.4.5"\necho "install $VERSION"\n',
    "README.md": "# Pipulate\n\n<!-- seal:workspace_tree -->\n<!-- /seal:workspace_tree -->\n",
    "imports/seal_art.py": WORKSPACE_ART,
}
TREE_AI = "pipulate/\n+-- apps/\n+-- imports/\n`-- server.py"


@pytest.fixture
def pipulate(git_repo):
    for rel, text in PIPULATE.items():
        git_repo.write(rel, text)
    assert run_cli("prompt_foo.py", "--reledger", "workspace_tree", "--yes", cwd=git_repo.root).returncode == 0
    git_repo.commit("pipulate-like")
    return git_repo


def test_pipulate_readme_gets_the_project_seal_and_a_bump_reaches_every_follower(pipulate):
    assert render(WORKSPACE_ART.split('"art": """\\\n')[1].split('"""')[0])[1] == TREE_AI
    r = release(pipulate, "--bump", "patch", "--commit")
    assert r.returncode == 0, r.stderr
    assert read(pipulate, "README.md") == ("# Pipulate\n\n<!-- seal:workspace_tree -->\n```text\n" + TREE_AI
                                           + "\n```\n<!-- /seal:workspace_tree -->\n")
    assert "white rabbit" not in read(pipulate, "README.md")
    assert read(pipulate, "install.sh").startswith('#!/usr/bin/env bash\nVERSION="1.4.6"\n')
    assert 'version = "1.4.6"' in read(pipulate, "pyproject.toml")
    assert '__version__ = "1.4.6"' in read(pipulate, "pipulate/__init__.py")
    assert release(pipulate, "--check").returncode == 0


def test_pipulate_bent_project_seal_stops_the_release_before_anything_is_written(pipulate):
    pipulate.write("imports/seal_art.py", WORKSPACE_ART.replace("server.py", "server.py "))
    before = read(pipulate, "README.md")
    r = release(pipulate, "--bump", "patch")
    assert r.returncode == 4
    assert "seal 'workspace_tree' has drifted" in r.stderr
    assert "line 4 (imports/seal_art.py:8): changed: |`-- server.py<SP>|" in r.stderr
    assert read(pipulate, "README.md") == before
    assert '__version__ = "1.4.5"' in read(pipulate, "pipulate/__init__.py")


def test_a_stamp_naming_an_unknown_seal_lists_the_project_ones(pipulate):
    pipulate.write("pyproject.toml", PIPULATE["pyproject.toml"].replace(
        '"README.md" = "workspace_tree"', '"README.md" = "workspace"'))
    r = release(pipulate, "--check")
    assert r.returncode == 2
    assert "no seal named 'workspace' (known: player_piano, white_rabbit, workspace_tree)" in r.stderr
