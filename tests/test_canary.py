"""The reply side of the canary: a clean echo, each kind of transport damage, and absence,
and what foo-apply does with that knowledge."""

from __future__ import annotations

import json

import pytest

from conftest import run_cli
from prompt_foo_loom.canary import CANARY_TEXT, canary_instruction, inspect_reply


def test_instruction_carries_the_canary():
    assert CANARY_TEXT in canary_instruction()


def test_clean_echo_inside_prose_and_fences():
    report = inspect_reply(f"Sure.\n\n```text\n{CANARY_TEXT}\n```\n\nNow the patch.")
    assert (report.present, report.damage) == (True, [])


def test_clean_echo_through_crlf_transport():
    assert inspect_reply(CANARY_TEXT.replace("\n", "\r\n")).damage == []


def test_absent():
    report = inspect_reply("Here is the patch without a canary.")
    assert (report.present, report.damage) == (False, [])
    assert report.describe() == "canary: not echoed in the reply (transport damage cannot be diagnosed)"


@pytest.mark.parametrize("damage,kind", [
    (lambda t: t.replace("\n\n", "\n"), "blank-lines-lost"),
    (lambda t: t.replace("two  spaces    four", "two spaces four"), "spaces-collapsed"),
    (lambda t: t.replace("two  spaces", "two\u00a0 spaces"), "nbsp"),
    (lambda t: t.replace("www.canary.invalid", "[www.canary.invalid](http://www.canary.invalid)"),
     "autolinked"),
    (lambda t: t.replace("www.canary.invalid", "<http://www.canary.invalid>"), "autolinked"),
    (lambda t: t.replace("    indented", "indented"), "indentation-stripped"),
    (lambda t: t.replace("after blank", "after blank  "), "trailing-whitespace"),
    (lambda t: t.rsplit("\n", 1)[0], "truncated"),
])
def test_each_damage_kind(damage, kind):
    report = inspect_reply("Reply:\n" + damage(CANARY_TEXT) + "\nmore")
    assert report.present and report.damage == [kind]


def test_several_damages_at_once():
    text = CANARY_TEXT.replace("\n\n", "\n").replace("    indented", "indented")
    assert inspect_reply(text).damage == ["blank-lines-lost", "indentation-stripped"]


def test_apply_reports_damage_first_and_uses_it_in_diagnosis(git_repo):
    git_repo.write("a.py", "def f():\n\n    return 1\n")
    git_repo.commit()
    damaged = CANARY_TEXT.replace("\n\n", "\n")
    reply = (f"{damaged}\n\nTarget: a.py\n[[[SEARCH]]]\nnot here\n[[[DIVIDER]]]\nx\n[[[REPLACE]]]\n")
    proc = run_cli("apply.py", "--json", cwd=git_repo.root, input=reply)
    report = json.loads(proc.stdout)
    assert proc.returncode == 1
    assert report["canary"] == {"present": True, "damage": ["blank-lines-lost"]}
    assert report["messages"][0] == "canary: damaged in transport: blank-lines-lost"
    assert any("the canary shows this transport drops blank lines" in d
               for d in report["blocks"][0]["details"])
