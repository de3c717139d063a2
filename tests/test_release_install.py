"""install.sh: a real install into a temporary prefix, from a copy of this checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib

from conftest import ROOT

VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def run_install(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["sh", str(ROOT / "install.sh"), *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300)


def test_help_and_bad_options():
    r = run_install("--help")
    assert r.returncode == 0
    assert r.stdout.startswith("install.sh: install prompt-foo (prompt-foo, foo-apply, foo-release)")
    bad = run_install("--nope")
    assert bad.returncode == 1 and bad.stderr.endswith("install.sh: unknown option: --nope\n")


def test_from_a_folder_that_is_not_a_checkout_is_refused(tmp_path):
    r = run_install("--from", str(tmp_path), "--prefix", str(tmp_path / "env"),
                    "--python", sys.executable)
    assert r.returncode == 1
    assert f"install.sh: {tmp_path} is not a prompt-foo checkout (no pyproject.toml)\n" == r.stderr
    assert not (tmp_path / "env").exists()


def test_never_installs_a_version_by_name(tmp_path):
    """No --pypi: outside a checkout it refuses and says what to do instead."""
    assert run_install("--pypi").stderr.endswith("install.sh: unknown option: --pypi\n")
    lone = tmp_path / "install.sh"
    shutil.copy(ROOT / "install.sh", lone)
    r = subprocess.run(["sh", str(lone), "--prefix", str(tmp_path / "env")], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 1
    assert r.stderr == (f"install.sh: {tmp_path} is not a prompt-foo checkout; run the install.sh inside one, "
                        "pass --from PATH, or: pipx install git+URL\n")
    assert not (tmp_path / "env").exists()


def test_installs_the_package_with_its_ledger_and_links_the_commands(tmp_path):
    checkout = tmp_path / "checkout"
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.split("\0")
    for rel in filter(None, files):
        if (ROOT / rel).is_file():
            (checkout / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, checkout / rel)
    prefix, bin_dir = tmp_path / "env", tmp_path / "bin"
    # Dependencies are the registry's business; this checks what the installer itself does.
    r = run_install("--from", str(checkout), "--prefix", str(prefix), "--bin-dir", str(bin_dir),
                    "--python", sys.executable, env={"PIP_NO_DEPS": "1"})
    assert r.returncode == 0, r.stderr
    assert f"install.sh: installing prompt-foo {VERSION} from {checkout} into {prefix}\n" in r.stderr
    for cmd in ("prompt-foo", "foo-apply", "foo-release"):
        assert os.readlink(bin_dir / cmd) == str(prefix / "bin" / cmd)
    probe = subprocess.run(
        [str(prefix / "bin" / "python"), "-c",
         "import prompt_foo_loom; from prompt_foo_loom.ascii_displays import load_ledger; "
         "print(prompt_foo_loom.__version__, sorted(load_ledger()))"],
        capture_output=True, text=True, cwd=tmp_path)
    assert probe.stdout == f"{VERSION} ['player_piano', 'white_rabbit']\n", probe.stderr
