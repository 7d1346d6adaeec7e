"""Word .docx -> Article: mammoth turns the document's styles into HTML, read by html.py.

mammoth (BSD, pure Python) maps Word's paragraph styles to semantic HTML
(Heading 1-6 -> ``<h1>``-``<h6>``, list paragraphs -> ``<ul>``/``<ol>``, tables,
footnotes) and ignores direct formatting, which is what reading aloud needs.
Headings become sections as in Markdown (the top level used becomes level 1);
footnotes leave the text and are read at the end under "Notes", as Markdown
footnotes are. The title is the document's Title property, else a paragraph in
the Title style, else the only first-level heading, else the file name.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import lxml.html
from lxml import etree

from ..errors import IngestError
from ..models import Article
from .html import fallback_events
from .language import detect_language, normalize_language
from .markdown import NOTES_TITLE, take_title
from .outline import (
    Heading,
    Item,
    build_sections,
    clean_text,
    first_paragraph,
    require_body,
    summarize,
)

_STYLE_MAP = """
p[style-name='Title'] => h1.document-title:fresh
p[style-name='Subtitle'] => p.document-subtitle:fresh
"""
_CORE = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
}


def parse_docx(data: bytes, source: str = "") -> Article:
    """Read a Word document: its properties, heading sections, lists, tables and footnotes."""
    try:
        import mammoth
    except ImportError:  # pragma: no cover - a core dependency
        raise IngestError("reading .docx needs mammoth: pip install 'mammoth>=1.6'") from None
    name = source or "the Word document"
    try:
        result = mammoth.convert_to_html(io.BytesIO(data), style_map=_STYLE_MAP)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise IngestError(f"cannot read {name} as a Word document: {exc}") from None
    properties = _core_properties(data)
    tree = lxml.html.document_fromstring(f"<html><body>{result.value or '<p></p>'}</body></html>")
    notes = _take_footnotes(tree)
    styled_title = None
    for node in tree.xpath("//h1[contains(@class, 'document-title')]"):
        styled_title = styled_title or clean_text(node.text_content())
        node.drop_tree()
    for node in tree.xpath("//p[contains(@class, 'document-subtitle')]"):
        node.drop_tree()
    events = fallback_events(tree)
    events, title = take_title(events, properties.get("title") or styled_title, source)
    if notes:
        top = min((e.level for e in events if isinstance(e, Heading)), default=1)
        events.append(Heading(NOTES_TITLE, top))
        events.extend(Item("paragraph", note) for note in notes)
    sections = build_sections(events)
    article = Article(title=title or "Untitled", sections=sections, source=source)
    require_body(article)
    article.author = properties.get("creator")
    article.date = _date(properties.get("created") or properties.get("modified"))
    description = properties.get("description")
    body = first_paragraph(sections)
    article.description = summarize(description or body) if (description or body) else None
    article.language = normalize_language(properties.get("language")) or detect_language(
        article.plain_text()
    )
    return article


def _take_footnotes(tree: lxml.html.HtmlElement) -> list[str]:
    """Remove footnote references and the footnote list; return the notes' texts in order."""
    notes: list[str] = []
    for item in tree.xpath("//li[starts-with(@id, 'footnote-') or starts-with(@id, 'endnote-')]"):
        for backlink in item.xpath(".//a[starts-with(@href, '#footnote-ref-') or "
                                   "starts-with(@href, '#endnote-ref-')]"):
            backlink.drop_tree()
        text = clean_text(item.text_content())
        if text:
            notes.append(text)
    for ordered in {li.getparent() for li in tree.xpath("//li[starts-with(@id, 'footnote-') or "
                                                        "starts-with(@id, 'endnote-')]")}:
        ordered.drop_tree()
    for ref in tree.xpath("//sup[a[starts-with(@href, '#footnote-') or "
                          "starts-with(@href, '#endnote-')]]"):
        ref.drop_tree()
    return notes


def _core_properties(data: bytes) -> dict[str, str]:
    """Title, creator, dates and language from docProps/core.xml."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            root = etree.fromstring(archive.read("docProps/core.xml"))
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return {}
    found: dict[str, str] = {}
    for prefix, tag in (("dc", "title"), ("dc", "creator"), ("dc", "description"),
                        ("dc", "language"), ("dcterms", "created"), ("dcterms", "modified")):
        element = root.find(f"{prefix}:{tag}", _CORE)
        text = clean_text(element.text or "") if element is not None else ""
        if text:
            found[tag] = text
    return found


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
