#!/usr/bin/env python3
"""Launcher: `python prompt_foo.py --help`. The code lives in imports/cli/compile.py."""

from imports.cli.compile import main

if __name__ == "__main__":
    main()
