"""Read-later queues (Wallabag's Atom feed, Instapaper's RSS) and OPML lists of feeds, over 127.0.0.1."""

from __future__ import annotations

import pytest
from speakable import assert_speakable

from audiocast.errors import IngestError
from audiocast.ingest import article_from_post, read_blog_feed, subscription_feeds
from audiocast.speech import build_script

STORY = """<!doctype html><html lang="en"><head><title>{title} | Northern Stories</title></head><body>
<nav><a href="/">Home</a></nav><article><h1>{title}</h1><p>{text}</p>
<p>Archives in three harbour towns still keep the ledgers that recorded each load.</p></article>
<footer>Subscribe to Northern Stories.</footer></body></html>"""


@pytest.fixture
def queues(site):
    wallabag = site.fixture("/feed/marit/Zq3aLk9PwX/unread", "wallabag-unread.xml",
                            content_type="application/atom+xml; charset=utf-8")
    instapaper = site.fixture("/rss/4471203/Hj2kLm", "instapaper-unread.xml",
                              content_type="application/rss+xml; charset=utf-8")
    site.page("/stories/salt-roads", STORY.format(
        title="The Salt Roads of the North",
        text="Salt reached the inland valleys on pack horses that followed the rivers."))
    site.page("/stories/ice-fishing", STORY.format(
        title="A Winter of Ice Fishing",
        text="Families cut holes through the lake ice and waited beside them for hours."))
    opml = site.fixture("/subscriptions.opml", "subscriptions.opml", content_type="text/x-opml")
    return {"wallabag": wallabag, "instapaper": instapaper, "opml": opml}


def test_wallabag_feed_gives_full_text_and_the_original_link(queues, site):
    posts = read_blog_feed(queues["wallabag"])
    assert [p.title for p in posts] == ["The Last Ropewalk", "Why Lighthouses Are Painted in Stripes"]
    ropewalk = posts[0]
    assert ropewalk.url == site.url("/articles/last-ropewalk")  # the original, not wallabag's copy
    assert ropewalk.author == "Tove Aas"
    requests = len(site.requests)
    article = article_from_post(ropewalk)
    assert len(site.requests) == requests  # full text in the feed: nothing fetched
    assert article.title == "The Last Ropewalk"
    assert [s.title for s in article.sections] == [None, "Spinning the yarn"]
    assert article.url == site.url("/articles/last-ropewalk")
    assert_speakable(build_script(article))


def test_instapaper_feed_fetches_each_saved_page(queues, site):
    posts = read_blog_feed(queues["instapaper"])
    assert [p.title for p in posts] == ["The Salt Roads of the North", "A Winter of Ice Fishing"]
    assert posts[0].guid == "1790456331" and posts[0].content_html is None
    article = article_from_post(posts[0])
    assert site.requests[-1]["path"] == "/stories/salt-roads"
    assert article.title == "The Salt Roads of the North"
    script = build_script(article)
    spoken = " ".join(s.spoken for s in script.segments())
    assert "Salt reached the inland valleys on pack horses that followed the rivers." in spoken
    assert "Subscribe" not in spoken and "Home" not in spoken
    assert_speakable(script)


def test_opml_syncs_every_listed_feed_once(queues, site, caplog):
    assert subscription_feeds(_get(queues["opml"]), site.base) == [
        queues["wallabag"], queues["instapaper"], site.url("/gone.xml"),
    ]
    posts = read_blog_feed(queues["opml"])
    assert sorted(p.title for p in posts) == sorted([
        "The Last Ropewalk", "Why Lighthouses Are Painted in Stripes",
        "The Salt Roads of the North", "A Winter of Ice Fishing",
    ])
    dates = [p.published for p in posts]
    assert dates == sorted(dates, reverse=True)
    assert "gone.xml" in caplog.text  # the unreachable feed is skipped with a warning


def test_opml_file_on_disk(tmp_path, queues, site):
    path = tmp_path / "subscriptions.opml"
    path.write_text(_get(queues["opml"]).decode(), encoding="utf-8")
    assert len(read_blog_feed(str(path))) == 4


def test_opml_without_feeds_is_an_error(tmp_path):
    path = tmp_path / "empty.opml"
    path.write_text('<?xml version="1.0"?><opml version="2.0"><head/><body>'
                    '<outline text="Nothing here"/></body></opml>', encoding="utf-8")
    with pytest.raises(IngestError, match="lists no feeds"):
        read_blog_feed(str(path))


def _get(url: str) -> bytes:
    import urllib.request

    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()
