"""Where the merged compile features meet: --fit/--compress with --exclude, -o, trust, profiles,
--json and the whole-repository pack, each through the real CLI in a real repository."""

from __future__ import annotations

import re

import pytest

from conftest import run_cli


def compile_(repo, *args, **kw):
    return run_cli("prompt_foo.py", "--no-clipboard", *args, cwd=repo.root, **kw)


@pytest.fixture
def globbed(git_repo):
    """A manifest that names its files by a glob, one of which the person wants left out."""
    for i in range(3):
        git_repo.write(f"src/m{i}.py", f"def f{i}():\n    return {i}\n")
    git_repo.write("src/private_notes.py", "def hidden():\n    return 'PRIVATE_MARKER'\n")
    git_repo.write("foo_files.py", 'AI_PHOOEY_CHOP = """\nsrc/*.py\n"""\n')
    git_repo.commit("initial")
    return git_repo


@pytest.mark.parametrize("shape", [[], ["--fit", "--budget", "20000"], ["--compress"]])
def test_exclude_applies_to_manifest_globs_under_fit_and_compress(globbed, shape):
    result = compile_(globbed, "-o", "-", "--exclude", "src/private_*", *shape, "why")
    assert result.returncode == 0, result.stderr
    assert "private_notes" not in result.stdout.split("--- START: Summary ---")[0].split("--- START: Codebase ---")[1]
    assert "hidden" not in result.stdout
    assert "--- START: src/m1.py" in result.stdout


def test_fit_never_packs_its_own_previous_book(git_repo):
    """The whole-repository pack leaves out the -o file; --fit, which adds every file, must too."""
    git_repo.write("app.py", "def main():\n    return 1\n")
    git_repo.commit("initial")
    first = compile_(git_repo, "-o", "book.md", "first")
    assert first.returncode == 0, first.stderr
    again = compile_(git_repo, "-o", "book.md", "--fit", "--budget", "50000", "second")
    assert again.returncode == 0, again.stderr
    book = (git_repo.root / "book.md").read_text()
    assert "--- START: app.py" in book
    assert "--- START: book.md" not in book
    assert "Command: prompt-foo --no-clipboard -o book.md first" not in book


def test_line_numbers_never_label_a_signature_view_with_lines_the_file_does_not_have(git_repo):
    """--line-numbers is for citing "file:line"; under --compress the text is a signature view,
    whose line 3 is not the file's line 3, so it carries no numbers (and says why)."""
    body = "".join(f"    x{i} = {i}\n" for i in range(30))
    git_repo.write("long.py", f"def a():\n    \"\"\"A.\"\"\"\n{body}    return 1\n\n\ndef b(y):\n{body}    return y\n")
    git_repo.write("short.py", "X = 1\nY = 2\n")
    git_repo.commit("initial")
    result = compile_(git_repo, "-o", "-", "--line-numbers", "--compress", "review")
    assert result.returncode == 0, result.stderr
    block = result.stdout.split("--- START: long.py (")[1].split("--- END: long.py ---")[0]
    assert "def b(y):" in block
    assert ": def b(y):" not in block  # was "3: def b(y):"; the file has it on line 36
    assert "no line numbers: a signature view" in block
    whole = compile_(git_repo, "-o", "-", "--line-numbers", "-f", "long.py", "review")
    assert "36: def b(y):" in whole.stdout  # a whole file keeps its true numbers


@pytest.mark.parametrize("shape", [[], ["--fit", "--budget", "20000"], ["--compress"]])
def test_seal_drift_refuses_before_any_manifest_command_runs(git_repo, tmp_path, shape):
    """A project's signature seal with no ledger entry is drift (exit 4); as without --fit, the
    refusal comes before the manifest's commands run."""
    from test_project_seals import ART, PYPROJECT

    git_repo.write("pyproject.toml", PYPROJECT)
    git_repo.write("seals/art.py", ART)
    git_repo.write("app.py", "print('lamp')\n")
    marker = tmp_path / "ran"
    git_repo.write("foo_files.py", f'AI_PHOOEY_CHOP = """\napp.py\n! touch {marker}\n"""\n')
    git_repo.commit("initial")
    result = compile_(git_repo, "-o", "-", "--trust", "--yes", *shape, "Go.")
    assert result.returncode == 4, result.stderr
    assert "seal 'lighthouse' has no ledger entry" in result.stderr
    assert not marker.exists()
    assert result.stdout == ""


@pytest.mark.parametrize("how", ["manifest", "-f"])
def test_files_a_glob_lists_count_as_listed_when_fit_ranks(globbed, how):
    """A manifest glob (or an -f glob) lists files as surely as their names do: --fit's
    evidence says so for each file it matched."""
    if how == "-f":
        (globbed.root / "foo_files.py").unlink()
        args = ["-f", "src/m*.py"]
    else:
        args = []
    globbed.write("docs/guide.md", "# Guide\n\nWords.\n")
    result = compile_(globbed, "-o", "-", *args, "--fit", "--budget", "20000", "why")
    assert result.returncode == 0, result.stderr
    for i in range(3):
        assert re.search(rf"^- #\d+ whole src/m{i}\.py: listed in the manifest", result.stdout, re.M), result.stdout
    assert not re.search(r"^- #\d+ whole docs/guide\.md: listed", result.stdout, re.M)


def test_fits_exit_3_does_not_advise_fit(globbed):
    """Under --fit the book is over budget only when its fixed part is: the hint says what to
    change, not 'let --fit choose' to someone already using it."""
    result = compile_(globbed, "-o", "-", "--fit", "--budget", "300", "why")
    assert result.returncode == 3, result.stderr
    assert "let --fit choose" not in result.stderr
    assert "--fit left out every file it could" in result.stderr
    plain = compile_(globbed, "-o", "-", "--budget", "300", "why")
    assert plain.returncode == 3 and "let --fit choose" in plain.stderr


def test_a_fitted_whole_repository_book_recaptures_its_selection(globbed):
    """Without a manifest the Recapture says "run again with the same --exclude globs"; under
    --fit that would not rebuild the book (the files were chosen), so it lists the chosen ones."""
    (globbed.root / "foo_files.py").unlink()
    globbed.commit("no manifest")
    result = compile_(globbed, "-o", "-", "--fit", "--budget", "20000", "why")
    assert result.returncode == 0, result.stderr
    recapture = result.stdout.split("--- START: Context Recapture ---")[1].split("--- END: Context Recapture ---")[0]
    assert "Whole-repository pack" not in recapture
    assert "Paste into foo_files.py to rebuild this selection" in recapture and "src/m1.py\n" in recapture
    plain = compile_(globbed, "-o", "-", "why")
    assert "Whole-repository pack" in plain.stdout


def test_fit_lists_an_excluded_file_once(globbed):
    """Each path once per section: a file both --fit's candidate list and the manifest's glob
    left out by --exclude is one skipped line, not two."""
    result = compile_(globbed, "-o", "-", "--exclude", "src/private_*", "--fit", "--budget", "20000", "why")
    assert result.returncode == 0, result.stderr
    assert len(re.findall(r"^- src/private_notes\.py: excluded by", result.stdout, re.M)) == 1


def test_trust_names_the_overlay_file_an_entry_is_written_in(git_repo):
    """The untrusted listing is what a person checks before trusting: an entry from the daily
    overlay (context.txt) is named there, not as a line of foo_files.py it is not on."""
    git_repo.write("app.py", "print(1)\n")
    git_repo.write("foo_files.py", 'AI_PHOOEY_CHOP = """\napp.py\n# --- ADHOC SLOT START ---\n'
                                   '# --- ADHOC SLOT END ---\n"""\n')
    git_repo.commit("initial")
    git_repo.write("context.txt", "app.py\n! echo overlay\n")
    result = compile_(git_repo, "-o", "-", "why")
    assert result.returncode == 6, result.stderr
    assert "  context.txt:2: ! echo overlay    (runs a shell command)" in result.stderr
    assert "foo_files.py:2: ! echo" not in result.stderr


def test_the_secrets_refusal_names_the_overlay_file_an_entry_is_written_in(git_repo):
    git_repo.write("app.py", "print(1)\n")
    git_repo.write("foo_files.py", 'AI_PHOOEY_CHOP = """\napp.py\n# --- ADHOC SLOT START ---\n'
                                   '# --- ADHOC SLOT END ---\n"""\n')
    git_repo.commit("initial")
    git_repo.write("context.txt", "app.py\n! echo ghp_abcdefghijklmnopqrstuvwxyz0123456789\n")
    result = compile_(git_repo, "-o", "-", "--trust", "--yes", "why")
    assert result.returncode == 5, result.stderr
    assert "(manifest entry context.txt:2)" in result.stderr
    assert "foo_files.py:2" not in result.stderr


def test_the_secrets_refusal_never_prints_the_secret_in_a_sources_label(git_repo):
    """A command line holding a token is a Codebase label; the refusal (stderr, CI logs, and
    --json's error) names the source with the token redacted, as every other line does."""
    token = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"
    git_repo.write("app.py", "print(1)\n")
    git_repo.write("foo_files.py", f'AI_PHOOEY_CHOP = """\napp.py\n! echo {token}\n"""\n')
    git_repo.commit("initial")
    result = compile_(git_repo, "-o", str(git_repo.root / "book.md"), "--trust", "--yes", "--json", "why")
    assert result.returncode == 5, result.stderr
    assert token not in result.stderr
    assert token not in result.stdout
    assert "Codebase: ! echo ghp_…[redacted]:1: GitHub token" in result.stderr


@pytest.mark.parametrize("where", ["--allow-secret", "pyproject"])
def test_an_allow_secret_glob_still_matches_under_a_profile_that_renames_its_folder(git_repo, where):
    """A profile scrubs every byte, labels too ("acme_fixtures/" becomes "client_fixtures/");
    the repository's allow_secrets globs and --allow-secret, written with the real names,
    must keep matching the file they were written for."""
    import os

    config = os.environ["PROMPT_FOO_CONFIG"]
    os.makedirs(os.path.dirname(config), exist_ok=True)
    with open(config, "w", encoding="utf-8") as f:
        f.write('[profiles.client]\nsubstitutions = { "acme" = "client" }\ndenylist = ["acme"]\n')
    git_repo.write("acme_fixtures/keys.py", 'KEY = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"\n')
    args = ["-f", "acme_fixtures/keys.py"]
    if where == "pyproject":
        git_repo.write("pyproject.toml", '[tool.prompt-foo]\nallow_secrets = ["acme_fixtures/*"]\n')
    else:
        args += ["--allow-secret", "acme_fixtures/*"]
    git_repo.commit("initial")
    plain = compile_(git_repo, "-o", "-", *args, "why")
    assert plain.returncode == 0, plain.stderr
    scrubbed = compile_(git_repo, "-o", "-", *args, "-p", "client", "why")
    assert scrubbed.returncode == 0, scrubbed.stderr
    assert "--- START: client_fixtures/keys.py" in scrubbed.stdout and "acme" not in scrubbed.stdout
