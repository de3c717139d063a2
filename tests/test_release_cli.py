"""foo-release end to end, in temporary git repositories, through the real launcher."""

from __future__ import annotations

import git
import pytest

from conftest import run_cli
from test_seals_damage import bend, damaged_copy, package_copy, rabbit_ai, run_copy

PYPROJECT = """\
[project]
name = "demo"
version = "1.2.3"

[tool.prompt-foo.release]
version_source = "pyproject.toml"
followers = ["demo/__init__.py", "flake.nix", "install.sh"]

[tool.prompt-foo.release.stamps]
"README.md" = "white_rabbit"
"install.sh" = "white_rabbit"
"""
FILES = {
    "pyproject.toml": PYPROJECT,
    "demo/__init__.py": '"""Demo."""\n\n__version__ = "1.2.3"\n',
    "flake.nix": '{\n  outputs = { self }:\n    let\n      version = "1.2.3";\n    in { };\n}\n',
    "install.sh": '#!/bin/sh\n# seal:white_rabbit\n# /seal:white_rabbit\nVERSION="1.2.3"\n',
    "README.md": "# Demo\n\n<!-- seal:white_rabbit -->\n<!-- /seal:white_rabbit -->\n\nMore.\n",
}


def stamped_readme() -> str:
    return ("# Demo\n\n<!-- seal:white_rabbit -->\n```text\n" + rabbit_ai()
            + "\n```\n<!-- /seal:white_rabbit -->\n\nMore.\n")


def stamped_install(version: str = "1.2.3") -> str:
    art = "\n".join("# " + line if line else "#" for line in rabbit_ai().split("\n"))
    return f'#!/bin/sh\n# seal:white_rabbit\n{art}\n# /seal:white_rabbit\nVERSION="{version}"\n'


@pytest.fixture
def repo(git_repo):
    for rel, text in FILES.items():
        git_repo.write(rel, text)
    git_repo.commit("demo")
    return git_repo


def snapshot(repo) -> dict[str, str]:
    return {rel: (repo.root / rel).read_text(encoding="utf-8") for rel in FILES}


def stamp_and_commit(repo) -> None:
    assert run_cli("release.py", cwd=repo.root).returncode == 0
    repo.commit("stamped")


def test_check_lists_stale_stamps_and_changes_nothing(repo):
    r = run_cli("release.py", "--check", cwd=repo.root)
    assert r.returncode == 1
    assert r.stderr == ("foo-release: refused: stale (run foo-release to fix):\n"
                        "  README.md: the white_rabbit stamp is stale\n"
                        "  install.sh: the white_rabbit stamp is stale\n")
    assert snapshot(repo) == FILES


def test_stamping_writes_exact_stamps_and_a_second_run_changes_nothing(repo):
    r = run_cli("release.py", cwd=repo.root)
    assert (r.returncode, r.stdout) == (0, "wrote README.md\nwrote install.sh\n"), r.stderr
    assert (repo.root / "README.md").read_text(encoding="utf-8") == stamped_readme()
    assert (repo.root / "install.sh").read_text(encoding="utf-8") == stamped_install()
    before = snapshot(repo)
    again = run_cli("release.py", cwd=repo.root)
    assert (again.returncode, again.stdout) == (0, "release: up to date (version 1.2.3)\n")
    assert snapshot(repo) == before
    check = run_cli("release.py", "--check", cwd=repo.root)
    assert (check.returncode, check.stdout) == (0, "release: up to date (version 1.2.3; 2 stamps)\n")


def test_missing_sentinels_are_reported_and_nothing_is_written(repo):
    repo.write("README.md", "# Demo\n")
    repo.commit("no sentinels")
    r = run_cli("release.py", cwd=repo.root)
    assert r.returncode == 1
    assert ("  README.md: no `<!-- seal:white_rabbit -->` … `<!-- /seal:white_rabbit -->` "
            "sentinels for seal 'white_rabbit'\n") in r.stderr
    assert (repo.root / "install.sh").read_text(encoding="utf-8") == FILES["install.sh"]


def test_a_drifted_seal_is_never_stamped(repo, tmp_path):
    pkg = damaged_copy(tmp_path, "one_space")
    r = run_copy(pkg, "release.py", cwd=repo.root)
    assert r.returncode == 4
    assert "seal 'white_rabbit' has drifted from the ledger" in r.stderr
    assert "line 8: changed:" in r.stderr
    assert snapshot(repo) == FILES
    assert run_copy(pkg, "release.py", "--check", cwd=repo.root).returncode == 4


def test_a_dirty_tree_is_refused_listing_files_but_the_files_it_writes_may_be_dirty(repo):
    repo.write("notes.txt", "draft\n")
    repo.write("demo/__init__.py", FILES["demo/__init__.py"] + "X = 1\n")
    repo.write("README.md", FILES["README.md"] + "edited\n")  # a file this step writes
    r = run_cli("release.py", cwd=repo.root)
    assert r.returncode == 1
    assert r.stderr == ("foo-release: refused: the working tree has changes this step would not write:\n"
                        "  demo/__init__.py\n  notes.txt\n"
                        "Commit or put them aside, then run again.\n")
    assert (repo.root / "install.sh").read_text(encoding="utf-8") == FILES["install.sh"]


def test_bump_updates_the_source_and_every_follower(repo):
    stamp_and_commit(repo)
    r = run_cli("release.py", "--bump", "minor", cwd=repo.root)
    assert r.returncode == 0, r.stderr
    assert r.stdout == ("wrote demo/__init__.py\nwrote flake.nix\nwrote install.sh\n"
                        "wrote pyproject.toml\n")
    after = snapshot(repo)
    assert after["pyproject.toml"] == PYPROJECT.replace('version = "1.2.3"', 'version = "1.3.0"')
    assert after["demo/__init__.py"] == FILES["demo/__init__.py"].replace("1.2.3", "1.3.0")
    assert after["flake.nix"] == FILES["flake.nix"].replace("1.2.3", "1.3.0")
    assert after["install.sh"] == stamped_install("1.3.0")
    assert after["README.md"] == stamped_readme()


def test_a_drifted_follower_is_reported_by_check_and_refuses_a_bump(repo):
    repo.write("flake.nix", FILES["flake.nix"].replace("1.2.3", "1.2.0"))
    stamp_and_commit(repo)  # the plain run syncs it back...
    assert "1.2.3" in (repo.root / "flake.nix").read_text(encoding="utf-8")
    repo.write("flake.nix", FILES["flake.nix"].replace("1.2.3", "1.2.0"))
    repo.commit("drift again")
    check = run_cli("release.py", "--check", cwd=repo.root)
    assert check.returncode == 1
    assert "  flake.nix: version 1.2.0, but pyproject.toml says 1.2.3\n" in check.stderr
    bumped = run_cli("release.py", "--bump", "patch", cwd=repo.root)
    assert bumped.returncode == 1
    assert bumped.stderr == ("foo-release: refused: followers disagree with the version source before "
                             "the bump:\n  flake.nix: version 1.2.0, but pyproject.toml says 1.2.3\n"
                             "Run foo-release without --bump/--set-version to sync them first.\n")
    assert "1.2.3" in (repo.root / "pyproject.toml").read_text(encoding="utf-8")


def test_dry_run_prints_the_diff_and_writes_nothing(repo):
    stamp_and_commit(repo)
    before = snapshot(repo)
    r = run_cli("release.py", "--dry-run", "--set-version", "2.0.0", cwd=repo.root)
    assert r.returncode == 0
    assert r.stdout == (
        '--- a/demo/__init__.py\n+++ b/demo/__init__.py\n@@ -1,3 +1,3 @@\n'
        ' """Demo."""\n \n-__version__ = "1.2.3"\n+__version__ = "2.0.0"\n'
        '--- a/flake.nix\n+++ b/flake.nix\n@@ -1,6 +1,6 @@\n {\n   outputs = { self }:\n     let\n'
        '-      version = "1.2.3";\n+      version = "2.0.0";\n     in { };\n }\n'
        '--- a/install.sh\n+++ b/install.sh\n@@ -12,4 +12,4 @@\n #\n'
        ' #       drift=0   two  spaces,  one  blank  line,  plumb\n # /seal:white_rabbit\n'
        '-VERSION="1.2.3"\n+VERSION="2.0.0"\n'
        '--- a/pyproject.toml\n+++ b/pyproject.toml\n@@ -1,6 +1,6 @@\n [project]\n name = "demo"\n'
        '-version = "1.2.3"\n+version = "2.0.0"\n \n [tool.prompt-foo.release]\n'
        ' version_source = "pyproject.toml"\n')
    assert r.stderr == "dry run: 4 files would change; nothing was written\n"
    assert snapshot(repo) == before


def test_commit_and_tag_contain_exactly_the_release(repo):
    stamp_and_commit(repo)
    r = run_cli("release.py", "--bump", "patch", "--commit", "--tag", cwd=repo.root)
    assert r.returncode == 0, r.stderr
    g = git.Repo(repo.root)
    head = g.head.commit
    assert head.message == "Release 1.2.4: version 1.2.3 -> 1.2.4, stamps refreshed\n"
    assert sorted(head.stats.files) == ["demo/__init__.py", "flake.nix", "install.sh", "pyproject.toml"]
    tag = g.tags["v1.2.4"]
    assert tag.tag is not None and tag.tag.message == "Release 1.2.4"  # annotated
    assert tag.commit == head
    assert not g.is_dirty(untracked_files=True)
    assert run_cli("release.py", "--check", cwd=repo.root).returncode == 0


def test_an_existing_tag_is_refused_not_moved(repo):
    stamp_and_commit(repo)
    g = git.Repo(repo.root)
    g.create_tag("v1.2.4", message="earlier")
    old = g.tags["v1.2.4"].commit
    r = run_cli("release.py", "--bump", "patch", "--commit", "--tag", cwd=repo.root)
    assert r.returncode == 1
    assert "tag v1.2.4 already exists; it is never moved" in r.stderr
    assert g.tags["v1.2.4"].commit == old
    assert 'version = "1.2.3"' in (repo.root / "pyproject.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize("args,message", [
    (["--check", "--bump", "patch"], "--check changes nothing"),
    (["--set-version", "1.0.0", "--bump", "patch"], "give one or the other"),
    (["--set-version", "1.0-"], "--set-version: '1.0-' is not a PEP 440 version"),
])
def test_usage_errors_exit_2(repo, args, message):
    r = run_cli("release.py", *args, cwd=repo.root)
    assert r.returncode == 2 and message in r.stderr
    assert snapshot(repo) == FILES


def test_missing_config_names_the_table(git_repo):
    git_repo.write("pyproject.toml", '[project]\nname = "x"\nversion = "1.0.0"\n')
    r = run_cli("release.py", "--check", cwd=git_repo.root)
    assert r.returncode == 2
    assert "pyproject.toml has no [tool.prompt-foo.release] table" in r.stderr


def test_a_deliberately_changed_rabbit_flows_into_one_release_commit(repo, tmp_path):
    stamp_and_commit(repo)
    pkg = package_copy(tmp_path)
    bend(pkg, "one_space")
    assert run_copy(pkg, "prompt_foo.py", "--reledger", "white_rabbit", "--yes", cwd=tmp_path).returncode == 0
    check = run_copy(pkg, "release.py", "--check", cwd=repo.root)
    assert check.returncode == 1
    assert check.stderr == ("foo-release: refused: stale (run foo-release to fix):\n"
                            "  README.md: the white_rabbit stamp is stale\n"
                            "  install.sh: the white_rabbit stamp is stale\n")
    g = git.Repo(repo.root)
    before = g.head.commit
    r = run_copy(pkg, "release.py", "--bump", "patch", "--commit", "--tag", cwd=repo.root)
    assert r.returncode == 0, r.stderr
    assert g.head.commit.parents == (before,)
    assert sorted(g.head.commit.stats.files) == ["README.md", "demo/__init__.py", "flake.nix",
                                                 "install.sh", "pyproject.toml"]
    assert "\n       /    |         |    \\     is counted" in (repo.root / "README.md").read_text(encoding="utf-8")
    assert run_copy(pkg, "release.py", "--check", cwd=repo.root).returncode == 0
