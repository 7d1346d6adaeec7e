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
from .casing import display_title

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
    builder = OutlineBuilder()
    for event in events:
        if isinstance(event, Heading):
            builder.heading(event.text, event.level)
        else:
            builder.block(event.kind, event.text, event.rows)
    return builder.build()


# Conventional names of an article's own top-level parts: a group of chapters
# under a "Part" heading ends before one of these.
TOP_LEVEL_NAMES = {
    "introduction", "overview", "background", "conclusion", "conclusions", "in conclusion",
    "summary", "in summary", "final thoughts", "closing thoughts", "final words", "wrapping up",
    "wrap up", "the bottom line", "bottom line", "key takeaways", "takeaways", "references",
    "sources", "further reading", "resources", "acknowledgements", "acknowledgments",
    "about the author", "faq", "faqs", "frequently asked questions", "notes", "appendix",
    "epilogue", "prologue", "afterword", "in closing", "closing remarks", "concluding remarks",
}  # fmt: skip
_NUMBER_LABELS = {
    "chapter", "part", "book", "section", "act", "canto", "lecture", "letter", "essay",
    "volume", "vol", "no", "number", "lesson", "session", "day", "step", "§",
}  # fmt: skip
_SPELLED_NUMBERS = {
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    "twenty", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
    "ninth", "tenth", "last", "final",
}  # fmt: skip
_WORDS = {"MIX", "DI", "LI", "MI"}  # roman numerals that are words, names or notes
_ROMAN = re.compile(r"^(?=[MDCLXVI])M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_HEADING_NUMBER = re.compile(
    r"^(?:[IVXLCDM]+|\d{1,3}(?:\.\d{1,3})*)[.):]\s+\S|^(?:part|chapter|book|section)\s+\S+[.:]?(?:\s|$)",
    re.IGNORECASE,
)


def top_level_name(title: str) -> bool:
    """Whether a heading is a conventional top-level part: "Conclusion", "Notes", ..."""
    folded = re.sub(r"[^\w:]+", " ", title.casefold()).strip()
    head = folded.split(":")[0].strip()
    return folded in TOP_LEVEL_NAMES or head in TOP_LEVEL_NAMES


def chapter_number(text: str) -> bool:
    """Whether a line is only a chapter number: "XXI", "4.", "Chapter 4", "PART II", "Book One"."""
    words = text.strip().rstrip(".:").split()
    if len(words) == 1:
        number, label = words[0], None
    elif len(words) == 2 and words[0].casefold().rstrip(".") in _NUMBER_LABELS:
        label, number = words
    else:
        return False
    number = number.rstrip(".:")
    if number.isdigit() and len(number) <= 3 or _ROMAN.match(number) and number not in _WORDS:
        return True
    return label is not None and number.casefold() in _SPELLED_NUMBERS


def numbered_title(number: str, title: str) -> str:
    """A chapter number and the title below it as one title: "XXI. Suggestion in Music"."""
    number = number.strip().rstrip(".:")
    return f"{number}: {title}" if len(number.split()) > 1 else f"{number}. {title}"


def numbered_heading(text: str) -> bool:
    """Whether a heading carries its own number: "IV. A Growing Economy", "2. Methods"."""
    return bool(_HEADING_NUMBER.match(text.strip()))


def speaks(block: Block) -> bool:
    """Whether a block gives the listener something: text, a table, a described image, code."""
    if block.kind == "code":
        return bool(block.text.strip())
    return bool(block.text.strip() or any(any(row) for row in block.rows))


def reads_prose(block: Block) -> bool:
    """Whether a block has words of the article's own to say (code is only announced)."""
    return block.kind != "code" and speaks(block)


@dataclass
class _Entry:
    """A heading and the blocks after it, before the tree is built; ``rank`` 1 is highest."""

    title: str
    rank: float
    blocks: list[Block] = field(default_factory=list)
    children: list[_Entry] = field(default_factory=list)

    @property
    def has_own_text(self) -> bool:
        return any(speaks(block) for block in self.blocks)


class OutlineBuilder:
    """Collects headings and blocks in reading order into level 1/2 sections.

    Text before the first heading goes into an untitled level 1 section (the
    lede). A heading's ``level`` is its rank as the source marks it (1 for
    ``#``/``<h1>``, 2 for ``##``...); the top rank used becomes level 1 and deeper
    ones level 2. No section is left with neither text of its own nor children:

    * a chapter-number heading ("XXI", "Chapter 4") directly above a title
      heading becomes part of that title ("XXI. Suggestion in Music");
    * a top heading followed directly by a heading of the same rank is their
      parent: it holds the headings of that rank after it, up to the next such
      parent, a higher heading, or a conventional top-level part ("Conclusion");
    * an empty heading that can hold nothing (before a higher heading, at the
      end, or a level 2 heading before its siblings) is dropped; one whose
      children lie below the two levels a player shows prefixes its first
      child's title ("Bug Fixes: Linux").

    ALL-CAPS headings are shown in title case (see :func:`display_title`).
    """

    def __init__(self) -> None:
        self._lede: list[Block] = []
        self._entries: list[_Entry] = []

    def heading(self, title: str, level: int) -> None:
        title = display_title(clean_text(title))
        if title:
            self._entries.append(_Entry(title=title, rank=max(1, level)))

    def block(self, kind: BlockKind, text: str, rows: list[list[str]] | None = None) -> None:
        if kind == "table":
            rows = [[clean_text(cell) for cell in row] for row in rows or []]
            rows = [row for row in rows if any(row)]
            text = "\n".join(" | ".join(row) for row in rows)
        elif kind != "code":
            text = clean_text(text)
        if not text.strip():
            return
        target = self._entries[-1].blocks if self._entries else self._lede
        target.append(Block(kind=kind, text=text, rows=rows or []))

    def last_block(self) -> Block | None:
        """The block added most recently, if it is the last thing read."""
        blocks = self._entries[-1].blocks if self._entries else self._lede
        return blocks[-1] if blocks else None

    def build(self) -> list[Section]:
        """The finished sections, with no empty chapter and an empty untitled lede left out."""
        entries = _join_chapter_numbers(list(self._entries))
        entries = _group_empty_parents(entries)
        roots = _tree(entries)
        sections = [Section(title=None, level=1, blocks=self._lede)] if self._lede else []
        for root in roots:
            section = Section(title=root.title, level=1, blocks=root.blocks)
            section.children = _level_two(root.children)
            sections.append(section)
        return sections


def _join_chapter_numbers(entries: list[_Entry]) -> list[_Entry]:
    """A bare chapter-number heading and the title heading under it become one heading.

    Only when that title is the one heading of its chapter: a number heading over
    several headings ("Part One" over two chapters) is their parent instead.
    """
    out: list[_Entry] = []
    for i, entry in enumerate(entries):
        previous = out[-1] if out else None
        if (
            previous is not None
            and not previous.has_own_text
            and chapter_number(previous.title)
            and not chapter_number(entry.title)
            and entry.rank >= previous.rank
            and _only_title(entries, i, previous.rank)
        ):
            previous.title = numbered_title(previous.title, entry.title)
            previous.blocks = entry.blocks
            continue
        out.append(entry)
    return out


def _only_title(entries: list[_Entry], i: int, number_rank: float) -> bool:
    """Whether no heading of entries[i]'s rank follows it before the next chapter number."""
    for entry in entries[i + 1 :]:
        if chapter_number(entry.title) or entry.rank <= number_rank:
            return True
        if entry.rank <= entries[i].rank:
            return False
    return True


def _group_empty_parents(entries: list[_Entry]) -> list[_Entry]:
    """Give every empty heading children or remove it (see :class:`OutlineBuilder`)."""
    i = 0
    while i < len(entries):
        entry = entries[i]
        nxt = entries[i + 1] if i + 1 < len(entries) else None
        if entry.has_own_text or (nxt is not None and nxt.rank > entry.rank):
            i += 1
            continue
        if nxt is None or nxt.rank < entry.rank:
            del entries[i]  # nothing to hold: an empty leaf
            i = max(i - 1, 0)  # the heading before may have just lost its only child
            continue
        if any(e.rank < entry.rank for e in entries[:i]):
            del entries[i]  # already a level 2 heading: it cannot hold its siblings
            continue
        if not _adopt_same_rank(entries, i):
            nxt.title = f"{entry.title}: {nxt.title}"  # the next heading is a parent itself
            del entries[i]
            continue
        i += 1
    return entries


def _is_group(entries: list[_Entry], i: int) -> bool:
    nxt = entries[i + 1] if i + 1 < len(entries) else None
    entry = entries[i]
    return not entry.has_own_text and nxt is not None and nxt.rank == entry.rank


def _adopt_same_rank(entries: list[_Entry], i: int) -> bool:
    """Move the same-rank headings after an empty heading one rank down, under it."""
    rank = entries[i].rank
    adopted = False
    for j in range(i + 1, len(entries)):
        entry = entries[j]
        if entry.rank < rank:
            break
        if entry.rank == rank and (
            _is_group(entries, j) or (adopted and top_level_name(entry.title))
        ):
            break
        entry.rank += 0.5
        adopted = True
    return adopted


def _tree(entries: list[_Entry]) -> list[_Entry]:
    """Nest entries by rank: each one under the nearest earlier entry of a higher rank."""
    roots: list[_Entry] = []
    stack: list[_Entry] = []
    for entry in entries:
        entry.children = []
        while stack and stack[-1].rank >= entry.rank:
            stack.pop()
        (stack[-1].children if stack else roots).append(entry)
        stack.append(entry)
    return roots


def _level_two(entries: list[_Entry], prefix: str = "") -> list[Section]:
    """A level 1 section's descendants as its level 2 children, in reading order.

    An empty heading deeper than level 2 prefixes its first child's title, so the
    chapter list keeps what it said without showing a chapter with nothing in it.
    """
    out: list[Section] = []
    for entry in entries:
        title = f"{prefix}: {entry.title}" if prefix else entry.title
        prefix = ""
        if entry.has_own_text or not entry.children:
            out.append(Section(title=title, level=2, blocks=entry.blocks))
            out.extend(_level_two(entry.children))
        else:
            out.extend(_level_two(entry.children, prefix=title))
    return out


def has_body(sections: list[Section]) -> bool:
    """Whether any section holds the article's own words to read (not only code)."""
    return any(reads_prose(block) for s in sections for sub in s.walk() for block in sub.blocks)


def first_paragraph(sections: list[Section]) -> str | None:
    """The first paragraph's text, for a description when the source gives none."""
    for section in sections:
        for sub in section.walk():
            for block in sub.blocks:
                if block.kind == "paragraph" and block.text:
                    return block.text
    return None


def require_body(article: Article) -> Article:
    """Raise IngestError when an article has no sentence of its own to read aloud.

    Headings and code alone would make an episode that reads the title and
    little else.
    """
    if not has_body(article.sections):
        where = f" in {article.source}" if article.source else ""
        raise IngestError(
            f"no article text found{where}: nothing to read besides the title, headings or code"
        )
    return article
