"""Issue 12, Must 6: URL entries fetch only http(s); link-local and metadata addresses are always
refused; loopback and private ranges only when the user's own config allows; every redirect is
re-checked; sizes are capped. A local http.server stands in for the world."""

from __future__ import annotations

import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import run_cli

from prompt_foo_loom.collect.urls import MAX_BYTES, fetch_url

HITS: list[str] = []


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        HITS.append(self.path)
        if self.path.startswith("/to/"):
            self.send_response(302)
            self.send_header("Location", {"/to/metadata": "http://169.254.169.254/latest/meta-data/",
                                          "/to/file": "file:///etc/passwd", "/to/ok": "/ok"}[self.path])
            self.end_headers()
            return
        body = b"x" * (MAX_BYTES + 10) if self.path == "/big" else b"fine\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server(monkeypatch):
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    HITS.clear()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def allow_private() -> None:
    config = Path(os.environ["PROMPT_FOO_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[urls]\nallow_private = true\n")


def test_loopback_is_refused_unless_the_user_allows_it(server, git_repo):
    git_repo.write("foo_files.py", f'AI_PHOOEY_CHOP = """\\\n{server}/ok\n"""\n')
    git_repo.write("pyproject.toml", "[tool.prompt-foo]\nallow_private = true\n[tool.prompt-foo.urls]\nallow_private = true\n")
    git_repo.commit()
    r = run_cli("prompt_foo.py", "--no-clipboard", "-o", "-", "--trust", "--yes", "x", cwd=git_repo.root)
    assert r.returncode == 0, r.stderr
    assert "refused: 127.0.0.1 resolves to 127.0.0.1, a loopback or private address" in r.stdout
    assert HITS == []  # the repository's own setting did not open it
    allow_private()
    r = run_cli("prompt_foo.py", "--no-clipboard", "-o", "-", "x", cwd=git_repo.root)
    assert r.returncode == 0 and "fine\n" in r.stdout and HITS == ["/ok"]


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/meta-data/", "http://metadata.google.internal/x",
                                 "http://[fe80::1]/x", "http://0.0.0.0/x"])
def test_link_local_and_metadata_are_always_refused(url):
    src = fetch_url(url, 2, allow_private=True)
    assert src.flags[0].startswith("fetch failed: refused:"), src.flags


def test_every_redirect_is_checked_again(server):
    assert fetch_url(f"{server}/to/ok", 5, allow_private=True).text == "fine\n"
    meta = fetch_url(f"{server}/to/metadata", 5, allow_private=True)
    assert "refused: 169.254.169.254 resolves to 169.254.169.254, a link-local or cloud metadata" in meta.flags[0]
    other = fetch_url(f"{server}/to/file", 5, allow_private=True)
    assert "refused: only http and https are fetched, not file:" in other.flags[0]


def test_size_is_capped(server):
    src = fetch_url(f"{server}/big", 10, allow_private=True)
    assert f"truncated at {MAX_BYTES:,} bytes" in src.flags and len(src.text) == MAX_BYTES
