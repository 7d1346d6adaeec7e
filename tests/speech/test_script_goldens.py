"""Golden scripts for the fixture articles, and the speakability property over every fixture article.

To regenerate after an intended change: ``python -m tests.speech.speech_goldens``
(or ``AUDIOCAST_REGEN_GOLDENS=1 python -m pytest tests/speech``), then read the diff.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from speech_goldens import REGEN_ENV, article_paths, dumps, golden_path, render, write_golden

from audiocast.errors import IngestError
from audiocast.ingest import load_article
from audiocast.speech import build_script

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ARTICLES = article_paths()

# What the acceptance criteria forbid in anything an engine is given.
DIGITS = re.compile(r"\d")
MARKUP = re.compile(r"[*_#`<>\[\]|]")
URL_OR_EMAIL = re.compile(r"https?:|www\.|@|\b[\w-]+\.(?:com|org|net|io|dev|no|pl)\b", re.I)
CAPITALS = re.compile(r"\b[A-Z]{2,}\b")  # an initialism left for the voice to read as a word


def test_every_fixture_has_a_golden():
    assert len(ARTICLES) >= 8
    assert {p.suffix for p in ARTICLES} == {".txt", ".md", ".html"}
    goldens = {p.stem for p in (FIXTURES / "scripts").glob("*.json")}
    assert goldens == {p.stem for p in ARTICLES}


@pytest.mark.parametrize("article", ARTICLES, ids=lambda p: p.name)
def test_script_matches_golden(article):
    if os.environ.get(REGEN_ENV):
        write_golden(article)
    expected = golden_path(article).read_text(encoding="utf-8")
    assert dumps(render(article)) == expected, (
        f"script for {article.name} changed; if intended, run python -m tests.speech.speech_goldens "
        f"{article.stem} and review the diff"
    )


def _all_articles() -> list[Path]:
    extra = sorted(p for p in (FIXTURES / "ingest").glob("*") if p.suffix in (".txt", ".md", ".html"))
    return ARTICLES + extra


@pytest.mark.parametrize("path", _all_articles(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_spoken_text_is_speakable(path):
    try:
        article = load_article(str(path))
    except IngestError as exc:  # a fixture made to test an ingest failure
        pytest.skip(f"not an article: {exc}")
    script = build_script(article)
    segments = list(script.segments())
    assert segments, path.name
    for segment in segments:
        spoken = segment.spoken
        assert spoken.strip(), segment
        assert not DIGITS.search(spoken), spoken
        assert not MARKUP.search(spoken), spoken
        assert not URL_OR_EMAIL.search(spoken), spoken
        assert not CAPITALS.search(spoken), spoken
        assert ".." not in spoken, spoken  # espeak would say "dot" in the next sentence
    assert [s.kind for s in segments].count("title") == 1
    assert script.sections[0].title is None and script.sections[0].segments[0].kind == "title"


def test_goldens_are_valid_json_in_the_cli_shape():
    for article in ARTICLES:
        data = json.loads(golden_path(article).read_text(encoding="utf-8"))
        assert set(data) == {"title", "sections"}
        assert data["sections"][0]["title"] is None
        for section in data["sections"]:
            assert set(section) == {"title", "level", "spoken"} and section["level"] in (1, 2)
