"""Plain text -> Article, with headings inferred from the shape of the lines.

Plain text has no markup, so structure is read from line shapes:

* The first line is the title; the same line repeated just below it is dropped.
* A short line (at most 12 words and 100 characters) that starts with a capital
  or a digit and does not end in sentence punctuation (``. ! ? : ; ,``), followed
  by body text, is a heading. A line in ALL CAPS may also end in a colon.
* A heading followed directly by another heading is the parent (level 1) of that
  one (level 2). Once such a parent exists, later lone headings are level 2
  under it, except conventional top-level names ("Conclusion", "Summary", ...).
  Without any parent/child pair every heading is level 1. When some headings are
  in ALL CAPS and others are not, the ALL CAPS ones are level 1.
* Three or more short lines in a row are not headings (an address, a poem, a
  table of contents), nor is a short line at the very end.
* Lines starting with ``-``, ``*``, ``•`` or ``1.`` are list items. A lone
  numbered line between paragraphs (``2. Methods``) is a numbered heading.
* Text hard-wrapped at a fixed width is unwrapped into paragraphs; otherwise each
  line (or each blank-line separated block) is a paragraph.
* ``# Heading`` lines and Setext underlines (``===``, ``---``) are honoured, and
  a ``By Name`` byline or a date line just under the title becomes metadata.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from ..models import Article
from .casing import display_title, is_all_caps
from .language import detect_language
from .outline import (
    OutlineBuilder,
    chapter_number,
    clean_text,
    first_paragraph,
    numbered_heading,
    numbered_title,
    require_body,
    same_text,
    summarize,
    title_from_source,
    top_level_name,
)

_BULLET = re.compile(r"^\s*[-*•‣◦▪+]\s+(\S.*)$")
_NUMBERED = re.compile(r"^\s*\(?\d{1,3}[.)]\s+(\S.*)$")
_ATX = re.compile(r"^(#{1,6})\s+(.+?)(?:\s+#+)?\s*$")
_UNDERLINE = re.compile(r"^\s*(=+|-+)\s*$")
_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_BYLINE = re.compile(
    r"^by\s+(?P<name>[^|·•,]+?)(?:\s*(?:[|·•,–—-]|\bon\b)\s*(?P<date>.+))?$", re.IGNORECASE
)
_DATE_PREFIX = re.compile(r"^(?:published|posted|updated|date)\s*(?::|on)?\s*", re.IGNORECASE)
_YEAR = re.compile(r"\b(1[89]|20)\d\d\b")
_MONTH_OR_NUMERIC = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}",
    re.IGNORECASE,
)
_NAME_PARTICLES = {
    "de",
    "da",
    "di",
    "du",
    "del",
    "der",
    "den",
    "van",
    "von",
    "la",
    "le",
    "and",
    "&",
}
_CLOSERS = "\"'”’»)]*_ "
_SENTENCE_END = ".!?;,…"

MAX_HEADING_WORDS = 12
MAX_HEADING_CHARS = 100


@dataclass
class _Unit:
    """A paragraph-sized piece of the text before it is classified."""

    text: str
    list_item: bool = False
    numbered: bool = False
    level: int | None = None  # set for headings the text marks explicitly
    raw: str = ""  # a list item's line with its marker
    role: str = "paragraph"  # paragraph | list_item | heading
    chapter: bool = False  # a chapter-number line joined to the title line below it


def parse_text(text: str, source: str = "") -> Article:
    """Read a plain-text article, inferring its title, headings and lists."""
    units = _join_chapter_numbers(_units(text))
    title = _take_title(units) or title_from_source(source)
    author, date = _take_byline(units)
    if title is None and units:
        title = summarize(units[0].text, 80)
    _classify(units)
    builder = OutlineBuilder()
    for unit in units:
        if unit.role == "heading":
            builder.heading(unit.text, unit.level or 1)
        else:
            builder.block("list_item" if unit.role == "list_item" else "paragraph", unit.text)
    sections = builder.build()
    article = Article(
        title=display_title(title) if title else "Untitled",
        sections=sections,
        source=source,
        author=author,
        date=date,
    )
    require_body(article)
    body = first_paragraph(sections)
    article.description = summarize(body) if body else None
    article.language = detect_language(article.plain_text())
    return article


# --------------------------------------------------------------------------- units


def _units(text: str) -> list[_Unit]:
    """Split text into paragraph-sized units, unwrapping hard-wrapped lines."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").expandtabs(4)
    blocks: list[list[str]] = [[]]
    for line in text.split("\n"):
        if line.strip():
            blocks[-1].append(line.rstrip())
        elif blocks[-1]:
            blocks.append([])
    blocks = [b for b in blocks if b]
    width = _wrap_width(blocks)
    units: list[_Unit] = []
    for block in blocks:
        units.extend(_block_units(block, width))
    return [u for u in units if u.text]


def _wrap_width(blocks: list[list[str]]) -> int | None:
    """The column a hard-wrapped text breaks at, or None when lines are not wrapped."""
    wrapped = [
        len(line.strip())
        for block in blocks
        for line, nxt in zip(block, block[1:], strict=False)
        if len(line.strip()) >= 30
        and not _ends_sentence(line)
        and nxt.strip()[:1].islower()
        and not _is_list_line(nxt)
    ]
    long_lines = sum(1 for block in blocks for line in block[:-1] if len(line.strip()) >= 30)
    if not wrapped or len(wrapped) < 0.1 * long_lines:
        return None
    return max(wrapped)


def _block_units(lines: list[str], width: int | None) -> list[_Unit]:
    units: list[_Unit] = []
    current: _Unit | None = None
    i = 0
    while i < len(lines):
        raw = lines[i]
        line = raw.strip()
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        i += 1
        if _RULE.match(line) or _UNDERLINE.match(line):
            current = None
            continue
        underline = _UNDERLINE.match(nxt)
        if (
            underline
            and len(line) <= MAX_HEADING_CHARS
            and not _is_list_line(raw)
            and (nxt.startswith("=") or not _ends_sentence(line))
        ):
            units.append(_Unit(line, level=1 if nxt.startswith("=") else 2))
            current = None
            i += 1
            continue
        atx = _ATX.match(line)
        if atx:
            units.append(_Unit(atx.group(2).strip(), level=max(1, len(atx.group(1)) - 1)))
            current = None
            continue
        item = _BULLET.match(raw) or _NUMBERED.match(raw)
        if item:
            numbered = not _BULLET.match(raw)
            current = _Unit(item.group(1), list_item=True, numbered=numbered, raw=line)
            units.append(current)
        elif current is not None and _continues(lines[i - 2], raw, current, width):
            current.text = f"{current.text} {line}"
        else:
            current = _Unit(line)
            units.append(current)
    for unit in units:
        unit.text = clean_text(unit.text)
    return units


def _join_chapter_numbers(units: list[_Unit]) -> list[_Unit]:
    """A chapter-number line ("XXI", "Chapter 4") and the title line under it become one.

    The title line is the title; the number prefixes it: "XXI. Suggestion in Music".
    A number line with more than one heading before the next number line ("PART
    ONE" over two sections) stays a heading of its own: the parent of those.
    """
    out: list[_Unit] = []
    for i, unit in enumerate(units):
        previous = out[-1] if out else None
        if (
            previous is not None
            and not previous.list_item
            and not previous.chapter
            and chapter_number(previous.text)
            and _titles_one_chapter(units, i)
        ):
            previous.text = numbered_title(display_title(previous.text), display_title(unit.text))
            previous.level = unit.level if previous.level is None else previous.level
            previous.chapter = True
            continue
        out.append(unit)
    return out


def _heading_line(unit: _Unit) -> bool:
    return not unit.list_item and (unit.level is not None or heading_shaped(unit.text))


def _titles_one_chapter(units: list[_Unit], i: int) -> bool:
    """Whether units[i], just under a number line, is a title line and the only heading
    before the next number line."""
    if not _heading_line(units[i]) or chapter_number(units[i].text):
        return False
    for unit in units[i + 1 :]:
        if chapter_number(unit.text):
            return True
        if _heading_line(unit) and len(unit.text.split()) <= 8:
            return False
    return True


def _continues(prev: str, raw: str, current: _Unit, width: int | None) -> bool:
    """Whether ``raw`` carries on the unit above instead of starting a new one."""
    line, prev = raw.strip(), prev.strip()
    if current.list_item and raw[:1].isspace():
        return True
    if width is None:
        return False
    first_word = line.split()[0]
    if len(prev) + 1 + len(first_word) > width:
        return True  # the word did not fit on the line above: a soft wrap
    return line[:1].islower() and not _ends_sentence(prev)


def _is_list_line(line: str) -> bool:
    return bool(_BULLET.match(line) or _NUMBERED.match(line))


def _ends_sentence(line: str) -> bool:
    end = line.rstrip(_CLOSERS)
    return bool(end) and end[-1] in _SENTENCE_END + ":"


# --------------------------------------------------------------------------- title and byline


def _take_title(units: list[_Unit]) -> str | None:
    """Remove and return the first line when it looks like a title."""
    if not units:
        return None
    first = units[0]
    end = first.text.rstrip(_CLOSERS)
    if first.list_item or len(first.text) > 150 or len(first.text.split()) > 25:
        return None
    if not end or end[-1] in ".,;:":
        return None
    units.pop(0)
    while units and same_text(units[0].text, first.text):
        units.pop(0)
    return first.text


def _take_byline(units: list[_Unit]) -> tuple[str | None, datetime | None]:
    """Remove a ``By Name`` line and a date line from just under the title."""
    author: str | None = None
    date: datetime | None = None
    for _ in range(2):
        if not units or len(units[0].text) > 80 or units[0].list_item:
            break
        text = units[0].text
        byline = _BYLINE.match(text)
        if author is None and byline and _looks_like_name(byline.group("name")):
            author = byline.group("name").strip()
            if byline.group("date"):
                date = date or _parse_date(byline.group("date"))
            units.pop(0)
            continue
        parsed = _parse_date(text) if date is None else None
        if parsed is None:
            break
        date = parsed
        units.pop(0)
    return author, date


def _looks_like_name(text: str) -> bool:
    """``Ellen Tregarthen`` or ``Anna de Vries``, not ``the time we arrived``."""
    words = text.split()
    if not words or len(words) > 6 or not words[0][:1].isupper():
        return False
    return all(w[:1].isupper() or w.lower() in _NAME_PARTICLES for w in words)


def _parse_date(text: str) -> datetime | None:
    """A date line like ``March 5, 2024`` or ``Published: 2024-03-05``, else None."""
    from dateutil import parser as dateparser

    text = _DATE_PREFIX.sub("", text.strip())
    if len(text.split()) > 7 or not _YEAR.search(text) or not _MONTH_OR_NUMERIC.search(text):
        return None
    try:
        return dateparser.parse(text, default=datetime(2000, 1, 1))
    except (ValueError, OverflowError):
        return None


# --------------------------------------------------------------------------- headings


def heading_shaped(text: str) -> bool:
    """Whether a line could be a heading: short, capitalized, no closing punctuation."""
    if not text or len(text) > MAX_HEADING_CHARS:
        return False
    caps = _all_caps(text)
    if len(text.split()) > (MAX_HEADING_WORDS + 3 if caps else MAX_HEADING_WORDS):
        return False
    end = text.rstrip(_CLOSERS)
    if not end or end[-1] in _SENTENCE_END or (end[-1] == ":" and not caps):
        return False
    start = text.lstrip("\"'“‘«([")
    if not start or not (start[0].isupper() or start[0].isdigit()):
        return False
    return any(ch.isalpha() for ch in text)


def _caps_heading(text: str) -> bool:
    """An ALL CAPS heading, not just an acronym such as FAQ or NASA."""
    return _all_caps(text) and (len(text.split()) > 1 or sum(ch.isalpha() for ch in text) >= 5)


_all_caps = is_all_caps


def _classify(units: list[_Unit]) -> None:
    """Decide which units are headings, list items and paragraphs, and heading levels."""
    candidate = [False] * len(units)
    for i, unit in enumerate(units):
        if unit.level is not None:
            unit.role = "heading"
        elif unit.list_item:
            unit.role = "list_item"
            if unit.numbered and _lone_numbered_heading(units, i):
                candidate[i] = True
        elif heading_shaped(unit.text):
            candidate[i] = True

    runs: dict[int, list[int]] = {}
    i = 0
    while i < len(units):
        if not candidate[i]:
            i += 1
            continue
        run = [i]
        while run[-1] + 1 < len(units) and candidate[run[-1] + 1]:
            run.append(run[-1] + 1)
        i = run[-1] + 1
        after = units[i] if i < len(units) else None
        if after is None or after.role == "heading" or len(run) > 2:
            continue  # a heading needs body text after it; longer runs are not headings
        runs[run[0]] = run

    headings = [idx for run in runs.values() for idx in run]
    caps = {idx for idx in headings if _caps_heading(units[idx].text)}
    mixed_caps = bool(caps) and len(caps) < len(headings)
    numbered = {idx for idx in headings if _numbered(units[idx])}
    # Numbered headings ("IV. A Growing Economy") outrank the unnumbered ones after them.
    by_number = len(numbered) >= 2 and len(numbered) < len(headings)
    numbered_seen = False
    has_pairs = any(len(run) == 2 for run in runs.values())
    parent_open = False
    for i, unit in enumerate(units):
        if unit.role == "heading":  # marked in the text itself
            parent_open = parent_open or unit.level == 1
            continue
        run = runs.get(i)
        if run is None:
            continue
        for position, idx in enumerate(run):
            unit = units[idx]
            unit.role = "heading"
            if unit.list_item:
                unit.text = unit.raw
            if _all_caps(unit.text):
                unit.text = unit.text.rstrip(":").strip()
            if by_number:
                numbered_seen = numbered_seen or idx in numbered
                nested = numbered_seen and idx not in numbered and not _top_level_name(unit.text)
                unit.level = 2 if nested else 1
            elif mixed_caps:
                unit.level = 1 if idx in caps else 2
            elif len(run) == 2:
                unit.level = 1 if position == 0 else 2
            elif has_pairs and parent_open and not _top_level_name(unit.text):
                unit.level = 2
            else:
                unit.level = 1
        parent_open = parent_open or len(run) == 2


def _lone_numbered_heading(units: list[_Unit], i: int) -> bool:
    """A numbered line standing alone between paragraphs reads as a numbered heading."""
    before = units[i - 1] if i > 0 else None
    after = units[i + 1] if i + 1 < len(units) else None
    if after is None or after.list_item or (before is not None and before.list_item):
        return False
    return heading_shaped(units[i].text)


_top_level_name = top_level_name


def _numbered(unit: _Unit) -> bool:
    """A heading with its own number: "IV. A Growing Economy", "Chapter 4: ...", "2. Methods"."""
    text = unit.raw if unit.list_item else unit.text
    return unit.chapter or numbered_heading(text)
