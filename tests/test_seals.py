"""The figurate registry, its two renderings, the ledger and the drift reports (pure parts)."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from prompt_foo_loom.ascii_displays import (
    FIGURATE_REGISTRY, PLACEHOLDERS, BrokenArt, UnknownSeal, assert_figurate_seal, check_all_seals,
    check_text, colour_pass, crc32, figurate, ledger_text, load_ledger, make_visible,
    plan_reledger, render, shape,
)
from prompt_foo_loom.errors import SealDrift
from test_seals_damage import DAMAGE, RABBIT_LINE, bend_line, drop_blank_line, rabbit_ai

LEDGER = load_ledger()


def test_registry_has_the_required_seals_and_each_is_ledgered():
    assert {"white_rabbit", "player_piano"} <= set(FIGURATE_REGISTRY)
    assert set(LEDGER) == set(FIGURATE_REGISTRY)
    for name in FIGURATE_REGISTRY:
        result = assert_figurate_seal(name)
        assert (result.name, result.drift, result.crc) == (name, False, LEDGER[name].crc)
        assert result.meaning and "\n" not in result.meaning


def test_the_ledger_file_is_what_ledger_text_writes():
    from prompt_foo_loom.ascii_displays import LEDGER_PATH

    assert LEDGER_PATH.read_text(encoding="utf-8") == ledger_text(LEDGER)


def test_human_rendering_has_colour_and_exactly_the_ai_characters():
    for name, seal in FIGURATE_REGISTRY.items():
        human, ai = render(seal.source)
        assert human.plain == ai
        assert any(span.style for span in human.spans), name
        assert "<" not in ai or name not in ("white_rabbit", "player_piano")
        console = Console(width=200, color_system=None, record=True, file=io.StringIO())
        console.print(human)
        assert console.export_text() == ai + "\n"


def test_player_piano_binds_markers_after_the_colour_pass():
    source = FIGURATE_REGISTRY["player_piano"].source
    runs = colour_pass(source)
    coloured = "".join(text for text, _ in runs)
    for token, marker in PLACEHOLDERS.items():
        if token in source:
            assert token in coloured  # the colour pass leaves placeholders alone
    ai = figurate("player_piano").ai
    for marker in ("[[[SEARCH]]]", "[[[DIVIDER]]]", "[[[REPLACE]]]"):
        assert ai.count(marker) == 1
    assert "___" not in ai
    assert {len(line) for line in ai.split("\n")} == {64}  # plumb after binding


def test_markup_never_touches_brackets_and_unknown_tags_are_art():
    human, ai = render("<key>___SEARCH___</key> <b>[bold]x[/bold]</b>")
    assert ai == "[[[SEARCH]]] <b>[bold]x[/bold]</b>"
    assert human.plain == ai


@pytest.mark.parametrize("source,message", [
    ("<key>___SEA</key>RCH___", "placeholder"),
    ("___SERACH___", "placeholder '___SERACH___' survived binding"),
    ("<key>x", "never closed"),
    ("<key>x</dim>", "unbalanced colour tag '</dim>'"),
    ("<key><dim>x</dim></key>", "unbalanced"),
])
def test_broken_art_source_is_refused(source, message):
    with pytest.raises(BrokenArt, match=message.replace("(", r"\(").replace("[", r"\[")):
        render(source)


def test_unknown_seal_names_are_errors_never_passes():
    for fn in (assert_figurate_seal, figurate, plan_reledger):
        with pytest.raises(UnknownSeal) as info:
            fn("black_rabbit")
        assert isinstance(info.value, SealDrift) and info.value.exit_code == 4
        assert "no seal named 'black_rabbit' (known: player_piano, white_rabbit)" in str(info.value)


@pytest.mark.parametrize("kind,visible", [
    ("one_space", "|       /    |         |    \\     is counted; bend one and|"),
    ("tab_for_spaces", "|<TAB>  /    |         |    \\     is counted; bend one and|"),
    ("nbsp", "|<NBSP>     /    |         |    \\     is counted; bend one and|"),
    ("trailing_space", "|      /    |         |    \\     is counted; bend one and<SP>|"),
    ("zero_width", "| <U+200B ZERO WIDTH SPACE>     /    |         |    \\     is counted; bend one and|"),
])
def test_each_single_line_damage_is_reported_with_its_line_made_visible(kind, visible):
    bent = bend_line(rabbit_ai(), RABBIT_LINE, kind)
    check = check_text("white_rabbit", bent, LEDGER["white_rabbit"])
    actual = shape(bent)
    assert not check.ok and check.actual == crc32(bent) != check.expected
    assert check.report == "\n".join([
        "seal 'white_rabbit' has drifted from the ledger",
        f"  crc32: expected 0x{LEDGER['white_rabbit'].crc:08x}, actual 0x{actual.crc:08x}",
        f"  shape: expected 11 lines x 58 columns, actual 11 lines x {actual.width} columns",
        f"  line 8: changed: {visible}",
    ])


def test_a_deleted_blank_line_is_named_without_blaming_the_lines_after_it():
    bent = drop_blank_line(rabbit_ai())
    report = check_text("white_rabbit", bent, LEDGER["white_rabbit"]).report
    assert report.splitlines()[2:] == [
        "  shape: expected 11 lines x 58 columns, actual 10 lines x 58 columns",
        "  line 10: missing (it was blank)",
    ]


def test_crlf_marks_every_line_but_the_last():
    bent = rabbit_ai().replace("\n", "\r\n")
    lines = check_text("white_rabbit", bent, LEDGER["white_rabbit"]).report.splitlines()[3:]
    assert len(lines) == 10 and all(line.endswith("<CR>|") for line in lines)
    assert lines[9] == "  line 10: changed: |<CR>|"


def test_an_inserted_line_is_named_as_added():
    bent = rabbit_ai().replace("\n\n", "\n\n\n")
    assert check_text("white_rabbit", bent, LEDGER["white_rabbit"]).report.endswith(
        "  line 11: added: ||")


def test_make_visible_names_every_invisible():
    assert make_visible("a\tb\u00a0c\u200d\r  ") == "|a<TAB>b<NBSP>c<U+200D ZERO WIDTH JOINER><CR><SP><SP>|"
    assert make_visible("plain  text") == "|plain  text|"


def test_check_all_seals_passes_on_the_checkout():
    checks = check_all_seals()
    assert [(c.name, c.ok) for c in checks] == [("player_piano", True), ("white_rabbit", True)]


def test_reledger_plan_for_unchanged_art_changes_nothing():
    plan = plan_reledger("white_rabbit")
    assert not plan.changed and plan.after == LEDGER["white_rabbit"]
    assert plan.after_art == rabbit_ai()
    assert plan.text == ledger_text(LEDGER)


def test_damage_kinds_cover_the_brief():
    assert set(DAMAGE) >= {"one_space", "tab_for_spaces", "nbsp", "trailing_space"}


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_any_single_character_change_names_exactly_its_line(data):
    lines = rabbit_ai().split("\n")
    n = data.draw(st.integers(0, len(lines) - 1), label="line")
    pos = data.draw(st.integers(0, len(lines[n])), label="position")
    ch = data.draw(st.sampled_from([" ", "\t", "\u00a0", "\u200b", "\r", "x", "|"]), label="char")
    replace = data.draw(st.booleans(), label="replace") and pos < len(lines[n])
    lines[n] = lines[n][:pos] + ch + lines[n][pos + (1 if replace else 0):]
    bent = "\n".join(lines)
    check = check_text("white_rabbit", bent, LEDGER["white_rabbit"])
    if bent == rabbit_ai():  # replacing a space by a space changes nothing, and passes
        assert check.ok
        return
    named = [line for line in check.report.splitlines() if line.startswith("  line ")]
    assert named == [f"  line {n + 1}: changed: {make_visible(lines[n])}"]
