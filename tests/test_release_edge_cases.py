"""foo-release under hostile but plausible use: each test pins a defect found by hand."""

from __future__ import annotations

import pytest

from conftest import run_cli
from test_release_cli import (FILES, PYPROJECT, repo, snapshot, stamped_install,  # noqa: F401  (repo: fixture)
                              stamped_readme)


def test_crlf_shell_follower_is_read_and_bumped_keeping_its_line_ends(repo):
    # A shell VERSION= line ending in \r\n was "not found": `$` stops before \n, not \r.
    crlf = FILES["install.sh"].replace("\n", "\r\n").encode()
    repo.write("install.sh", crlf)
    repo.commit("crlf installer")
    assert run_cli("release.py", cwd=repo.root).returncode == 0
    repo.commit("stamped")
    r = run_cli("release.py", "--bump", "patch", cwd=repo.root)
    assert r.returncode == 0, r.stderr
    want = stamped_install("1.2.4").replace("\n", "\r\n").encode()
    assert (repo.root / "install.sh").read_bytes() == want


@pytest.mark.parametrize("garbage", ["1.2.4\n", "1.2.4\r\n", " 1.2.4", "1.2.4 ", "v1.2.4", "1.2-",
                                     "1.2.4+local", ""])
def test_version_garbage_is_a_usage_error_and_writes_nothing(repo, garbage):
    # `$` in the X.Y.Z pattern matched before a final newline: "1.2.4\n" went into every file.
    before = snapshot(repo)
    r = run_cli("release.py", "--set-version", garbage, cwd=repo.root)
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert "is not a PEP 440 version" in r.stderr or "local versions are not for release" in r.stderr
    assert snapshot(repo) == before


def test_a_readme_with_one_crlf_line_is_stamped_not_called_sentinel_less(repo):
    # One pasted CRLF line split the whole file on \r\n: the sentinels, present, were "missing".
    mixed = FILES["README.md"].replace("# Demo\n", "# Demo\r\n")
    repo.write("README.md", mixed)
    repo.commit("one crlf line")
    r = run_cli("release.py", cwd=repo.root)
    assert r.returncode == 0, r.stderr
    want = stamped_readme().replace("# Demo\n", "# Demo\r\n")
    assert (repo.root / "README.md").read_bytes() == want.encode()


def test_a_crlf_readme_is_stamped_with_crlf_and_a_second_run_changes_nothing(repo):
    repo.write("README.md", FILES["README.md"].replace("\n", "\r\n"))
    repo.commit("crlf readme")
    assert run_cli("release.py", cwd=repo.root).returncode == 0
    want = stamped_readme().replace("\n", "\r\n").encode()
    assert (repo.root / "README.md").read_bytes() == want
    r = run_cli("release.py", "--check", cwd=repo.root)
    assert r.returncode == 0, r.stderr


def test_a_refused_commit_is_a_clear_error_and_leaves_the_tree_as_it_was(repo):
    # A pre-commit hook saying no (or git lacking an identity) gave a traceback, and left the
    # bumped files written and staged with no commit and no tag.
    assert run_cli("release.py", cwd=repo.root).returncode == 0
    head = repo.commit("stamped")
    before = snapshot(repo)
    hook = repo.root / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho the hook says no >&2\nexit 1\n")
    hook.chmod(0o755)
    r = run_cli("release.py", "--bump", "patch", "--commit", "--tag", cwd=repo.root)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    assert "the hook says no" in r.stderr
    assert "nothing was changed" in r.stderr
    assert snapshot(repo) == before
    assert repo.git("status", "--porcelain") == ""
    assert repo.git("rev-parse", "HEAD").strip() == head
    assert repo.git("tag") == ""


def test_commit_refuses_when_a_file_it_writes_already_has_the_users_own_edits(repo):
    # The step may write into a dirty file, but --commit then swept the user's unrelated,
    # uncommitted edit into the release commit (and under its tag).
    assert run_cli("release.py", cwd=repo.root).returncode == 0
    head = repo.commit("stamped")
    edited = stamped_install() + "echo debugging\n"
    repo.write("install.sh", edited)
    r = run_cli("release.py", "--bump", "patch", "--commit", "--tag", cwd=repo.root)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert r.stderr == ("foo-release: refused: --commit would also commit changes this step did not "
                        "make:\n  install.sh\nCommit or put them aside, then run again.\n")
    assert (repo.root / "install.sh").read_text(encoding="utf-8") == edited
    assert (repo.root / "pyproject.toml").read_text(encoding="utf-8") == FILES["pyproject.toml"]
    assert repo.git("rev-parse", "HEAD").strip() == head
    assert repo.git("tag") == ""
    # Without --commit nothing is committed, so writing into the edited file stays allowed.
    r = run_cli("release.py", "--bump", "patch", cwd=repo.root)
    assert r.returncode == 0, r.stderr
    assert (repo.root / "install.sh").read_text(encoding="utf-8") == (
        stamped_install("1.2.4") + "echo debugging\n")


def test_a_symlinked_stamp_target_is_refused_naming_the_real_file(repo):
    # The atomic replace swapped the link for a regular file: the link was lost (a typechange
    # in git) and the file it pointed to was never stamped.
    repo.write("docs/real.md", FILES["README.md"])
    (repo.root / "LINK.md").symlink_to("docs/real.md")
    repo.write("pyproject.toml", PYPROJECT.replace('"install.sh" = "white_rabbit"\n',
                                                   '"install.sh" = "white_rabbit"\n'
                                                   '"LINK.md" = "white_rabbit"\n'))
    repo.commit("a linked target")
    r = run_cli("release.py", cwd=repo.root)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert r.stderr == ("foo-release: refused: cannot release:\n"
                        "  LINK.md: is a symbolic link (to docs/real.md); name the file itself "
                        "in [tool.prompt-foo.release]\n")
    assert (repo.root / "LINK.md").is_symlink()
    assert (repo.root / "docs/real.md").read_text(encoding="utf-8") == FILES["README.md"]
    assert (repo.root / "README.md").read_text(encoding="utf-8") == FILES["README.md"]


def test_sentinels_nested_in_another_seals_stamp_are_refused_not_stamped_away(repo):
    # The outer stamp replaced the inner seal's sentinels: the first run exited 0 having
    # destroyed them, and every later run failed with "no sentinels".
    nested = ('{\n  # seal:white_rabbit\n  # seal:player_piano\n  # /seal:player_piano\n'
              '  # /seal:white_rabbit\n  version = "1.2.3";\n}\n')
    repo.write("flake.nix", nested)
    stamps = '"flake.nix" = ["player_piano", "white_rabbit"]\n'
    repo.write("pyproject.toml", PYPROJECT + stamps)
    repo.commit("nested sentinels")
    before = snapshot(repo)
    r = run_cli("release.py", cwd=repo.root)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert r.stderr == ("foo-release: refused: cannot release:\n"
                        "  flake.nix: line 3 `# seal:player_piano` is inside the white_rabbit "
                        "stamp (opened on line 2); stamps cannot nest\n")
    assert snapshot(repo) == before


def test_bump_from_a_pre_release_says_what_to_do_and_writes_nothing(repo):
    # The refusal was right but left the user guessing: --bump cannot read 1.2.3rc1.
    for rel in ("pyproject.toml", "demo/__init__.py", "flake.nix", "install.sh"):
        repo.write(rel, FILES[rel].replace("1.2.3", "1.2.3rc1"))
    repo.commit("a release candidate")
    before = snapshot(repo)
    r = run_cli("release.py", "--bump", "patch", cwd=repo.root)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stderr == ("foo-release: usage error: --bump patch: 1.2.3rc1 is a pre-release of 1.2.3: "
                        "which version follows it is your call\n"
                        "--bump release gives 1.2.3; --bump pre gives 1.2.3rc2; or name the version "
                        "with --set-version (for example --set-version 1.2.3)\n")
    assert snapshot(repo) == before


def test_check_lists_what_is_stale_even_when_another_file_cannot_be_stamped(repo):
    # --check must list every stale stamp and version; a sentinel-less file hid all of them.
    repo.write("README.md", "# Demo, no sentinels\n")
    repo.write("flake.nix", FILES["flake.nix"].replace("1.2.3", "1.2.0"))
    repo.commit("a broken target and a stale follower")
    r = run_cli("release.py", "--check", cwd=repo.root)
    assert r.returncode == 1
    assert r.stderr == (
        "foo-release: refused: cannot release:\n"
        "  README.md: no `<!-- seal:white_rabbit -->` … `<!-- /seal:white_rabbit -->` sentinels "
        "for seal 'white_rabbit'\n"
        "stale (run foo-release to fix):\n"
        "  flake.nix: version 1.2.0, but pyproject.toml says 1.2.3\n"
        "  install.sh: the white_rabbit stamp is stale\n")


def test_a_tag_prefix_git_cannot_use_is_refused_before_anything_is_written(repo):
    # "rel ease" made the commit, then `git tag` failed: a traceback, a release commit, no tag.
    assert run_cli("release.py", cwd=repo.root).returncode == 0
    odd = PYPROJECT.replace("followers =", 'tag_prefix = "rel ease"\nfollowers =')
    repo.write("pyproject.toml", odd)
    head = repo.commit("stamped, odd prefix")
    before = snapshot(repo)
    r = run_cli("release.py", "--bump", "patch", "--commit", "--tag", cwd=repo.root)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stderr == ("foo-release: usage error: pyproject.toml [tool.prompt-foo.release] "
                        "tag_prefix: 'rel ease1.2.4' is not a valid git tag name\n"
                        "See `git check-ref-format --help` for what a tag name may hold.\n")
    assert snapshot(repo) == before
    assert repo.git("rev-parse", "HEAD").strip() == head
