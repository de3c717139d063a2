"""The README walk-through 'Your own seals, your release', step by step, through the real commands.

A user, in their own repository: adds art, --reledger's it, sees it in every book, has a bent
copy refused, stamps it into their README with foo-release, bumps a dev version, and runs the
checks from pre-commit (the real tool, on commit).
"""

from __future__ import annotations

import subprocess

from conftest import run_cli
from prompt_foo_loom.ascii_displays import crc32
from test_pre_commit_hooks import BIN, hook_env, pre_commit, write_config

PYPROJECT = """\
[project]
name = "lamp"
version = "0.3.0.dev0"

[tool.prompt-foo.seals]
art = "seals/art.py"
ledger = "seals/seals.json"
signature = "lighthouse"

[tool.prompt-foo.release]
version_source = "pyproject.toml"

[tool.prompt-foo.release.stamps]
"README.md" = "lighthouse"
"""
README = "# Lamp\n\n<!-- seal:lighthouse -->\n<!-- /seal:lighthouse -->\n\nA lamp.\n"
DRAWN = '''\
    "lighthouse": {
        "meaning": "the lamp project's signature: a crooked lighthouse means bent whitespace",
        "art": """\\
<ink>     /\\\\</ink>
<fur>    |  |</fur>     <dim>lamp</dim>
<fur>    |[]|</fur>     <dim>every space counted</dim>
<fur>  __|__|__</fur>""",
    },
'''
AI = "     /\\\n    |  |     lamp\n    |[]|     every space counted\n  __|__|__"


def test_the_readme_walkthrough(git_repo, tmp_path):
    repo = git_repo
    repo.write("pyproject.toml", PYPROJECT)
    repo.write("README.md", README)
    repo.write("lamp.py", "print('lamp')\n")
    repo.write("foo_files.py", 'AI_PHOOEY_CHOP = """\\nlamp.py\\n"""\nCHOP_README = """\\nREADME.md\\n"""\n')

    # 1. Add art: a starter entry, then the user draws their own.
    r = run_cli("prompt_foo.py", "--new-seal", "lighthouse", cwd=repo.root)
    assert r.returncode == 0, r.stderr
    art = (repo.root / "seals/art.py").read_text(encoding="utf-8")
    start = art.index('    "lighthouse": {')
    end = art.index("    },\n", start) + len("    },\n")
    repo.write("seals/art.py", art[:start] + DRAWN + art[end:])

    # 2. Record it in the ledger (deliberately: before/after shown, --yes for scripts).
    r = run_cli("prompt_foo.py", "--reledger", "lighthouse", "--yes", cwd=repo.root)
    assert r.returncode == 0, r.stderr
    assert "before: no ledger entry" in r.stderr and AI in r.stderr
    assert run_cli("prompt_foo.py", "--check-seals", cwd=repo.root).returncode == 0
    repo.commit("the lamp and its seal")

    # 3. Every book shows it: the default chop, another chop, and files named on the command line.
    for args in ([], ["--chop", "CHOP_README"], ["-f", "lamp.py"]):
        book = run_cli("prompt_foo.py", "--no-clipboard", "-o", "-", *args, "Go.", cwd=repo.root)
        assert book.returncode == 0, book.stderr
        seal = book.stdout.split("--- START: Seal ---\n")[1].split("\n--- END: Seal ---")[0]
        assert seal.startswith("lighthouse: the lamp project's signature")
        assert f"crc32=0x{crc32(AI):08x} drift=0" in seal and f"```text\n{AI}\n```" in seal

    # 4. A bent copy is refused: nothing emitted, the file and line named; the release stops too.
    bent = (repo.root / "seals/art.py").read_text(encoding="utf-8").replace("|[]|", "|[] |")
    repo.write("seals/art.py", bent)
    out = tmp_path / "book.md"
    r = run_cli("prompt_foo.py", "--no-clipboard", "-o", str(out), "Go.", cwd=repo.root)
    assert (r.returncode, out.exists()) == (4, False)
    assert "line 3 (seals/art.py:14): changed: |    |[] |     every space counted|" in r.stderr
    assert run_cli("release.py", "--check", cwd=repo.root).returncode == 4
    repo.git("checkout", "--", "seals/art.py")

    # 5. Stamp it into the README.
    r = run_cli("release.py", "--commit", cwd=repo.root)
    assert r.returncode == 0, r.stderr
    readme = (repo.root / "README.md").read_text(encoding="utf-8")
    assert readme == README.replace("-->\n<!--", f"-->\n```text\n{AI}\n```\n<!--")

    # 6. Bump the dev version, commit and tag it.
    r = run_cli("release.py", "--bump", "dev", "--commit", "--tag", cwd=repo.root)
    assert r.returncode == 0, r.stderr
    assert "version 0.3.0.dev0 -> 0.3.0.dev1 (--bump dev)" in r.stderr
    assert repo.git("tag").split() == ["v0.3.0.dev1"]
    assert 'version = "0.3.0.dev1"' in (repo.root / "pyproject.toml").read_text(encoding="utf-8")

    # 7. The checks run from pre-commit, on every commit: a bent seal cannot be committed.
    exe = pre_commit()
    write_config(repo.root, tmp_path)
    env = hook_env(tmp_path)
    subprocess.run([str(exe), "install"], cwd=repo.root, env=env, check=True, capture_output=True)
    repo.git("add", ".pre-commit-config.yaml")
    ok = subprocess.run(["git", "commit", "-q", "-m", "pre-commit"], cwd=repo.root, env=env,
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    repo.write("seals/art.py", bent)
    repo.git("add", "seals/art.py")
    refused = subprocess.run(["git", "commit", "-q", "-m", "bent"], cwd=repo.root, env=env,
                             capture_output=True, text=True)
    assert refused.returncode != 0
    said = refused.stdout + refused.stderr  # git shows the hook output on stderr
    assert "prompt-foo --check-seals" in said and "seal drift: lighthouse" in said
    assert repo.git("log", "-1", "--format=%s").strip() == "pre-commit"
    assert (BIN / "prompt-foo").exists()
