"""One entry point for every kind of source: a file, a URL or standard input."""

from __future__ import annotations

import codecs
import io
import os
import re
import sys
import zipfile
from pathlib import Path
from typing import Literal
from urllib.parse import urljoin

from ..errors import IngestError
from ..models import Article
from .html import parse_html
from .markdown import parse_markdown
from .text import parse_text
from .web import HTML_TYPES, MARKDOWN_TYPES, Page, check_url, declared_document_encoding, fetch

Kind = Literal["html", "markdown", "text", "pdf", "epub", "docx", "email"]
DocumentKind = Literal["pdf", "epub", "docx"]

SUPPORTED_TYPES = (
    "plain text, Markdown (.md, .mdx), HTML, PDF, EPUB, Word (.docx) and e-mail (.eml)"
)
_DOCUMENT_NAMES = {"pdf": "PDF", "epub": "EPUB", "docx": "Word .docx", "email": "e-mail message"}

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_SUFFIXES: dict[str, Kind] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".mdx": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".mkd": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
    ".epub": "epub",
    ".docx": "docx",
    ".eml": "email",
}
_HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|\?xml)", re.I | re.S)
_HTML_TAGS = re.compile(
    r"<(?:body|article|main|div|p|h[1-6])\b[^>]*>.*?</(?:body|article|main|div|p|h[1-6])>",
    re.I | re.S,
)
_HEADER_LINE = re.compile(r"^[A-Za-z][A-Za-z0-9-]*:[ \t]*\S?|^[ \t]+\S")
_MAIL_HEADERS = {
    "from", "to", "subject", "date", "mime-version", "message-id", "received",
    "return-path", "delivered-to", "content-type", "reply-to", "list-unsubscribe",
}  # fmt: skip
_MARKDOWN_SIGNS = (
    re.compile(r"\A(?:---|\+\+\+)[ \t]*\r?\n"),  # front matter
    re.compile(r"^#{1,6}[ \t]+\S", re.M),  # ATX heading
    re.compile(r"^(?:```|~~~)", re.M),  # fenced code
    re.compile(r"\[[^\]\n]+\]\([^)\s]+\)"),  # inline link
    re.compile(r"^\S.*\n(?:=+|-+)[ \t]*$", re.M),  # Setext heading
    re.compile(r"(?:\*\*|__)\S[^*\n]*\S(?:\*\*|__)"),  # strong emphasis
    re.compile(r"^>[ \t]?\S", re.M),  # block quote
)


def load_article(source: str, *, stdin_text: str | bytes | None = None) -> Article:
    """Read an article from a file, an http(s) URL, or ``-`` for stdin.

    Files may be text, Markdown, HTML, PDF, EPUB, Word .docx or an e-mail
    message. The type is read from the content (a PDF or zip signature, mail
    headers, markup), then from the extension or the server's content type.
    """
    source = os.fspath(source)
    if source == "-":
        data = stdin_text if stdin_text is not None else _read_stdin_bytes()
        if isinstance(data, bytes):
            if not data.strip():
                raise IngestError("no article text on standard input")
            document = sniff_document(data)
            if document:
                return parse_document(data, document, source="-")
            text = decode_file(
                data, "standard input",
                markup=sniff_kind(data[:5000].decode("ascii", "ignore")) == "html",
            )
        else:
            text = data
        if not text.strip():
            raise IngestError("no article text on standard input")
        return parse_source_text(text, sniff_kind(text), source="-")
    if _URL.match(source):
        check_url(source)
        return article_from_page(fetch(source), source)
    return _load_file(source)


def parse_source_text(text: str, kind: Kind, source: str = "", url: str | None = None) -> Article:
    """Parse text already read, as HTML, Markdown, an e-mail message or plain text."""
    if kind == "email":
        from .mail import parse_email

        return parse_email(text, source=source)
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


def parse_document(data: bytes, kind: DocumentKind, source: str = "") -> Article:
    """Parse a binary document (PDF, EPUB or Word .docx) into an Article."""
    if kind == "pdf":
        from .pdf import parse_pdf

        return parse_pdf(data, source=source)
    if kind == "epub":
        from .epub import parse_epub

        return parse_epub(data, source=source)
    from .docx import parse_docx

    return parse_docx(data, source=source)


def sniff_document(data: bytes) -> DocumentKind | None:
    """Whether bytes are a PDF, an EPUB or a Word .docx, by their signature and contents."""
    if data[:1024].lstrip().startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        return "pdf"
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype").strip()
                if mimetype == b"application/epub+zip":
                    return "epub"
            if "META-INF/container.xml" in names and any(n.endswith(".opf") for n in names):
                return "epub"
            if "word/document.xml" in names:
                return "docx"
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    return None


def looks_like_email(text: str) -> bool:
    """Whether text opens with an e-mail message's header block (From, Subject, Date...)."""
    head = text.lstrip("\ufeff")[:20000]
    lines = head.splitlines()
    names: set[str] = set()
    for index, line in enumerate(lines):
        if not line.strip():
            break
        if index == 0 and line.startswith("From ") and not line.startswith("From:"):
            continue  # the mbox separator line
        if not _HEADER_LINE.match(line):
            return False
        if not line[:1].isspace():
            names.add(line.split(":", 1)[0].strip().lower())
    else:
        return False
    known = names & _MAIL_HEADERS
    return "from" in known and len(known) >= 3


def sniff_kind(text: str) -> Kind:
    """Whether text reads as an e-mail message, HTML, Markdown, or plain text."""
    head = text[:5000]
    if looks_like_email(text):
        return "email"
    if _HTML_START.match(head):
        return "html"
    if any(sign.search(head) for sign in _MARKDOWN_SIGNS):
        return "markdown"  # Markdown may hold some HTML; HTML rarely looks like Markdown
    if _HTML_TAGS.search(head):
        return "html"
    return "text"


def _read_stdin_bytes() -> str | bytes:
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:
        return sys.stdin.read()
    return buffer.read()


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
    document = sniff_document(data)
    if document:
        return parse_document(data, document, source=source)
    kind = _SUFFIXES.get(path.suffix.lower())
    if kind in ("pdf", "epub", "docx"):
        raise IngestError(
            f"{source} is not a {_DOCUMENT_NAMES[kind]} file (its contents say otherwise)"
        )
    sniffed = sniff_kind(data[:20000].decode("utf-8", "ignore"))
    if kind is None or sniffed == "email":
        kind = sniffed
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
        raise IngestError(
            f"{source} is not a text file or a supported document (it holds binary data); "
            f"audiocast reads {SUPPORTED_TYPES}"
        )
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
