"""index.html parsed as a browser and a screen reader would meet it."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
from folder_fixtures import ARTICLES, folder  # noqa: F401

from audiocast.publish.catalog import Catalog
from audiocast.publish.site import (
    format_time,
    parse_vtt,
    render_site,
    spoken_duration,
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
