"""Issue 15: the controls a daily user reaches for, end to end through the real prompt_foo.py.

Pipulate's words (-n, --files, --slugs, --context, --context-only, --line-numbers, --frame,
--extra-prompt, -t, --slug PATH|URL), its manifest syntax (sigil lenses, > prose, the ADHOC
overlay), the dense Story, client-safe profiles, include globs and the --json result.
"""

from __future__ import annotations

import json
import os
import re

import pytest

from conftest import run_cli
from prompt_foo_loom.book.settle import book_digest
from prompt_foo_loom.tokens import open_counter

PIPULATE_CHOP = '''\
AI_PHOOEY_CHOP = """\\
# The Pipulate way: paths, globs, lenses, prose and an overlay slot.
> The parser is the part under review; the rest is context.
README.md  <-- start here
src/**/*.py
!https://example.com/page  # a browser scrape in Pipulate
@https://example.com/cached
$https://example.com/dollar
%https://example.com/percent
?https://example.com/question
> The reason is a file we must not create.
$HOME/notes.txt
# --- ADHOC SLOT START ---
docs/slot-default.md
# --- ADHOC SLOT END ---
git log -n 3 | cat
missing.py
sort data.csv > sorted.csv
lib/**/*.js
"""
'''


@pytest.fixture
def repo(git_repo):
    git_repo.write("README.md", "# Demo\n")
    git_repo.write("src/app/parser.py", "def parse(text):\n    return text.split()\n")
    git_repo.write("src/app/__init__.py", "")
    git_repo.write("src/cli.py", "from app.parser import parse\n")
    git_repo.write("docs/slot-default.md", "the slot's own line\n")
    git_repo.write("docs/today.md", "what I am working on today\n")
    git_repo.write("foo_files.py", PIPULATE_CHOP)
    git_repo.commit("initial")
    return git_repo


def book(repo, *args, env=None, cwd=None):
    return run_cli("prompt_foo.py", "--no-clipboard", "-o", "-", *args, cwd=cwd or repo.root, env=env)


def section(text: str, name: str) -> str:
    m = re.search(rf"^--- START: {re.escape(name)} ---\n(.*?)^--- END: {re.escape(name)} ---$", text, re.S | re.M)
    assert m, f"no {name} section"
    return m.group(1)


def user_config(text: str) -> None:
    path = os.environ["PROMPT_FOO_CONFIG"]
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


# -- Must 2 and 3: a manifest in Pipulate's syntax is never run by mistake; the overlay -------

def test_a_pipulate_manifest_runs_nothing_by_mistake(repo):
    r = book(repo, "Explain the parser.")
    assert r.returncode == 0, r.stderr
    text = r.stdout
    codebase = section(text, "Codebase")
    # No lens was executed as a shell command or fetched.
    assert "! https://" not in text and "exit 127" not in text
    assert "--- START: https://example.com" not in codebase
    summary = section(text, "Summary")
    for sigil, url in (("!", "page"), ("@", "cached"), ("$", "dollar"), ("%", "percent"), ("?", "question")):
        line = next(ln for ln in summary.splitlines() if ln.startswith(f"- {sigil}https://example.com/{url}: "))
        assert "not implemented by prompt-foo, so neither fetched nor run; in Pipulate it would" in line
    assert "scrape the page in a real browser" in summary
    # Prose lines are notes for the reader, carried into the Manifest, never paths.
    manifest = section(text, "Manifest")
    assert "- > The parser is the part under review; the rest is context.  (foo_files.py:3)" in manifest
    assert "- > The reason is a file we must not create.  (foo_files.py:11)" in manifest
    assert "did you mean `! >" not in text and "The reason is a file" not in summary
    assert not (repo.root / "The").exists()
    # A `$NAME/…` path is not a command; a line that reads as a command still gets the hint.
    assert "did you mean `! $HOME" not in text
    assert "git log -n 3 | cat does not exist; it looks like a shell command: did you mean `! git log -n 3 | cat`?" \
        in summary
    assert "missing.py does not exist\n" in summary
    assert "sort data.csv > sorted.csv does not exist\n" in summary  # never a hint to redirect
    assert "lib/**/*.js: the glob matches no file\n" in summary
    # The glob found the Python files; the slot's own line stands without an overlay.
    for path in ("src/app/parser.py", "src/app/__init__.py", "src/cli.py", "docs/slot-default.md"):
        assert f"--- START: {path} (" in codebase
    assert "Overlay" not in manifest


def test_the_overlay_is_spliced_into_the_slot_and_noted(repo):
    (repo.root / "context.txt").write_text("docs/today.md\n> today: the tokenizer\n", encoding="utf-8")
    r = book(repo, "Go.")
    assert r.returncode == 0, r.stderr
    manifest, codebase = section(r.stdout, "Manifest"), section(r.stdout, "Codebase")
    assert ("- Overlay: context.txt spliced into the ADHOC slot of AI_PHOOEY_CHOP (2 active lines; "
            "1 line of the slot replaced for this compile)") in manifest
    assert "- > today: the tokenizer  (context.txt:2)" in manifest
    assert "--- START: docs/today.md (" in codebase
    assert "docs/slot-default.md" not in codebase  # the slot's own line was replaced

    # The environment names another overlay file; a missing one leaves the slot as it is.
    (repo.root / "mine.txt").write_text("README.md\nnope.md\n", encoding="utf-8")
    r = book(repo, "Go.", env={"PROMPT_FOO_ADHOC_FILE": "mine.txt"})
    assert "- Overlay: mine.txt spliced into the ADHOC slot" in section(r.stdout, "Manifest")
    assert "mine.txt:2: nope.md does not exist" in section(r.stdout, "Summary")
    r = book(repo, "Go.", env={"PROMPT_FOO_ADHOC_FILE": "gone.txt"})
    assert "--- START: docs/slot-default.md (" in section(r.stdout, "Codebase")
    assert "PROMPT_FOO_ADHOC_FILE names gone.txt, which does not exist" in r.stdout


# -- Must 1: Pipulate's words ---------------------------------------------------------------

def test_pipulate_words_no_tree_files_line_numbers_lean_frame_extra_prompt(repo, tmp_path):
    (repo.root / "foo_files.py").unlink()
    extra = tmp_path / "extra.md"
    extra.write_text("Answer in French.\n", encoding="utf-8")
    r = book(repo, "-n", "--line-numbers", "--extra-prompt", "Be brief.", "--extra-prompt-file", str(extra),
             "--files", "README.md", "src/cli.py", "--", "Review the parser.")
    assert r.returncode == 0, r.stderr
    text = r.stdout
    assert section(text, "File Tree") == "No file tree (it was turned off with --no-tree).\n"
    codebase = section(text, "Codebase")
    assert "--- START: src/cli.py (" in codebase and "--- START: README.md (" in codebase
    assert "```python\n1: from app.parser import parse\n```" in codebase
    assert "line numbers added for review; not the file's text" in codebase
    prompt = section(text, "Prompt")
    # --line-numbers chooses the lean frame: no patch instructions at all.
    assert "read-only" in prompt and "SEARCH" not in prompt and "WRITE_FILE" not in prompt
    assert prompt.endswith("Review the parser.\n\n### Additional instructions\n\nBe brief.\n\nAnswer in French.\n")
    assert "Frame: lean (read-only: answer in prose, no patch blocks)" in section(text, "Summary")


def test_frame_full_by_default_lean_on_request_or_from_the_user_config(repo):
    full = section(book(repo, "Go.").stdout, "Prompt")
    assert "[[[SEARCH]]]" in full
    lean = section(book(repo, "--frame", "lean", "Go.").stdout, "Prompt")
    assert "[[[SEARCH]]]" not in lean and "read-only" in lean
    assert "canary block verbatim, inside a ```text fence, before your answer" in lean
    user_config('[defaults]\nframe = "lean"\n')
    assert "read-only" in section(book(repo, "Go.").stdout, "Prompt")
    assert "[[[SEARCH]]]" in section(book(repo, "--frame", "full", "Go.").stdout, "Prompt")


def test_context_only_gives_manifest_tree_and_ledger_without_bodies(repo):
    r = book(repo, "--context-only", "What do you need?")
    assert r.returncode == 0, r.stderr
    text = r.stdout
    assert "return text.split()" not in text  # no file body anywhere
    assert section(text, "Codebase").startswith("File bodies left out (--context-only)")
    assert "- src/app/parser.py (" in section(text, "Manifest")
    assert "parser.py  (" in section(text, "File Tree")
    assert "read-only" in section(text, "Prompt")


# -- Must 4 and the blog words of Must 1: dense Story, -t, --slug PATH|URL, --context, --slugs ----

@pytest.fixture
def blog(tmp_path):
    posts = tmp_path / "blog" / "_posts"
    (posts / "_context").mkdir(parents=True)
    (posts / "2024-03-01-alpha.md").write_text(
        "---\ntitle: Alpha post\npermalink: /futureproof/alpha/\ndescription: The first one\n---\nA.\n",
        encoding="utf-8")
    (posts / "2024-03-02-beta.md").write_text("---\ntitle: Beta post\n---\nB.\n", encoding="utf-8")
    (posts / "_context" / "2024-03-01-alpha.json").write_text(
        json.dumps({"kw": ["nix", "htmx"], "sub": ["flakes"], "s": "summary"}), encoding="utf-8")
    user_config(f'[targets.work]\nposts = "{posts}"\nbase_url = "https://work.example"\n'
                f'[targets.home]\nposts = "{tmp_path}/elsewhere"\n')
    return posts


def test_dense_story_from_a_named_target_with_slug_paths_and_urls(repo, blog):
    r = book(repo, "-t", "work", "-l", "[:]", "--context", "--slug", str(blog / "2024-03-02-beta.md"),
             "--slug", "https://work.example/futureproof/alpha/", "Go.")
    assert r.returncode == 0, r.stderr
    story = section(r.stdout, "Story").splitlines()
    assert story[3:] == ["2024-03-01 /futureproof/alpha | Alpha post | nix, htmx, flakes",
                         "2024-03-02 beta | Beta post"]
    assert story[1].endswith("Permalinks are under https://work.example")
    articles = section(r.stdout, "Articles")
    assert "--- START: Article: 2024-03-02-beta.md ---" in articles
    assert "--- START: Article: 2024-03-01-alpha.md ---" in articles
    assert '2024-03-01-alpha.md: {"kw":["nix","htmx"],"sub":["flakes"],"s":"summary"}' in articles
    # --slugs names posts by slug; --story-long is the long form.
    slugs = section(book(repo, "-t", "work", "-l", "[0]", "--slugs", "Go.").stdout, "Story")
    assert "2024-03-01 alpha | Alpha post | nix, htmx, flakes" in slugs
    long = section(book(repo, "-t", "work", "-l", "[0]", "--story-long", "Go.").stdout, "Story")
    assert "[2024-03-01] https://work.example/futureproof/alpha/ | Alpha post | " in long
    assert "    The first one" in long


def test_out_of_range_slices_say_what_exists_and_bad_targets_are_usage_errors(repo, blog):
    r = book(repo, "-t", "work", "-a", "[99999]", "-l", "[50:60]", "Go.")
    assert r.returncode == 0, r.stderr
    articles = section(r.stdout, "Articles")
    assert articles.startswith("-a [99999] selects no post: ") and articles.endswith(
        "_posts has 2 posts, indices 0 to 1 (or -2 to -1), oldest first. Try -a '[-5:]' or -a '[:]'.\n")
    assert section(r.stdout, "Story").startswith("-l [50:60] selects no post: ")
    bad = book(repo, "-t", "nowhere", "-l", "[:]", "Go.")
    assert bad.returncode == 2 and "-t nowhere: no blog named 'nowhere'" in bad.stderr
    assert "(targets there: home, work)" in bad.stderr
    missing = book(repo, "-t", "home", "-l", "[:]", "Go.")
    assert missing.returncode == 2 and "its posts folder" in missing.stderr and "does not exist" in missing.stderr


# -- Must 5: client-safe profiles -------------------------------------------------------------

PROFILE = '''
[profiles.client]
substitutions = { "Acme Corp" = "the client", "jane@acme.example" = "person@example.com" }
denylist = ["acme", "Falcon"]
'''


def test_a_profile_scrubs_every_byte_and_records_the_reason(repo):
    repo.write("src/Acme Corp/billing.py", "OWNER = 'jane@acme.example'  # Acme Corp\n")
    user_config(PROFILE)
    r = book(repo, "-p", "client", "--reason", "review for ticket 42", "Why does ACME CORP bill twice?")
    assert r.returncode == 0, r.stderr
    text = r.stdout
    assert "acme" not in text.lower()
    assert "OWNER = 'person@example.com'  # the client" in text
    assert "--- START: src/the client/billing.py (" in section(text, "Codebase")  # paths too
    assert "the client bill twice?" in section(text, "Prompt")
    summary = section(text, "Summary")
    assert "Disclosure profile: client (2 PII substitutions applied to every byte; 2 denylist terms checked" \
           in summary
    assert "Reason for sharing: review for ticket 42" in summary
    total = open_counter("cl100k_base", None, persist=False).encode_full(text)
    assert f"- Verified total: {total:,} tokens" in summary  # counted after the scrub
    assert f"book xxh3: {book_digest(text)}\n" in summary  # and hashed after it


def test_a_denylisted_term_left_in_the_book_refuses_it(repo):
    repo.write("src/app/plan.py", "CODENAME = 'Project Falcon'\n")
    user_config(PROFILE)
    out = repo.root / "out.md"
    r = run_cli("prompt_foo.py", "--no-clipboard", "-o", str(out), "-p", "client", "Go.", cwd=repo.root)
    assert r.returncode == 1, r.stderr
    assert "profile client: 1 denylisted term remain in the book; nothing was emitted" in r.stderr
    assert "'Falcon' in section Codebase (in src/app/plan.py (" in r.stderr
    assert not out.exists() and "Traceback" not in r.stderr
    unknown = book(repo, "-p", "nobody", "Go.")
    assert unknown.returncode == 2 and "no profile named 'nobody'" in unknown.stderr


# -- Must 6: selection --------------------------------------------------------------------------

def test_globs_excludes_untracked_files_and_explicit_files_that_match_nothing(repo):
    (repo.root / "foo_files.py").unlink()
    repo.commit("no manifest")
    r = book(repo, "-f", "src/**/*.py", "--exclude", "**/__init__.py", "Go.")
    assert r.returncode == 0, r.stderr
    codebase = section(r.stdout, "Codebase")
    assert "--- START: src/app/parser.py (" in codebase and "--- START: src/cli.py (" in codebase
    assert "__init__.py" not in codebase
    # A misspelt -f, or a glob matching nothing, is refused: nothing is emitted.
    for wrong in ("src/clli.py", "lib/**/*.py"):
        bad = book(repo, "-f", wrong, "Go.")
        assert bad.returncode == 1 and bad.stdout == ""
        assert f"-f: {wrong}: no such file, and no file matches; nothing was emitted" in bad.stderr
    # The whole-repository pack includes a new, unignored file and says it is untracked.
    repo.write(".gitignore", "*.log\n")
    repo.write("scratch/new_idea.py", "IDEA = 1\n")
    repo.write("debug.log", "noise\n")
    whole = book(repo, "Go.")
    assert whole.returncode == 0, whole.stderr
    assert "- scratch/new_idea.py (6 | 9) [untracked: not yet added to git]" in section(whole.stdout, "Manifest")
    assert "debug.log" not in whole.stdout


def test_whole_repo_books_list_each_path_once_per_section(repo):
    (repo.root / "foo_files.py").unlink()
    repo.commit("no manifest")
    text = book(repo, "Go.").stdout
    counts = {name: section(text, name).count("src/app/parser.py")
              for name in ("Manifest", "Codebase", "Summary", "Context Recapture")}
    # Manifest: the ledger line; Codebase: its START and END lines; the Summary only counts sources
    # (and names the largest), the Recapture of a whole-repository pack is one sentence.
    assert counts["Manifest"] == 1 and counts["Codebase"] == 2 and counts["Context Recapture"] == 0
    assert "Included: 6 sources, each listed with its tokens and bytes in the Manifest" in section(text, "Summary")


def test_a_missing_manifest_entry_is_a_note_and_an_error_under_strict(repo):
    r = book(repo, "Go.")
    assert r.returncode == 0 and "missing: missing.py" in r.stderr
    strict = book(repo, "--strict", "Go.")
    assert strict.returncode == 1 and strict.stdout == ""
    assert "--strict: 5 manifest entries do not exist" in strict.stderr


# -- Must 7: --json ------------------------------------------------------------------------------

def test_json_result_describes_the_compile(repo):
    out = repo.root / "book.md"
    r = run_cli("prompt_foo.py", "--no-clipboard", "-o", str(out), "--json", "-q", "Go.", cwd=repo.root)
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout)
    text = out.read_text(encoding="utf-8")
    assert result["book"]["destinations"] == [str(out)]
    assert f"- Verified total: {result['book']['tokens']:,} tokens" in text
    assert result["book"]["bytes"] == len(text.encode()) and result["book"]["frame"] == "full"
    assert [s["name"] for s in result["sections"]][-1] == "Prompt"
    files = {f["label"]: f for f in result["files"]}
    assert f"--- START: src/app/parser.py ({files['src/app/parser.py']['tokens']:,} tokens) ---" in text
    assert {s["label"] for s in result["skipped"]} >= {"!https://example.com/page", "?https://example.com/question"}
    assert result["missing"] == ["$HOME/notes.txt", "git log -n 3 | cat", "missing.py", "sort data.csv > sorted.csv",
                                 "lib/**/*.js"]
    assert [s["name"] for s in result["seals"]] == ["white_rabbit", "player_piano"]
    assert any("missing.py does not exist" in w for w in result["findings"]["warnings"])
    refused = run_cli("prompt_foo.py", "--no-clipboard", "-o", str(out), "--json", "--strict", "Go.", cwd=repo.root)
    assert refused.returncode == 1
    error = json.loads(refused.stdout)
    assert error["ok"] is False and error["exit_code"] == 1 and error["error"].startswith("--strict: 5 manifest")
    clash = run_cli("prompt_foo.py", "--no-clipboard", "-o", "-", "--json", "Go.", cwd=repo.root)
    assert clash.returncode == 2 and "--json and -o - both want stdout" in clash.stderr


def test_dense_lines_say_a_shared_permalink_folder_once():
    from prompt_foo_loom.story.articles import Post
    from prompt_foo_loom.story.render import render_story

    posts = [Post("2024-01-01-a.md", "a", "2024-01-01", "A", permalink="/futureproof/nix-flakes/"),
             Post("2024-01-02-b.md", "b", "2024-01-02", "B", permalink="/futureproof/htmx/")]
    text = render_story(posts, 2, "_posts/", "-l [:]", "https://blog.example/", keywords={"2024-01-02-b": ("x",)})
    assert text.splitlines()[1].endswith("Permalinks are under https://blog.example/futureproof/")
    assert text.splitlines()[3:] == ["2024-01-01 nix-flakes | A", "2024-01-02 htmx | B | x"]
