"""flake.nix parses, evaluates against a stand-in nixpkgs, and its loop aliases really run.

CI has no network to nixpkgs, so nothing here builds the flake: the stub below only checks
the flake's own structure (outputs, apps, the dev shell's contents and shellHook).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, require_tool

import prompt_foo_loom

# A stand-in for nixpkgs with just the attributes the flake may use; a name the flake
# uses that is not here fails the evaluation.
STUB = r"""
let
  flake = import (ROOT + "/flake.nix");
  drv = name: attrs: attrs // { outPath = "/nix/store/stub-" + name; inherit name; };
  ps = {
    buildPythonPackage = a: drv a.pname a;
    buildPythonApplication = a: drv a.pname a;
  } // builtins.listToAttrs (map (n: { name = n; value = drv n { }; }) [
    "click" "rich" "gitpython" "tiktoken" "xxhash" "pyyaml" "pathspec" "jupytext" "tomlkit"
    "pytest" "hypothesis" "setuptools" "packaging" "pre-commit" "build" "platformdirs" "tree-sitter"
    "tree-sitter-python" "tree-sitter-javascript" "tree-sitter-typescript" "tree-sitter-go"
    "tree-sitter-rust" "tree-sitter-java" ]);
  pkgsFor = system: {
    lib = {
      genAttrs = names: f: builtins.listToAttrs (map (n: { name = n; value = f n; }) names);
      optionals = cond: list: if cond then list else [ ];
      makeBinPath = paths: builtins.concatStringsSep ":" (map (p: "${p}/bin") paths);
    };
    stdenv.isLinux = builtins.match ".*-linux" system != null;
    fetchPypi = a: drv "source" a;
    python3Packages = ps;
    python3.withPackages = f: drv "python-env" { selected = f ps; };
    mkShell = a: drv "shell" a;
  } // builtins.listToAttrs (map (n: { name = n; value = drv n { }; }) [
    "wl-clipboard" "xclip" "xsel" "git" "neovim" "nix" "xvfb" ]);
  nixpkgs = {
    lib = (pkgsFor "x86_64-linux").lib;
    legacyPackages = builtins.listToAttrs (map (s: { name = s; value = pkgsFor s; })
      [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ]);
  };
  out = flake.outputs { self = { }; inherit nixpkgs; };
  shell = system: out.devShells.${system}.default;
  names = list: map (p: p.name) list;
in {
  apps = builtins.mapAttrs (n: a: { inherit (a) type program; }) out.apps.x86_64-linux;
  package = { inherit (out.packages.x86_64-linux.default) pname version;
              dependencies = names out.packages.x86_64-linux.default.dependencies; };
  linuxShell = names (shell "x86_64-linux").packages;
  darwinShell = names (shell "aarch64-darwin").packages;
  pythonEnv = names (builtins.head (shell "x86_64-linux").packages).selected;
  shellHook = (shell "x86_64-linux").shellHook;
}
"""


def flake_version() -> str:
    text = (ROOT / "flake.nix").read_text(encoding="utf-8")
    found = re.findall(r'^\s*version = "([^"]+)";$', text, flags=re.M)
    # foo-release rewrites this line and refuses when there is not exactly one.
    assert len(found) == 1, f'flake.nix needs exactly one `version = "…";` line, found {found}'
    return found[0]


def evaluate() -> dict:
    nix = require_tool("nix-instantiate")
    done = subprocess.run(
        [nix, "--eval", "--strict", "--json", "--arg", "ROOT", str(ROOT), "-E", "{ ROOT }: " + STUB],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_flake_parses():
    nix = require_tool("nix-instantiate")
    done = subprocess.run([nix, "--parse", str(ROOT / "flake.nix")], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr


def test_flake_version_follows_the_package():
    assert flake_version() == prompt_foo_loom.__version__


def test_flake_outputs_an_app_per_command_and_a_complete_dev_shell():
    found = evaluate()
    assert found["apps"] == {
        name: {"type": "app", "program": f"/nix/store/stub-prompt-foo-loom/bin/{target}"}
        for name, target in [("default", "prompt-foo"), ("prompt-foo", "prompt-foo"),
                             ("foo-apply", "foo-apply"), ("foo-release", "foo-release")]
    }
    assert found["package"] == {
        "pname": "prompt-foo-loom", "version": flake_version(),
        "dependencies": ["click", "rich", "gitpython", "tiktoken", "xxhash",
                         "pyyaml", "pathspec", "tomlkit", "packaging", "platformdirs", "jupytext",
                         "tree-sitter", "tree-sitter-python", "tree-sitter-javascript",
                         "tree-sitter-typescript", "tree-sitter-go", "tree-sitter-rust", "tree-sitter-java"],
    }
    assert found["pythonEnv"] == found["package"]["dependencies"] + ["pytest", "hypothesis", "pre-commit", "build",
                                                                     "setuptools"]
    assert found["linuxShell"] == ["python-env", "wl-clipboard", "xclip", "xsel", "git", "neovim",
                                   "nix", "xvfb"]
    assert found["darwinShell"] == ["python-env", "git", "neovim", "nix"]


def test_every_runtime_dependency_of_the_package_is_in_the_flake():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {re.split(r"[<>=!~ \[]", dep, maxsplit=1)[0].lower()
              for dep in project["dependencies"] + project["optional-dependencies"]["test"]}
    assert wanted == set(evaluate()["pythonEnv"])


def test_the_shell_aliases_run_the_loop(git_repo, tmp_path):
    require_tool("nix-instantiate")
    hook = evaluate()["shellHook"]
    git_repo.write("a.py", "print('hi')\n")
    git_repo.commit("start")
    # The hook runs in the checkout (as `nix develop` would); the aliases then work anywhere.
    script = (f"shopt -s expand_aliases\ncd {ROOT}\n{hook}\ncd {git_repo.root}\n"
              "foo --version\nfoo --no-clipboard -o book.md 'say hi' 2>/dev/null\nalias\n")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    done = subprocess.run(["bash", "--norc", "-c", script], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"prompt-foo {flake_version()} dev shell: foo, app, appdry, appundo, d (see README: the loop)"
    assert lines[1] == f"prompt-foo, version {flake_version()}"
    assert (git_repo.root / "book.md").read_text(encoding="utf-8").rstrip().endswith("say hi\n--- END: Prompt ---")
    aliases = {line.split("=", 1)[0].removeprefix("alias ") for line in lines[2:]}
    assert {"foo", "app", "appdry", "appundo", "d"} <= aliases
