"""`http(s)://` manifest entries: fetched with a timeout; a failure is a flagged source, never a crash.

Only http and https; link-local and cloud-metadata addresses are always refused, loopback and
private ranges only when the user's own config allows them; every redirect is checked again;
the body is capped at MAX_BYTES. Proxy variables are not honoured: the check is of the real peer.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import urllib.parse

from .. import __version__
from ..model import Source
from ..userconf import user_table

DEFAULT_TIMEOUT = 20.0
MAX_BYTES = 5_000_000
MAX_REDIRECTS = 5
_METADATA_NAMES = {"metadata.google.internal", "metadata.goog", "metadata", "instance-data",
                   "instance-data.ec2.internal", "metadata.azure.internal"}
_METADATA_IPS = {ipaddress.ip_address(a) for a in
                 ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200", "192.0.0.192")}
_TEXTUAL = ("text/", "application/json", "application/xml", "application/xhtml", "application/javascript",
            "application/x-yaml", "application/yaml", "application/toml", "+json", "+xml")
_LANGS = {"text/html": "html", "application/xhtml+xml": "html", "application/json": "json",
          "text/markdown": "markdown", "text/x-markdown": "markdown", "application/xml": "xml",
          "text/xml": "xml", "text/css": "css", "text/javascript": "javascript",
          "application/javascript": "javascript", "text/x-python": "python",
          "application/x-yaml": "yaml", "application/yaml": "yaml", "text/yaml": "yaml"}


class Refused(Exception):
    """The URL may not be fetched (scheme, address, too many redirects)."""


def fetch_url(url: str, timeout: float = DEFAULT_TIMEOUT, *, allow_private: bool | None = None) -> Source:
    """The page at ``url`` as a Source (its text, or a flagged note saying why there is none).

    ``allow_private`` (loopback and private ranges) comes from the user's config, never the
    repository's; None reads it from there."""
    if allow_private is None:
        allow_private = user_table("urls").get("allow_private") is True
    try:
        body, ctype, charset = _get(url, timeout, allow_private)
    except Refused as exc:
        return _failed(url, f"refused: {exc}")
    except _HTTPStatus as exc:
        return _failed(url, str(exc))
    except (TimeoutError, socket.timeout):
        return _failed(url, f"timed out after {timeout:g} s")
    except (OSError, ValueError, http.client.HTTPException) as exc:  # reset, malformed URL, bad status line
        return _failed(url, f"{type(exc).__name__}: {exc}" if not isinstance(exc, OSError) else str(exc))
    return _decoded(url, body, ctype, charset)


class _HTTPStatus(Exception):
    pass


def _get(url: str, timeout: float, allow_private: bool) -> tuple[bytes, str, str | None]:
    """GET with every hop checked: scheme, every resolved address, and the connection pinned
    to the address that was checked (a second DNS answer cannot swap it)."""
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        parts = urllib.parse.urlsplit(current)
        if parts.scheme.lower() not in ("http", "https"):
            raise Refused(f"only http and https are fetched, not {parts.scheme or 'a relative URL'}:")
        host = parts.hostname
        if not host:
            raise Refused("the URL names no host")
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        address = checked_address(host, port, allow_private)
        conn_class = _PinnedHTTPS if parts.scheme.lower() == "https" else _PinnedHTTP
        conn = conn_class(host, port, timeout=timeout)
        conn.pinned = address
        try:
            path = parts.path or "/"
            conn.request("GET", path + (f"?{parts.query}" if parts.query else ""),
                         headers={"User-Agent": f"prompt-foo/{__version__}", "Accept-Encoding": "identity"})
            response = conn.getresponse()
            location = response.getheader("Location")
            if response.status in (301, 302, 303, 307, 308) and location:
                current = urllib.parse.urljoin(current, location.strip())
                continue
            if response.status >= 400:
                raise _HTTPStatus(f"HTTP {response.status} {response.reason}")
            body = response.read(MAX_BYTES + 1)  # at most one byte past the cap is ever read
            return body, response.headers.get_content_type(), response.headers.get_content_charset()
        finally:
            conn.close()
    raise Refused(f"more than {MAX_REDIRECTS} redirects")


def checked_address(host: str, port: int, allow_private: bool) -> str:
    """The address to connect to; Refused when any address the name resolves to is forbidden."""
    if host.lower().rstrip(".") in _METADATA_NAMES:
        raise Refused(f"{host} is a cloud metadata service")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise OSError(f"cannot resolve {host}: {exc.strerror or exc}") from None
    addresses = [info[4][0] for info in infos]
    for text in addresses:
        why = forbidden(text, allow_private)
        if why:
            raise Refused(f"{host} resolves to {text}, {why}")
    return addresses[0]


def forbidden(address: str, allow_private: bool) -> str | None:
    """Why a connection to ``address`` is refused, or None."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip in _METADATA_IPS or ip.is_link_local:
        return "a link-local or cloud metadata address (always refused)"
    if ip.is_multicast or ip.is_unspecified or ip.is_reserved:
        return "not a unicast address"
    if not ip.is_global and not allow_private:
        return ("a loopback or private address (allowed only by your own config: "
                "[urls] allow_private = true)")
    return None


class _PinnedHTTP(http.client.HTTPConnection):
    pinned = ""

    def connect(self):
        self.sock = socket.create_connection((self.pinned, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    pinned = ""

    def connect(self):
        sock = socket.create_connection((self.pinned, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


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
