"""How titles and headings are shown: ALL-CAPS ones in title case, initialisms kept.

A title set in capitals ("STATE OF THE WORLD") is how a page or a typescript
shouts, not how a player's chapter list or a feed should show it. The
``titlecase`` library (a port of John Gruber's rules: small words, punctuation,
hyphens) does the casing; what it cannot know is which capitalized words are
initialisms, so a list derived from a spelling dictionary (initialisms.txt),
roman numerals in numbering position and words holding digits keep their capitals.
Text that is not all in capitals is the author's choice and is left alone.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

_WORD = re.compile(r"^(?P<lead>\W*)(?P<core>\w+?)(?P<suffix>['’]S|S)?(?P<trail>\W*)$")
_ROMAN = re.compile(r"^M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_WORDS = {"MIX"}  # a canonical roman numeral that is a word


def is_all_caps(text: str) -> bool:
    """Whether every letter of ``text`` is a capital (and it has at least two letters)."""
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def display_title(text: str) -> str:
    """An ALL-CAPS title or heading in title case, keeping initialisms; other text unchanged.

    ``"STATE OF THE WORLD"`` -> ``"State of the World"``;
    ``"NATO AND THE U.S."`` -> ``"NATO and the U.S."``;
    ``"XXI. SUGGESTION IN MUSIC"`` -> ``"XXI. Suggestion in Music"``.
    """
    if not is_all_caps(text):
        return text
    from titlecase import titlecase

    words = text.split()
    before = {word: "" for word in words[:1]}
    for previous, word in zip(words, words[1:]):
        before.setdefault(word, previous)

    def keep_capitals(word: str, **_: object) -> str | None:
        return _kept_capitals(word, before.get(word), first=word == words[0])

    return titlecase(text, callback=keep_capitals)


def _kept_capitals(word: str, before: str | None, *, first: bool) -> str | None:
    """A word of an ALL-CAPS title as it stays when it is an initialism or a numeral, else None."""
    if any(ch.isdigit() for ch in word):
        return word  # HTML5, COVID-19, 4K, MP3
    match = _WORD.match(word)
    if match is None:
        return None
    core, suffix = match["core"], match["suffix"] or ""
    whole = core + suffix
    if whole == "US":
        if before is None or first:  # part of a hyphenated word (EU-US), or the first word
            return word
        return word if re.sub(r"\W", "", before).upper() == "THE" else None  # else "us"
    if whole in initialisms() or (_ROMAN.match(whole) and len(whole) > 1 and whole not in _WORDS):
        return word
    if suffix and core in initialisms():
        return match["lead"] + core + suffix.lower() + match["trail"]  # CPUs, NATO's
    return None


@lru_cache(maxsize=1)
def initialisms() -> frozenset[str]:
    """Capitalized words that are initialisms, not words: NATO, HTML, CPU, NASA."""
    text = resources.files(__package__).joinpath("initialisms.txt").read_text("utf-8")
    return frozenset(
        word for line in text.splitlines() if not line.startswith("#") for word in line.split()
    )
