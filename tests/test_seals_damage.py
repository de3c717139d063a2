"""Damage helpers (also for the compiler's emission-refused test) and the drift each one causes.

``DAMAGE`` bends one line the way transports and editors do; ``damaged_copy`` makes a copy of
the package whose seal art or ledger is bent, to run the real launchers against.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_cli  # noqa: F401  (run_cli re-exported for other seal tests)
from prompt_foo_loom.ascii_displays import FIGURATE_REGISTRY, check_text, load_ledger, render

# One line bent the way editors and chat transports bend it.
DAMAGE = {
    "one_space": lambda line: line.replace(" ", "  ", 1),
    "tab_for_spaces": lambda line: line.replace("    ", "\t", 1),
    "nbsp": lambda line: line.replace(" ", "\u00a0", 1),
    "trailing_space": lambda line: line + " ",
    "zero_width": lambda line: line.replace("  ", " \u200b ", 1),
}
RABBIT_LINE = "is counted; bend one and"  # unique to one rabbit line, in source and rendering


def rabbit_ai() -> str:
    return render(FIGURATE_REGISTRY["white_rabbit"].source)[1]


def bend_line(text: str, needle: str, kind: str) -> str:
    """``text`` with the one line containing ``needle`` damaged by DAMAGE[kind]."""
    lines = text.split("\n")
    hits = [i for i, line in enumerate(lines) if needle in line]
    assert len(hits) == 1, f"{needle!r} must be on exactly one line"
    lines[hits[0]] = DAMAGE[kind](lines[hits[0]])
    return "\n".join(lines)


def drop_blank_line(text: str) -> str:
    """``text`` with its first empty line removed (what some chat UIs do to every one)."""
    lines = text.split("\n")
    return "\n".join(lines[:lines.index("")] + lines[lines.index("") + 1:])


def package_copy(tmp_path: Path) -> Path:
    """A copy of the launchers and the package, to bend without touching the checkout."""
    root = tmp_path / "pkg"
    shutil.copytree(ROOT / "imports", root / "imports",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for launcher in ("prompt_foo.py", "apply.py", "release.py"):
        shutil.copy2(ROOT / launcher, root / launcher)
    return root


def bend(root: Path, kind: str) -> None:
    """Bend the white rabbit in the package copy at ``root``.

    ``kind`` is a DAMAGE key (applied to the rabbit's art source), ``deleted_blank_line``,
    ``ledger_line`` (one per-line CRC in seals.json altered) or ``ledger_missing``.
    """
    art, ledger = root / "imports" / "seal_art.py", root / "imports" / "seals.json"
    if kind in DAMAGE:
        art.write_text(bend_line(art.read_text(encoding="utf-8"), RABBIT_LINE, kind), encoding="utf-8")
    elif kind == "deleted_blank_line":
        src = art.read_text(encoding="utf-8")
        assert src.count("</dim>\n\n<ink>") == 1
        art.write_text(src.replace("</dim>\n\n<ink>", "</dim>\n<ink>"), encoding="utf-8")
    elif kind in ("ledger_line", "ledger_missing"):
        data = json.loads(ledger.read_text(encoding="utf-8"))
        if kind == "ledger_line":
            data["seals"]["white_rabbit"]["line_crc32"][2] = "0x00000001"
        else:
            del data["seals"]["white_rabbit"]
        ledger.write_text(json.dumps(data), encoding="utf-8")
    else:
        raise ValueError(kind)


def damaged_copy(tmp_path: Path, kind: str) -> Path:
    """A package copy with the white rabbit bent by ``kind`` (see ``bend``)."""
    root = package_copy(tmp_path)
    bend(root, kind)
    return root


def run_copy(root: Path, script: str, *args: str, cwd: Path):
    """Run a launcher of a damaged copy (not the checkout's)."""
    import subprocess

    return subprocess.run([sys.executable, str(root / script), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_each_damage_really_bends_the_rabbit(kind):
    bent = bend_line(rabbit_ai(), RABBIT_LINE, kind)
    assert bent != rabbit_ai()
    assert len(bent.split("\n")) == len(rabbit_ai().split("\n"))


def test_drop_blank_line_removes_exactly_one_line():
    assert drop_blank_line(rabbit_ai()).count("\n") == rabbit_ai().count("\n") - 1


@pytest.mark.parametrize("kind", sorted(DAMAGE) + ["deleted_blank_line", "ledger_line"])
def test_damaged_copy_check_seals_exits_4_naming_line(tmp_path, kind):
    root = damaged_copy(tmp_path, kind)
    r = run_copy(root, "prompt_foo.py", "--check-seals", cwd=tmp_path)
    assert r.returncode == 4, r.stderr
    assert "seal 'white_rabbit' has drifted from the ledger" in r.stderr
    expected_line = {"deleted_blank_line": "line 10: missing (it was blank)",
                     "ledger_line": "line 3: changed: |            ||_____|||"}.get(kind, "line 8: changed:")
    assert expected_line in r.stderr
    assert "player_piano │ 0xb6d3b4bd   │ 0xb6d3b4bd   │ drift=0" in r.stderr
    assert "seal drift: white_rabbit;" in r.stderr


def test_damaged_copy_missing_ledger_entry_is_drift(tmp_path):
    root = damaged_copy(tmp_path, "ledger_missing")
    r = run_copy(root, "prompt_foo.py", "--check-seals", cwd=tmp_path)
    assert r.returncode == 4
    assert "no ledger entry" in r.stderr


def test_pure_check_matches_undamaged():
    assert check_text("white_rabbit", rabbit_ai(), load_ledger()["white_rabbit"]).ok


def test_reledger_shows_before_and_after_and_needs_confirmation(tmp_path):
    import subprocess

    root = package_copy(tmp_path)
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "copy"]):
        subprocess.run(["git", *args], cwd=root, check=True)
    bend(root, "one_space")
    ledger = (root / "imports" / "seals.json").read_text(encoding="utf-8")
    refused = run_copy(root, "prompt_foo.py", "--reledger", "white_rabbit", cwd=tmp_path)
    assert refused.returncode == 2
    assert "confirm with --yes when not interactive" in refused.stderr
    assert (root / "imports" / "seals.json").read_text(encoding="utf-8") == ledger

    r = run_copy(root, "prompt_foo.py", "--reledger", "white_rabbit", "--yes", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    before, after = r.stderr.split("after: crc32=")
    assert "before: crc32=0x2e207a81, 11 lines x 58 columns" in before
    assert "\n      /    |         |    \\     is counted" in before
    assert "\n       /    |         |    \\     is counted" in after
    assert "seals.json: white_rabbit is now crc32=" in after
    assert run_copy(root, "prompt_foo.py", "--check-seals", cwd=tmp_path).returncode == 0


def test_check_seals_on_the_checkout_prints_the_table_and_exits_0(tmp_path):
    r = run_cli("prompt_foo.py", "--check-seals", cwd=tmp_path)
    assert (r.returncode, r.stdout) == (0, "")
    assert r.stderr == (
        "seals (seals.json)\n"
        "seal         ┃ ledger crc32 ┃ actual crc32 ┃ status \n"
        "━━━━━━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━━\n"
        "player_piano │ 0xb6d3b4bd   │ 0xb6d3b4bd   │ drift=0\n"
        "white_rabbit │ 0x2e207a81   │ 0x2e207a81   │ drift=0\n"
        "all 2 seals match the ledger\n")
    help_text = run_cli("prompt_foo.py", "--help", cwd=tmp_path).stdout
    for option in ("--check-seals", "--reledger NAME", "--yes"):
        assert option in help_text


def test_reledger_of_an_unknown_name_is_a_usage_error(tmp_path):
    r = run_cli("prompt_foo.py", "--reledger", "black_rabbit", "--yes", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr == ("prompt-foo: usage error: --reledger: no seal named 'black_rabbit' "
                        "(known: player_piano, white_rabbit)\n")
