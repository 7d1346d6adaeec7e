"""The language of an article: the declared one when there is one, else detected."""

from __future__ import annotations

import re

_TAG = re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$")
_MIN_LETTERS = 40
_SAMPLE_CHARS = 5000


def normalize_language(tag: str | None) -> str | None:
    """A declared language as a BCP 47 tag: ``en_us`` -> ``en-US``, ``DE`` -> ``de``.

    Returns None for values that are not language tags (``*``, ``x``, empty).
    """
    if not tag:
        return None
    tag = tag.strip().split(",")[0].split(";")[0].strip()
    if not _TAG.match(tag):
        return None
    primary, *rest = re.split(r"[-_]", tag)
    parts = [primary.lower()]
    for part in rest:
        if len(part) == 2:
            parts.append(part.upper())
        elif len(part) == 4:
            parts.append(part.title())
        else:
            parts.append(part.lower())
    return "-".join(parts)


def detect_language(text: str) -> str | None:
    """Guess the language of ``text`` (ISO 639-1, like ``en``) with py3langid.

    Returns None when the text is too short to tell or py3langid is not installed.
    """
    sample = text[:_SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < _MIN_LETTERS:
        return None
    try:
        import py3langid
    except ImportError:  # detection is a best guess; an unknown language is allowed
        return None
    code, _score = py3langid.classify(sample)
    return normalize_language(code)
