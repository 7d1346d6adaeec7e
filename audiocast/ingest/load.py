"""One entry point for every kind of source: a file, a URL or standard input."""

from __future__ import annotations

import codecs
import os
import re
import sys
from pathlib import Path
from typing import Literal
from urllib.parse import urljoin

from ..errors import IngestError
from ..models import Article
from .html import parse_html
from .markdown import parse_markdown
from .text import parse_text
from .web import HTML_TYPES, MARKDOWN_TYPES, Page, check_url, declared_document_encoding, fetch

Kind = Literal["html", "markdown", "text"]

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_SUFFIXES: dict[str, Kind] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".mkd": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
}
_HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|\?xml)", re.I | re.S)
_HTML_TAGS = re.compile(
    r"<(?:body|article|main|div|p|h[1-6])\b[^>]*>.*?</(?:body|article|main|div|p|h[1-6])>",
    re.I | re.S,
)
_MARKDOWN_SIGNS = (
    re.compile(r"\A(?:---|\+\+\+)[ \t]*\r?\n"),  # front matter
    re.compile(r"^#{1,6}[ \t]+\S", re.M),  # ATX heading
    re.compile(r"^(?:```|~~~)", re.M),  # fenced code
    re.compile(r"\[[^\]\n]+\]\([^)\s]+\)"),  # inline link
    re.compile(r"^\S.*\n(?:=+|-+)[ \t]*$", re.M),  # Setext heading
    re.compile(r"(?:\*\*|__)\S[^*\n]*\S(?:\*\*|__)"),  # strong emphasis
    re.compile(r"^>[ \t]?\S", re.M),  # block quote
)


def load_article(source: str, *, stdin_text: str | None = None) -> Article:
    """Read an article from a path (.txt, .md, .html), an http(s) URL, or ``-`` for stdin.

    The format follows the file's extension, the server's content type, or
    (for stdin and unknown extensions) the text itself.
    """
    source = os.fspath(source)
    if source == "-":
        text = stdin_text if stdin_text is not None else _read_stdin()
        if not text.strip():
            raise IngestError("no article text on standard input")
        return parse_source_text(text, sniff_kind(text), source="-")
    if _URL.match(source):
        check_url(source)
        return article_from_page(fetch(source), source)
    return _load_file(source)


def parse_source_text(text: str, kind: Kind, source: str = "", url: str | None = None) -> Article:
    """Parse text already read, as HTML, Markdown or plain text."""
    if kind == "html":
        return parse_html(text, url=url, source=source)
    if kind == "markdown":
        article = parse_markdown(text, source=source)
        if url and article.image:
            article.image = urljoin(url, article.image)
        return article
    return parse_text(text, source=source)


def article_from_page(page: Page, source: str) -> Article:
    """Parse a fetched page by its content type; the article's URL is canonical or final."""
    if page.content_type in HTML_TYPES:
        kind: Kind = "html"
    elif page.content_type in MARKDOWN_TYPES:
        kind = "markdown"
    else:
        kind = "text"
    article = parse_source_text(page.text, kind, source=source, url=page.final_url)
    article.url = article.url or page.final_url
    return article


def sniff_kind(text: str) -> Kind:
    """Whether text reads as HTML, Markdown, or plain text."""
    head = text[:5000]
    if _HTML_START.match(head):
        return "html"
    if any(sign.search(head) for sign in _MARKDOWN_SIGNS):
        return "markdown"  # Markdown may hold some HTML; HTML rarely looks like Markdown
    if _HTML_TAGS.search(head):
        return "html"
    return "text"


def _read_stdin() -> str:
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:
        return sys.stdin.read()
    data = buffer.read()
    return decode_file(
        data, "standard input", markup=sniff_kind(data[:5000].decode("ascii", "ignore")) == "html"
    )


def _load_file(source: str) -> Article:
    path = Path(source).expanduser()
    if not path.exists():
        raise IngestError(f"no such file: {source}")
    if path.is_dir():
        raise IngestError(f"{source} is a directory, not an article file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read {source}: {exc.strerror or exc}") from None
    if not data.strip():
        raise IngestError(f"{source} is empty")
    kind = _SUFFIXES.get(path.suffix.lower())
    if kind is None:
        kind = sniff_kind(data[:5000].decode("utf-8", "ignore"))
    text = decode_file(data, source, markup=kind == "html")
    return parse_source_text(text, kind, source=source)


def decode_file(data: bytes, source: str, *, markup: bool = False) -> str:
    """Decode a local file: a byte order mark, the HTML's declared charset, or UTF-8.

    Other encodings are not guessed, since a wrong guess reads aloud as nonsense;
    the error says how to fix the file instead.
    """
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                break
    if b"\x00" in data[:8192]:
        raise IngestError(f"{source} is not a text file (it holds binary data)")
    declared = declared_document_encoding(data) if markup else None
    if declared:
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        byte = data[exc.start]
        where = f"byte 0x{byte:02x} at offset {exc.start}"
        raise IngestError(
            f"cannot decode {source}: not UTF-8 ({where}); save it as UTF-8"
        ) from None
