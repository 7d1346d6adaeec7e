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


# ----------------------------------------------------------------- what a listener must never hear

CLI_OPTION = re.compile(r"(?<![\w-])--[a-z]")
SCALE_WORDS = re.compile(r"(?<!per )\b(?:million|billion|trillion)s?\b")
# what a writer uses for a real quantity of a million or more: a scale word, "5m", "1,200,000", "8000000"
WRITTEN_LARGE = re.compile(
    r"\b(?:million|billion|trillion)s?\b|\d\s?(?:m|mn|bn|b|tn)\b|\d{1,3}(?:,\d{3}){2,}|\b[1-9]\d{3,}000\b", re.I
)
CURRENCY_NAMES = r"(?:dollars?|euros?|pounds?|pence|yen|yuan|francs?|kron[ae]r|krone|krona|zlotys?|rupees?|rubles?)"
CURRENCY_TWICE = re.compile(r"\b" + CURRENCY_NAMES + r"\b\W+(?:\w+\W+){0,2}?" + CURRENCY_NAMES + r"\b")
ALL_CAPS_WORD = re.compile(r"\b[A-Z]{4,}\b")


def _scripts() -> list[tuple[Path, object]]:
    out = []
    for path in _all_articles():
        try:
            out.append((path, build_script(load_article(str(path)))))
        except IngestError:
            continue
    return out


@pytest.fixture(scope="module")
def scripts():
    return _scripts()


def test_no_plain_text_dash_is_read_as_dash_dash(scripts):
    for path, script in scripts:
        for segment in script.segments():
            said = segment.spoken.lower().count("dash dash")
            assert said <= len(CLI_OPTION.findall(segment.written)), (path.name, segment.written, segment.spoken)


def test_no_reference_is_read_as_a_number_of_a_million_or_more(scripts):
    for path, script in scripts:
        for segment in script.segments():
            said, written = SCALE_WORDS.findall(segment.spoken), WRITTEN_LARGE.findall(segment.written)
            assert len(said) <= len(written), (path.name, segment.written, segment.spoken)


def test_no_currency_is_read_twice(scripts):
    from audiocast.speech.english import letters
    from audiocast.speech.english_numbers import _CODES

    spelled_codes = [letters(code) for code in _CODES if code.isupper()]
    for path, script in scripts:
        for segment in script.segments():
            assert not CURRENCY_TWICE.search(segment.spoken), (path.name, segment.spoken)
            assert not any(code in segment.spoken for code in spelled_codes), (path.name, segment.spoken)


def test_no_all_caps_word_is_spelled(scripts):
    from audiocast.speech.english import ACRONYMS, INITIALISMS, letters

    for path, script in scripts:
        for segment in script.segments():
            for word in ALL_CAPS_WORD.findall(segment.written):
                if word in INITIALISMS or word in ACRONYMS or not re.search("[AEIOU]", word):
                    continue
                assert letters(word) not in segment.spoken, (path.name, word, segment.spoken)


def test_no_chapter_is_empty(scripts):
    for path, script in scripts:
        sections = script.sections
        for index, section in enumerate(sections):
            if section.title is None:
                continue
            has_text = any(s.kind != "heading" for s in section.segments)
            has_children = index + 1 < len(sections) and sections[index + 1].level > section.level
            assert has_text or has_children, (path.name, section.title)
