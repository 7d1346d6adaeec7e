"""The language of an article: the declared one when there is one, else detected."""

from __future__ import annotations

from ..languages import normalize_language

__all__ = ["detect_language", "normalize_language"]

_MIN_LETTERS = 40
_SAMPLE_CHARS = 5000


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
