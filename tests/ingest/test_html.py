"""HTML: only the article comes out of a page full of chrome, with its metadata."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from audiocast.errors import IngestError
from audiocast.ingest import parse_html

LIGHTHOUSE_CHROME = [
    "We use cookies",
    "Accept all cookies",
    "Harbour Gazette",
    "Weather and tides",
    "Subscribe today",
    "Share on Facebook",
    "Email this story",
    "Get the Gazette in your inbox",
    "Sign up for our free weekly newsletter",
    "Tags:",
    "Related stories",
    "Harbour wall repairs",
    "3 comments",
    "Seabird42",
    "I remember the old keeper",
    "Most read",
    "Storm warning",
    "Advertisement",
    "All rights reserved",
    "Privacy policy",
    "window.analytics",
    "position:fixed",
]


@pytest.fixture
def lighthouse(fixtures_dir):
    html = (fixtures_dir / "lighthouse.html").read_text(encoding="utf-8")
    return parse_html(html, url="https://gazette.example.org/2024/03/old-lighthouse-saved?ref=home")


def test_page_chrome_is_gone_and_article_text_stays(lighthouse):
    text = lighthouse.plain_text()
    for chrome in LIGHTHOUSE_CHROME:
        assert chrome not in text
    assert "For almost ninety years the lighthouse at Saltcombe Point" in text
    assert "the money from tickets goes into a fund for the next storm." in text


def test_headings_map_h2_to_level_one_and_h3_to_level_two(lighthouse):
    assert lighthouse.title == "How the Old Lighthouse Was Saved"
    assert [(s.level, s.title) for s in lighthouse.walk()] == [
        (1, None),
        (1, "A Board That Had Given Up"),
        (2, "The First Survey"),
        (2, "Money From Unexpected Places"),
        (1, "Lighting the Lamp Again"),
    ]


def test_lists_quotes_tables_and_figures(lighthouse):
    lede, board, lamp = lighthouse.sections
    assert [(b.kind, b.text) for b in lede.blocks[:2]] == [
        ("image", "The lighthouse at dusk with scaffolding around the lamp room"),
        ("caption", "The lamp room under repair in the second winter."),
    ]
    survey, money = board.children
    assert [b.text for b in survey.blocks if b.kind == "list_item"] == [
        "The granite base needed only new mortar.",
        "The iron stair could be rebuilt one flight at a time.",
        "The lantern glass had to be cast again from the original drawings.",
    ]
    assert [b.kind for b in money.blocks] == ["paragraph", "quote"]
    table = next(b for b in lamp.blocks if b.kind == "table")
    assert table.rows == [
        ["Year", "Work done"],
        ["2020", "Survey and clearing"],
        ["2021", "Stair rebuilt"],
        ["2023", "New lantern glass"],
    ]


def test_metadata(lighthouse):
    assert lighthouse.author == "Mara Pellow"
    assert lighthouse.date == datetime(2024, 3, 5, 9, 30, tzinfo=timezone(timedelta(hours=1)))
    assert lighthouse.url == "https://gazette.example.org/2024/03/old-lighthouse-saved"
    assert lighthouse.image == "https://gazette.example.org/media/lighthouse-lead.jpg"
    assert lighthouse.language == "en-GB"
    assert lighthouse.description == (
        "Volunteers spent four winters restoring the lamp room of the Saltcombe lighthouse."
    )


def test_blog_without_semantic_tags_and_h3_sections(fixtures_dir):
    html = (fixtures_dir / "tram-blog.html").read_text(encoding="utf-8")
    article = parse_html(html, url="https://northside.example.com/2023/11/last-tram/")
    assert article.title == "Riding the Last Tram of the Night"
    assert [(s.level, s.title) for s in article.walk()] == [
        (1, None),
        (1, "Who Rides It"),
        (2, "The Driver"),
        (1, "Why It Matters"),
    ]
    text = article.plain_text()
    for chrome in [
        "Log in",
        "About this blog",
        "Share this",
        "Categories",
        "Join 2,000",
        "Leave a Reply",
        "You might also like",
        "uses cookies",
        "Powered by",
    ]:
        assert chrome not in text
    assert article.image == "https://northside.example.com/2023/11/last-tram/images/tram-depot.png"
    assert article.url == "https://northside.example.com/2023/11/last-tram/"
    assert article.date is not None and article.date.date().isoformat() == "2023-11-02"
    assert article.language == "en"  # detected: the page declares none
    image = next(b for b in article.walk() for b in b.blocks if b.kind == "image")
    assert image.text == "An empty tram lit up at a stop in the rain"


def test_short_page_keeps_its_text_without_header_nav_or_footer(fixtures_dir):
    html = (fixtures_dir / "short-page.html").read_text(encoding="utf-8")
    article = parse_html(html, source="short-page.html")
    assert article.title == "Fermeture exceptionnelle"
    assert [(b.kind, b.text) for b in article.sections[0].blocks] == [("paragraph", "Fermé lundi.")]
    assert article.language == "fr"


def test_page_trafilatura_finds_nothing_in_falls_back_to_the_article_element(fixtures_dir):
    html = (fixtures_dir / "photo-of-the-day.html").read_text(encoding="utf-8")
    article = parse_html(html)
    assert article.title == "Photo of the Day: Low Tide"
    assert [(b.kind, b.text) for b in article.sections[0].blocks] == [
        ("image", "Fishing boats resting on the mud at low tide")
    ]


def test_fragment_such_as_feed_content_keeps_its_headings():
    fragment = (
        "<p>Our street library opened in a converted phone box last month, and the shelves "
        "have not been empty since.</p><h2>How It Works</h2><p>Take a book, leave a book, or "
        "simply take one and bring it back when you have finished reading it.</p>"
        "<h3>Rules</h3><ul><li>No magazines</li><li>No textbooks</li></ul>"
    )
    article = parse_html(fragment, url="https://lanes.example.org/library")
    assert [(s.level, s.title) for s in article.walk()] == [
        (1, None),
        (1, "How It Works"),
        (2, "Rules"),
    ]
    assert [b.text for b in article.sections[1].children[0].blocks] == [
        "No magazines",
        "No textbooks",
    ]


def test_fragment_opening_with_a_heading_keeps_it_as_a_section():
    fragment = (
        "<h2>Opening Hours</h2><p>The reading room is open from nine until five on weekdays, "
        "and until noon on Saturdays.</p><h2>Membership</h2><p>Membership is free for anyone "
        "who lives or works in the parish.</p>"
    )
    article = parse_html(fragment)
    assert [(s.level, s.title) for s in article.walk()] == [(1, "Opening Hours"), (1, "Membership")]


def test_page_without_text_is_an_error():
    with pytest.raises(IngestError, match="no article text found in empty.html"):
        parse_html("<html><body><nav><a href='/'>Home</a></nav></body></html>", source="empty.html")


def test_metadata_survives_the_fallback():
    html = (
        "<html lang='en'><head><title>Tide Table</title>"
        "<meta name='author' content='Harbour Office'>"
        "<meta property='article:published_time' content='2024-06-01T06:00:00+00:00'>"
        "<link rel='canonical' href='https://harbour.example.org/tides'></head>"
        "<body><nav><a href='/'>Home</a></nav><article>"
        "<img src='/tides/june.png' alt='Tide heights for June'></article></body></html>"
    )
    article = parse_html(html, url="https://harbour.example.org/tides?print=1")
    assert [(b.kind, b.text) for b in article.sections[0].blocks] == [
        ("image", "Tide heights for June")
    ]
    assert article.author == "Harbour Office"
    assert article.date == datetime(2024, 6, 1, 6, 0, tzinfo=timezone.utc)
    assert article.url == "https://harbour.example.org/tides"
    assert article.image == "https://harbour.example.org/tides/june.png"
