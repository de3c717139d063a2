"""--fit: relevance ranking, filling a budget exactly, determinism, --model, and no silent monsters."""

from __future__ import annotations

import re

import pytest

from conftest import run_cli
from prompt_foo_loom.book.analysis import analyse
from prompt_foo_loom.book.rank import Evidence, rank_files
from prompt_foo_loom.book.settle import book_digest
from prompt_foo_loom.tokens import open_counter

INTENT = "How are widgets resolved before the cart is priced?"


def _body(name: str, n: int) -> str:
    """A function with a body of ``n`` lines (weight that signatures leave out)."""
    lines = "".join(f"    step_{i} = value * {i}  # arithmetic the signature view drops\n" for i in range(n))
    return f"def {name}(value):\n    \"\"\"Does {name}.\"\"\"\n{lines}    return value\n\n\n"


@pytest.fixture
def shop(git_repo):
    """A small project: one module squarely about the intent, one everything uses, and bystanders."""
    git_repo.write("shop/widgets/resolver.py", _body("resolve_widgets", 60) + _body("resolve_widget_tree", 40))
    git_repo.write("shop/core.py", "class Money:\n    pass\n\n\n" + _body("price_cart", 30))
    for i in range(6):
        git_repo.write(f"shop/feature_{i}.py", "from shop.core import Money, price_cart\n\n\n"
                       + _body(f"feature_{i}_run", 20) + "def use():\n    return Money(), price_cart(1)\n")
    git_repo.write("docs/guide.md", "# Guide\n\n" + "Words about the shop and nothing in particular.\n" * 80)
    git_repo.write("tests/test_resolver.py", "from shop.widgets.resolver import resolve_widgets\n\n\n"
                   + _body("test_resolve_widgets", 10))
    git_repo.commit("initial")
    return git_repo


def fit_book(repo, *args, **kw):
    return run_cli("prompt_foo.py", "--no-clipboard", "-o", "-", "--fit", *args, cwd=repo.root, **kw)


def total_of(book: str) -> int:
    return int(re.search(r"- Verified total: ([\d,]+) tokens", book).group(1).replace(",", ""))


def assert_sound(book: str, tmp_path) -> None:
    total = open_counter("cl100k_base", tmp_path / "verify").encode_full(book)
    assert f"- Verified total: {total:,} tokens (cl100k_base;" in book
    assert re.findall(r"^book xxh3: ([0-9a-f]+)$", book, re.M)[-1] == book_digest(book)


def _files(repo) -> list:
    paths = repo.git("ls-files").split()
    return [(p, analyse(p, (repo.root / p).read_text())) for p in paths]


# -- ranking ------------------------------------------------------------------------------------

def test_the_file_the_intent_is_about_ranks_first_with_its_reason(shop):
    ranked = rank_files(_files(shop), INTENT)
    assert ranked[0].path == "shop/widgets/resolver.py"
    assert "path matches 'widget'" in ranked[0].reason and "defines 2 names about 'widget'" in ranked[0].reason


def test_the_reference_graph_lifts_what_many_files_use(shop):
    ranked = {r.path: r for r in rank_files(_files(shop), "Tidy up.")}  # no evidence at all
    assert ranked["shop/core.py"].rank == 1
    assert "used by 6 files" in ranked["shop/core.py"].reason
    assert ranked["docs/guide.md"].reason == "no direct link to the intent; weighed less: tests, docs or examples"


def test_manifest_and_git_changes_are_evidence(shop):
    files = _files(shop)
    plain = {r.path: r.rank for r in rank_files(files, "Tidy up.")}
    ev = Evidence(manifest=frozenset({"docs/guide.md"}), changed_now=frozenset({"shop/feature_3.py"}))
    ranked = {r.path: r for r in rank_files(files, "Tidy up.", ev)}
    assert ranked["docs/guide.md"].rank < plain["docs/guide.md"]
    assert "listed in the manifest" in ranked["docs/guide.md"].reason
    assert ranked["shop/feature_3.py"].rank < plain["shop/feature_3.py"]
    assert "changed (uncommitted)" in ranked["shop/feature_3.py"].reason


def test_tests_weigh_less_than_the_code_they_test(shop):
    ranked = {r.path: r for r in rank_files(_files(shop), INTENT)}
    assert ranked["shop/widgets/resolver.py"].rank < ranked["tests/test_resolver.py"].rank
    assert "weighed less: tests" in ranked["tests/test_resolver.py"].reason


def test_ranking_does_not_depend_on_the_order_files_arrive_in(shop):
    files = _files(shop)
    assert rank_files(files, INTENT) == rank_files(list(reversed(files)), INTENT)


# -- filling the budget -------------------------------------------------------------------------

def test_fit_keeps_the_relevant_file_whole_and_the_rest_as_signatures(shop, tmp_path):
    r = fit_book(shop, "--budget", "5000", INTENT)
    assert r.returncode == 0, r.stderr
    book = r.stdout
    assert total_of(book) <= 5000
    assert_sound(book, tmp_path)
    assert re.search(r"^--- START: shop/widgets/resolver.py \([\d,]+ tokens; whole · rank 1\) ---$", book, re.M)
    assert "step_59 = value * 59" in book  # its body is there
    assert re.search(r"^--- START: shop/core.py \([\d,]+ tokens; signatures \(tree-sitter python\) · rank \d+\)",
                     book, re.M)
    assert "def price_cart(value):\n    \"\"\"Does price_cart.\"\"\"\n" in book
    assert "step_29 = value * 29" not in book.split("--- START: shop/core.py")[1].split("--- END")[0]
    assert "- #1 whole shop/widgets/resolver.py: path matches 'widget'" in book
    assert re.search(r"^- shop/widgets/resolver.py \([\d,]+ \| [\d,]+\) \[whole · rank 1\]$", book, re.M)


@pytest.mark.parametrize("budget", [3500, 4200, 5000, 6000, 9000, 14000])
def test_the_book_never_exceeds_the_budget(shop, tmp_path, budget):
    r = fit_book(shop, "--budget", str(budget), INTENT)
    assert r.returncode == 0, r.stderr
    assert total_of(r.stdout) <= budget
    assert_sound(r.stdout, tmp_path)


def test_a_tight_budget_omits_files_and_says_which(shop):
    r = fit_book(shop, "--budget", "2900", INTENT)  # two files left out at this budget
    assert r.returncode == 0, r.stderr
    assert re.search(r"^Omitted by --fit \([\d,]+ files?; the File Tree shows them\), by folder:$", r.stdout, re.M)
    assert "Next below the cut:" in r.stdout


def test_a_budget_smaller_than_the_fixed_part_is_exit_3(shop):
    r = fit_book(shop, "--budget", "500", INTENT)
    assert r.returncode == 3
    assert "the budget is 500" in r.stderr and r.stdout == ""


def test_fit_needs_a_budget(shop):
    r = fit_book(shop, INTENT)
    assert r.returncode == 2
    assert "--fit needs a budget" in r.stderr


def test_the_budget_can_come_from_settings_or_a_model(shop):
    shop.write("pyproject.toml", "[tool.prompt-foo]\nbudget = 7000\n")
    r = fit_book(shop, INTENT)
    assert r.returncode == 0, r.stderr
    assert "Fit (--fit, budget 7,000 tokens" in r.stdout
    r = fit_book(shop, "--model", "gpt-4o", INTENT)
    assert "Fit (--fit, budget 128,000 tokens" in r.stdout
    r = fit_book(shop, "--model", "no-such-model", INTENT)
    assert r.returncode == 2 and "no known context window" in r.stderr


def test_the_same_tree_and_intent_give_the_same_book_cold_and_warm(shop, tmp_path):
    cold = fit_book(shop, "--budget", "6000", INTENT, env={"PROMPT_FOO_CACHE": str(tmp_path / "a")})
    warm = fit_book(shop, "--budget", "6000", INTENT, env={"PROMPT_FOO_CACHE": str(tmp_path / "a")})
    other = fit_book(shop, "--budget", "6000", INTENT, env={"PROMPT_FOO_CACHE": str(tmp_path / "b")})
    assert cold.returncode == 0, cold.stderr
    assert cold.stdout == warm.stdout == other.stdout
    assert (tmp_path / "a" / "analysis-fit-2.json").exists()  # signatures and names cached by content


# -- no silent monsters -------------------------------------------------------------------------

@pytest.fixture
def monster(git_repo):
    # about 1.1 million tokens of distinct lines: more than any known window takes
    for part in range(4):
        git_repo.write(f"data/part{part}.py", "".join(f"v{part}_{i} = {i} * {i}\n" for i in range(45_000)))
    git_repo.commit("big")
    return git_repo


def test_a_book_no_window_can_take_exits_0_but_says_so(monster):
    r = run_cli("prompt_foo.py", "--no-clipboard", "-o", str(monster.root / "book.md"), "Go.", cwd=monster.root)
    assert r.returncode == 0, r.stderr
    warning = re.search(r"warning: this book is ([\d,]+) tokens, larger than the largest context window known "
                        r"\(1,000,000\); no model can read it whole\. Use --fit", " ".join(r.stderr.split()))
    assert warning and int(warning.group(1).replace(",", "")) > 1_000_000


def test_with_a_budget_the_monster_is_still_exit_3_and_points_at_fit(monster):
    r = run_cli("prompt_foo.py", "--no-clipboard", "-o", "-", "--budget", "1000000", "Go.", cwd=monster.root)
    assert r.returncode == 3
    assert "--fit" in r.stderr and r.stdout == ""


def test_json_reports_each_files_fit_status_and_reason(shop):
    """--json (issue 15) carries --fit's account (issue 16): an editor can show why each file is there."""
    import json

    r = run_cli("prompt_foo.py", "--no-clipboard", "-o", str(shop.root / "book.md"), "--fit",
                "--budget", "5000", "--json", INTENT, cwd=shop.root)
    assert r.returncode == 0, r.stderr
    fit = json.loads(r.stdout)["fit"]
    assert fit["budget"] == 5000 and fit["mode"] == "fit"
    by_path = {f["path"]: f for f in fit["files"]}
    assert by_path["shop/widgets/resolver.py"]["status"] == "whole"
    assert "path matches 'widget'" in by_path["shop/widgets/resolver.py"]["reason"]
    assert {f["status"] for f in fit["files"]} <= {"whole", "signatures", "omitted"}
    assert json.loads(r.stdout)["oversize"] is None
