"""Exact o200k_base and cl100k_base counts with no network (issue 13, Must 4).

The vocabularies ship in the package; these tests show they are OpenAI's files byte for
byte, that the encoder built from them is the one tiktoken itself would build, that a
compile with the network cut off names o200k_base, and (where npm's `tiktoken` is at hand)
that an independent implementation with its own copy of the ranks gives the same counts.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from prompt_foo_loom.tokens import Encoder, load_bundled, open_counter

from conftest import ROOT, run_cli

SAMPLES = [
    "", "hello world", "  leading spaces\n\n\ttabs", "naïve café — 東京 🙂 Ünïcödé",
    "def f(x):\n    return x**2  # ünïcode\n", "<|endoftext|> is text here, not a special token",
    "'s 've 'LL  don't   I'M", "1234567890 3.14159 0xDEADBEEF", "a" * 5000, "\r\n\r\n  \n",
] + [p.read_text(encoding="utf-8") for p in sorted((ROOT / "imports").rglob("*.py"))[:40]]


def _pinned_hash(name: str) -> str:
    """The sha256 tiktoken pins for the file it would download, read from its own source."""
    import tiktoken_ext.openai_public as public

    source = Path(public.__file__).read_text(encoding="utf-8")
    match = re.search(rf'encodings/{name}\.tiktoken",\s*expected_hash="([0-9a-f]{{64}})"', source)
    assert match, f"tiktoken no longer pins {name}"
    return match.group(1)


@pytest.mark.parametrize("name", ["o200k_base", "cl100k_base"])
def test_bundled_vocabulary_is_the_file_tiktoken_pins(name):
    blob = (ROOT / "imports" / "vocab" / f"{name}.tiktoken").read_bytes()
    assert hashlib.sha256(blob).hexdigest() == _pinned_hash(name)


@pytest.mark.parametrize("name", ["o200k_base", "cl100k_base"])
def test_bundled_encoder_equals_tiktokens_own(name, tmp_path, monkeypatch):
    """tiktoken's documented offline route (its cache folder, files named by the URL's
    sha1) runs tiktoken's own constructor: pattern, special tokens and counts must match."""
    import tiktoken
    from tiktoken_ext import openai_public

    url = f"https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"
    shutil.copy(ROOT / "imports" / "vocab" / f"{name}.tiktoken", tmp_path / hashlib.sha1(url.encode()).hexdigest())
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    own = tiktoken.Encoding(**getattr(openai_public, name)())
    ours = load_bundled(name)
    assert ours._pat_str == own._pat_str
    assert ours._special_tokens == own._special_tokens
    assert ours.n_vocab == own.n_vocab
    for text in SAMPLES:
        assert ours.encode_ordinary(text) == own.encode_ordinary(text)


def test_auto_is_o200k_and_unknown_names_are_refused():
    assert Encoder(None).info.describe() == "o200k_base"
    assert Encoder("auto").info.name == "o200k_base"
    assert Encoder("cl100k_base").info.name == "cl100k_base"


def test_compile_with_the_network_cut_names_o200k(git_repo, tmp_path):
    """Every socket connect raises: the compile still counts with o200k_base, exactly."""
    cut = tmp_path / "nonet"
    cut.mkdir()
    (cut / "sitecustomize.py").write_text(
        "import socket\n"
        "def _refuse(*a, **k):\n    raise OSError('network cut by the test')\n"
        "socket.socket.connect = _refuse\nsocket.create_connection = _refuse\n", encoding="utf-8")
    git_repo.write("a.py", "print('héllo wörld')\n")
    git_repo.commit("start")
    env = {"PYTHONPATH": str(cut), "PROMPT_FOO_ENCODING": "auto", "TIKTOKEN_CACHE_DIR": str(tmp_path / "empty")}
    done = run_cli("prompt_foo.py", "--no-clipboard", "-o", "book.md", "say hi", cwd=git_repo.root, env=env,
                   timeout=60)
    assert done.returncode == 0, done.stderr
    book = (git_repo.root / "book.md").read_text(encoding="utf-8")
    assert "Encoding: o200k_base\n" in book
    total = int(re.search(r"Verified total: ([\d,]+) tokens \(o200k_base", book).group(1).replace(",", ""))
    assert total == len(load_bundled("o200k_base").encode_ordinary(book))


def _npm_tiktoken() -> Path | None:
    folder = os.environ.get("PROMPT_FOO_NPM_TIKTOKEN")
    return Path(folder) if folder and (Path(folder) / "package.json").exists() and shutil.which("node") else None


@pytest.mark.skipif(_npm_tiktoken() is None,
                    reason="npm's tiktoken not at hand (.ci/run installs it; set PROMPT_FOO_NPM_TIKTOKEN)")
def test_counts_equal_npm_tiktoken(tmp_path):
    """npm's tiktoken: the WASM build with its own copy of the ranks, run by node."""
    (tmp_path / "texts.json").write_text(json.dumps(SAMPLES), encoding="utf-8")
    script = ("const {get_encoding}=require(process.argv[1]);"
              "const t=JSON.parse(require('fs').readFileSync(process.argv[2],'utf8'));const o={};"
              "for(const n of ['o200k_base','cl100k_base']){const e=get_encoding(n);"
              "o[n]=t.map(x=>e.encode_ordinary(x).length);e.free();}"
              "process.stdout.write(JSON.stringify(o));")
    done = subprocess.run(["node", "-e", script, str(_npm_tiktoken()), str(tmp_path / "texts.json")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    theirs = json.loads(done.stdout)
    for name in ["o200k_base", "cl100k_base"]:
        counter = open_counter(name, tmp_path, persist=False)
        assert counter.count_many(list(SAMPLES)) == theirs[name], name
