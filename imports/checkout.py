"""Running from a plain checkout, without installing.

The folder is called ``imports/`` in the repository, but it is installed as the package
``prompt_foo_loom``: a top-level ``imports`` would collide with PyPI's package of that name,
with Pipulate's own ``imports/`` and with any repository's ``imports/`` folder on the path.
The top-level launchers load this folder under its installed name, so a checkout runs its own
code with the same import names as an installed copy."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path

PACKAGE = "prompt_foo_loom"


def load_checkout() -> None:
    """Register this folder as ``prompt_foo_loom`` (once per process)."""
    if PACKAGE in sys.modules:
        return
    here = Path(__file__).resolve().parent
    spec = importlib.util.spec_from_file_location(
        PACKAGE, here / "__init__.py", submodule_search_locations=[str(here)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[PACKAGE] = module
    spec.loader.exec_module(module)


def main(command: str) -> None:
    """Run ``prompt_foo_loom.cli.<command>.main`` from this checkout."""
    load_checkout()
    importlib.import_module(f"{PACKAGE}.cli.{command}").main()
