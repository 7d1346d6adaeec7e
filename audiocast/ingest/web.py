"""Fetching articles over HTTP(S) with requests: limits, redirects and charsets.

Every failure becomes an IngestError with a one-line message that names the URL.
"""

from __future__ import annotations

import codecs
import http
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

from .. import __version__
from ..errors import IngestError

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
    url: str, *, timeout: float = 20, max_bytes: int = 10_000_000, max_redirects: int = 5
) -> Page:
    """Download an article page: HTML, Markdown or plain text, decoded to ``str``.

    ``timeout`` bounds connecting and each wait for data, in seconds; pages larger
    than ``max_bytes`` and chains of more than ``max_redirects`` redirects fail.
    Anything that is not an article (an image, a PDF, a feed) raises IngestError.
    """
    download = download_bytes(
        url,
        timeout=timeout,
        max_bytes=max_bytes,
        max_redirects=max_redirects,
        accept=_ARTICLE_ACCEPT,
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
    url: str, *, timeout: float = 20, max_bytes: int = 10_000_000, max_redirects: int = 5
) -> Download:
    """Download a blog feed's bytes; feedparser reads the encoding from the XML itself."""
    return download_bytes(
        url, timeout=timeout, max_bytes=max_bytes, max_redirects=max_redirects, accept=_FEED_ACCEPT
    )


def download_bytes(
    url: str, *, timeout: float, max_bytes: int, max_redirects: int, accept: str = "*/*"
) -> Download:
    """GET ``url`` with the limits of :func:`fetch`, returning the raw body."""
    check_url(url)
    session = requests.Session()
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
