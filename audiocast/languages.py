"""Language tags in one place: BCP 47 and ISO 639 on `langcodes`.

Articles declare languages in every spelling (``en_us``, ``EN``, ``iw``); the feed
wants ISO 639-1 with an optional region, ID3's TLAN wants ISO 639-2, and voices
are matched by their primary language. Each conversion is one function here.
"""

from __future__ import annotations

import re

import langcodes

_FEED_SHAPE = re.compile(r"^([A-Za-z]{2})(?:-([A-Za-z]{2}|[0-9]{3}))?$")


def normalize_language(tag: str | None) -> str | None:
    """A declared language as a standard BCP 47 tag (``en_us`` -> ``en-US``, ``DE`` -> ``de``,
    ``iw`` -> ``he``); None for values that are not a known language (``*``, ``x``, empty).
    An HTTP-style list (``en-US,en;q=0.9``) gives its first entry."""
    if not tag:
        return None
    first = tag.strip().split(",")[0].split(";")[0].strip()
    try:
        standard = langcodes.standardize_tag(first)
    except (ValueError, LookupError):
        return None
    return standard if langcodes.Language.get(standard).is_valid() else None


def primary_language(tag: str | None) -> str:
    """The language without region or script: ``en-US`` -> ``en``; empty when unknown."""
    standard = normalize_language(tag)
    return (langcodes.Language.get(standard).language or "") if standard else ""


def valid_language(code: str | None) -> bool:
    """True for what an RSS ``<language>`` may hold: an ISO 639-1 code with an optional
    region ("en", "en-us", "pt-BR", "es-419")."""
    match = _FEED_SHAPE.match(code or "")
    return bool(match) and langcodes.Language.get(match.group(1).lower(), normalize=False).is_valid()


def iso639_2(tag: str | None) -> str:
    """The three-letter ISO 639-2 (bibliographic) code ID3 wants, or ``XXX`` when unknown."""
    standard = normalize_language(tag)
    if not standard:
        return "XXX"
    try:
        return langcodes.Language.get(standard).to_alpha3(variant="B")
    except LookupError:
        return "XXX"
