"""The distribution as a user gets it (issue 13, Musts 1-2): the sdist is complete, the wheel
built from it installs into a fresh environment, and its three commands work from an unrelated
repository, next to PyPI's `imports` package and with the repository's own imports/ on PYTHONPATH.

Fast and offline-ish: `python -m build --no-isolation` uses this environment's setuptools, and
the fresh environment sees this one's already-installed dependencies through a .pth line (it
does not resolve them from PyPI again; the wheel's declared dependencies are compared with
pyproject.toml instead). Only PyPI's small `imports` package is fetched.
"""

from __future__ import annotations

import email
import os
import subprocess
import sys
import sysconfig
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
NAME, VERSION = PROJECT["name"], PROJECT["version"]


def _checkout_copy(dest: Path) -> Path:
    """The files git would hand a fresh clone (tracked, plus new ones not ignored)."""
    listing = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                             cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    for rel in filter(None, listing):
        src = ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            (dest / rel).write_bytes(src.read_bytes())
            os.chmod(dest / rel, src.stat().st_mode & 0o777)
    return dest


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> dict[str, Path]:
    """sdist, then the wheel built from the sdist (python -m build), as a release would."""
    base = tmp_path_factory.mktemp("dist")
    checkout = _checkout_copy(base / "checkout")
    out = base / "out"
    done = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "-o", str(out), str(checkout)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return {"sdist": next(out.glob("*.tar.gz")), "wheel": next(out.glob("*.whl"))}


@pytest.fixture(scope="module")
def venv(dist, tmp_path_factory) -> Path:
    """A fresh environment holding the wheel and PyPI's `imports`, nothing of this checkout."""
    env = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True, timeout=120)
    purelib = Path(subprocess.run([str(env / "bin" / "python"), "-c",
                                   "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  capture_output=True, text=True, check=True).stdout.strip())
    # The dependencies, from the test environment (a plain path line: its .pth files, including
    # the editable install of this checkout, are not processed there).
    (purelib / "zz_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(env / "bin" / "python"), "install",
                           "-q", "--no-deps", str(dist["wheel"]), "imports"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return env


def test_the_wheel_holds_one_package_of_its_own_and_declares_the_dependencies(dist):
    with zipfile.ZipFile(dist["wheel"]) as whl:
        names = whl.namelist()
        meta = email.message_from_bytes(whl.read(f"prompt_foo_loom-{VERSION}.dist-info/METADATA"))
        entry_points = whl.read(f"prompt_foo_loom-{VERSION}.dist-info/entry_points.txt").decode()
    assert {n.split("/")[0] for n in names} == {"prompt_foo_loom", f"prompt_foo_loom-{VERSION}.dist-info"}
    for data in ["vocab/o200k_base.tiktoken", "vocab/cl100k_base.tiktoken", "seals.json",
                 "templates/instructions.md", "cli/compile.py", "patches/run.py"]:
        assert f"prompt_foo_loom/{data}" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") or n.endswith(".dist-info/LICENSE") for n in names)
    assert (meta["Name"], meta["Version"]) == (NAME, VERSION)
    declared = [r for r in meta.get_all("Requires-Dist") if "extra ==" not in r]
    assert sorted(d.replace(" ", "") for d in declared) == sorted(d.replace(" ", "") for d in PROJECT["dependencies"])
    for line in ["prompt-foo = prompt_foo_loom.cli.compile:main", "foo-apply = prompt_foo_loom.cli.apply:main",
                 "foo-release = prompt_foo_loom.cli.release:main"]:
        assert line in entry_points


def test_the_sdist_is_the_whole_project(dist):
    with tarfile.open(dist["sdist"]) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    for rel in ["LICENSE", "README.md", "install.sh", "flake.nix", "prompt_foo.py", "apply.py", "release.py",
                "pyproject.toml", "editors/nvim/plugin/prompt_foo.lua", "editors/nvim/lua/prompt_foo/init.lua",
                "templates/instructions.md", "imports/vocab/o200k_base.tiktoken", "tests/conftest.py",
                "benchmarks/bench_tokenizers.py", ".pre-commit-hooks.yaml"]:
        assert rel in names, rel
    assert not [n for n in names if "__pycache__" in n or n.startswith("benchmarks/.work")]


def _run(venv: Path, cmd: str, *args: str, cwd: Path, env: dict | None = None, input: str | None = None):
    full = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    full.update({"PATH": f"{venv / 'bin'}:{os.environ['PATH']}", **(env or {})})
    return subprocess.run([str(venv / "bin" / cmd), *args], cwd=cwd, env=full, input=input,
                          capture_output=True, text=True, timeout=120)


def test_commands_work_from_an_unrelated_repository_with_its_own_imports(venv, git_repo):
    """PyPI's `imports` is installed alongside, and the repository's own imports/ (with a cli
    module, like Pipulate's) is first on PYTHONPATH: neither shadows the tool's package."""
    git_repo.write("imports/__init__.py", "__version__ = 'not ours'\n")
    git_repo.write("imports/cli.py", "raise SystemExit('the repository imports/ was imported')\n")
    git_repo.write("app.py", "def greet():\n    return 'hello'\n")
    git_repo.write("pyproject.toml", '[project]\nname = "app"\nversion = "2.0.0"\n\n'
                   '[tool.prompt-foo.release]\nversion_source = "pyproject.toml"\nfollowers = []\n')
    git_repo.commit("start")
    env = {"PYTHONPATH": str(git_repo.root)}
    for cmd in ["prompt-foo", "foo-apply", "foo-release"]:
        r = _run(venv, cmd, "--version", cwd=git_repo.root, env=env)
        assert (r.returncode, r.stdout, r.stderr) == (0, f"{cmd}, version {VERSION}\n", "")
    where = _run(venv, "python", "-c", "import imports, prompt_foo_loom; print(imports.__file__); "
                 "print(prompt_foo_loom.__file__)", cwd=venv)
    theirs, ours = where.stdout.splitlines()
    assert "site-packages" in theirs and ours.startswith(str(venv)), where.stdout  # PyPI's imports, and ours

    book = _run(venv, "prompt-foo", "--no-clipboard", "-o", "book.md", "rename greet", cwd=git_repo.root, env=env)
    assert book.returncode == 0, book.stderr
    text = (git_repo.root / "book.md").read_text(encoding="utf-8")
    assert "--- START: app.py" in text and "Encoding: cl100k_base" in text  # conftest pins cl100k

    reply = "Target: app.py\n[[[SEARCH]]]\ndef greet():\n[[[DIVIDER]]]\ndef welcome():\n[[[REPLACE]]]\n"
    applied = _run(venv, "foo-apply", "-", cwd=git_repo.root, env=env, input=reply)
    assert applied.returncode == 0, applied.stderr
    assert (git_repo.root / "app.py").read_text(encoding="utf-8").startswith("def welcome():")
    git_repo.commit("welcome")

    check = _run(venv, "foo-release", "--check", cwd=git_repo.root, env=env)
    assert (check.returncode, check.stdout) == (0, "release: up to date (version 2.0.0; 0 stamps)\n"), check.stderr


def test_installed_o200k_counts_need_no_network(venv, git_repo):
    git_repo.write("a.py", "print('hi')\n")
    git_repo.commit("start")
    r = _run(venv, "prompt-foo", "--no-clipboard", "-o", "-", "hi", cwd=git_repo.root,
             env={"PROMPT_FOO_ENCODING": "auto", "HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"})
    assert r.returncode == 0, r.stderr
    assert "Encoding: o200k_base\n" in r.stdout
