#!/usr/bin/env python3
"""Launcher: `python apply.py --help`. The code lives in imports/cli/apply.py."""

from imports.cli.apply import main

if __name__ == "__main__":
    main()
