"""EPUB -> Article: the package document, the navigation document, and XHTML through html.py.

An EPUB is a zip holding a package document (OPF: metadata, manifest, spine)
named by ``META-INF/container.xml``. The navigation document (EPUB 3 ``nav``,
or the EPUB 2 NCX) lists the chapters; each becomes a level 1 section, titled
by its entry there, holding the spine documents from its own up to the next
chapter's. Headings inside a chapter become its level 2 sections. Documents
before the first chapter (cover, title page, contents) are not read. The XHTML
is read by the HTML ingest's reader for markup (html.py ``fallback_events``):
an e-book has no page chrome for an extractor to remove.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import unquote, urldefrag

import lxml.html
from lxml import etree

from ..errors import IngestError
from ..models import Article, Section
from .html import fallback_events
from .language import detect_language, normalize_language
from .markdown import NOTES_TITLE
from .outline import (
    Heading,
    Item,
    build_sections,
    clean_text,
    first_paragraph,
    require_body,
    same_text,
    summarize,
    title_from_source,
)

_NS = {
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
}
_EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
_XHTML_TYPES = ("application/xhtml+xml", "text/html")


@dataclass
class Chapter:
    """A chapter as the navigation document names it: its title and first spine document."""

    title: str
    href: str


def parse_epub(data: bytes, source: str = "") -> Article:
    """Read an EPUB: the book's metadata, and one level 1 section per chapter of its contents."""
    name = source or "the EPUB"
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise IngestError(f"{name} is not a valid EPUB (not a zip archive)") from None
    with archive:
        opf_path = _package_path(archive, name)
        package = _xml(archive, opf_path, name)
        base = posixpath.dirname(opf_path)
        manifest = {
            item.get("id"): item
            for item in package.iterfind("opf:manifest/opf:item", _NS)
            if item.get("id")
        }
        spine = [
            _join(base, manifest[ref.get("idref")].get("href"))
            for ref in package.iterfind("opf:spine/opf:itemref", _NS)
            if ref.get("idref") in manifest
            and manifest[ref.get("idref")].get("media-type") in _XHTML_TYPES
            and ref.get("linear") != "no"
        ]
        chapters = _navigation(archive, package, manifest, base, name) or [
            Chapter(title="", href=path) for path in spine
        ]
        sections = _chapter_sections(archive, spine, chapters)

    metadata = package.find("opf:metadata", _NS)
    title = _dc(metadata, "title") or title_from_source(source) or "Untitled"
    article = Article(title=title, sections=sections, source=source)
    require_body(article)
    creators = [clean_text(e.text or "") for e in metadata.iterfind("dc:creator", _NS)]
    article.author = ", ".join(c for c in creators if c) or None
    article.date = _date(_dc(metadata, "date"))
    description = _dc(metadata, "description")
    if description:
        description = clean_text(lxml.html.fromstring(f"<div>{description}</div>").text_content())
    body = first_paragraph(sections)
    article.description = summarize(description or body) if (description or body) else None
    article.language = normalize_language(_dc(metadata, "language")) or detect_language(
        article.plain_text()
    )
    return article


# --------------------------------------------------------------------------- package


def _package_path(archive: zipfile.ZipFile, name: str) -> str:
    try:
        container = etree.fromstring(archive.read("META-INF/container.xml"))
    except KeyError:
        opf = [n for n in archive.namelist() if n.endswith(".opf")]
        if opf:
            return opf[0]
        raise IngestError(f"{name} is not a valid EPUB (no META-INF/container.xml)") from None
    except etree.XMLSyntaxError as exc:
        raise IngestError(f"{name} is not a valid EPUB (container.xml: {exc})") from None
    rootfile = container.find(".//c:rootfile", _NS)
    if rootfile is None or not rootfile.get("full-path"):
        raise IngestError(f"{name} is not a valid EPUB (container.xml names no package)")
    return rootfile.get("full-path")


def _xml(archive: zipfile.ZipFile, path: str, name: str) -> etree._Element:
    try:
        return etree.fromstring(archive.read(path), etree.XMLParser(recover=True))
    except KeyError:
        raise IngestError(f"{name} is not a valid EPUB ({path} is missing)") from None


def _join(base: str, href: str | None) -> str:
    return posixpath.normpath(posixpath.join(base, unquote(href or "")))


def _dc(metadata: etree._Element | None, tag: str) -> str | None:
    if metadata is None:
        return None
    element = metadata.find(f"dc:{tag}", _NS)
    text = clean_text(element.text or "") if element is not None else ""
    return text or None


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    from dateutil import parser as dateparser

    try:
        return dateparser.parse(value)
    except (ValueError, OverflowError):
        return None


def _navigation(archive, package, manifest, base: str, name: str) -> list[Chapter]:
    """The top-level entries of the EPUB 3 nav document's table of contents, else the NCX's."""
    nav_item = next(
        (i for i in manifest.values() if "nav" in (i.get("properties") or "").split()), None
    )
    if nav_item is not None:
        path = _join(base, nav_item.get("href"))
        tree = _xml(archive, path, name)
        navs = tree.iter("{http://www.w3.org/1999/xhtml}nav")
        toc = next((n for n in navs if n.get(_EPUB_TYPE) == "toc"), None)
        if toc is not None:
            ordered = toc.find("x:ol", _NS)
            if ordered is not None:
                folder = posixpath.dirname(path)
                chapters = []
                for item in ordered.iterfind("x:li", _NS):
                    link = item.find("x:a", _NS)
                    if link is None or not link.get("href"):
                        continue
                    chapters.append(
                        Chapter(
                            clean_text("".join(link.itertext())),
                            _join(folder, urldefrag(link.get("href")).url),
                        )
                    )
                if chapters:
                    return chapters
    toc_id = package.find("opf:spine", _NS)
    ncx_item = manifest.get(toc_id.get("toc")) if toc_id is not None else None
    if ncx_item is None:
        return []
    path = _join(base, ncx_item.get("href"))
    ncx = _xml(archive, path, name)
    folder = posixpath.dirname(path)
    chapters = []
    for point in ncx.iterfind("ncx:navMap/ncx:navPoint", _NS):
        label = point.find("ncx:navLabel/ncx:text", _NS)
        content = point.find("ncx:content", _NS)
        if content is None or not content.get("src"):
            continue
        chapters.append(
            Chapter(
                clean_text(label.text or "") if label is not None else "",
                _join(folder, urldefrag(content.get("src")).url),
            )
        )
    return chapters


# --------------------------------------------------------------------------- chapters


def _chapter_sections(archive, spine: list[str], chapters: list[Chapter]) -> list[Section]:
    """One level 1 section per chapter, from its spine document up to the next chapter's."""
    starts: dict[str, Chapter] = {}
    for chapter in chapters:
        starts.setdefault(chapter.href, chapter)
    sections: list[Section] = []
    current: tuple[Chapter, list] | None = None
    groups: list[tuple[Chapter, list]] = []
    for path in spine:
        if path in starts:
            current = (starts[path], [])
            groups.append(current)
        if current is not None:
            current[1].extend(_document_events(archive, path))
    for chapter, events in groups:
        section = _chapter_section(chapter.title, events)
        if section is not None:
            sections.append(section)
    return sections


def _document_events(archive: zipfile.ZipFile, path: str) -> list:
    try:
        data = archive.read(path)
    except KeyError:
        return []
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True)
    text = re.sub(rb"^\s*<\?xml[^>]*\?>", b"", data)
    try:
        tree = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError):
        return []
    # note references ("12") and page-break markers are not read; the HTML parser keeps
    # the "epub:type" attribute under that literal name
    for node in tree.xpath(
        "//*[@*[name()='epub:type']='noteref' or @role='doc-noteref'"
        " or @*[name()='epub:type']='pagebreak' or @role='doc-pagebreak']"
    ):
        node.drop_tree()
    notes = []
    for node in tree.xpath(
        "//*[@*[name()='epub:type']='footnote' or @*[name()='epub:type']='endnote'"
        " or @*[name()='epub:type']='rearnote' or @role='doc-footnote' or @role='doc-endnote']"
    ):
        text = clean_text(node.text_content())
        if text:
            notes.append(Item("paragraph", text))
        node.drop_tree()
    events = fallback_events(tree)
    if notes:  # read after the chapter's text, as Markdown footnotes are
        levels = [e.level for e in events if isinstance(e, Heading)]
        top = min(levels[1:]) if len(levels) > 1 else (levels[0] + 1 if levels else 1)
        events.append(Heading(NOTES_TITLE, top))
        events.extend(notes)
    return events


def _chapter_section(title: str, events: list) -> Section | None:
    """A chapter as a level 1 section whose own headings become level 2 sections."""
    headings = [e for e in events if isinstance(e, Heading)]
    if headings and (not title or same_text(headings[0].text, title)):
        title = title or headings[0].text
        events = [e for e in events if e is not headings[0]]
    elif headings and events and events[0] is headings[0] and re.fullmatch(
        r"(?i)(?:chapter|part|book)?\s*[\divxlc]+\.?", headings[0].text
    ):
        events = events[1:]  # a bare "Chapter 3" heading under a named contents entry
    if not title:
        title = "Untitled chapter"
    inner = build_sections(events)
    section = Section(title=title, level=1)
    for sub in inner:
        if sub.title is None:
            section.blocks.extend(sub.blocks)
            continue
        child = Section(title=sub.title, level=2, blocks=list(sub.blocks))
        for grandchild in sub.children:  # a third level reads as a paragraph heading
            child.blocks.append(_heading_block(grandchild.title))
            child.blocks.extend(grandchild.blocks)
        section.children.append(child)
    if not section.blocks and not section.children:
        return None
    return section


def _heading_block(title: str | None):
    from ..models import Block

    return Block(kind="paragraph", text=clean_text(title or ""))

