"""The language of an article: the declared one when there is one, else detected."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..languages import normalize_language

__all__ = ["detect_language", "normalize_language", "release_language_model"]

_MIN_LETTERS = 40
_SAMPLE_CHARS = 5000


def detect_language(text: str) -> str | None:
    """Guess the language of ``text`` (ISO 639-1, like ``en``) with py3langid.

    Returns None when the text is too short to tell or py3langid is not installed.
    """
    sample = text[:_SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < _MIN_LETTERS:
        return None
    remembered = _detected_before(sample)
    if remembered is not None:
        return remembered or None
    try:
        import py3langid
    except ImportError:  # detection is a best guess; an unknown language is allowed
        return None
    code, _score = py3langid.classify(sample)
    language = normalize_language(code)
    _remember_detected(sample, language)
    return language


def release_language_model() -> None:
    """Free the classifier py3langid keeps loaded once it has been used (about 70 MB),
    when no more articles are to be read: a conversion's main process then waits
    beside the synthesis workers, and their memory adds up."""
    import sys

    langid = sys.modules.get("py3langid.langid")
    if langid is not None and getattr(langid, "IDENTIFIER", None) is not None:
        langid.IDENTIFIER = None  # py3langid loads it again if it is asked once more


def _detection_file(sample: str) -> Path:
    """Where the language found for this sample is kept, beside the segment cache:
    loading the classifier costs more (about half a second) than re-converting an
    edited article's changed sentences, and the sample rarely changes with an edit."""
    from ..fsutil import default_cache_dir

    digest = hashlib.sha256(sample.encode()).hexdigest()
    return default_cache_dir() / "languages" / digest[:2] / f"{digest}.lang"


def _detected_before(sample: str) -> str | None:
    """The language detected before for this sample ('' for none), or None if unknown."""
    try:
        return _detection_file(sample).read_text(encoding="ascii").strip()
    except (OSError, ValueError):
        return None


def _remember_detected(sample: str, language: str | None) -> None:
    from ..fsutil import atomic_write_text

    try:
        atomic_write_text(_detection_file(sample), language or "")
    except OSError:  # a read-only cache only costs the next run the detection
        pass
