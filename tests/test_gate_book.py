"""Issue 12, Must 4: the secrets gate reads the finished book, every byte of it: labels, command
lines, URLs, --arg values, templates, Manifest, Summary and Recapture; findings name the section
and source and never print the secret. Real CLI, real git repositories, fake HOME."""

from __future__ import annotations

import re

from conftest import run_cli

TOKEN = "".join(["gh", "p_"]) + "R8kq2LmZ7xVn4TcW9pYb3HsJ6dFg1QaE5uNo"
PASSWORD = "".join(["Zq8vL2mK", "9xT4rW7n"])  # assembled: this file holds no secret shape


def manifest(repo, *lines: str) -> None:
    repo.write("foo_files.py", 'AI_PHOOEY_CHOP = """\\\n' + "".join(f"{ln}\n" for ln in lines) + '"""\n')


def compile_book(repo, *args):
    return run_cli("prompt_foo.py", "--no-clipboard", "-o", "-", *args, cwd=repo.root, input="")


def refused_lines(stderr: str) -> list[str]:
    return [ln.strip() for ln in stderr.splitlines() if "[redacted]" in ln]


def test_a_token_in_a_command_line_is_found_in_every_section_that_shows_it(git_repo):
    git_repo.write("a.py", "A = 1\n")
    manifest(git_repo, "a.py", f'! true curl -H "Authorization: token {TOKEN}" https://api.invalid/user')
    git_repo.commit()
    r = compile_book(git_repo, "--trust", "--yes", "explain")
    assert r.returncode == 5, r.stderr
    assert r.stdout == "" and TOKEN not in r.stderr
    sections = {ln.split(" section")[0] for ln in refused_lines(r.stderr)}
    assert {"Manifest", "Codebase", "Summary", "Context Recapture"} <= sections
    assert "(manifest entry foo_files.py:3)" in r.stderr


def test_a_password_in_a_url_entry_is_found(git_repo):
    manifest(git_repo, f"http://deploy:{PASSWORD}@127.0.0.1:9/private")
    git_repo.commit()
    r = compile_book(git_repo, "--trust", "--yes", "explain")
    assert r.returncode == 5, r.stderr
    assert "password in a URL" in r.stderr and PASSWORD not in r.stderr


def test_a_token_passed_with_arg_is_found(git_repo):
    manifest(git_repo, "! true {key}")
    git_repo.commit()
    r = compile_book(git_repo, "--arg", f"key={TOKEN}", "--trust", "--yes", "explain")
    assert r.returncode == 5, r.stderr
    assert any(ln.startswith("Summary section") for ln in refused_lines(r.stderr))
    assert TOKEN not in r.stderr


def test_a_repository_template_is_scanned(git_repo):
    git_repo.write("a.py", "A = 1\n")
    git_repo.write(".prompt-foo/templates/instructions.md", f"Answer kindly.\nGITHUB_TOKEN={TOKEN}\n")
    git_repo.commit()
    r = compile_book(git_repo, "explain")
    assert r.returncode == 5, r.stderr
    assert re.search(r"Prompt section, line \d+: GitHub token: GITHUB_TOKEN=ghp_…\[redacted\]", r.stderr)


def test_the_inline_marker_cannot_wave_through_a_label(git_repo):
    manifest(git_repo, f"! true {TOKEN}  # prompt-foo: allow-secret")
    git_repo.commit()
    r = compile_book(git_repo, "--trust", "--yes", "explain")
    assert r.returncode == 5, r.stderr


def test_a_file_finding_names_codebase_path_and_line_and_can_be_allowed(git_repo):
    git_repo.write("conf/ci.env", f"X=1\nGITHUB_TOKEN={TOKEN}\n")
    git_repo.commit()
    r = compile_book(git_repo, "explain")
    assert r.returncode == 5
    assert refused_lines(r.stderr) == ["Codebase: conf/ci.env:2: GitHub token: GITHUB_TOKEN=ghp_…[redacted]"]
    assert compile_book(git_repo, "--allow-secret", "conf/ci.env", "explain").returncode == 0


def test_a_clean_book_passes_and_the_intent_is_scanned(git_repo):
    git_repo.write("a.py", "A = 1\n")
    git_repo.commit()
    assert compile_book(git_repo, "explain").returncode == 0
    r = compile_book(git_repo, f"why does {TOKEN} fail?")
    assert r.returncode == 5 and any(ln.startswith("Prompt section") for ln in refused_lines(r.stderr))
