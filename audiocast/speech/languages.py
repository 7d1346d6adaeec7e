"""The registry of language rule sets, by base language code ("en" for "en-GB").

English is built in. A language without a module of its own still has its
numbers read by num2words when num2words knows it, and uses the English
words for what the pipeline adds (those are few, and better than silence).
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..languages import primary_language
from . import english
from .rules import LanguageRules, Rule, RuleFactory, SpokenWords

_LANGUAGES: dict[str, LanguageRules] = {"en": english.LANGUAGE}


@lru_cache(maxsize=64)
def base_language(language: str | None) -> str:
    """``en-US``/``en_GB`` -> ``en``; ``iw`` -> ``he``; empty or unknown -> ``en``."""
    if not language:
        return "en"
    return primary_language(language) or language.replace("_", "-").split("-")[0].lower() or "en"


def register_language(code: str, rules: RuleFactory | LanguageRules, words: SpokenWords | None = None) -> None:
    """Add or replace the rule set for a language code such as ``"de"``.

    ``rules`` is either a whole :class:`LanguageRules` or just its rule factory,
    in which case ``words`` (default: the English ones) says what the pipeline adds.
    """
    code = base_language(code)
    if isinstance(rules, LanguageRules):
        _LANGUAGES[code] = rules
    else:
        _LANGUAGES[code] = LanguageRules(code, rules, words or SpokenWords())


def languages() -> list[str]:
    """Language codes with rule sets of their own."""
    return sorted(_LANGUAGES)


def language_rules(language: str | None) -> LanguageRules:
    """The rule set for ``language`` (any BCP 47 tag); a generic one when it has none."""
    code = base_language(language)
    found = _LANGUAGES.get(code)
    return found if found is not None else _generic(code)


def spoken_words(language: str | None) -> SpokenWords:
    """The words the pipeline adds in ``language``."""
    return language_rules(language).words


_DIGITS = re.compile(r"(?<![\d.,])-?\d+(?:[.,]\d+)?")
_GENERIC: dict[str, LanguageRules] = {}


def _generic(code: str) -> LanguageRules:
    if code not in _GENERIC:
        _GENERIC[code] = LanguageRules(code, lambda initialisms, acronyms: [_generic_numbers(code)])
    return _GENERIC[code]


def _generic_numbers(language: str) -> Rule:
    from num2words import num2words

    def read_numbers(text: str) -> str:
        def say(match: re.Match) -> str:
            token = match.group().replace(",", ".")
            try:
                return " " + num2words(float(token) if "." in token else int(token), lang=language) + " "
            except (NotImplementedError, OverflowError, ValueError):
                return match.group()

        return _DIGITS.sub(say, text)

    return read_numbers
