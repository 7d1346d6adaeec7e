"""PDF -> Article with pdfminer.six's layout analysis.

pdfminer.six (MIT, pure Python) gives every text line with its position, font
size and font name, which is what reading a PDF aloud needs: reading order
across two-column pages, running headers and footers (text repeated in the
page margins), page numbers, line-end hyphens, and headings recognised by
size and weight. Its document reader also gives the outline (bookmarks) and
the metadata, so no second PDF library is needed.

Headings come from the outline when the PDF has one, else from font size and
weight. The title is the metadata's title when it is a real one, else the
first heading. "Figure 3: ..." and "Table 2. ..." lines are figure captions.
A PDF without a text layer (a scan) is refused: there is no OCR.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from ..errors import IngestError
from ..models import Article
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

_MARGIN = 0.09  # top and bottom share of the page where running headers and footers sit
_PAGE_NUMBER = re.compile(
    r"^(?:page\s+)?(?:\d{1,4}|[ivxlcdm]{1,7})(?:\s*(?:of|/)\s*\d{1,4})?$|^[-–—]\s*\d{1,4}\s*[-–—]$",
    re.I,
)
_CAPTION = re.compile(r"^(?:figure|fig\.|table|chart|plate|illustration|map)\s*\d+[a-z]?\s*[.:—–-]", re.I)
_TERMINAL = re.compile(r"[.!?:;\"”’)\]]$")
_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.I)
_HYPHENATED = re.compile(r"\b([^\W\d_]+)-([^\W\d_]+)\b")
_LIGATURES = re.compile("[\ufb00-\ufb06]")  # ﬁ ﬂ ﬀ ...: typesetting, not spelling
_PLACEHOLDER_TITLE = re.compile(
    r"^(?:untitled|document\d*|microsoft word\b.*|.*\.(?:docx?|pdf|odt|tex|indd|rtf))$", re.I
)


@dataclass
class _Line:
    page: int
    x0: float
    x1: float
    top: float  # distance from the top of the page
    bottom: float
    text: str
    size: float
    bold: bool
    column: str = "full"  # "left", "right" or "full" (spanning the page's middle)


@dataclass
class _Block:
    lines: list[_Line] = field(default_factory=list)
    text: str = ""

    @property
    def size(self) -> float:
        return self.lines[0].size

    @property
    def bold(self) -> bool:
        return all(line.bold for line in self.lines)


def parse_pdf(data: bytes, source: str = "") -> Article:
    """Read a PDF: title, author and date from its metadata, sections from its outline or fonts."""
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFParser, PDFSyntaxError
    from pdfminer.psparser import PSException

    name = source or "the PDF"
    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
        info = _metadata(document)
        outline = _outline(document)
        pages, lines, images = _read_lines(document, LAParams())
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise IngestError(f"{name} is encrypted; save an unprotected copy to read it") from None
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError) as exc:
        raise IngestError(f"cannot read {name} as a PDF: {exc}") from None
    if not any(line.text for line in lines):
        what = "scanned pages" if images else "no text"
        raise IngestError(
            f"{name} has no text layer ({what}); audiocast does not do OCR, so convert it with an "
            f"OCR tool first"
        )
    lines = drop_running_lines(lines, pages)
    blocks = _blocks(_reading_order(lines))
    _join_hyphenated(blocks, lines)
    events = _events(blocks, outline)

    title = info.get("title")
    if title and _PLACEHOLDER_TITLE.match(title):
        title = None
    first_heading = next((e for e in events if isinstance(e, Heading)), None)
    if first_heading is not None and (
        not title or (len(first_heading.text) > 8 and _folded(title).startswith(_folded(first_heading.text)))
    ):
        title = first_heading.text  # "Title | Site" metadata: the printed heading is the title
    if first_heading is not None and same_text(first_heading.text, title):
        events.remove(first_heading)
    title = title or title_from_source(source) or "Untitled"
    sections = build_sections(events)
    article = Article(title=title, sections=sections, source=source)
    require_body(article)
    article.author = info.get("author")
    article.date = _pdf_date(info.get("creationdate") or info.get("moddate"))
    subject = info.get("subject")
    body = first_paragraph(sections)
    article.description = summarize(subject or body) if (subject or body) else None
    article.language = normalize_language(info.get("lang")) or detect_language(article.plain_text())
    return article


# --------------------------------------------------------------------------- document


def _folded(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.casefold()).strip()


def _metadata(document) -> dict[str, str]:
    from pdfminer.pdftypes import resolve1

    found: dict[str, str] = {}
    for info in document.info or []:
        for key, value in (resolve1(info) or {}).items():
            text = _decode(resolve1(value))
            if text:
                found[str(key).lower()] = text
    catalog = resolve1(document.catalog) or {}
    lang = _decode(resolve1(catalog.get("Lang")))
    if lang:
        found["lang"] = lang
    return found


def _decode(value) -> str | None:
    """A PDF text string as str: UTF-16 with a byte order mark, else PDFDocEncoding."""
    if isinstance(value, bytes):
        from pdfminer.utils import decode_text

        value = decode_text(value)
    elif not isinstance(value, str):
        return None
    value = clean_text(value.replace("\x00", ""))
    return value or None


def _outline(document) -> list[tuple[int, str]]:
    """The bookmarks as (level, title), in document order; empty when there are none."""
    from pdfminer.pdfdocument import PDFNoOutlines

    try:
        entries = [(level, _decode(title)) for level, title, *_ in document.get_outlines()]
    except PDFNoOutlines:
        return []
    except Exception:  # a broken outline must not stop the text from being read
        return []
    return [(level, title) for level, title in entries if title]


def _read_lines(document, laparams) -> tuple[int, list[_Line], int]:
    """Every horizontal text line of every page, with its position and font."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LTChar, LTFigure, LTImage, LTTextContainer, LTTextLineHorizontal
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    manager = PDFResourceManager()
    device = PDFPageAggregator(manager, laparams=laparams)
    interpreter = PDFPageInterpreter(manager, device)
    lines: list[_Line] = []
    images = 0
    pages = 0

    def visit(item, page_number: int, height: float) -> None:
        nonlocal images
        if isinstance(item, LTTextLineHorizontal):
            chars = [c for c in item if isinstance(c, LTChar)]
            text = clean_text(_LIGATURES.sub(_unligature, item.get_text()))
            if not chars or not text:
                return
            sizes = Counter(round(c.size * 2) / 2 for c in chars if c.get_text().strip())
            size = sizes.most_common(1)[0][0] if sizes else round(chars[0].size, 1)
            bold = sum(bool(_BOLD.search(c.fontname or "")) for c in chars) > len(chars) / 2
            lines.append(
                _Line(page_number, item.x0, item.x1, height - item.y1, height - item.y0, text,
                      size, bold)
            )
        elif isinstance(item, LTImage):
            images += 1
        elif isinstance(item, (LTTextContainer, LTFigure)):
            for child in item:
                visit(child, page_number, height)

    for page_number, page in enumerate(PDFPage.create_pages(document)):
        interpreter.process_page(page)
        layout = device.get_result()
        pages += 1
        for item in layout:
            visit(item, page_number, layout.height)
        width = layout.width
        for line in lines:
            if line.page == page_number:
                line.column = _column(line, width)
        for line in lines:
            if line.page == page_number:
                line.top, line.bottom = line.top / layout.height, line.bottom / layout.height
    return pages, lines, images


def _unligature(match: re.Match[str]) -> str:
    return unicodedata.normalize("NFKC", match.group(0))


def _column(line: _Line, width: float) -> str:
    middle, slack = width / 2, width * 0.02
    if line.x1 <= middle + slack:
        return "left"
    if line.x0 >= middle - slack:
        return "right"
    return "full"


# --------------------------------------------------------------------------- layout


def _line_key(text: str) -> str:
    return re.sub(r"\d+", "#", text.casefold()).strip()


def drop_running_lines(lines: list[_Line], pages: int) -> list[_Line]:
    """Without page numbers, and without headers and footers repeated in the page margins."""
    in_margin = [line for line in lines if line.top < _MARGIN or line.bottom > 1 - _MARGIN]
    seen: dict[str, set[int]] = {}
    for line in in_margin:
        seen.setdefault(_line_key(line.text), set()).add(line.page)
    repeated = {key for key, on in seen.items() if len(on) >= max(2, pages // 2)}
    kept = []
    for line in lines:
        margin = line.top < _MARGIN or line.bottom > 1 - _MARGIN
        if margin and (_PAGE_NUMBER.match(line.text) or _line_key(line.text) in repeated):
            continue
        kept.append(line)
    return kept


def _reading_order(lines: list[_Line]) -> list[_Line]:
    """Lines in reading order: on two-column pages, the left column before the right one
    within each stretch between lines that span the page (a title, a wide figure)."""
    ordered: list[_Line] = []
    for page in sorted({line.page for line in lines}):
        on_page = sorted((line for line in lines if line.page == page), key=lambda l: (l.top, l.x0))
        two_columns = sum(line.column == "right" for line in on_page) >= 3
        if not two_columns:
            for line in on_page:
                line.column = "full"
            ordered.extend(on_page)
            continue
        band: list[_Line] = []
        for line in on_page:
            if line.column == "full":
                ordered.extend(_columns_first(band))
                band = []
                ordered.append(line)
            else:
                band.append(line)
        ordered.extend(_columns_first(band))
    return ordered


def _columns_first(band: list[_Line]) -> list[_Line]:
    return [l for l in band if l.column == "left"] + [l for l in band if l.column == "right"]


def _blocks(lines: list[_Line]) -> list[_Block]:
    """Lines grouped into paragraphs (and one-block headings) by spacing, indent and font."""
    blocks: list[_Block] = []
    previous: _Line | None = None
    for line in lines:
        if previous is None or _starts_block(previous, line):
            if previous is not None and blocks and _continues(blocks[-1], previous, line):
                blocks[-1].lines.append(line)
            else:
                blocks.append(_Block([line]))
        else:
            blocks[-1].lines.append(line)
        previous = line
    return blocks


def _starts_block(previous: _Line, line: _Line) -> bool:
    if line.page != previous.page or line.column != previous.column:
        return True
    if abs(line.size - previous.size) > 0.4 or line.bold != previous.bold:
        return True
    height = (previous.bottom - previous.top) or 0.01
    gap = line.top - previous.bottom
    if gap > 0.7 * height or gap < -height:
        return True
    return line.x0 - previous.x0 > line.size  # an indented first line opens a paragraph


def _continues(block: _Block, previous: _Line, line: _Line) -> bool:
    """Whether a paragraph cut by a column or page break goes on in the next line."""
    moved = line.page != previous.page or line.column != previous.column
    same_font = abs(line.size - previous.size) <= 0.4 and line.bold == previous.bold
    return (
        moved
        and same_font
        and not _TERMINAL.search(previous.text)
        and (line.text[:1].islower() or previous.text.endswith("-"))
    )


def _join_hyphenated(blocks: list[_Block], lines: list[_Line]) -> None:
    """Each block's text, with words hyphenated across line ends joined.

    A line-end hyphen is kept only where the document also writes the same
    word with a hyphen inside a line ("well-known"), so compounds survive.
    """
    compounds = {
        f"{a}-{b}".casefold() for line in lines for a, b in _HYPHENATED.findall(line.text)
    }
    for block in blocks:
        text = ""
        for line in block.lines:
            part = line.text
            if not text:
                text = part
                continue
            if re.search(r"[^\W\d_]-$", text) and part[:1].isalpha() and part[:1].islower():
                head = re.search(r"([^\W\d_]+)-$", text).group(1)
                tail = re.match(r"[^\W\d_]+", part).group(0)
                if f"{head}-{tail}".casefold() in compounds:
                    text += part
                else:
                    text = text[:-1] + part
            elif text.endswith("\u00ad"):
                text = text[:-1] + part
            else:
                text += " " + part
        block.text = clean_text(text)


def _events(blocks: list[_Block], outline: list[tuple[int, str]]) -> list[Event]:
    """Headings and blocks: headings from the outline, else from larger or bold type."""
    sizes: Counter[float] = Counter()
    for block in blocks:
        for line in block.lines:
            sizes[line.size] += len(line.text)
    body = sizes.most_common(1)[0][0] if sizes else 10.0
    events: list[Event] = []
    if outline:
        pending = list(outline)
        for index, block in enumerate(blocks):
            match = next((entry for entry in pending if same_text(entry[1], block.text)), None)
            if match is not None and len(block.lines) <= 3:
                pending.remove(match)
                events.append(Heading(block.text, match[0]))
            elif index == 0 and block.size > body * 1.3 and len(block.lines) <= 3:
                events.append(Heading(block.text, 0))  # the printed title above the outline
            else:
                events.append(_item(block))
        return events
    candidates = [b for b in blocks if _looks_like_heading(b, body, blocks)]
    ranks = sorted({_heading_rank(b, body) for b in candidates}, reverse=True)
    for block in blocks:
        if block in candidates:
            events.append(Heading(block.text, ranks.index(_heading_rank(block, body)) + 1))
        else:
            events.append(_item(block))
    return events


def _heading_rank(block: _Block, body: float) -> float:
    return block.size + (0.25 if block.bold else 0.0)


def _looks_like_heading(block: _Block, body: float, blocks: list[_Block]) -> bool:
    text = block.text
    if len(block.lines) > 3 or len(text) > 160 or not text[:1].isalnum() and not text[:1] in "“\"'":
        return False
    if _CAPTION.match(text):
        return False
    if block.size >= body * 1.12:
        return not text.endswith((".", ",", ";"))
    return (
        block.bold
        and abs(block.size - body) <= 0.5
        and len(block.lines) == 1
        and len(text) <= 90
        and not _TERMINAL.search(text)
        and block is not blocks[-1]
    )


def _item(block: _Block) -> Item:
    caption = _CAPTION.match(block.text)
    if caption:  # "Figure 2. A hive" is one caption, not a sentence "Figure 2." and another
        label = caption.group(0)[:-1].rstrip()
        return Item("caption", f"{label}: {block.text[caption.end():].strip()}")
    return Item("paragraph", block.text)


def _pdf_date(value: str | None) -> datetime | None:
    """A PDF date string (``D:20240315093000+01'00'``) as a datetime."""
    if not value:
        return None
    match = re.match(r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+-])?(\d{2})?'?(\d{2})?", value)
    if not match:
        return None
    year, month, day, hour, minute, second, sign, tz_hours, tz_minutes = match.groups()
    try:
        stamp = datetime(int(year), int(month or 1), int(day or 1), int(hour or 0),
                         int(minute or 0), int(second or 0))
    except ValueError:
        return None
    if sign in ("+", "-") and tz_hours:
        from datetime import timedelta, timezone

        offset = timedelta(hours=int(tz_hours), minutes=int(tz_minutes or 0))
        return stamp.replace(tzinfo=timezone(offset if sign == "+" else -offset))
    if sign in ("Z", "z"):
        from datetime import timezone

        return stamp.replace(tzinfo=timezone.utc)
    return stamp
