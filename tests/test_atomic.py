"""The one atomic write (issue 13, Must 8): old or new, never half; modes kept; no litter."""

from __future__ import annotations

import os
import re

import pytest

from conftest import ROOT
from prompt_foo_loom.atomic import write_atomic


def test_replaces_keeps_the_mode_and_leaves_no_temp_file(tmp_path):
    target = tmp_path / "deep" / "file.json"
    write_atomic(target, "first")
    assert target.read_text() == "first"
    os.chmod(target, 0o640)
    write_atomic(target, b"second")
    assert target.read_bytes() == b"second" and (target.stat().st_mode & 0o777) == 0o640
    assert sorted(p.name for p in target.parent.iterdir()) == ["file.json"]


def test_a_failed_replace_leaves_the_target_and_no_temp_file(tmp_path):
    target = tmp_path / "taken"
    target.mkdir()
    (target / "inside").write_text("kept")
    with pytest.raises(OSError):
        write_atomic(target, "text")  # a folder cannot be replaced by a file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]
    assert (target / "inside").read_text() == "kept"


def test_no_other_module_writes_its_own_temp_and_rename():
    """Every temp-file-and-rename goes through atomic.py (the applier keeps its own journal)."""
    offenders = []
    for path in sorted((ROOT / "imports").rglob("*.py")):
        rel = path.relative_to(ROOT / "imports").as_posix()
        if rel == "atomic.py" or rel.startswith("patches/"):
            continue
        if re.search(r"\bos\.replace\(|\bmkstemp\(", path.read_text(encoding="utf-8")):
            offenders.append(rel)
    assert offenders == []
