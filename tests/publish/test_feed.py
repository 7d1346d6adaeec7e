"""The feed as podcast apps read it: checked by our rules, parsed by feedparser and
gPodder's podcastparser, every URL naming a real file in the output folder."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone
from pathlib import Path

import feedparser
import podcastparser
import pytest
from folder_fixtures import ARTICLES, add_episode, folder, show_for  # noqa: F401
from lxml import etree

from audiocast.models import Episode
from audiocast.publish.catalog import Catalog
from audiocast.publish.feed import build_feed, clip_bytes, write_feed
from audiocast.publish.feedcheck import check_feed, chapters_problems
from audiocast.publish.podcast_ext import ITUNES_NS, LEGACY_PODCAST_NS, PODCAST_NS, podcast_guid

NS = {"itunes": ITUNES_NS, "podcast": PODCAST_NS, "legacy": LEGACY_PODCAST_NS,
      "atom": "http://www.w3.org/2005/Atom"}


def feed_bytes(out_dir: Path) -> bytes:
    return (out_dir / "feed.xml").read_bytes()


def test_podcast_guid_matches_the_namespace_check_value():
    assert podcast_guid("https://podnews.net/rss") == "9b024349-ccf0-5f69-a609-6b82873eab3c"
    assert podcast_guid("podnews.net/rss/") == "9b024349-ccf0-5f69-a609-6b82873eab3c"


def test_published_feed_passes_every_check(folder):
    out_dir, _ = folder
    assert check_feed(feed_bytes(out_dir), out_dir) == []


def test_channel_has_the_tags_apple_and_podcasting20_require(folder):
    out_dir, show = folder
    root = etree.fromstring(feed_bytes(out_dir))
    channel = root.find("channel")
    assert channel.findtext("title") == "Field Notes Read Aloud"
    assert channel.findtext("link") == "https://podcasts.example.org/field-notes/"
    assert channel.findtext("language") == "en-us"
    assert channel.find("atom:link[@rel='self']", NS).get("href") == (
        "https://podcasts.example.org/field-notes/feed.xml")
    assert channel.find("itunes:image", NS).get("href") == (
        "https://podcasts.example.org/field-notes/cover.jpg")
    category = channel.find("itunes:category", NS)
    assert category.get("text") == "Science"
    assert category.find("itunes:category", NS).get("text") == "Nature"
    assert channel.findtext("itunes:explicit", namespaces=NS) == "false"
    assert channel.findtext("itunes:author", namespaces=NS) == "Rowan Vale"
    assert channel.findtext("itunes:owner/itunes:email", namespaces=NS) == "owner@example.org"
    assert channel.findtext("itunes:type", namespaces=NS) == "episodic"
    assert channel.findtext("podcast:guid", namespaces=NS) == podcast_guid(
        "https://podcasts.example.org/field-notes/feed.xml")
    assert channel.findtext("podcast:locked", namespaces=NS) == "no"
    assert channel.findtext("podcast:medium", namespaces=NS) == "newsletter"
    txt = channel.find("podcast:txt", NS)
    assert (txt.get("purpose"), txt.text) == ("ai-content", "true")


def test_items_are_newest_first_with_enclosures_transcripts_and_chapters(folder):
    out_dir, _ = folder
    items = etree.fromstring(feed_bytes(out_dir)).findall("channel/item")
    assert [i.findtext("title") for i in items] == [ARTICLES[1]["title"], ARTICLES[0]["title"]]
    for item in items:
        guid = item.find("guid")
        assert guid.get("isPermaLink") == "false"
        enclosure = item.find("enclosure")
        assert enclosure.get("type") == "audio/mpeg"
        local = out_dir / enclosure.get("url").split("/field-notes/", 1)[1]
        assert int(enclosure.get("length")) == local.stat().st_size
        assert item.findtext("itunes:duration", namespaces=NS) == "2"
        assert item.findtext("itunes:episodeType", namespaces=NS) == "full"
        transcripts = {t.get("type"): t for t in item.findall("podcast:transcript", NS)}
        assert set(transcripts) == {"text/vtt", "application/x-subrip"}
        assert all(t.get("rel") == "captions" and t.get("language") == "en"
                   for t in transcripts.values())
        assert item.find("podcast:chapters", NS).get("type") == "application/json+chapters"
    assert items[1].findtext("link") == "https://blog.example.org/2024/tidal-gardens/"


def test_every_url_in_the_feed_names_a_file_in_the_output_folder(folder):
    out_dir, show = folder
    root = etree.fromstring(feed_bytes(out_dir))
    urls = [value for element in root.iter() for key, value in element.attrib.items()
            if key in ("url", "href")]
    local = [u for u in urls if u.startswith(show.base_url)]
    assert len(local) >= 2 + 2 * 6  # self, cover, and per item: audio, 2+1 transcripts, 2 chapters
    for url in local:
        assert (out_dir / url[len(show.base_url):]).is_file(), url
    assert all(u.isascii() for u in urls)


def test_feedparser_reads_both_episodes(folder):
    out_dir, _ = folder
    parsed = feedparser.parse(feed_bytes(out_dir))
    assert not parsed.bozo
    assert parsed.feed.title == "Field Notes Read Aloud"
    assert len(parsed.entries) == 2
    for entry in parsed.entries:
        assert entry.enclosures[0].type == "audio/mpeg"
        assert int(entry.enclosures[0].length) > 1000
        assert entry.itunes_duration == "2"


def test_podcastparser_reads_episodes_transcript_and_chapters(folder):
    """gPodder's parser knows podcast:* only under the namespace's older URI, which the
    feed repeats chapters and the WebVTT transcript under."""
    out_dir, show = folder
    parsed = podcastparser.parse(show.feed_url, io.BytesIO(feed_bytes(out_dir)))
    assert parsed["title"] == "Field Notes Read Aloud"
    assert len(parsed["episodes"]) == 2
    for episode in parsed["episodes"]:
        (enclosure,) = episode["enclosures"]
        assert enclosure["mime_type"] == "audio/mpeg"
        assert enclosure["file_size"] == (out_dir / enclosure["url"][len(show.base_url):]).stat().st_size
        assert episode["total_time"] == 2
        assert episode["transcript_url"].endswith(".vtt")
        assert episode["chapters_json_url"].endswith(".chapters.json")


def test_explicit_locked_and_category_escaping(folder):
    out_dir, _ = folder
    show = show_for("https://example.org/", explicit=True, locked=True,
                    category="Society & Culture", subcategory="Documentary")
    with Catalog(out_dir) as catalog:
        xml = build_feed(show, catalog.episodes(), out_dir)
    assert b'<itunes:category text="Society &amp; Culture">' in xml
    channel = etree.fromstring(xml).find("channel")
    assert channel.findtext("itunes:explicit", namespaces=NS) == "true"
    assert channel.findtext("podcast:locked", namespaces=NS) == "yes"


def test_max_items_keeps_the_newest(folder):
    out_dir, _ = folder
    show = show_for("https://example.org/", max_items=1)
    with Catalog(out_dir) as catalog:
        items = etree.fromstring(build_feed(show, catalog.episodes(), out_dir)).findall("channel/item")
    assert [i.findtext("title") for i in items] == [ARTICLES[1]["title"]]


def test_long_descriptions_are_clipped_to_4000_bytes():
    text = "Grüße aus dem Watt. " * 400
    clipped = clip_bytes(text)
    assert len(clipped.encode("utf-8")) <= 4000
    assert clipped.endswith("…") and text.startswith(clipped[:-1])
    assert clip_bytes("  short  text ") == "short text"


def test_reconverting_an_edited_article_keeps_guid_and_pubdate_in_the_feed(folder, tmp_path):
    out_dir, show = folder
    before = {i.findtext("title"): (i.findtext("guid"), i.findtext("pubDate"))
              for i in etree.fromstring(feed_bytes(out_dir)).findall("channel/item")}
    edited = dict(ARTICLES[0], title="Tidal Gardens, Revised", description="Now with eelgrass.")
    later = datetime(2024, 6, 1, tzinfo=timezone.utc)
    with Catalog(out_dir) as catalog, catalog.lock():
        stored = add_episode(catalog, edited, later, out_dir.parent)
        write_feed(out_dir, show, catalog.episodes())
    items = {i.findtext("title"): i for i in etree.fromstring(feed_bytes(out_dir)).findall("channel/item")}
    assert set(items) == {"Tidal Gardens, Revised", ARTICLES[1]["title"]}
    revised = items["Tidal Gardens, Revised"]
    assert (revised.findtext("guid"), revised.findtext("pubDate")) == before[ARTICLES[0]["title"]]
    assert stored.slug == "tidal-gardens-and-salt-marshes"
    assert check_feed(feed_bytes(out_dir), out_dir) == []


def test_write_feed_replaces_the_file_without_leaving_temporaries(folder):
    out_dir, show = folder
    with Catalog(out_dir) as catalog:
        path = write_feed(out_dir, show, catalog.episodes())
    assert path == out_dir / "feed.xml"
    assert not [p for p in out_dir.iterdir() if p.name.startswith(".feed.xml")]


# --------------------------------------------------------------------------- check_feed


def _mutated(out_dir: Path, change) -> bytes:
    root = etree.fromstring(feed_bytes(out_dir))
    change(root.find("channel"))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _first_item(channel):
    return channel.find("item")


def _set_explicit_yes(channel):
    channel.find("itunes:explicit", NS).text = "yes"


def _wrong_length(channel):
    enclosure = _first_item(channel).find("enclosure")
    enclosure.set("length", str(int(enclosure.get("length")) + 1))


def _duplicate_guid(channel):
    items = channel.findall("item")
    items[1].find("guid").text = items[0].find("guid").text


def _duplicate_enclosure(channel):
    items = channel.findall("item")
    items[1].find("enclosure").set("url", items[0].find("enclosure").get("url"))


def _non_ascii_url(channel):
    enclosure = _first_item(channel).find("enclosure")
    enclosure.set("url", enclosure.get("url").replace(".mp3", "-é.mp3"))


def _missing_file(channel):
    enclosure = _first_item(channel).find("enclosure")
    enclosure.set("url", enclosure.get("url").replace(".mp3", "-gone.mp3"))


def _long_description(channel):
    channel.find("description").text = "x" * 4001


def _padded_title(channel):
    _first_item(channel).find("title").text = " Padded "


def _no_image(channel):
    channel.remove(channel.find("itunes:image", NS))


def _bad_category(channel):
    channel.find("itunes:category", NS).set("text", "science")


def _minute_duration(channel):
    _first_item(channel).find("itunes:duration", NS).text = "00:02"


def _wrong_duration(channel):
    _first_item(channel).find("itunes:duration", NS).text = "9"


def _mp3_typed_as_m4a(channel):
    _first_item(channel).find("enclosure").set("type", "audio/x-m4a")


def _numbered_title(channel):
    _first_item(channel).find("title").text = "Episode 12: Night Trains"


def _no_disclosure(channel):
    channel.remove(channel.find("podcast:txt", NS))


def _outside_url(channel):
    enclosure = _first_item(channel).find("enclosure")
    enclosure.set("url", enclosure.get("url").replace("episodes/", "episodes/../../"))


@pytest.mark.parametrize("change, expected", [
    (_set_explicit_yes, "itunes:explicit 'yes' must be true or false"),
    (_wrong_length, "differs from the file's size"),
    (_duplicate_guid, "duplicates item 1"),
    (_duplicate_enclosure, "enclosure URL"),
    (_non_ascii_url, "must be ASCII"),
    (_missing_file, "does not resolve to a file"),
    (_long_description, "is 4001 bytes; the limit is 4000"),
    (_padded_title, "leading or trailing spaces"),
    (_no_image, "missing itunes:image"),
    (_bad_category, "'science' is not an Apple Podcasts category"),
    (_minute_duration, "must be whole seconds"),
    (_wrong_duration, "itunes:duration 9 s differs from the file's 2.0 s"),
    (_mp3_typed_as_m4a, "enclosure type 'audio/x-m4a' does not match .mp3 (audio/mpeg)"),
    (_numbered_title, "starts with an episode number"),
    (_no_disclosure, "ai-content"),
    (_outside_url, "outside the output folder"),
])
def test_check_feed_reports_each_problem(folder, change, expected):
    out_dir, _ = folder
    problems = check_feed(_mutated(out_dir, change), out_dir)
    assert any(expected in p for p in problems), problems


def test_check_feed_reports_bad_artwork_and_chapters(folder):
    from PIL import Image

    out_dir, _ = folder
    Image.new("RGB", (1400, 1200), (10, 20, 30)).save(out_dir / "cover.jpg")
    (out_dir / "episodes" / "why-night-trains-came-back.chapters.json").write_text(
        '{"version": "1.2.0", "chapters": [{"startTime": 5, "title": "b"}, {"startTime": 1}]}')
    problems = check_feed(feed_bytes(out_dir), out_dir)
    assert any("must be square" in p for p in problems), problems
    assert any("starts before chapter 1" in p for p in problems), problems


def test_check_feed_rejects_malformed_xml():
    assert check_feed(b"<rss><channel></rss>")[0].startswith("feed: not well-formed XML")


def test_chapters_problems_accepts_the_spec_example():
    assert chapters_problems(b'{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Intro"},'
                             b' {"startTime": 168, "title": "Hearing", "endTime": 300}]}') == []
    assert chapters_problems(b'{"chapters": []}')


def test_episode_art_is_used_when_the_folder_has_it(folder):
    from PIL import Image

    out_dir, show = folder
    Image.new("RGB", (1400, 1400), (90, 30, 30)).save(out_dir / "episodes" / "why-night-trains-came-back.png")
    with Catalog(out_dir) as catalog:
        xml = build_feed(show, catalog.episodes(), out_dir)
    first, second = etree.fromstring(xml).findall("channel/item")
    assert first.find("itunes:image", NS).get("href").endswith("episodes/why-night-trains-came-back.png")
    assert second.find("itunes:image", NS) is None
    assert check_feed(xml, out_dir) == []


def test_feed_without_owner_email_is_reported(folder):
    out_dir, _ = folder
    show = show_for("https://podcasts.example.org/field-notes/", email=None)
    with Catalog(out_dir) as catalog:
        xml = build_feed(show, catalog.episodes(), out_dir)
    assert any("itunes:owner" in p for p in check_feed(xml, out_dir))


def test_build_feed_accepts_naive_datetimes_as_local_time(folder):
    out_dir, show = folder
    naive = Episode(guid="g-1", slug="why-night-trains-came-back", title="Naive",
                    source="x", content_hash="h", duration_s=2, size_bytes=1,
                    published=datetime(2024, 1, 1, 12) - timedelta(hours=1),
                    updated=datetime(2024, 1, 1, 12))
    xml = build_feed(show, [naive], out_dir)
    assert etree.fromstring(xml).findtext("channel/item/pubDate").startswith("Mon, 01 Jan 2024")
