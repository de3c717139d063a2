"""URL entries, served by a local http.server thread: success, charsets, failures as flagged sources."""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from prompt_foo_loom.config import open_workspace
from prompt_foo_loom.collect.manifest import Entry
from prompt_foo_loom.model import Note, Source
from prompt_foo_loom.collect.urls import fetch_url
from prompt_foo_loom.collect.sources import collect

PAGES = {
    "/plain": (200, "text/plain; charset=utf-8", "héllo\n".encode("utf-8")),
    "/latin": (200, "text/html; charset=iso-8859-1", "<p>café crème</p>".encode("latin-1")),
    "/nocharset": (200, "application/json", b'{"a": "\xc3\xa9"}'),
    "/badcharset": (200, "text/plain; charset=no-such-codec", b"abc"),
    "/png": (200, "image/png", b"\x89PNG\r\n\x1a\n\x00\x00"),
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/slow":
            time.sleep(1.5)
        if self.path not in PAGES:
            self.send_error(404, "Not Found")
            return
        status, ctype, body = PAGES[self.path]
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # keep test output quiet
        pass


@pytest.fixture
def server(monkeypatch, tmp_path):
    # Loopback URLs are fetched only when the user's own config allows private addresses.
    config = tmp_path / "user-config.toml"
    config.write_text("[urls]\nallow_private = true\n", encoding="utf-8")
    monkeypatch.setenv("PROMPT_FOO_CONFIG", str(config))
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_success_through_collect(server, git_repo):
    url = f"{server}/plain"
    col = collect(open_workspace(git_repo.root), [Entry(url, "url", 4)])
    assert col.sources == [Source("url", url, "héllo\n", "text", 7, ())]
    assert col.notes == [] and col.missing == []


@pytest.mark.parametrize("path, text, lang, flags", [
    ("/latin", "<p>café crème</p>", "html", ()),
    ("/nocharset", '{"a": "é"}', "json", ()),
    ("/badcharset", "abc", "text", ("unknown charset 'no-such-codec': decoded as UTF-8 with replacement",)),
    ("/png", "[binary content (image/png, 10 bytes) not included]\n", "text",
     ("binary content (image/png); not included",)),
])
def test_charsets_and_content_types(server, path, text, lang, flags):
    src = fetch_url(server + path, timeout=5)
    assert (src.text, src.lang, src.flags) == (text, lang, flags)
    assert src.size == len(PAGES[path][2])


def test_404_is_a_flagged_source_and_a_note(server, git_repo):
    url = f"{server}/missing"
    col = collect(open_workspace(git_repo.root), [Entry(url, "url", 9)])
    assert col.sources == [Source("url", url, "[fetch failed: HTTP 404 Not Found]\n", "text", 0,
                                  ("fetch failed: HTTP 404 Not Found",))]
    assert col.notes == [Note(f"foo_files.py:9: {url}: fetch failed: HTTP 404 Not Found", "warn")]


def test_timeout_is_a_flagged_source(server):
    started = time.monotonic()
    src = fetch_url(f"{server}/slow", timeout=0.5)
    assert time.monotonic() - started < 1.4
    assert src.flags == ("fetch failed: timed out after 0.5 s",)
    assert src.text == "[fetch failed: timed out after 0.5 s]\n"


def test_connection_refused_is_a_flagged_source():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens on this port now
    src = fetch_url(f"http://127.0.0.1:{port}/", timeout=2, allow_private=True)
    assert src.kind == "url" and src.flags[0].startswith("fetch failed: ")
    assert "refused" in src.flags[0].lower()


def test_timeout_setting_from_pyproject(server, git_repo):
    git_repo.write("pyproject.toml", "[tool.prompt-foo]\nurl_timeout = 0.5\n")
    col = collect(open_workspace(git_repo.root), [Entry(f"{server}/slow", "url", 1)])
    assert col.sources[0].flags == ("fetch failed: timed out after 0.5 s",)
