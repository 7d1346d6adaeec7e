"""What a language's rule set is made of: normalization rules and the words the pipeline adds.

This module only defines types, so both the registry (languages.py) and each
language's own module (english.py) can import it without importing each other.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

#: One normalization step: written text in, more speakable text out.
Rule = Callable[[str], str]
#: Builds a language's rule list from the user's extra initialisms and acronyms.
RuleFactory = Callable[[tuple[str, ...], tuple[str, ...]], list[Rule]]


@dataclass(frozen=True)
class SpokenWords:
    """The words the pipeline itself puts into a script or its chapters, in one language.

    Templates use ``str.format`` placeholders; numbers in them are written as
    digits and read by the language's own number rules.
    """

    #: Chapter title for an opening that has no heading of its own.
    introduction: str = "Introduction"
    #: Chapter title for a later untitled chapter.
    part: str = "Part {number}"
    #: Said before an image's description or caption.
    image: str = "Image:"
    #: Said before and after a quotation of more than one sentence.
    quote: str = "Quote:"
    end_quote: str = "End quote."
    #: Said in place of a code block.
    code_omitted: str = "A code example is omitted here."
    #: Title of the section that reads the footnotes, and the label of each note.
    notes: str = "Notes"
    note: str = "Note {label}:"
    note_unnumbered: str = "Note:"
    #: Said for a heading that normalizes to nothing.
    next_section: str = "Next section."
    #: Said when an article has no title.
    untitled: str = "Untitled."
    #: Tables: a short summary of a large table, or the rows of a small one.
    rows: tuple[str, str] = ("{count} row", "{count} rows")
    table: str = "A table with {rows}."
    table_comparing: str = "A table with {rows} comparing {columns}."
    table_columns: str = "A table with {rows} and {columns} columns."
    row: str = "Row {number}: {cells}."
    #: Joins the last two items of a spoken list ("a, b and c").
    and_: str = "and"

    def part_title(self, number: int) -> str:
        return self.part.format(number=number)

    def row_count(self, count: int) -> str:
        return self.rows[0 if count == 1 else 1].format(count=count)

    def join(self, items: list[str]) -> str:
        """"a", "b", "c" -> "a, b and c"."""
        items = [i for i in items if i]
        if len(items) <= 1:
            return "".join(items)
        return ", ".join(items[:-1]) + f" {self.and_} " + items[-1]


@dataclass(frozen=True)
class LanguageRules:
    """Everything language-specific the speech stage needs: adding a language is one of these."""

    code: str
    #: The language's own normalization rules, run between the shared ones.
    rules: RuleFactory
    words: SpokenWords = field(default_factory=SpokenWords)
    #: A sentence piece matching this (an abbreviation such as "approx.") never ends a
    #: sentence, even when the splitter thinks it does.
    non_final: re.Pattern[str] | None = None
