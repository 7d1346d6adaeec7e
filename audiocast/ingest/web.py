"""Fetching articles over HTTP(S) with requests: limits, redirects, charsets, a deadline.

Every failure becomes an IngestError with a one-line message that names the URL.
A server that keeps sending a byte now and then never trips the per-read timeout,
so every fetch also has an overall deadline (``AUDIOCAST_FETCH_DEADLINE`` seconds,
60 by default) after which its connection is shut, whatever the server is doing.
"""

from __future__ import annotations

import codecs
import http
import math
import os
import re
import socket
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from .. import __version__
from ..errors import ConfigError, IngestError

USER_AGENT = f"audiocast/{__version__} (+https://github.com/audiocast/audiocast)"

HTML_TYPES = ("text/html", "application/xhtml+xml")
TEXT_TYPES = ("text/plain",)
MARKDOWN_TYPES = ("text/markdown", "text/x-markdown")
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/feed+json",
    "application/xml",
    "text/xml",
)
_ARTICLE_ACCEPT = "text/html,application/xhtml+xml,text/markdown;q=0.9,text/plain;q=0.8,*/*;q=0.5"
_FEED_ACCEPT = (
    "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.5"
)
_CHUNK = 64 * 1024
DEADLINE_ENV = "AUDIOCAST_FETCH_DEADLINE"
DEFAULT_DEADLINE = 60.0
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
# Browsers read these labels as windows-1252, and so do pages that declare them.
_WINDOWS_1252_ALIASES = {"iso8859-1", "latin-1", "ascii", "us-ascii", "iso-8859-1", "latin1"}


@dataclass(frozen=True)
class Page:
    """A fetched article page, decoded to text."""

    url: str
    final_url: str
    status: int
    content_type: str
    encoding: str
    text: str


@dataclass(frozen=True)
class Download:
    """A fetched body before decoding."""

    url: str
    final_url: str
    status: int
    content_type: str
    charset: str | None
    content: bytes


def check_url(url: str) -> None:
    """Raise IngestError unless ``url`` is an http(s) URL with a host."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise IngestError(
            f"unsupported URL scheme {scheme or '(none)'!r} in {url}: use http or https"
        )
    if not parts.hostname:
        raise IngestError(f"invalid URL {url}: no host name")


def fetch(
    url: str,
    *,
    timeout: float = 20,
    max_bytes: int = 10_000_000,
    max_redirects: int = 5,
    deadline: float | None = None,
) -> Page:
    """Download an article page: HTML, Markdown or plain text, decoded to ``str``.

    ``timeout`` bounds connecting and each wait for data, in seconds; ``deadline``
    bounds the whole fetch (default: :func:`fetch_deadline`); pages larger than
    ``max_bytes`` and chains of more than ``max_redirects`` redirects fail.
    Anything that is not an article (an image, a PDF, a feed) raises IngestError.
    """
    download = download_bytes(
        url,
        timeout=timeout,
        max_bytes=max_bytes,
        max_redirects=max_redirects,
        accept=_ARTICLE_ACCEPT,
        deadline=deadline,
    )
    content_type = download.content_type or sniff_content_type(download.content)
    if content_type not in HTML_TYPES + TEXT_TYPES + MARKDOWN_TYPES:
        raise IngestError(f"not an article: content type {content_type} at {download.final_url}")
    encoding = detect_encoding(
        download.content, download.charset, markup=content_type in HTML_TYPES
    )
    return Page(
        url=url,
        final_url=download.final_url,
        status=download.status,
        content_type=content_type,
        encoding=encoding,
        text=download.content.decode(encoding, errors="replace").lstrip("\ufeff"),
    )


def fetch_feed(
    url: str,
    *,
    timeout: float = 20,
    max_bytes: int = 10_000_000,
    max_redirects: int = 5,
    deadline: float | None = None,
) -> Download:
    """Download a blog feed's bytes; feedparser reads the encoding from the XML itself."""
    return download_bytes(
        url,
        timeout=timeout,
        max_bytes=max_bytes,
        max_redirects=max_redirects,
        accept=_FEED_ACCEPT,
        deadline=deadline,
    )


def fetch_deadline() -> float:
    """Seconds one fetch may take in all: ``AUDIOCAST_FETCH_DEADLINE``, else 60."""
    value = os.environ.get(DEADLINE_ENV, "").strip()
    if not value:
        return DEFAULT_DEADLINE
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise ConfigError(f"{DEADLINE_ENV} must be a number of seconds above 0, not {value!r}")
    return seconds


def download_bytes(
    url: str,
    *,
    timeout: float,
    max_bytes: int,
    max_redirects: int,
    accept: str = "*/*",
    deadline: float | None = None,
) -> Download:
    """GET ``url`` with the limits of :func:`fetch`, returning the raw body.

    The whole exchange (connecting, headers, body, redirects) must end within
    ``deadline`` seconds (default: :func:`fetch_deadline`); a server that drips
    its answer is cut off then, with an error naming the URL and the deadline.
    """
    check_url(url)
    seconds = fetch_deadline() if deadline is None else deadline
    with _Deadline(seconds) as watch:
        try:
            download = _download(url, timeout, max_bytes, max_redirects, accept, watch)
        except IngestError:
            if watch.stop():
                raise IngestError(_deadline_message(url, seconds)) from None
            raise
        if watch.stop():
            raise IngestError(_deadline_message(url, seconds))
        return download


def _deadline_message(url: str, seconds: float) -> str:
    return (
        f"gave up fetching {url}: no complete answer within the {seconds:g} s fetch deadline"
        f" (set {DEADLINE_ENV} to change it)"
    )


def _download(
    url: str, timeout: float, max_bytes: int, max_redirects: int, accept: str, watch: _Deadline
) -> Download:
    session = requests.Session()
    adapter = _DeadlineAdapter(watch)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.max_redirects = max_redirects
    session.headers.update({"User-Agent": USER_AGENT, "Accept": accept})
    try:
        with session.get(
            url, stream=True, timeout=(timeout, timeout), allow_redirects=True
        ) as response:
            if response.status_code >= 400:
                reason = response.reason or _reason(response.status_code)
                raise IngestError(f"HTTP {response.status_code} {reason} for {response.url}")
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise IngestError(_too_large(max_bytes, response.url))
            content = _read_limited(response, max_bytes)
            media_type, charset = _parse_content_type(response.headers.get("Content-Type", ""))
            return Download(
                url=url,
                final_url=response.url,
                status=response.status_code,
                content_type=media_type,
                charset=charset,
                content=content,
            )
    except requests.TooManyRedirects:
        raise IngestError(
            f"too many redirects (more than {max_redirects}) fetching {url}"
        ) from None
    except requests.Timeout:
        raise IngestError(f"timed out after {timeout:g} s fetching {url}") from None
    except requests.exceptions.InvalidSchema:
        raise IngestError(
            f"{url} redirects to an unsupported URL scheme: use http or https"
        ) from None
    except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema):
        raise IngestError(f"invalid URL {url}") from None
    except requests.ConnectionError as exc:
        raise IngestError(_connection_message(exc, url, timeout)) from None
    except requests.RequestException as exc:
        raise IngestError(f"could not fetch {url}: {exc.__class__.__name__}") from None
    finally:
        session.close()


class _Deadline:
    """Shuts every socket of one fetch when its time is up, whatever the server is sending.

    Shutting a socket wakes a read blocked on it in another thread, so the fetch
    ends at the deadline instead of at the next per-read timeout.
    """

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> bool:
        """Stop the clock; whether the deadline had already passed."""
        self._timer.cancel()
        with self._lock:
            return self.expired

    def track(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed


class _DeadlineAdapter(HTTPAdapter):
    """requests' adapter whose connections report their sockets to a :class:`_Deadline`."""

    def __init__(self, watch: _Deadline) -> None:
        self._pool_classes = _tracking_pools(watch)
        super().__init__()

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._pool_classes

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = self._pool_classes
        return manager


def _tracking_pools(watch: _Deadline) -> dict[str, type[HTTPConnectionPool]]:
    """Connection pool classes whose new sockets are tracked by ``watch``."""

    class TrackedHTTPConnection(HTTPConnection):
        def _new_conn(self) -> socket.socket:
            sock = super()._new_conn()
            watch.track(sock)
            return sock

    class TrackedHTTPSConnection(HTTPSConnection):
        def _new_conn(self) -> socket.socket:
            sock = super()._new_conn()
            watch.track(sock)
            return sock

    class TrackedHTTPPool(HTTPConnectionPool):
        ConnectionCls = TrackedHTTPConnection

    class TrackedHTTPSPool(HTTPSConnectionPool):
        ConnectionCls = TrackedHTTPSConnection

    return {"http": TrackedHTTPPool, "https": TrackedHTTPSPool}


def _read_limited(response: requests.Response, max_bytes: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise IngestError(_too_large(max_bytes, response.url))
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(max_bytes: int, url: str) -> str:
    return f"page is larger than the {max_bytes:,} byte limit: {url}"


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "error"


def _connection_message(exc: requests.ConnectionError, url: str, timeout: float) -> str:
    chain = _causes(exc)
    text = " ".join(str(e) for e in chain).lower()
    if any("timeout" in type(e).__name__.lower() for e in chain) or "timed out" in text:
        return f"timed out after {timeout:g} s fetching {url}"
    host = urlsplit(url).hostname or url
    if any(isinstance(e, ConnectionRefusedError) for e in chain) or "refused" in text:
        return f"could not connect to {host}: connection refused ({url})"
    if (
        "name or service not known" in text
        or "nodename nor servname" in text
        or "getaddrinfo" in text
    ):
        return f"could not resolve host {host} ({url})"
    return f"could not connect to {host} ({url})"


def _causes(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    stack: list[BaseException] = [exc]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.append(current)
        stack.extend(a for a in getattr(current, "args", ()) if isinstance(a, BaseException))
        for linked in (current.__cause__, current.__context__, getattr(current, "reason", None)):
            if isinstance(linked, BaseException):
                stack.append(linked)
    return seen


def _parse_content_type(header: str) -> tuple[str, str | None]:
    media_type, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'")
    return media_type.strip().lower(), charset


def sniff_content_type(content: bytes) -> str:
    """Guess a media type for a body sent without one: HTML, a feed, or plain text."""
    head = content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head or b"<p>" in head:
        return "text/html"
    if head.startswith(b"<?xml") or head.startswith((b"<rss", b"<feed")):
        return "application/xml"
    if b"\x00" in content[:2048]:
        return "application/octet-stream"
    return "text/plain"


# --------------------------------------------------------------------------- charsets


def detect_encoding(content: bytes, declared: str | None = None, *, markup: bool = False) -> str:
    """The encoding to decode a body with.

    A byte order mark wins, then the charset from the HTTP header, then the
    document's own ``<meta charset>`` (or XML declaration), then UTF-8 when the
    bytes are valid UTF-8, then charset_normalizer's guess. A declared encoding
    that cannot decode the bytes is skipped.
    """
    bom = _bom_encoding(content)
    if bom:
        return bom
    candidates = [declared]
    if markup:
        candidates.extend(_declared_in_document(content))
    named = [name for name in map(_codec_name, candidates) if name]
    for name in named:
        if _decodes(content, name):
            return name
    if _decodes(content, "utf-8"):
        return "utf-8"
    if named:
        return named[0]  # declared but with stray bytes: still the best reading
    from charset_normalizer import from_bytes

    best = from_bytes(content).best()
    if best is not None:
        return _codec_name(best.encoding) or "cp1252"
    return "cp1252"


def declared_document_encoding(content: bytes) -> str | None:
    """The encoding a document names in its ``<meta charset>`` or XML declaration."""
    for candidate in _declared_in_document(content):
        name = _codec_name(candidate)
        if name:
            return name
    return None


def _declared_in_document(content: bytes) -> list[str]:
    head = content[:4096]
    found = [m.decode("ascii", "ignore") for m in _META_CHARSET.findall(head)]
    xml = _XML_ENCODING.match(head)
    if xml:
        found.append(xml.group(1).decode("ascii", "ignore"))
    return found


def _bom_encoding(content: bytes) -> str | None:
    if content.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _codec_name(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    if label in _WINDOWS_1252_ALIASES:
        return "cp1252"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "cp1252" if name in _WINDOWS_1252_ALIASES else name


def _decodes(content: bytes, encoding: str) -> bool:
    try:
        content.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True
