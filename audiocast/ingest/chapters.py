"""One article per chapter, for ``convert --split-chapters`` (an e-book as a series of episodes)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ..errors import IngestError
from ..models import Article, Section
from .outline import first_paragraph, summarize

_NUMBERED = re.compile(r"^\s*(?:chapter|part|book|letter|section)?\s*(?:\d+|[ivxlc]+)\b[.:)]?", re.I)


def split_chapters(book: Article) -> list[Article]:
    """Each titled level 1 section of ``book`` as an article of its own, in reading order.

    A chapter's title carries its number ("3. Winter Storms", unless the title
    already starts with one); ``album`` is the book's title, which the episode's
    tags give as its album. Text before the first chapter goes with the first
    chapter. Each chapter's date is the book's plus its number in seconds, so
    podcast apps list the episodes in the book's order. Each chapter's source
    is the book's followed by ``#chapter-N``, so re-converting the book updates
    the same episodes.
    """
    chapters = [s for s in book.sections if s.title]
    if not chapters:
        raise IngestError(f"{book.source or 'the article'} has no chapters to split")
    lede = [block for s in book.sections if not s.title for block in s.blocks]
    base = book.date or datetime.now(timezone.utc)
    source = book.source
    if source and source != "-" and Path(source).exists():
        source = str(Path(source).resolve())
    articles = []
    for number, chapter in enumerate(chapters, start=1):
        sections = [Section(title=None, level=1, blocks=(lede if number == 1 else []) + chapter.blocks)]
        sections += [replace(child, level=1, children=[]) for child in chapter.children]
        sections = [s for s in sections if s.title or s.blocks]
        title = chapter.title if _NUMBERED.match(chapter.title) else f"{number}. {chapter.title}"
        body = first_paragraph(sections)
        articles.append(
            replace(
                book,
                title=title,
                sections=sections,
                source=f"{source or 'stdin'}#chapter-{number}",
                url=f"{book.url}#chapter-{number}" if book.url else None,
                date=base + timedelta(seconds=number),
                description=summarize(body) if body else book.description,
                album=book.title,
            )
        )
    return articles
