"""Rebuild imports/vocab/ (the bundled o200k_base and cl100k_base vocabularies) from npm's
`tiktoken` package, which ships the same ranks in a compact JSON form.

Usage: npm install --prefix /tmp/npmtk tiktoken
       python benchmarks/make_vocab.py /tmp/npmtk/node_modules/tiktoken

The split pattern and special tokens (`NAME.json`) are taken from the installed tiktoken's own
constructor (newer tiktoken ships faster, equivalent patterns than npm's copy). Each rebuilt
`.tiktoken` file must hash to the sha256 that tiktoken itself pins for the file
it would download (tiktoken_ext/openai_public.py); the script refuses to write otherwise, so
the bundled bytes are exactly OpenAI's published files.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "imports"))
from vocab import BUNDLED  # noqa: E402  (name -> pinned sha256; stdlib-only module)


def ranks_from_npm(data: dict) -> dict[str, int]:
    # Lines of "<ignored> <first rank> <b64 token> <b64 token> …": consecutive ranks.
    ranks: dict[str, int] = {}
    for line in data["bpe_ranks"].split("\n"):
        if line:
            _, first, *tokens = line.split(" ")
            for i, token in enumerate(tokens):
                ranks[token] = int(first) + i
    return ranks


def tiktoken_meta(name: str, blob: bytes) -> dict:
    """tiktoken's own pattern and special tokens, through its documented offline route: the
    file in TIKTOKEN_CACHE_DIR under the sha1 of its URL, so nothing is downloaded."""
    url = f"https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"
    with tempfile.TemporaryDirectory() as cache:
        (Path(cache) / hashlib.sha1(url.encode()).hexdigest()).write_bytes(blob)
        os.environ["TIKTOKEN_CACHE_DIR"] = cache
        from tiktoken_ext import openai_public

        ctor = getattr(openai_public, name)()
    return {"pat_str": ctor["pat_str"], "special_tokens": ctor["special_tokens"]}


def main(npm_dir: str) -> int:
    out_dir = ROOT / "imports" / "vocab"
    for name, sha in BUNDLED.items():
        data = json.loads((Path(npm_dir) / "encoders" / f"{name}.json").read_text(encoding="utf-8"))
        ranks = ranks_from_npm(data)
        blob = "".join(f"{t} {n}\n" for t, n in sorted(ranks.items(), key=lambda kv: kv[1])).encode()
        got = hashlib.sha256(blob).hexdigest()
        if got != sha:
            print(f"{name}: sha256 {got} is not tiktoken's pinned {sha}; nothing written", file=sys.stderr)
            return 1
        (out_dir / f"{name}.tiktoken").write_bytes(blob)
        meta = tiktoken_meta(name, blob)
        (out_dir / f"{name}.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
        print(f"{name}: {len(ranks)} ranks, {len(blob)} bytes, sha256 ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
