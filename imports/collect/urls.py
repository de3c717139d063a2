"""`http(s)://` manifest entries: fetched with a timeout; a failure is a flagged source, never a crash."""

from __future__ import annotations

import http.client
import socket
import urllib.error
import urllib.request

from .. import __version__
from ..model import Source

DEFAULT_TIMEOUT = 20.0
MAX_BYTES = 5_000_000
_TEXTUAL = ("text/", "application/json", "application/xml", "application/xhtml", "application/javascript",
            "application/x-yaml", "application/yaml", "application/toml", "+json", "+xml")
_LANGS = {"text/html": "html", "application/xhtml+xml": "html", "application/json": "json",
          "text/markdown": "markdown", "text/x-markdown": "markdown", "application/xml": "xml",
          "text/xml": "xml", "text/css": "css", "text/javascript": "javascript",
          "application/javascript": "javascript", "text/x-python": "python",
          "application/x-yaml": "yaml", "application/yaml": "yaml", "text/yaml": "yaml"}


def fetch_url(url: str, timeout: float = DEFAULT_TIMEOUT) -> Source:
    """The page at ``url`` as a Source (its text, or a flagged note saying why there is none)."""
    try:  # building the request already rejects some URLs (a bad IPv6 host, a space)
        request = urllib.request.Request(url, headers={"User-Agent": f"prompt-foo/{__version__}"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(MAX_BYTES + 1)
            ctype = response.headers.get_content_type()
            charset = response.headers.get_content_charset()
    except urllib.error.HTTPError as exc:
        return _failed(url, f"HTTP {exc.code} {exc.reason}")
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            return _failed(url, f"timed out after {timeout:g} s")
        return _failed(url, str(reason))
    except (TimeoutError, socket.timeout):
        return _failed(url, f"timed out after {timeout:g} s")
    except (OSError, ValueError, http.client.HTTPException) as exc:  # reset, malformed URL, bad status line
        return _failed(url, f"{type(exc).__name__}: {exc}")
    return _decoded(url, body, ctype, charset)


def _decoded(url: str, body: bytes, ctype: str, charset: str | None) -> Source:
    flags: list[str] = []
    if len(body) > MAX_BYTES:
        body = body[:MAX_BYTES]
        flags.append(f"truncated at {MAX_BYTES:,} bytes")
    if not any(t in ctype for t in _TEXTUAL) and (b"\x00" in body[:8192] or ctype.startswith(("image/", "audio/", "video/"))):
        note = f"[binary content ({ctype}, {len(body):,} bytes) not included]\n"
        return Source("url", url, note, "text", len(body), (f"binary content ({ctype}); not included", *flags))
    encoding = charset or "utf-8"
    try:
        text = body.decode(encoding)
    except LookupError:
        text = body.decode("utf-8", "replace")
        flags.append(f"unknown charset {charset!r}: decoded as UTF-8 with replacement")
    except UnicodeDecodeError:
        text = body.decode(encoding, "replace")
        flags.append(f"not valid {encoding}: decoded with replacement")
    return Source("url", url, text, _LANGS.get(ctype, "text"), len(body), tuple(flags))


def _failed(url: str, why: str) -> Source:
    why = " ".join(why.split())  # one line: it goes into the START line (a bad status line ends in CRLF)
    return Source("url", url, f"[fetch failed: {why}]\n", "text", 0, (f"fetch failed: {why}",))
