"""Blog feeds: RSS 2.0 and Atom served over HTTP, posts newest first, full text or fetch."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from audiocast.errors import IngestError
from audiocast.ingest import article_from_post, read_blog_feed


@pytest.fixture
def rss(site):
    site.fixture("/posts/winter-market", "winter-market.html")
    return site.fixture(
        "/feed.xml", "blog-rss.xml", content_type="application/rss+xml; charset=utf-8"
    )


@pytest.fixture
def atom(site):
    site.fixture("/berichten/fietsen", "fietsen.html")
    return site.fixture("/atom.xml", "blog-atom.xml", content_type="application/atom+xml")


def test_rss_posts_newest_first_with_guids(rss, site):
    posts = read_blog_feed(rss)
    assert [p.guid for p in posts] == [
        "northside-2024-0009",
        "northside-2024-0007",
        site.url("/posts/winter-market"),
    ]
    benches, bridge, market = posts
    assert benches.title == "New Benches for the Towpath"
    assert benches.url == site.url("/posts/benches")
    assert benches.published == datetime(2024, 4, 12, 17, 30, tzinfo=timezone.utc)
    assert benches.updated is None
    assert bridge.author == "Jonas Weller"
    assert bridge.summary == "After eight months of repairs the footbridge is open again."
    assert bridge.content_html is not None and "<h2>What Changed</h2>" in bridge.content_html
    assert market.content_html is None  # only a description: the page must be fetched
    assert {p.language for p in posts} == {"en-GB"}


def test_full_text_post_needs_no_fetch(rss, site):
    bridge = read_blog_feed(rss)[1]
    fetched_before = len(site.requests)
    article = article_from_post(bridge)
    assert len(site.requests) == fetched_before
    assert article.title == "The Bridge Reopens"
    assert article.author == "Jonas Weller"
    assert article.date == datetime(2024, 3, 4, 7, 15, tzinfo=timezone.utc)
    assert article.url == site.url("/posts/bridge-reopens")
    assert article.language == "en-GB"
    assert article.description == "After eight months of repairs the footbridge is open again."
    assert [(s.level, s.title) for s in article.walk()] == [(1, None), (1, "What Changed")]


def test_post_without_full_text_is_fetched(rss, site):
    market = read_blog_feed(rss)[2]
    article = article_from_post(market)
    assert site.requests[-1]["path"] == "/posts/winter-market"
    assert article.title == "A Winter Market on the Green"
    assert article.url == site.url("/posts/winter-market")
    assert article.date == datetime(2023, 12, 16, 10, 0, tzinfo=timezone.utc)
    assert "Thirty stalls filled the green on Saturday" in article.plain_text()
    assert "Northside Notes" not in article.plain_text()


def test_atom_feed(atom, site):
    posts = read_blog_feed(atom)
    fietsen, sluis = posts
    assert fietsen.guid == "urn:uuid:0b0a7a8e-1111-4d2f-8a43-3f0f9e0c0002"
    assert fietsen.published is None
    assert fietsen.updated == datetime(2024, 5, 2, 12, 0, tzinfo=timezone.utc)
    assert sluis.published == datetime(2024, 1, 20, 8, 0, tzinfo=timezone.utc)
    assert sluis.updated == datetime(2024, 1, 21, 9, 0, tzinfo=timezone.utc)
    assert sluis.author == "Femke de Vries"  # the feed's author covers its entries

    article = article_from_post(sluis)
    assert article.title == "Het sluiswachtershuisje"
    assert article.language == "nl"
    assert [(s.level, s.title) for s in article.walk()] == [(1, None), (1, "Een nieuwe bestemming")]

    fetched = article_from_post(fietsen)
    assert site.requests[-1]["path"] == "/berichten/fietsen"
    assert fetched.language == "nl"  # the page declares none; the feed says Dutch
    assert fetched.date == datetime(2024, 5, 2, 12, 0, tzinfo=timezone.utc)


def test_feed_from_a_path(fixtures_dir):
    posts = read_blog_feed(str(fixtures_dir / "blog-rss.xml"))
    assert [p.title for p in posts][0] == "New Benches for the Towpath"


def test_not_a_feed(site, fixtures_dir):
    url = site.fixture("/page.html", "lighthouse.html")
    with pytest.raises(IngestError, match="not an RSS or Atom feed"):
        read_blog_feed(url)
    with pytest.raises(IngestError, match="no such feed file"):
        read_blog_feed(str(fixtures_dir / "missing.xml"))
    with pytest.raises(IngestError, match=r"^HTTP 404 Not Found"):
        read_blog_feed(site.url("/nope.xml"))
