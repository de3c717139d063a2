#!/usr/bin/env python3
"""Launcher: `python apply.py --help`. The code lives in imports/cli/apply.py (installed as prompt_foo_loom)."""

import runpy
from pathlib import Path

if __name__ == "__main__":
    runpy.run_path(str(Path(__file__).resolve().parent / "imports" / "checkout.py"))["main"]("apply")
