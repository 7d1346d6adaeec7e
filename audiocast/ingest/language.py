"""The language of an article: the declared one when there is one, else detected."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

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


def _detection_file(sample: str) -> Path:
    """Where the language found for this sample is kept, beside the segment cache:
    loading the classifier costs more (about half a second) than re-converting an
    edited article's changed sentences, and the sample rarely changes with an edit."""
    from ..synth import default_cache_dir

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
