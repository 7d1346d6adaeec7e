"""HTML -> Article: the article body is found by trafilatura, then mapped to sections.

trafilatura removes navigation, headers, footers, sidebars, comments, banners,
share buttons and related links, and returns the body as XML (``<head rend="h2">``,
``<p>``, ``<list>``, ``<quote>``, ``<code>``, ``<table>``, ``<graphic>``), which is
mapped here to headings and blocks. The page's ``<h1>`` is the title (else the
page metadata's title); the top heading level left in the body becomes level 1
and deeper ones level 2, so ``<h2>``/``<h3>`` pages and ``<h3>``/``<h4>`` pages
read alike. When trafilatura finds nothing (a very short page), the text of
``<article>``, ``<main>`` or ``<body>`` is read with page chrome removed.
"""

from __future__ import annotations

import logging
import re
from copy import deepcopy
from datetime import datetime
from html.parser import HTMLParser
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from ..models import Article
from .casing import display_title
from .language import detect_language, normalize_language
from .outline import (
    Event,
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

log = logging.getLogger(__name__)

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_DOCUMENT = re.compile(r"<(?:html|body|head)\b", re.I)
_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
_CHROME = (
    "head", "title", "nav", "header", "footer", "aside", "script", "style", "form", "noscript", "template",
    "button", "svg", "iframe", "select", "input", "textarea", "label", "dialog", "menu",
)  # fmt: skip
_INLINE = {
    "a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "del", "dfn", "em", "font",
    "i", "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup",
    "time", "u", "var", "wbr",
}  # fmt: skip
# Page chrome removed before extraction, so no fallback inside trafilatura can keep it.
# A <header> inside the article or main content holds the title and byline and stays.
# Elements hidden from screen readers (aria-hidden) are decoration, so they go too.
_PRUNE = [
    "//nav", "//footer", "//aside", "//script", "//style", "//noscript", "//template", "//button",
    "//header[not(ancestor::article) and not(ancestor::main)]",
    "//*[@hidden or @aria-hidden='true']",
    "//*[@role='navigation' or @role='banner' or @role='contentinfo' or @role='complementary']",
]  # fmt: skip
_IN_CHROME = (
    "ancestor::nav or ancestor::footer or ancestor::aside or ancestor::button"
    " or ancestor::header[not(ancestor::article) and not(ancestor::main)]"
    " or ancestor-or-self::*[@hidden or @aria-hidden='true']"
)
_HEADING_TAG = re.compile(r"^h([1-6])$")
# Deeper than this, a page's generic containers are unwrapped before parsing: libxml2
# would drop text past its depth limit, and extraction recurses through the tree.
MAX_NESTING = 200
# Tags kept however deep they are: the document's own, those that mark the text's
# paragraphs, headings, lists and tables, and the void ones.
_STRUCTURAL = {
    "html", "head", "body", "title", "script", "style", "template", "p", "pre",
    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
    "table", "thead", "tbody", "tfoot", "tr", "td", "th",
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
}  # fmt: skip
_PERMALINK_MARKS = " ¶#§🔗"


def parse_html(html: str, url: str | None = None, source: str = "") -> Article:
    """Extract the article from a web page (or a fragment of one, such as feed content).

    ``url`` is where the page came from; relative links and images resolve against it.
    """
    html = _XML_DECLARATION.sub("", html, count=1)
    if not _DOCUMENT.search(html[:20000]):
        html = f"<html><body><article>{html}</article></body></html>"
    tree = _load(html)
    base = _base_url(tree, url)
    import trafilatura  # heavy: imported only when a page is extracted

    document = trafilatura.bare_extraction(
        tree,
        url=base,
        with_metadata=True,
        include_comments=False,
        include_formatting=True,
        include_tables=True,
        include_images=True,
        include_links=False,
        date_extraction_params=_date_params(),
        prune_xpath=_PRUNE,
    )
    events: list[Event] = []
    if document is not None and document.body is not None:
        _tei_events(document.body, events, _figure_captions(tree, base))
    if not any(isinstance(e, Item) for e in events):
        events = fallback_events(tree)
    if document is None:  # nothing extracted, but the page's metadata still counts
        document = trafilatura.extract_metadata(tree, default_url=base, date_config=_date_params())

    title, events = _take_title(events, document.title, tree, source)
    sections = build_sections(events)
    article = Article(title=display_title(title), sections=sections, source=source)
    require_body(article)

    article.author = clean_text(document.author) if document.author else None
    article.date = _parse_date(document.date)
    article.description = clean_text(document.description) if document.description else None
    article.image = _absolute(document.image, base)
    canonical = _absolute(document.url, base)
    article.url = canonical if canonical and re.match(r"^https?://", canonical) else url
    article.image = article.image or _first_image(tree, base)
    if not article.description:
        body = first_paragraph(sections)
        article.description = summarize(body) if body else None
    article.language = declared_language(tree) or detect_language(article.plain_text())
    return article


def _date_params() -> dict[str, object]:
    """htmldate settings: the publication date with its time and zone when the page gives them.

    The extensive search through the page text is off: it is slow on long pages
    and its guesses (a year in a sentence) would date episodes wrongly.
    """
    return {
        "outputformat": _DATE_FORMAT,
        "original_date": True,
        "extensive_search": False,
        "max_date": datetime.now().astimezone().strftime("%Y-%m-%d"),
    }


def html_fragment_events(html: str) -> list[Event]:
    """Headings and blocks of a small HTML fragment, such as raw HTML in Markdown."""
    try:
        tree = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    return fallback_events(tree)


def page_language(html: str) -> str | None:
    """The language an HTML page declares, or None when it declares none."""
    return declared_language(_load(_XML_DECLARATION.sub("", html, count=1)))


def declared_language(tree: lxml.html.HtmlElement) -> str | None:
    """The language a page declares: ``<html lang>``, Content-Language or og:locale."""
    root = tree.getroottree().getroot()
    candidates = [
        root.get("lang"),
        root.get("{http://www.w3.org/XML/1998/namespace}lang"),
        root.get("xml:lang"),
    ]
    for meta in root.iter("meta"):
        key = (meta.get("http-equiv") or meta.get("name") or meta.get("property") or "").lower()
        if key in ("content-language", "language", "dc.language", "og:locale"):
            candidates.append(meta.get("content"))
    for candidate in candidates:
        tag = normalize_language(candidate)
        if tag:
            return tag
    return None


# --------------------------------------------------------------------------- page helpers


def _load(html: str) -> lxml.html.HtmlElement:
    """The page as an lxml tree, with no text lost to nesting depth.

    libxml2 stops building the tree at a fixed depth (255 levels, 2,048 with
    ``huge_tree``) and silently drops everything after that point, even later
    shallow paragraphs. A page nested deeper than :data:`MAX_NESTING` has its
    excess containers (``div``, ``span``, ``section``, ``blockquote``...: all but
    paragraphs, headings, lists and tables) unwrapped
    first, which keeps all of its text and its paragraphs.
    """
    tree = _parse(html)
    if _depth(tree) > MAX_NESTING:
        tree = _parse(flatten_deep_nesting(html, MAX_NESTING // 2))
        if _depth(tree) > MAX_NESTING:
            log.warning(
                "the page nests its text more than %d levels deep; text past that depth may "
                "be missing", MAX_NESTING
            )
    return tree


def _parse(html: str) -> lxml.html.HtmlElement:
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True)
    try:
        return lxml.html.document_fromstring(html, parser=parser)
    except (etree.ParserError, ValueError):
        return lxml.html.document_fromstring("<html><body></body></html>")


def _depth(tree: lxml.html.HtmlElement) -> int:
    """How deep the tree's elements nest, counted without recursion."""
    depth = deepest = 0
    for event, _ in etree.iterwalk(tree, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest


class _Flattener(HTMLParser):
    """Re-emits a page unchanged except for containers nested past a limit, which are unwrapped."""

    def __init__(self, limit: int) -> None:
        super().__init__(convert_charrefs=False)
        self.limit = limit
        self.out: list[str] = []
        self.open: list[tuple[str, bool]] = []  # generic containers: (tag, dropped)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        text = self.get_starttag_text() or f"<{tag}>"
        if tag not in _STRUCTURAL:
            dropped = len(self.open) >= self.limit
            self.open.append((tag, dropped))
            if dropped:
                return
        self.out.append(text)

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.out.append(self.get_starttag_text() or f"<{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if tag not in _STRUCTURAL:
            for i in range(len(self.open) - 1, -1, -1):
                if self.open[i][0] == tag:
                    dropped = self.open[i][1]
                    del self.open[i:]
                    if dropped:
                        return
                    break
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def unknown_decl(self, data: str) -> None:
        self.out.append(f"<![{data}]>")


def flatten_deep_nesting(html: str, limit: int) -> str:
    """The page with generic containers nested more than ``limit`` deep unwrapped; text kept."""
    flattener = _Flattener(limit)
    flattener.feed(html)
    flattener.close()
    return "".join(flattener.out)


def _base_url(tree: lxml.html.HtmlElement, url: str | None) -> str | None:
    base = tree.find(".//base[@href]")
    if base is not None:
        return urljoin(url or "", base.get("href")) or url
    return url


def _absolute(src: str | None, base: str | None) -> str | None:
    if not src:
        return None
    src = src.strip()
    return urljoin(base, src) if base else src


def _first_image(tree: lxml.html.HtmlElement, base: str | None) -> str | None:
    for img in tree.iter("img"):
        src = img.get("src") or img.get("data-src")
        if src and not src.startswith("data:"):
            return _absolute(src, base)
    return None


def _figure_captions(tree: lxml.html.HtmlElement, base: str | None) -> dict[str, str]:
    """Figure captions keyed by image source and alt text; trafilatura drops them."""
    captions: dict[str, str] = {}
    for figure in tree.iter("figure"):
        caption = figure.find(".//figcaption")
        if caption is None:
            continue
        text = clean_text(caption.text_content())
        for img in figure.iter("img"):
            for src in (img.get("src"), img.get("data-src")):
                if src:
                    captions[src] = text
                    captions[_absolute(src, base) or src] = text
            if img.get("alt"):
                captions["alt:" + clean_text(img.get("alt"))] = text
    return captions


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.strptime(value, _DATE_FORMAT)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _take_title(
    events: list[Event], meta_title: str | None, tree: lxml.html.HtmlElement, source: str
) -> tuple[str, list[Event]]:
    """The title, and the events without the heading that carried it.

    A fragment (feed content) has no title of its own; trafilatura then names its
    first heading, which stays in the body as a section.
    """
    guessed = False
    h1 = next((e for e in events[:3] if isinstance(e, Heading) and e.level == 1), None)
    if h1 is not None and not any(
        isinstance(e, Item) and e.kind == "paragraph" for e in events[: events.index(h1)]
    ):
        title = h1.text
        events = [e for e in events if e is not h1]
    else:
        page_title = _page_title(tree)
        title = (
            _article_h1(tree)
            or clean_text(meta_title or "")
            or page_title
            or title_from_source(source)
            or "Untitled"
        )
        guessed = page_title is None
    opening = next(
        (e for e in events if not (isinstance(e, Item) and e.kind in ("image", "caption"))), None
    )
    if (
        isinstance(opening, Heading)
        and same_text(opening.text, title)
        and (opening.level == 1 or not guessed)
    ):
        events = [e for e in events if e is not opening]
    return title, events


def _article_h1(tree: lxml.html.HtmlElement) -> str | None:
    """The page's own ``<h1>``: the one in its article or main content, or its only one."""
    outside = f"not({_IN_CHROME})"
    inside = tree.xpath(
        f"//article//h1[{outside}] | //main//h1[{outside}] | //*[@role='main']//h1[{outside}]"
    )
    anywhere = tree.xpath(f"//body//h1[{outside}]")
    for node in inside or (anywhere if len(anywhere) == 1 else []):
        text = _heading_text(_html_text(node))
        if text:
            return text
    return None


def _page_title(tree: lxml.html.HtmlElement) -> str | None:
    for path in ('.//meta[@property="og:title"]', ".//title", ".//h1"):
        node = tree.find(path)
        if node is None:
            continue
        text = clean_text(node.get("content") if node.tag == "meta" else node.text_content())
        if text:
            return text
    return None


# --------------------------------------------------------------------------- trafilatura XML


def _tei_events(element: etree._Element, events: list[Event], captions: dict[str, str]) -> None:
    """Map trafilatura's XML body to headings and blocks."""
    if element.text and element.text.strip():
        events.append(Item("paragraph", element.text))
    for child in element:
        tag = child.tag
        if tag == "head":
            match = re.match(r"h([1-6])", child.get("rend") or "")
            level = int(match.group(1)) if match else 2
            events.append(Heading(_heading_text(_tei_text(child)), level))
        elif tag == "p":
            text = _tei_text(child)
            if text.strip():
                events.append(Item("paragraph", text))
            for graphic in child.iter("graphic"):
                _graphic(graphic, events, captions)
        elif tag == "list":
            _tei_list(child, events)
        elif tag == "quote":
            _tei_quote(child, events)
        elif tag == "code":
            events.append(Item("code", "".join(child.itertext()).strip("\n")))
        elif tag == "table":
            rows = [[_tei_text(cell) for cell in row.iter("cell")] for row in child.iter("row")]
            events.append(Item("table", "", rows))
        elif tag == "graphic":
            _graphic(child, events, captions)
        elif tag == "lb":
            pass
        else:
            _tei_events(child, events, captions)
        if child.tail and child.tail.strip():
            events.append(Item("paragraph", child.tail))


def _tei_text(element: etree._Element) -> str:
    """Text of an element without nested lists and images; line breaks become spaces."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == "lb":
            parts.append(" ")
        elif child.tag not in ("list", "graphic", "table"):
            parts.append(_tei_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _tei_list(element: etree._Element, events: list[Event]) -> None:
    for item in element.iterchildren("item"):
        events.append(Item("list_item", _tei_text(item)))
        for nested in item.iter("list"):
            if next(nested.iterancestors("item"), None) is item:
                _tei_list(nested, events)


def _tei_quote(element: etree._Element, events: list[Event]) -> None:
    texts = [element.text or ""]
    for child in element:
        if child.tag == "p":
            events.append(Item("quote", _tei_text(child)))
        elif child.tag == "code":  # trafilatura files some <pre> blocks under <quote>
            events.append(Item("code", "".join(child.itertext()).strip("\n")))
        elif child.tag == "list":
            _tei_list(child, events)
        else:
            texts.append(_tei_text(child))
        texts.append(child.tail or "")
    rest = clean_text(" ".join(texts))
    if rest:
        events.append(Item("quote", rest))


def _graphic(graphic: etree._Element, events: list[Event], captions: dict[str, str]) -> None:
    alt = clean_text(graphic.get("alt") or "")
    events.append(Item("image", alt))
    caption = (
        captions.get(graphic.get("src") or "") or captions.get("alt:" + alt) or graphic.get("title")
    )
    if caption:
        events.append(Item("caption", caption))


def _heading_text(text: str) -> str:
    return clean_text(text).rstrip(_PERMALINK_MARKS).strip()


# --------------------------------------------------------------------------- plain lxml fallback


def fallback_events(tree: lxml.html.HtmlElement) -> list[Event]:
    """Headings and blocks read straight from the HTML, without page chrome.

    Used when trafilatura finds no article: reads ``<article>``, else ``<main>``,
    else ``<body>``, after dropping nav, header, footer, aside, script, style and forms.
    """
    root = None
    for path in (".//article", ".//main", ".//body"):
        root = tree.find(path)
        if root is not None:
            break
    if root is None:
        root = tree
    root = _copy_without_chrome(root)
    events: list[Event] = []
    _html_events(root, events)
    return events


def _copy_without_chrome(element: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    copy = deepcopy(element)
    for node in list(copy.iter(*_CHROME)):
        if node is not copy:
            node.drop_tree()
    for node in list(copy.xpath(".//*[@hidden or @aria-hidden='true']")):
        node.drop_tree()
    return copy


def _html_events(element: lxml.html.HtmlElement, events: list[Event]) -> None:
    buffer: list[str] = [element.text or ""]

    def flush() -> None:
        text = clean_text("".join(buffer))
        if text:
            events.append(Item("paragraph", text))
        buffer.clear()

    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _INLINE and not _has_blocks(child):
            buffer.append(" " if tag == "br" else _html_text(child))
        elif tag:
            flush()
            _html_block(child, tag, events)
        buffer.append(child.tail or "")
    flush()


def _has_blocks(element: lxml.html.HtmlElement) -> bool:
    return any(
        isinstance(node.tag, str) and node.tag not in _INLINE for node in element.iterdescendants()
    )


def _html_block(element: lxml.html.HtmlElement, tag: str, events: list[Event]) -> None:
    heading = _HEADING_TAG.match(tag)
    if heading:
        events.append(Heading(_heading_text(_html_text(element)), int(heading.group(1))))
    elif tag == "p":
        images = list(element.iter("img"))
        text = _html_text(element)
        if text:
            events.append(Item("paragraph", text))
        for img in images:
            events.append(Item("image", img.get("alt") or ""))
    elif tag in ("ul", "ol"):
        _html_list(element, events)
    elif tag == "blockquote":
        paragraphs = element.findall(".//p")
        for paragraph in paragraphs or [element]:
            events.append(Item("quote", _html_text(paragraph)))
    elif tag == "pre":
        events.append(Item("code", element.text_content().strip("\n")))
    elif tag == "table":
        rows = [
            [_html_text(cell) for cell in row if cell.tag in ("th", "td")]
            for row in element.iter("tr")
        ]
        events.append(Item("table", "", rows))
    elif tag == "img":
        events.append(Item("image", element.get("alt") or ""))
    elif tag == "figcaption":
        events.append(Item("caption", _html_text(element)))
    elif tag in ("hr",):
        pass
    else:
        _html_events(element, events)


def _html_list(element: lxml.html.HtmlElement, events: list[Event]) -> None:
    for item in element.iterchildren("li"):
        nested = [child for child in item if child.tag in ("ul", "ol")]
        parts = [item.text or ""]
        for child in item:
            if child.tag not in ("ul", "ol"):
                parts.append(_html_text(child))
            parts.append(child.tail or "")
        events.append(Item("list_item", "".join(parts)))
        for sub in nested:
            _html_list(sub, events)


def _html_text(element: lxml.html.HtmlElement) -> str:
    parts = [element.text or ""]
    for child in element:
        if child.tag == "br":
            parts.append(" ")
        elif isinstance(child.tag, str) and child.tag not in _CHROME:
            parts.append(
                " " + _html_text(child) + " " if child.tag not in _INLINE else _html_text(child)
            )
        parts.append(child.tail or "")
    return clean_text("".join(parts))
