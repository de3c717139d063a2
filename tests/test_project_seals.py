"""A repository's own seals ([tool.prompt-foo.seals]) through the real prompt-foo command."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT, run_cli
from prompt_foo_loom.ascii_displays import crc32, render

PYPROJECT = """\
[project]
name = "lamp"
version = "1.0.0"

[tool.prompt-foo.seals]
art = "seals/art.py"
ledger = "seals/seals.json"
signature = "lighthouse"
"""
# Colour markup and a late-bound placeholder, as in the built-in art.
ART = '''\
"""The lamp project's seals."""

ART = {
    "lighthouse": {
        "meaning": "the lamp project's signature",
        "art": """\\
<ink>    /\\\\</ink>
<fur>   |__|</fur>   <dim>lamp</dim>
<fur>   |  |</fur>   <key>___SEARCH___</key>
<fur>  _|__|_</fur>""",
    },
}
'''
LIGHTHOUSE_AI = ("    /\\\n   |__|   lamp\n   |  |   [[[SEARCH]]]\n  _|__|_")


@pytest.fixture
def lamp(git_repo):
    git_repo.write("pyproject.toml", PYPROJECT)
    git_repo.write("seals/art.py", ART)
    git_repo.write("app.py", "print('lamp')\n")
    return git_repo


def compile_book(repo, *extra):
    return run_cli("prompt_foo.py", "--no-clipboard", "-o", "-", "-f", "app.py", *extra, "Go.",
                   cwd=repo.root)


def test_art_renders_with_markup_stripped_and_placeholders_bound():
    from prompt_foo_loom.project_seals import read_art

    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "art.py"
        path.write_text(ART, encoding="utf-8")
        seal = read_art(path, "seals/art.py")["lighthouse"]
    assert render(seal.source)[1] == LIGHTHOUSE_AI
    assert seal.line == 7  # the line after `"art": """\`


def test_an_unledgered_seal_is_drift_until_reledgered_then_shown_in_every_book(lamp):
    lamp.commit("lamp")
    refused = compile_book(lamp)
    assert (refused.returncode, refused.stdout) == (4, "")
    assert "seal 'lighthouse' has no ledger entry in seals/seals.json" in refused.stderr

    r = run_cli("prompt_foo.py", "--reledger", "lighthouse", "--yes", cwd=lamp.root)
    assert r.returncode == 0, r.stderr
    assert r.stderr.startswith("before: no ledger entry\nafter: crc32=")
    assert LIGHTHOUSE_AI in r.stderr
    ledger = json.loads((lamp.root / "seals/seals.json").read_text(encoding="utf-8"))
    assert ledger["seals"]["lighthouse"]["crc32"] == f"0x{crc32(LIGHTHOUSE_AI):08x}"
    # The built-in ledger (in the package) is never touched by a project's re-ledger.
    assert set(json.loads((ROOT / "imports/seals.json").read_text())["seals"]) == {
        "player_piano", "white_rabbit"}

    book = compile_book(lamp)
    assert book.returncode == 0, book.stderr
    seal_section = book.stdout.split("--- START: Seal ---\n")[1].split("--- END: Seal ---")[0]
    assert seal_section == ("lighthouse: the lamp project's signature\n"
                            f"crc32=0x{crc32(LIGHTHOUSE_AI):08x} drift=0 (asserted against the ledger "
                            "before this book was emitted)\n\n```text\n" + LIGHTHOUSE_AI + "\n```\n")
    assert f"Seals: lighthouse crc32=0x{crc32(LIGHTHOUSE_AI):08x} drift=0; player_piano" in book.stdout
    assert "white_rabbit" not in book.stdout.split("--- START: Prompt ---")[0]
    assert book.stderr.startswith(LIGHTHOUSE_AI.split("\n")[0])  # people see the signature too


def test_a_bent_project_seal_stops_the_compile_naming_file_and_line(lamp, tmp_path):
    assert run_cli("prompt_foo.py", "--reledger", "lighthouse", "--yes", cwd=lamp.root).returncode == 0
    lamp.write("seals/art.py", ART.replace("<dim>lamp</dim>", "<dim>lamp</dim> "))
    out = tmp_path / "book.md"
    r = run_cli("prompt_foo.py", "--no-clipboard", "-o", str(out), "-f", "app.py", "Go.", cwd=lamp.root)
    assert (r.returncode, r.stdout, out.exists()) == (4, "", False)
    assert "seal 'lighthouse' has drifted from the ledger" in r.stderr
    assert "  line 2 (seals/art.py:8): changed: |   |__|   lamp<SP>|" in r.stderr
    assert "  art: seals/art.py; ledger: seals/seals.json" in r.stderr
    check = run_cli("prompt_foo.py", "--check-seals", cwd=lamp.root)
    assert check.returncode == 4
    assert "line 2 (seals/art.py:8): changed:" in check.stderr


def test_check_seals_lists_the_project_seals_and_the_built_in_ones_the_book_uses(lamp):
    assert run_cli("prompt_foo.py", "--reledger", "lighthouse", "--yes", cwd=lamp.root).returncode == 0
    r = run_cli("prompt_foo.py", "--check-seals", cwd=lamp.root)
    assert r.returncode == 0, r.stderr
    crc = f"0x{crc32(LIGHTHOUSE_AI):08x}"
    assert r.stderr == (
        "project seals (seals/seals.json)\n"
        "seal       ┃ ledger crc32 ┃ actual crc32 ┃ status \n"
        "━━━━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━━\n"
        f"lighthouse │ {crc}   │ {crc}   │ drift=0\n"
        "seals (seals.json)\n"
        "seal         ┃ ledger crc32 ┃ actual crc32 ┃ status \n"
        "━━━━━━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━━\n"
        "player_piano │ 0xb6d3b4bd   │ 0xb6d3b4bd   │ drift=0\n"
        "all 2 seals match the ledger\n")


def test_reledger_of_a_changed_seal_shows_before_and_after_and_asks(lamp):
    assert run_cli("prompt_foo.py", "--reledger", "lighthouse", "--yes", cwd=lamp.root).returncode == 0
    lamp.commit("lamp")
    ledger = (lamp.root / "seals/seals.json").read_text(encoding="utf-8")
    lamp.write("seals/art.py", ART.replace("<dim>lamp</dim>", "<dim>LAMP</dim>"))
    asked = run_cli("prompt_foo.py", "--reledger", "lighthouse", cwd=lamp.root)
    assert asked.returncode == 2 and "confirm with --yes" in asked.stderr
    assert (lamp.root / "seals/seals.json").read_text(encoding="utf-8") == ledger
    r = run_cli("prompt_foo.py", "--reledger", "lighthouse", "--yes", cwd=lamp.root)
    assert r.returncode == 0, r.stderr
    before, after = r.stderr.split("after: crc32=")
    assert f"before: crc32=0x{crc32(LIGHTHOUSE_AI):08x}" in before and "   |__|   lamp" in before
    assert "   |__|   LAMP" in after and "seals/seals.json: lighthouse is now crc32=" in after


def test_without_a_seals_table_the_rabbit_stays_the_signature(git_repo):
    git_repo.write("app.py", "x = 1\n")
    r = compile_book(git_repo)
    assert r.returncode == 0, r.stderr
    assert "white_rabbit: the project's signature" in r.stdout.split("--- START: Seal ---")[1]


def test_crlf_art_file_ledgers_the_same_crc_as_lf(lamp, git_repo):
    # The one normalisation rule: the art is a Python string literal, read by Python's tokenizer.
    assert run_cli("prompt_foo.py", "--reledger", "lighthouse", "--yes", cwd=lamp.root).returncode == 0
    lamp.write("seals/art.py", ART.replace("\n", "\r\n").encode("utf-8"))
    assert run_cli("prompt_foo.py", "--check-seals", cwd=lamp.root).returncode == 0


@pytest.mark.parametrize("art,message", [
    ('import os\nART = {"x": {"meaning": "m", "art": os.getcwd()}}\n',
     "seals/art.py, line 2: only literal strings and dicts are read (nothing is run)"),
    ('ART = {"white_rabbit": {"meaning": "m", "art": "x"}}\n',
     "'white_rabbit' is a built-in seal's name; give yours another"),
    ('ART = {"x": {"meaning": "m"}}\n', "seal 'x' must be {\"meaning\": str, \"art\": str}"),
    ("ART = {\n", "seals/art.py, line 1: not valid Python"),
    ("SEALS = {}\n", "expected one top-level `ART = {...}` dict literal"),
])
def test_an_art_file_that_is_not_literal_art_is_a_usage_error_and_never_runs(lamp, art, message):
    lamp.write("seals/art.py", art + "open('ran', 'w')\n" if "import" in art else art)
    r = run_cli("prompt_foo.py", "--check-seals", cwd=lamp.root)
    assert r.returncode == 2, r.stderr
    assert message in r.stderr and "Traceback" not in r.stderr
    assert not (lamp.root / "ran").exists()


@pytest.mark.parametrize("table,message", [
    ('art = "../art.py"\nledger = "s.json"', "art: '../art.py' must be inside the repository"),
    ('art = "seals/art.py"', "ledger: missing"),
    ('art = "seals/art.py"\nledger = "s.json"\nsignature = "lamp"', "signature: no seal named 'lamp'"),
    ('art = "seals/art.py"\nledger = "s.json"\ncolour = 1', "colour: unknown key"),
])
def test_a_bad_seals_table_names_its_key(lamp, table, message):
    lamp.write("pyproject.toml", "[tool.prompt-foo.seals]\n" + table + "\n")
    for args in (["--check-seals"], ["--no-clipboard", "-o", "-", "-f", "app.py", "Go."]):
        r = run_cli("prompt_foo.py", *args, cwd=lamp.root)
        assert r.returncode == 2 and message in r.stderr, r.stderr


def test_a_symlinked_art_file_leading_outside_is_refused(lamp, tmp_path):
    outside = tmp_path / "elsewhere.py"
    outside.write_text(ART, encoding="utf-8")
    (lamp.root / "seals/art.py").unlink()
    (lamp.root / "seals/art.py").symlink_to(outside)
    r = run_cli("prompt_foo.py", "--check-seals", cwd=lamp.root)
    assert r.returncode == 2 and "art: 'seals/art.py' leads outside the repository" in r.stderr


def test_new_seal_writes_a_starter_entry_that_reledgers(git_repo):
    git_repo.write("pyproject.toml", PYPROJECT.replace('signature = "lighthouse"\n', ""))
    r = run_cli("prompt_foo.py", "--new-seal", "lighthouse", cwd=git_repo.root)
    assert r.returncode == 0, r.stderr
    assert "seals/art.py: added a starter lighthouse seal" in r.stderr
    again = run_cli("prompt_foo.py", "--new-seal", "beacon", cwd=git_repo.root)
    assert again.returncode == 0, again.stderr
    for name in ("lighthouse", "beacon"):
        assert run_cli("prompt_foo.py", "--reledger", name, "--yes", cwd=git_repo.root).returncode == 0
    assert run_cli("prompt_foo.py", "--check-seals", cwd=git_repo.root).returncode == 0
    dup = run_cli("prompt_foo.py", "--new-seal", "beacon", cwd=git_repo.root)
    assert dup.returncode == 2 and "already have it" in dup.stderr


def test_new_seal_without_a_seals_table_says_what_to_add(git_repo):
    r = run_cli("prompt_foo.py", "--new-seal", "lighthouse", cwd=git_repo.root)
    assert r.returncode == 2
    assert r.stderr == ('prompt-foo: usage error: --new-seal: pyproject.toml has no '
                        '[tool.prompt-foo.seals] art = "..."\n'
                        'Add [tool.prompt-foo.seals] with art = "seals/art.py", '
                        'ledger = "seals/seals.json".\n')
    assert not (git_repo.root / "seals").exists()


def test_project_art_renders_in_colour_for_people_with_the_same_characters(lamp):
    import tomllib

    from prompt_foo_loom.project_seals import load_catalogue

    assert run_cli("prompt_foo.py", "--reledger", "lighthouse", "--yes", cwd=lamp.root).returncode == 0
    settings = tomllib.loads(PYPROJECT)["tool"]["prompt-foo"]
    seal = load_catalogue(lamp.root, settings).figurate("lighthouse")
    assert (seal.ai, seal.human.plain, seal.drift) == (LIGHTHOUSE_AI, LIGHTHOUSE_AI, False)
    styles = {str(span.style) for span in seal.human.spans}
    assert {"bold cyan", "bold white", "dim", "bold yellow"} <= styles
