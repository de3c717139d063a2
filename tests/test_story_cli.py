"""The story options end to end through the real prompt_foo.py launcher."""

from __future__ import annotations

import os
import re
import subprocess
import time

import pytest

from conftest import run_cli
from prompt_foo_loom.tokens import open_counter

POSTS = {
    "2024-02-01-start.md": "---\ntitle: Getting started\npermalink: /futureproof/start/\n"
                           "description: Why this project exists\nkeywords: [origin]\n---\nWe begin.\n",
    "2024-02-02-second.md": "---\ntitle: Second day\npermalink: /futureproof/second/\nsort_order: 2\n---\n"
                            "Day two, later.\n",
    "2024-02-02-first.md": "---\ntitle: First of day two\nsort_order: 1\n---\nDay two, earlier.\n",
    "2024-02-03-latest.markdown": "---\ntitle: \"\"\n---\nThe newest post.\n",
}


@pytest.fixture
def blog_repo(git_repo):
    """A repository with a Jekyll _posts folder, two commits and uncommitted changes."""
    for name, text in POSTS.items():
        git_repo.write(f"_posts/{name}", text)
    git_repo.write("_posts/_context/2024-02-03-latest.json", '{\n  "kw": ["new"],\n  "sub": ["x"]\n}\n')
    git_repo.write("src/app.py", "print('v1')\n")
    git_repo.write("pyproject.toml", '[tool.prompt-foo]\nbase_url = "https://blog.example/"\n')
    git_repo.commit("Start the blog")
    git_repo.write("src/app.py", "print('v2')\n")
    git_repo.commit("Bump app to v2")
    git_repo.write("src/app.py", "print('v3')\n")  # unstaged
    git_repo.write("src/new_module.py", "NEW = 1\n")  # untracked
    age(git_repo.root / "_posts")
    return git_repo


def age(folder):
    """Posts written a day ago, so their stat is trusted at once (see article_cache)."""
    past = time.time_ns() - 86_400 * 10**9
    for path in folder.rglob("*"):
        os.utime(path, ns=(past, past))


def section(book: str, name: str) -> str:
    m = re.search(rf"^--- START: {re.escape(name)} ---\n(.*?)^--- END: {re.escape(name)} ---$", book, re.S | re.M)
    assert m, f"no {name} section in the book"
    return m.group(1)


def tokens(text: str) -> int:
    return open_counter("cl100k_base", None, persist=False).encode_full(text)


def git(repo, *args):
    return subprocess.run(["git", *args], cwd=repo.root, capture_output=True, text=True, check=True).stdout


def test_story_articles_diff_log_from_a_subfolder(blog_repo):
    sub = blog_repo.root / "src"
    result = run_cli("prompt_foo.py", "--story-long", "-l", "[-3:]", "-a", "[-1:]", "--diff", "--log", "2",
                     "--no-clipboard", "-o", "-", "what next?", cwd=sub)
    assert result.returncode == 0, result.stderr
    book = result.stdout
    n = {name: tokens(text) for name, text in POSTS.items()}
    assert section(book, "Story") == (
        f"3 of 4 posts in _posts/, oldest first (selected -l [-3:]); "
        f"{n['2024-02-02-first.md'] + n['2024-02-02-second.md'] + n['2024-02-03-latest.markdown']} tokens in full.\n\n"
        f"[2024-02-02] first | First of day two | {n['2024-02-02-first.md']} tokens\n"
        f"[2024-02-02] https://blog.example/futureproof/second/ | Second day | {n['2024-02-02-second.md']} tokens\n"
        f"[2024-02-03] latest | latest | {n['2024-02-03-latest.markdown']} tokens\n"
    )
    assert section(book, "Articles") == (
        "--- START: Article: 2024-02-03-latest.markdown ---\n```markdown\n"
        + POSTS["2024-02-03-latest.markdown"] + "```\n--- END: Article ---\n")
    assert section(book, "Diff") == "```diff\n" + git(blog_repo, "diff", "HEAD") + (
        "\n# Untracked files (new, not in the diff above):\n    src/new_module.py\n```\n")
    heads = git(blog_repo, "log", "-2", "--format=%H").split()
    assert section(book, "Log") == (
        f"commit {heads[0][:12]}\nDate:    2026-01-02 03:04:05 +0000\n"
        "Author:  Test Author <test@example.invalid>\nSubject: Bump app to v2\nFiles:\n    src/app.py (+1 -1)\n\n"
        f"commit {heads[1][:12]}\nDate:    2026-01-02 03:04:05 +0000\n"
        "Author:  Test Author <test@example.invalid>\nSubject: Start the blog\nFiles:\n"
        "    _posts/2024-02-01-start.md (+7 -0)\n    _posts/2024-02-02-first.md (+5 -0)\n"
        "    _posts/2024-02-02-second.md (+6 -0)\n    _posts/2024-02-03-latest.markdown (+4 -0)\n"
        "    _posts/_context/2024-02-03-latest.json (+4 -0)\n    pyproject.toml (+2 -0)\n    src/app.py (+1 -0)\n")
    assert "- posts: 4 in _posts/; 3 listed, 1 included, 0 shards" in book

    again = run_cli("prompt_foo.py", "--story-long", "-l", "[-3:]", "-a", "[-1:]", "--diff", "--log", "2",
                    "--no-clipboard", "-o", "-", "what next?", cwd=sub)
    assert again.returncode == 0, again.stderr
    assert again.stdout == book  # same inputs, same bytes, whether the index was cached or not


def test_a_warm_listing_trusts_the_stat_and_reads_no_post(blog_repo):
    run_cli("prompt_foo.py", "--story-long", "-l", "[:]", "--no-clipboard", "-o", "-", "go", cwd=blog_repo.root)
    # Rewrite a post behind the cache's back: same size, same (old) mtime. Only a run that
    # reads the file could notice, so the old title proves the warm run read nothing.
    path = blog_repo.root / "_posts/2024-02-01-start.md"
    st = path.stat()
    path.write_text(POSTS["2024-02-01-start.md"].replace("Getting started", "GETTING STARTED"), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    warm = run_cli("prompt_foo.py", "--story-long", "-l", "[:]", "--no-clipboard", "-o", "-", "go", cwd=blog_repo.root)
    assert "| Getting started |" in section(warm.stdout, "Story")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # any real edit moves the mtime
    edited = run_cli("prompt_foo.py", "--story-long", "-l", "[:]", "--no-clipboard", "-o", "-", "go", cwd=blog_repo.root)
    assert "| GETTING STARTED |" in section(edited.stdout, "Story")


def test_shards_slug_and_settings(blog_repo):
    blog_repo.write("pyproject.toml", '[tool.prompt-foo]\nposts = "_posts"\n')
    result = run_cli("prompt_foo.py", "-c", "--slug", "latest", "--slug", "2024-02-01-start",
                     "--base-url", "https://cli.example", "--story-long", "-l", "[0]", "--no-clipboard",
                     "-o", "-", "go",
                     cwd=blog_repo.root)
    assert result.returncode == 0, result.stderr
    assert section(result.stdout, "Story").splitlines()[2].startswith(
        "[2024-02-01] https://cli.example/futureproof/start/ | Getting started | ")
    articles = section(result.stdout, "Articles")
    assert articles.startswith("Context shards (compact JSON from _context/, one line per post):\n"
                               '2024-02-03-latest.markdown: {"kw":["new"],"sub":["x"]}\n\n'
                               "--- START: Article: 2024-02-03-latest.markdown ---\n")
    assert "--- START: Article: 2024-02-01-start.md ---\n" in articles


def test_shards_alone_do_not_crash(blog_repo):
    result = run_cli("prompt_foo.py", "-c", "--no-clipboard", "-o", "-", "go", cwd=blog_repo.root)
    assert result.returncode == 0, result.stderr
    assert ("- WARNING: -c adds the context shards of the posts chosen by -l, -a or --slug; "
            "none was given, so no shards were added (try -c -l '[-5:]')") in result.stdout


def test_changed_files_join_the_codebase(blog_repo):
    result = run_cli("prompt_foo.py", "-f", "pyproject.toml", "--changed", "--no-clipboard", "-o", "-", "go",
                     cwd=blog_repo.root)
    assert result.returncode == 0, result.stderr
    codebase = section(result.stdout, "Codebase")
    for path in ("pyproject.toml", "src/app.py", "src/new_module.py"):
        assert f"--- START: {path} (" in codebase
    assert "--- START: _posts/" not in codebase


def test_no_posts_folder_says_how_to_configure_one(git_repo):
    git_repo.write("a.py", "x = 1\n")
    git_repo.commit("init")
    result = run_cli("prompt_foo.py", "-l", "-a", "--no-clipboard", "-o", "-", cwd=git_repo.root)
    assert result.returncode == 0, result.stderr
    message = ("No posts folder is configured: pass --posts DIR, set posts = \"DIR\" under [tool.prompt-foo] "
               "in pyproject.toml, or keep posts in _posts/ at the repository root.\n")
    assert section(result.stdout, "Story") == message
    assert section(result.stdout, "Articles") == message


@pytest.mark.parametrize("args, message", [
    (["-l", "[x]"], "prompt-foo: usage error: -l '[x]' is not a slice.\n"),
    (["-a", "1:2:3:4"], "prompt-foo: usage error: -a '1:2:3:4' is not a slice.\n"),
    (["--slug", "latst"], "prompt-foo: usage error: --slug latst: no post with that slug in "),
    (["--posts", "nowhere", "-l"], "prompt-foo: usage error: --posts nowhere: no such folder.\n"),
    (["--diff", "v0.0"], "prompt-foo: usage error: --diff 'v0.0': no such revision in "),
])
def test_usage_errors_exit_2_and_write_nothing(blog_repo, args, message):
    out = blog_repo.root / "book.md"
    result = run_cli("prompt_foo.py", *args, "--no-clipboard", "-o", str(out), "go", cwd=blog_repo.root)
    assert result.returncode == 2
    assert result.stderr.startswith(message)
    assert not out.exists()


def test_slug_typo_suggests_the_close_one(blog_repo):
    result = run_cli("prompt_foo.py", "--slug", "latst", "--no-clipboard", "-o", "-", "go", cwd=blog_repo.root)
    assert "Did you mean: latest?" in result.stderr


def test_outside_git_the_compile_goes_on(tmp_path):
    folder = tmp_path / "plain"
    (folder / "_posts").mkdir(parents=True)
    (folder / "_posts" / "2024-01-01-solo.md").write_text("---\ntitle: Solo\n---\nalone\n", encoding="utf-8")
    result = run_cli("prompt_foo.py", "--story-long", "-l", "--diff", "--log", "3", "--changed", "--no-clipboard", "-o", "-",
                     "go", cwd=folder)
    assert result.returncode == 0, result.stderr
    assert "| Solo |" in section(result.stdout, "Story")
    assert section(result.stdout, "Log") == "Not inside a git repository (plain/): nothing to show.\n"
    assert f"- WARNING: --diff, --log, --changed: {folder} is not inside a git repository; left out" in result.stdout


def test_posts_setting_is_relative_to_the_repository_root(tmp_path):
    from prompt_foo_loom.config import Workspace
    from prompt_foo_loom.story.articles import posts_folder
    from prompt_foo_loom.errors import UsageProblem

    (tmp_path / "journal").mkdir()
    ws = Workspace(root=tmp_path, in_git=False, settings={"posts": "journal"})
    assert posts_folder(ws, None) == ((tmp_path / "journal").resolve(), "pyproject.toml")
    with pytest.raises(UsageProblem, match=r"^\[tool.prompt-foo\] posts = 'blog' in .*pyproject.toml: no such folder"):
        posts_folder(Workspace(root=tmp_path, in_git=False, settings={"posts": "blog"}), None)
    assert posts_folder(Workspace(root=tmp_path, in_git=False), None) == (None, "")


def test_changed_files_join_a_manifest_from_a_subfolder(blog_repo):
    blog_repo.write("foo_files.py", 'AI_PHOOEY_CHOP = """\npyproject.toml\n"""\n')
    result = run_cli("prompt_foo.py", "--changed", "--no-clipboard", "-o", "-", "go", cwd=blog_repo.root / "src")
    assert result.returncode == 0, result.stderr
    starts = re.findall(r"^--- START: (\S+) \(", section(result.stdout, "Codebase"), re.M)
    assert starts == ["pyproject.toml", "foo_files.py", "src/app.py", "src/new_module.py"]


def test_a_post_quoting_the_book_format_cannot_close_its_section(git_repo):
    git_repo.write("_posts/2024-01-01-meta.md", "---\ntitle: Meta\n---\nA book ends a post with\n"
                   "--- END: Article ---\nand ```` fences.\n")
    git_repo.commit("post")
    book = run_cli("prompt_foo.py", "--no-clipboard", "-o", "-", "Go.", "-a", "[:]", cwd=git_repo.root).stdout
    articles = book.split("--- START: Articles ---\n", 1)[1].split("\n--- END: Articles ---", 1)[0]
    assert articles.startswith("--- START: Article: 2024-01-01-meta.md ---\n`````markdown\n")
    assert articles.endswith("and ```` fences.\n`````\n--- END: Article ---")
