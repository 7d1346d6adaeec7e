"""index.html parsed as a browser and a screen reader would meet it."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
from folder_fixtures import ARTICLES, folder  # noqa: F401

from audiocast.publish.catalog import Catalog
from audiocast.publish.site import (
    format_time,
    json_for_html,
    page_data,
    parse_vtt,
    publish_folder,
    render_episode_page,
    render_site,
    spoken_duration,
    web_url,
    write_site,
)


def page(out_dir: Path):
    return lxml.html.fromstring((out_dir / "index.html").read_bytes())


def test_page_has_language_skip_link_and_heading_outline(folder):
    out_dir, show = folder
    doc = page(out_dir)
    assert doc.get("lang") == "en-us"
    skip = doc.xpath("//body/a[1]")[0]
    assert skip.get("href") == "#main" and doc.xpath("//main[@id='main']")
    assert [h.text_content() for h in doc.xpath("//h1")] == ["Field Notes Read Aloud"]
    assert [h.text_content() for h in doc.xpath("//h2")] == ["Episodes"]
    assert [h.text_content() for h in doc.xpath("//article/h3")] == [
        ARTICLES[1]["title"], ARTICLES[0]["title"]]
    assert doc.xpath("//header/img")[0].get("alt") == "Cover art of Field Notes Read Aloud"
    assert doc.xpath("//link[@rel='alternate']")[0].get("type") == "application/rss+xml"


def test_each_episode_has_a_labelled_player_that_loads_only_metadata(folder):
    out_dir, _ = folder
    players = page(out_dir).xpath("//article//audio")
    assert len(players) == 2
    for player in players:
        assert player.get("controls") is not None
        assert player.get("preload") == "metadata"
        assert player.get("aria-label").startswith("Play episode: ")
        (source,) = player.xpath("source")
        assert source.get("type") == "audio/mpeg"
        assert (out_dir / source.get("src")).is_file()


def test_chapter_links_seek_the_player_and_work_as_media_fragments(folder):
    out_dir, _ = folder
    doc = page(out_dir)
    article = doc.xpath("//article[@id='episode-tidal-gardens-and-salt-marshes']")[0]
    nav = article.xpath(".//nav")[0]
    assert nav.get("aria-labelledby") and article.xpath(f".//*[@id='{nav.get('aria-labelledby')}']")
    links = nav.xpath(".//ol/li/a")
    assert [a.get("data-start") for a in links] == ["0", "1"]
    assert links[1].get("href") == "episodes/tidal-gardens-and-salt-marshes.mp3#t=1"
    assert "Roots in the mud" in links[1].text_content()
    player_id = links[1].get("data-player")
    assert doc.xpath(f"//audio[@id='{player_id}']")
    (script,) = doc.xpath("//script[@src]")
    assert "currentTime" in (out_dir / script.get("src")).read_text()


def test_index_has_no_transcripts_and_links_each_episode_page(folder):
    out_dir, _ = folder
    doc = page(out_dir)
    assert not doc.xpath("//details | //*[contains(@class, 's')][@data-start]/self::span")
    for article in doc.xpath("//article"):
        (title_link,) = article.xpath("h3/a")
        assert (out_dir / title_link.get("href")).is_file()


def test_episode_page_text_is_grouped_by_chapter_from_the_captions(folder):
    # An episode published without stored page data: the text comes from its captions.
    out_dir, _ = folder
    doc = lxml.html.fromstring((out_dir / "episodes/tidal-gardens-and-salt-marshes.html").read_bytes())
    text = doc.xpath("//article[@id='text']")[0]
    assert [h.text_content() for h in text.xpath("h2")] == ["Tidal Gardens & Salt Marshes", "Roots in the mud"]
    paragraphs = [p.text_content() for p in text.xpath("p")]
    # Spoken headings are not repeated as text; a long pause starts a new paragraph;
    # the escaped cue comes back as written.
    assert paragraphs == ["Twice a day the sea comes in.", "Cordgrass holds the bank <together>. It grows.",
                          "A pause, then a new paragraph."]
    sentence = text.xpath(".//span[@class='s']")[-1]
    assert (sentence.get("data-start"), sentence.get("data-end")) == ("2.100", "2.400")


def test_every_local_link_and_source_names_a_file(folder):
    out_dir, _ = folder
    doc = page(out_dir)
    for element, attribute, target, _ in doc.iterlinks():
        parts = urlsplit(target)
        if parts.scheme or target.startswith("#"):
            continue
        assert (out_dir / parts.path).is_file(), target


def test_no_external_resources(folder):
    out_dir, _ = folder
    doc = page(out_dir)
    assert not doc.xpath("//iframe | //script[not(@src)] | //style | //*[@style]")
    # one shared stylesheet and script, both in the folder
    (stylesheet,) = doc.xpath("//link[@rel='stylesheet']")
    (script,) = doc.xpath("//script[@src]")
    for target in (stylesheet.get("href"), script.get("src")):
        assert not urlsplit(target).scheme and (out_dir / target).is_file()
    for element in doc.xpath("//img | //audio | //source | //video"):
        assert not urlsplit(element.get("src", "")).scheme
    external = [a.get("href") for a in doc.xpath("//a[@href]") if urlsplit(a.get("href")).scheme]
    assert external == ["https://blog.example.org/2024/tidal-gardens/"]


def test_text_is_escaped(folder):
    out_dir, show = folder
    show.title = 'Notes <script>alert("x")</script> & more'
    with Catalog(out_dir) as catalog:
        episodes = catalog.episodes()
    episodes[0].title = "<b>Bold</b> claims"
    html = render_site(out_dir, show, episodes)
    assert "<script>alert" not in html and "<b>Bold" not in html
    doc = lxml.html.fromstring(html)
    assert doc.xpath("//h1")[0].text_content() == show.title
    assert doc.xpath("//article/h3")[0].text_content() == "<b>Bold</b> claims"


def test_write_site_without_episodes(tmp_path):
    from folder_fixtures import show_for

    path = write_site(tmp_path, show_for("https://example.org/"), [])
    doc = lxml.html.fromstring(path.read_bytes())
    assert "No episodes yet." in doc.xpath("//main")[0].text_content()


def test_parse_vtt_reads_timings_and_strips_markup():
    cues = parse_vtt("WEBVTT\n\nNOTE a comment\n\nintro\n00:00:01.500 --> 00:00:03.000 align:start\n"
                     "<v Narrator>Fish &amp; chips</v>\nfor two\n\n01:02:03.000 --> 01:02:04.250\nLate.\n")
    assert [(c.start, c.end, c.text) for c in cues] == [
        (1.5, 3.0, "Fish & chips for two"), (3723.0, 3724.25, "Late.")]


def test_time_formats():
    assert [format_time(s) for s in (5, 760, 3723)] == ["0:05", "12:40", "1:02:03"]
    assert [spoken_duration(s) for s in (1, 45, 61, 3900)] == [
        "1 second", "45 seconds", "1 minute", "1 hour 5 minutes"]


def test_link_texts_name_their_episode(folder):
    out_dir, _ = folder
    texts = [a.text_content() for a in page(out_dir).xpath("//p[@class='links']/a")]
    assert "Download MP3 of Why Night Trains Came Back" in texts
    assert len(texts) == len(set(texts))


# --------------------------------------------------------------------------- pages and the catalog


def _rows(count: int):
    """``count`` catalog rows as a big back catalog has them (no audio needed for the index)."""
    from datetime import datetime, timedelta, timezone

    from audiocast.models import Episode

    start = datetime(2015, 1, 1, tzinfo=timezone.utc)
    return [Episode(guid=f"guid-{n}", slug=f"episode-number-{n}", title=f"Episode number {n}: a longer title "
                    "about harbours, tides and the people who work there", source=f"urn:{n}",
                    content_hash=str(n), duration_s=600 + n, size_bytes=5_000_000,
                    published=start + timedelta(days=n), updated=start + timedelta(days=n),
                    author="Rowan Vale", description="A summary of the article. " * 12,
                    url=f"https://blog.example.org/{n}/",
                    chapters=[{"title": f"Part {k}", "level": 1, "start_ms": k * 60_000} for k in range(6)])
            for n in range(count)]


def test_a_200_episode_catalog_gives_a_small_paginated_index(tmp_path):
    from folder_fixtures import show_for

    out_dir = tmp_path / "out"
    with Catalog(out_dir) as catalog, catalog.lock():
        for episode in _rows(200):
            catalog.upsert(episode)
        write_site(out_dir, show_for("https://podcasts.example.org/"), catalog.episodes(), catalog.timeline)
    index = out_dir / "index.html"
    assert index.stat().st_size < 200_000
    pages = sorted(out_dir.glob("index*.html"))
    assert [p.name for p in pages] == ["index-2.html", "index-3.html", "index-4.html", "index.html"]
    listed = []
    for name in ("index.html", "index-2.html", "index-3.html", "index-4.html"):
        doc = lxml.html.fromstring((out_dir / name).read_bytes())
        listed += [a.text_content() for a in doc.xpath("//article/h3/a")]
        assert not doc.xpath("//details | //span[@data-start]")  # no transcripts on the index
    assert len(listed) == 200 == len(set(listed))
    assert listed[0].startswith("Episode number 199:") and listed[-1].startswith("Episode number 0:")
    first = lxml.html.fromstring(index.read_bytes())
    assert first.xpath("//nav[@aria-label='Episode pages']/a[@rel='next']/@href") == ["index-2.html"]
    last = lxml.html.fromstring((out_dir / "index-4.html").read_bytes())
    assert last.xpath("//a[@rel='prev']/@href") == ["index-3.html"] and not last.xpath("//a[@rel='next']")
    assert len(list((out_dir / "episodes").glob("*.embed.html"))) == 200


def test_pages_of_removed_episodes_go_and_the_feed_links_pages(folder):
    from lxml import etree

    out_dir, show = folder
    feed = etree.parse(str(out_dir / "feed.xml"))
    links = {i.findtext("title"): i.findtext("link") for i in feed.iter("item")}
    # an article without its own URL links to its read-along page
    assert links["Why Night Trains Came Back"] == (
        "https://podcasts.example.org/field-notes/episodes/why-night-trains-came-back.html")
    assert links["Tidal Gardens & Salt Marshes"] == "https://blog.example.org/2024/tidal-gardens/"
    with Catalog(out_dir) as catalog, catalog.lock():
        catalog.remove("why-night-trains-came-back")
        publish_folder(catalog, show)
    left = sorted(p.name for p in (out_dir / "episodes").glob("*.html"))
    assert left == ["tidal-gardens-and-salt-marshes.embed.html", "tidal-gardens-and-salt-marshes.html"]


def test_the_catalog_keeps_page_data_until_the_episode_is_removed(folder):
    out_dir, _ = folder
    data = {"version": 1, "duration_ms": 2000, "chapters": [],
            "sections": [{"title": None, "level": 1, "heading": None,
                          "paragraphs": [[[0, 900, "Couchettes leave at 9 — «on time».", "sentence"]]]}]}
    with Catalog(out_dir) as catalog:
        guid = catalog.get("why-night-trains-came-back").guid
        assert catalog.timeline(guid) is None
        catalog.save_timeline(guid, data)
        catalog.save_timeline(guid, data)  # saving again replaces it
        assert catalog.timeline(guid) == data
        catalog.remove("why-night-trains-came-back")
        assert catalog.timeline(guid) is None
        assert catalog.conn.execute("SELECT COUNT(*) FROM timelines").fetchone()[0] == 0


def test_page_data_follows_the_script_and_the_timeline():
    from audiocast.models import ChapterMark, Cue, Script, ScriptSection, Segment, Timeline

    script = Script("Tide Tables", [
        ScriptSection(None, 1, [Segment("title", "Tide Tables.", "Tide Tables.", "heading"),
                                Segment("sentence", "forty two boats.", "42 boats.", "sentence"),
                                Segment("sentence", "Three piers.", "3 piers.", "paragraph"),
                                Segment("sentence", "Next.", "Next.", "paragraph")]),
        ScriptSection("Spring tides", 2, [Segment("heading", "Spring tides.", "Spring tides", "heading"),
                                          Segment("sentence", "Four point five metres.", "4.5 metres.",
                                                  "paragraph")]),
    ])
    cues = [Cue(0, 900, "Tide Tables.", 0), Cue(1000, 1800, "42 boats.", 0), Cue(1900, 2500, "3 piers.", 0),
            Cue(3000, 3400, "Next.", 0), Cue(4000, 4800, "Spring tides", 1), Cue(5000, 6000, "4.5 metres.", 1)]
    timeline = Timeline(6500, [ChapterMark("Introduction", 1, 0, 4000, [ChapterMark("Spring tides", 2, 4000, 6500)])],
                        cues)
    data = page_data(script, timeline)
    assert data["chapters"] == [{"title": "Introduction", "level": 1, "start_ms": 0, "end_ms": 4000},
                                {"title": "Spring tides", "level": 2, "start_ms": 4000, "end_ms": 6500}]
    lede, spring = data["sections"]
    assert lede["heading"] is None and [[e[2] for e in p] for p in lede["paragraphs"]] == [
        ["Tide Tables."], ["42 boats.", "3 piers."], ["Next."]]
    assert spring["heading"] == [4000, 4800, "Spring tides"] and spring["level"] == 2
    assert spring["paragraphs"] == [[[5000, 6000, "4.5 metres.", "sentence"]]]


def test_hostile_text_stays_text_on_the_episode_page(folder):
    out_dir, show = folder
    evil = '</script><script>alert(1)</script><!--'
    with Catalog(out_dir) as catalog:
        episode = catalog.get("why-night-trains-came-back")
    episode.title = f"<b>{evil}</b>"
    episode.url = "javascript:alert(2)"
    data = {"version": 1, "duration_ms": 2000,
            "chapters": [{"title": evil, "level": 1, "start_ms": 0, "end_ms": 2000}],
            "sections": [{"title": f"<h1>{evil}", "level": 2, "heading": [0, 500, "x"],
                          "paragraphs": [[[600, 1500, f"Body {evil} & more", "sentence"]]]}]}
    html = render_episode_page(out_dir, show, episode, data)
    doc = lxml.html.fromstring(html)
    assert [s.get("type") for s in doc.xpath("//script")] == [None, "application/json"]
    assert doc.xpath("//script")[0].get("src") == "../assets/audiocast.js"
    assert doc.xpath("//h1")[0].text_content() == f"<b>{evil}</b>"
    assert doc.xpath("//article[@id='text']/h3")[0].text_content() == f"<h1>{evil}"
    assert f"Body {evil} & more" in doc.xpath("//article[@id='text']")[0].text_content()
    assert not doc.xpath("//b | //a[starts-with(@href, 'javascript')]")
    timeline = json.loads(doc.xpath("//script[@id='timeline']")[0].text)
    assert timeline["titles"] == [evil]
    assert "</script>" not in doc.xpath("//script[@id='timeline']")[0].text


def test_json_for_html_and_web_url():
    assert json_for_html({"t": "</script><!--&"}) == '{"t":"\\u003c/script\\u003e\\u003c!--\\u0026"}'
    assert json.loads(json_for_html(["a\u2028b"])) == ["a\u2028b"]
    assert web_url(" https://example.org/a ") == "https://example.org/a"
    assert [web_url(u) for u in ("javascript:alert(1)", "data:text/html,x", "//x.org", "", None)] == [None] * 5
