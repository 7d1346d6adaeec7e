"""A show of two real episodes, as a podcast app sees it: valid feed, files that resolve, ranges."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import urllib.request
from io import BytesIO
from pathlib import Path

import feedparser
import podcastparser
import pytest

pytestmark = pytest.mark.slow

BASE = "https://pod.example.org/show/"


def audiocast(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "audiocast.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=600)
    if check:
        assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def show(tmp_path_factory):
    root = tmp_path_factory.mktemp("show")
    audiocast("init", "--title", "Town Notes Audio", "--author", "Town Notes", "--email", "editor@example.org",
              "--base-url", BASE, cwd=root)
    (root / "market.md").write_text(
        "# Market Day Moves to Saturday\n\nFrom June the market opens on Saturdays at 8 am.\n\n"
        "## Why the Change\n\nTraders asked for a day when more families can come.\n\n"
        "## What Stays the Same\n\nThe stalls keep their places along the river.\n")
    (root / "library.txt").write_text(
        "Library Extends Evening Hours\n\nThe library will stay open until nine on weekdays.\n\n"
        "Study Rooms\n\nFour rooms can now be booked online a week ahead.\n")
    audiocast("convert", "market.md", "library.txt", cwd=root)
    return root


def test_feed_of_two_episodes_passes_the_check(show):
    done = audiocast("feed", "--check", cwd=show)
    assert "no problems" in done.stdout


def test_both_parsers_read_two_episodes(show):
    feed = (show / "output" / "feed.xml").read_bytes()
    parsed = feedparser.parse(feed)
    assert not parsed.bozo
    assert len(parsed.entries) == 2
    for entry in parsed.entries:
        assert entry.enclosures[0]["type"] == "audio/mpeg" and int(entry.enclosures[0]["length"]) > 0
        assert int(entry.itunes_duration) > 3
    podcast = podcastparser.parse(BASE + "feed.xml", BytesIO(feed))
    assert podcast["title"] == "Town Notes Audio"
    assert len(podcast["episodes"]) == 2
    assert all(e["total_time"] > 3 and e["enclosures"][0]["file_size"] > 0 for e in podcast["episodes"])


def test_every_feed_url_resolves_to_a_file(show):
    out = show / "output"
    xml = (out / "feed.xml").read_text()
    import re

    urls = set(re.findall(r'(?:url|href)="(https://pod\.example\.org/show/[^"]+)"', xml))
    kinds = {Path(u).suffix for u in urls}
    assert {".mp3", ".vtt", ".srt", ".json", ".jpg", ".xml"} <= kinds
    for url in urls:
        assert (out / url[len(BASE):]).is_file(), url
    for entry in feedparser.parse(xml).entries:
        enclosure = entry.enclosures[0]
        assert int(enclosure["length"]) == (out / enclosure["href"][len(BASE):]).stat().st_size


def test_served_episode_answers_a_range_request(show):
    from audiocast.publish.serve import make_server

    out = show / "output"
    server = make_server(out, host="127.0.0.1", port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        mp3 = sorted((out / "episodes").glob("*.mp3"))[0]
        url = f"http://127.0.0.1:{server.server_address[1]}/episodes/{mp3.name}"
        request = urllib.request.Request(url, headers={"Range": "bytes=100-199"})
        with urllib.request.urlopen(request) as response:
            assert response.status == 206
            assert response.headers["Content-Range"] == f"bytes 100-199/{mp3.stat().st_size}"
            assert response.read() == mp3.read_bytes()[100:200]
    finally:
        server.shutdown()
        server.server_close()


def test_editing_and_removing_keep_guids_stable(show):
    before = {e.title: e.id for e in feedparser.parse((show / "output" / "feed.xml").read_bytes()).entries}
    text = (show / "market.md").read_text()
    (show / "market.md").write_text(text.replace("8 am", "7 am"))
    audiocast("convert", "market.md", cwd=show)
    after = {e.title: e.id for e in feedparser.parse((show / "output" / "feed.xml").read_bytes()).entries}
    assert after == before

    listing = json.loads(audiocast("episodes", "--json", cwd=show).stdout)
    slug = next(e["slug"] for e in listing if e["title"].startswith("Library"))
    audiocast("remove", slug, cwd=show)
    remaining = feedparser.parse((show / "output" / "feed.xml").read_bytes()).entries
    assert [e.title for e in remaining] == ["Market Day Moves to Saturday"]
    assert not list((show / "output" / "episodes").glob(f"{slug}.*"))
    assert "no problems" in audiocast("feed", "--check", cwd=show).stdout
