"""Slices typed on the command line."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prompt_foo_loom.errors import UsageProblem
from prompt_foo_loom.story.slices import parse_slice

ITEMS = list(range(30))


@pytest.mark.parametrize("text, expected", [
    ("[-5:]", ITEMS[-5:]),
    ("[:]", ITEMS[:]),
    ("[-1]", [29]),
    ("[0]", [0]),
    ("[3]", [3]),
    ("[-3]", [27]),
    ("[10:20]", ITEMS[10:20]),
    ("[:3]", ITEMS[:3]),
    ("[::10]", ITEMS[::10]),
    ("[::-1]", ITEMS[::-1]),
    ("[-1:]", [29]),
    ("-5:", ITEMS[-5:]),  # brackets are optional: shells eat them unquoted
    (" [ -2 : ] ", ITEMS[-2:]),
    ("[100:]", []),
])
def test_parses_python_slices(text, expected):
    assert ITEMS[parse_slice(text)] == expected


@pytest.mark.parametrize("text", ["", "[]", "[a:b]", "[1:2", "1:2]", "[1.5]", "[1:2:3:4]", "five", "[--1]"])
def test_rejects_what_is_not_a_slice(text):
    with pytest.raises(UsageProblem) as err:
        parse_slice(text, option="-l")
    assert err.value.exit_code == 2
    assert err.value.message == f"-l {text!r} is not a slice."
    assert "[-5:] (last five), [:] (all), [-1] (the newest), [10:20]" in err.value.hint


def test_zero_step_is_refused():
    with pytest.raises(UsageProblem, match="step cannot be zero"):
        parse_slice("[::0]")


def test_a_prompt_taken_as_the_slice_gets_a_hint():
    with pytest.raises(UsageProblem) as err:
        parse_slice("what next?", option="-l")
    assert "If that was your prompt, put it before the option" in err.value.hint


@given(st.one_of(st.none(), st.integers(-50, 50)), st.one_of(st.none(), st.integers(-50, 50)),
       st.one_of(st.none(), st.integers(-5, 5).filter(bool)))
def test_any_python_slice_means_what_python_means(start, stop, step):
    text = "[" + ":".join("" if v is None else str(v) for v in (start, stop, step)) + "]"
    assert ITEMS[parse_slice(text)] == ITEMS[start:stop:step]
