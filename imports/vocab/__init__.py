"""The o200k_base and cl100k_base vocabularies, bundled so counts are exact with no network.

Each ``NAME.tiktoken`` is byte-for-byte the file tiktoken would download (its sha256 is the
one tiktoken pins, checked on every load); ``NAME.json`` holds the encoding's split pattern
and special tokens. Rebuilt by benchmarks/make_vocab.py. Stdlib only: the builder imports it.
"""

from __future__ import annotations

# name -> sha256 of the .tiktoken file, as pinned in tiktoken_ext/openai_public.py
BUNDLED = {
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
}
