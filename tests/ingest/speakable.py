"""The speakable-script property, shared by the ingest tests of every input type."""

from __future__ import annotations

import re

from audiocast.models import Script

DIGITS = re.compile(r"\d")
MARKUP = re.compile(r"[*_#`<>\[\]|{}]")
URL_OR_EMAIL = re.compile(r"https?:|www\.|@|\b[\w-]+\.(?:com|org|net|io|dev|example)\b", re.I)
CAPITALS = re.compile(r"\b[A-Z]{2,}\b")


def assert_speakable(script: Script) -> None:
    """What the engine is given holds no digits, markup, addresses or spelled-out capitals."""
    segments = list(script.segments())
    assert segments
    for segment in segments:
        spoken = segment.spoken
        assert spoken.strip(), segment
        assert not DIGITS.search(spoken), spoken
        assert not MARKUP.search(spoken), spoken
        assert not URL_OR_EMAIL.search(spoken), spoken
        assert not CAPITALS.search(spoken), spoken
        assert ".." not in spoken, spoken
    assert [s.kind for s in segments].count("title") == 1
    assert script.sections[0].title is None and script.sections[0].segments[0].kind == "title"


def spoken_text(script: Script) -> str:
    """Everything the engine says, as one string."""
    return " ".join(s.spoken for s in script.segments())


def written_text(script: Script) -> str:
    """Everything the transcript shows, as one string."""
    return " ".join(s.written for s in script.segments())
