"""Building an Article's section tree, shared by the text, Markdown and HTML parsers.

Every parser reports what it reads in order (a heading with its level, or a
block) and :class:`OutlineBuilder` turns that stream into the two-level section
tree the later stages expect.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath

from ..errors import IngestError
from ..models import Article, Block, BlockKind, Section

_SPACES = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.)\]])")


def clean_text(text: str) -> str:
    """Collapse runs of whitespace (including line breaks) into single spaces."""
    text = _SPACES.sub(" ", text.replace("\u00ad", "").replace("\u200b", "")).strip()
    return _SPACE_BEFORE_PUNCT.sub(r"\1", text)


def same_text(a: str | None, b: str | None) -> bool:
    """Whether two titles say the same thing, ignoring case, spacing and punctuation."""
    if not a or not b:
        return False
    return _fold(a) == _fold(b)


def _fold(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.casefold()).strip()


def summarize(text: str, limit: int = 300) -> str:
    """Cut text to at most ``limit`` characters at a word boundary, for descriptions."""
    text = clean_text(text)
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:-–— ")
    return cut + "…"


def title_from_source(source: str) -> str | None:
    """A readable title from a file name: ``my-first_post.md`` -> ``My first post``."""
    if not source or source == "-":
        return None
    stem = PurePath(source.rstrip("/").split("?")[0]).stem
    words = clean_text(re.sub(r"[-_.]+", " ", stem))
    return words[:1].upper() + words[1:] if words else None


@dataclass
class Heading:
    """A heading as the source marks it: ``level`` is 1 for ``#``/``<h1>``, 2 for ``##``..."""

    text: str
    level: int


@dataclass
class Item:
    """A block of body text as the source marks it."""

    kind: BlockKind
    text: str
    rows: list[list[str]] = field(default_factory=list)


Event = Heading | Item


def build_sections(events: list[Event]) -> list[Section]:
    """Sections from headings and blocks in reading order.

    The top heading level used becomes level 1 and every deeper level becomes
    level 2, so a document whose sections are ``##`` (or ``<h2>``) and whose
    subsections are ``###`` and below maps the same as one that starts at ``#``.
    """
    levels = [e.level for e in events if isinstance(e, Heading)]
    top = min(levels, default=1)
    builder = OutlineBuilder()
    for event in events:
        if isinstance(event, Heading):
            builder.heading(event.text, 1 if event.level <= top else 2)
        else:
            builder.block(event.kind, event.text, event.rows)
    return builder.build()


class OutlineBuilder:
    """Collects headings and blocks in reading order into level 1/2 sections.

    Text before the first heading goes into an untitled level 1 section (the
    lede). A level 2 heading with no titled level 1 section before it becomes
    level 1, so no section hangs under the untitled lede.
    """

    def __init__(self) -> None:
        self.sections: list[Section] = []
        self._parent: Section | None = None
        self._current: Section | None = None

    def heading(self, title: str, level: int) -> None:
        title = clean_text(title)
        if not title:
            return
        level = 1 if level <= 1 else 2
        if level == 2 and self._parent is not None and self._parent.title is not None:
            section = Section(title=title, level=2)
            self._parent.children.append(section)
        else:
            section = Section(title=title, level=1)
            self.sections.append(section)
            self._parent = section
        self._current = section

    def block(self, kind: BlockKind, text: str, rows: list[list[str]] | None = None) -> None:
        if kind == "table":
            rows = [[clean_text(cell) for cell in row] for row in rows or []]
            rows = [row for row in rows if any(row)]
            text = "\n".join(" | ".join(row) for row in rows)
        elif kind != "code":
            text = clean_text(text)
        if not text.strip():
            return
        self._section().blocks.append(Block(kind=kind, text=text, rows=rows or []))

    def last_block(self) -> Block | None:
        """The block added most recently, if it is the last thing read."""
        section = self._current
        return section.blocks[-1] if section is not None and section.blocks else None

    def _section(self) -> Section:
        if self._current is None:
            self._current = Section(title=None, level=1)
            self.sections.append(self._current)
            self._parent = self._current
        return self._current

    def build(self) -> list[Section]:
        """The finished sections; an empty untitled lede is left out."""
        return [s for s in self.sections if s.title is not None or s.blocks or s.children]


def has_body(sections: list[Section]) -> bool:
    """Whether any section holds readable text."""
    return any(
        block.text or block.rows for s in sections for sub in s.walk() for block in sub.blocks
    )


def first_paragraph(sections: list[Section]) -> str | None:
    """The first paragraph's text, for a description when the source gives none."""
    for section in sections:
        for sub in section.walk():
            for block in sub.blocks:
                if block.kind == "paragraph" and block.text:
                    return block.text
    return None


def require_body(article: Article) -> Article:
    """Raise IngestError when an article has no text to read aloud."""
    if not has_body(article.sections):
        where = f" in {article.source}" if article.source else ""
        raise IngestError(f"no article text found{where}")
    return article
