#!/usr/bin/env python3
"""Launcher: `python release.py --help`. The code lives in imports/cli/release.py."""

from imports.cli.release import main

if __name__ == "__main__":
    main()
