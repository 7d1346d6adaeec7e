"""Written text -> words a voice can say.

Normalization is an ordered list of small, pure ``str -> str`` rules, in the
manner of gTTS's ``tokenizer/pre_processors.py``: each rule does one thing, is
tested on its own with input/expected pairs, and its place in the list is part
of its meaning (money must be read before bare numbers, dates before years).

Every language runs the same text-level rules first (entities, markup, quotes,
spaces) and last (emoji, stray symbols, tidy punctuation). In between come the
language's own rules, looked up in the registry (languages.py) so other
languages can be added with :func:`register_language`. English is built in; a
language without rules of its own still has its numbers read by num2words.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from .languages import _LANGUAGES, base_language, language_rules, languages, register_language
from .rules import LanguageRules, Rule, RuleFactory

__all__ = [
    "BEFORE", "AFTER", "Rule", "RuleFactory", "base_language", "languages", "normalize",
    "register_language", "rules_for", "tidy_written", "_LANGUAGES",
]

#: Characters that must never reach an engine: markup, not speech.
MARKUP_CHARACTERS = "*_#`<>[]|"

# ----------------------------------------------------------------- shared rules

_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<!--.*?-->", re.S)
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\((?:[^()\s]|\([^)]*\))*(?:\s+\"[^\"]*\")?\)")
_FOOTNOTE_MARK = re.compile(
    r"\[\^?\d{1,3}\]|\[\^[\w-]+\]|\[(?:citation needed|note \d+|[a-z])\]|(?:(?<=[.,;:!?)\"'’”])|(?<=[a-z]{4}))[\u00b9\u00b2\u00b3\u2070-\u2079]+(?=\s|$)"
)
_CODE_SPAN = re.compile(r"`+([^`]*)`+")
_EMPHASIS = re.compile(
    r"(?<![\w*])(\*\*|__|\*|_|~~)(?=\S)(.+?)(?<=\S)\1(?![\w*])"
)
_STRAY_EMPHASIS = re.compile(r"(?:(?<=\s)|(?<=^)|(?<=[.!?,;:]))[*_]+(?=\s|$|[.!?,;:])|(?<=\s)[*_]+(?=\w)|(?<=\w)[*_]+(?=\s|$)")
_BLOCK_PREFIX = re.compile(r"^\s*(?:#{1,6}\s+|>\s*|[-*+•]\s+)")


def unescape_html(text: str) -> str:
    """HTML entities to characters; twice, for text escaped twice (``&amp;amp;``)."""
    if "&" not in text:
        return text
    return html.unescape(html.unescape(text))


def strip_markup(text: str) -> str:
    """Remove leftovers of HTML and Markdown: tags, links, emphasis, code ticks, footnote marks."""
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "](" in text:
        text = _MD_IMAGE.sub(r"\1", text)
        text = _MD_LINK.sub(r"\1", text)
    text = _FOOTNOTE_MARK.sub("", text)
    if "`" in text:
        text = _CODE_SPAN.sub(r"\1", text)
    if "*" in text or "_" in text or "~~" in text:
        text = _EMPHASIS.sub(r"\2", text)
        text = _EMPHASIS.sub(r"\2", text)  # nested: ***both*** or **_both_**
        text = _STRAY_EMPHASIS.sub("", text)
    return _BLOCK_PREFIX.sub("", text)


_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"', "\u2039": "'", "\u203a": "'",
})


def plain_quotes(text: str) -> str:
    """Typographic quotes and primes to ASCII quotes."""
    return text.translate(_QUOTES)


_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff\ufe0e\ufe0f]")
_ODD_SPACE = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000\t\r\n\f\v]")


def plain_spaces(text: str) -> str:
    """Non-breaking and other odd spaces to plain spaces; soft hyphens and joiners removed."""
    return _ODD_SPACE.sub(" ", _INVISIBLE.sub("", text))


def drop_emoji(text: str) -> str:
    """Remove emoji and other pictographs; symbols worth saying were read by earlier rules."""
    if text.isascii():
        return text
    return "".join(
        ch for ch in text
        if not (unicodedata.category(ch) in ("So", "Sk", "Cs") or 0x1F000 <= ord(ch) <= 0x1FAFF
                or ch in "\ufe0e\ufe0f\u200d\u20e3")
    )


_LEFTOVER = re.compile(r"[*_#`<>\[\]|{}\\^~]")


def drop_markup_characters(text: str) -> str:
    """Last resort: any markup character still here is silent, never read out."""
    return _LEFTOVER.sub(" ", text)


_SPACES = re.compile(r" {2,}")
_SPACE_BEFORE = re.compile(r"\s+([,.;:!?)])")
_SPACE_AFTER_OPEN = re.compile(r"([(])\s+")
_REPEATED_COMMA = re.compile(r",(?:\s*,)+")
_COMMA_BEFORE_STOP = re.compile(r"[,;:]+\s*([.!?])")
_STOP_BEFORE_COMMA = re.compile(r"([.!?])\s*,")
_LEADING_PUNCT = re.compile(r"^[\s,;:.]+")
_EMPTY_PARENS = re.compile(r"\(\s*[,;:]?\s*\)|\"\s*\"")
_DOUBLE_STOP = re.compile(r"\.{2,}")


def tidy(text: str) -> str:
    """Collapse spaces and the stray punctuation that removed words leave behind."""
    text = _EMPTY_PARENS.sub("", text)
    text = _SPACES.sub(" ", text)
    text = _SPACE_BEFORE.sub(r"\1", text)
    text = _SPACE_AFTER_OPEN.sub(r"\1", text)
    text = _REPEATED_COMMA.sub(",", text)
    text = _COMMA_BEFORE_STOP.sub(r"\1", text)
    text = _STOP_BEFORE_COMMA.sub(r"\1", text)
    text = _DOUBLE_STOP.sub(".", text)
    text = _LEADING_PUNCT.sub("", text)
    return _SPACES.sub(" ", text).strip()


#: Rules every language runs before its own, in this order.
BEFORE: list[Rule] = [unescape_html, strip_markup, plain_quotes, plain_spaces]
#: Rules every language runs after its own, in this order.
AFTER: list[Rule] = [drop_emoji, drop_markup_characters, tidy]


def tidy_written(text: str) -> str:
    """The author's text as a reader should see it: entities decoded, markup and odd spaces gone."""
    for rule in (unescape_html, strip_markup, plain_spaces):
        text = rule(text)
    return _SPACES.sub(" ", text).strip()


# ----------------------------------------------------------------- per language


@lru_cache(maxsize=32)
def _pipeline(language: LanguageRules, initialisms: tuple[str, ...], acronyms: tuple[str, ...]) -> tuple[Rule, ...]:
    return (*BEFORE, *language.rules(initialisms, acronyms), *AFTER)


def rules_for(
    language: str = "en", initialisms: Iterable[str] = (), acronyms: Iterable[str] = ()
) -> list[Rule]:
    """The full ordered rule list used for ``language``."""
    return list(_pipeline(language_rules(language), tuple(initialisms), tuple(acronyms)))


def normalize(
    text: str,
    language: str = "en",
    *,
    initialisms: Iterable[str] = (),
    acronyms: Iterable[str] = (),
) -> str:
    """Turn written text into the words an engine should say.

    ``initialisms`` are extra all-capital words to spell out letter by letter
    (``"RFK"``); ``acronyms`` are extra ones to say as words (``"OPEC"``).
    """
    for rule in _pipeline(language_rules(language), tuple(initialisms), tuple(acronyms)):
        text = rule(text)
    return text
