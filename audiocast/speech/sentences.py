"""Sentence splitting (pysbd) and length capping for engines that limit input length.

pysbd is a rule-based splitter ported from the Ruby "pragmatic segmenter": it
knows abbreviations, decimals, initials and quotations in 22 languages and runs
without a model, which suits a batch tool better than a statistical splitter.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pysbd
from pysbd.languages import LANGUAGE_CODES

from .languages import base_language, language_rules

@lru_cache(maxsize=8)
def _segmenter(language: str) -> pysbd.Segmenter:
    code = language if language in LANGUAGE_CODES else "en"
    return pysbd.Segmenter(language=code, clean=False, char_span=True)


def split_sentences(text: str, language: str = "en") -> list[str]:
    """Split a paragraph into sentences, stripped, none empty.

    pysbd's pieces are mended where it is known to split too eagerly: after an
    abbreviation followed by a number ("approx. 5"), and before a piece that
    starts in lower case (a path such as "~/.config"). Mended pieces are cut
    from the original text, so nothing inside a sentence changes.
    """
    text = " ".join(text.split())
    if not text:
        return []
    non_final = language_rules(language).non_final
    spans: list[list[int]] = []
    for span in _segmenter(base_language(language)).segment(text):
        piece = text[span.start:span.end].strip()
        if not piece:
            continue
        if spans:
            previous = text[spans[-1][0]:spans[-1][1]]
            if (non_final is not None and non_final.search(previous)) or piece[0].islower() or not any(ch.isalnum() for ch in piece):
                spans[-1][1] = span.end
                continue
        spans.append([span.start, span.end])
    return [text[start:end].strip() for start, end in spans]


# Break points in order of preference: sentence ends, clause punctuation, commas,
# then before a conjunction. Each pattern matches the space where the text is cut.
_BREAKS = [
    re.compile(r"(?<=[.!?])\s+|(?<=[.!?][\"')\]])\s+"),
    re.compile(r"(?<=[;:])\s+|\s+(?=\()"),
    re.compile(r"(?<=,)\s+"),
    re.compile(
        r"\s+(?=(?:and|but|or|nor|so|yet|because|although|though|while|whereas|which|who|where|when|that|if|unless"
        r"|after|before|since|until|as|with|without|to|for|from|in|on|at|by)\b)",
        re.I,
    ),
    re.compile(r"\s+"),
]


def split_for_engine(text: str, max_chars: int) -> list[str]:
    """Cut ``text`` into pieces of at most ``max_chars`` at natural breaks, never inside a word.

    Prefers sentence ends, then clause punctuation, commas and conjunctions,
    each as late as possible but not so early that a tiny fragment is left.
    Only a single word longer than ``max_chars`` is cut inside itself.
    """
    if max_chars < 1:
        raise ValueError("max_chars must be positive")
    text = " ".join(text.split())
    pieces: list[str] = []
    while len(text) > max_chars:
        cut = _best_cut(text, max_chars)
        head, text = text[: cut[0]].rstrip(), text[cut[1]:].lstrip()
        if head:
            pieces.append(head)
    if text:
        pieces.append(text)
    return pieces


def _best_cut(text: str, max_chars: int) -> tuple[int, int]:
    """(end of the first piece, start of the rest) for the best break within ``max_chars``."""
    window = text[: max_chars + 1]
    shortest = max(1, max_chars // 3)
    for pattern in _BREAKS:
        cuts = [m for m in pattern.finditer(window) if shortest <= m.start() <= max_chars]
        if cuts:
            return cuts[-1].start(), cuts[-1].end()
    spaces = [m for m in _BREAKS[-1].finditer(window) if 0 < m.start() <= max_chars]
    if spaces:
        return spaces[-1].start(), spaces[-1].end()
    return max_chars, max_chars
