"""`audiocast convert --format m4b` as a publisher runs it: an M4B episode whose chapters
ffprobe lists as the JSON chapters say, a feed that passes the check, that podcastparser
reads with the file's real length and type, and that gPodder downloads from our server."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from io import BytesIO
from pathlib import Path

import podcastparser
import pytest

from audiocast.publish.serve import make_server

pytestmark = pytest.mark.slow

ARTICLE = """# The Ferry at Dawn

The first ferry leaves the harbour before the sun is up.

## Loading the Deck

Cars roll on in two lanes while the crew counts them.

### The Cyclists

Bicycles go to the front, tied to a rail.

## The Crossing

In calm water the crossing takes forty minutes.
"""


def audiocast(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "audiocast.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=600)
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def show(tmp_path_factory):
    """A show converted once as M4B into a folder our server publishes on 127.0.0.1."""
    root = tmp_path_factory.mktemp("m4b-show")
    out = root / "out"
    out.mkdir()
    server = make_server(out, host="127.0.0.1", port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    audiocast("init", "--title", "Harbour Audio", "--author", "Harbour Desk", "--email", "desk@example.org",
              "--base-url", base, cwd=root)
    (root / "ferry.md").write_text(ARTICLE)
    done = audiocast("convert", "ferry.md", "--format", "m4b", "-o", "out", cwd=root)
    yield root, out, base, done
    server.shutdown()
    server.server_close()


def test_convert_publishes_an_m4b_episode(show):
    _, out, _, done = show
    assert "episodes/the-ferry-at-dawn.m4b" in done.stderr + done.stdout
    names = {p.name for p in (out / "episodes").iterdir()}
    assert {"the-ferry-at-dawn.chapters.json", "the-ferry-at-dawn.m4b", "the-ferry-at-dawn.srt",
            "the-ferry-at-dawn.vtt"} <= names
    assert not [n for n in names if n.endswith(".mp3")]


def test_ffprobe_lists_the_json_chapters(show):
    if not shutil.which("ffprobe"):
        pytest.skip("ffprobe is not installed")
    _, out, _, _ = show
    episode = out / "episodes" / "the-ferry-at-dawn.m4b"
    probe = json.loads(subprocess.run(["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(episode)],
                                      capture_output=True, check=True).stdout)["chapters"]
    expected = json.loads((out / "episodes" / "the-ferry-at-dawn.chapters.json").read_text())["chapters"]
    assert [c["tags"]["title"] for c in probe] == [c["title"] for c in expected]
    assert [c["title"] for c in expected] == ["Introduction", "Loading the Deck", "The Cyclists", "The Crossing"]
    for found, wanted in zip(probe, expected):
        assert abs(float(found["start_time"]) - wanted["startTime"]) <= 0.010


def test_the_feed_passes_the_check(show):
    root, _, _, _ = show
    assert "no problems" in audiocast("feed", "--check", "-o", "out", cwd=root).stdout


def test_podcastparser_finds_the_enclosure_with_its_real_length_and_type(show):
    _, out, base, _ = show
    podcast = podcastparser.parse(base + "feed.xml", BytesIO((out / "feed.xml").read_bytes()))
    (episode,) = podcast["episodes"]
    (enclosure,) = episode["enclosures"]
    assert enclosure["url"] == base + "episodes/the-ferry-at-dawn.m4b"
    assert enclosure["mime_type"] == "audio/x-m4a"
    assert enclosure["file_size"] == (out / "episodes" / "the-ferry-at-dawn.m4b").stat().st_size
    assert episode["total_time"] > 5


def test_the_site_offers_the_m4b(show):
    _, out, _, _ = show
    page = (out / "index.html").read_text()
    assert 'src="episodes/the-ferry-at-dawn.m4b" type="audio/x-m4a"' in page
    assert "Download M4A" in page and "The Cyclists" in page


@pytest.mark.skipif(shutil.which("gpo") is None, reason="gPodder's gpo is not installed")
def test_gpodder_downloads_the_m4b(show, tmp_path):
    _, out, base, _ = show
    env = dict(os.environ, GPODDER_HOME=str(tmp_path / "gpodder-home"),
               GPODDER_DOWNLOAD_DIR=str(tmp_path / "downloads"))

    def gpo(*args: str) -> str:
        done = subprocess.run(["gpo", *args], env=env, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    assert "Successfully added" in gpo("subscribe", base + "feed.xml")
    assert "1 new episode" in gpo("update")
    gpo("download")
    downloaded = [p for p in (tmp_path / "downloads").rglob("*") if p.is_file()]
    assert len(downloaded) == 1
    assert downloaded[0].read_bytes() == (out / "episodes" / "the-ferry-at-dawn.m4b").read_bytes()


def test_converting_again_in_the_same_format_is_unchanged(show):
    root, _, _, _ = show
    done = audiocast("convert", "ferry.md", "--format", "m4b", "-o", "out", cwd=root)
    assert "unchanged" in done.stderr + done.stdout and "episodes/the-ferry-at-dawn.m4b" in done.stderr + done.stdout


def test_switching_back_to_mp3_replaces_the_file(show):
    """Runs last: the same article in another format is one episode with one audio file."""
    root, out, _, _ = show
    audiocast("convert", "ferry.md", "-o", "out", cwd=root)
    audio = sorted(p.name for p in (out / "episodes").glob("the-ferry-at-dawn*")
                   if p.suffix in (".mp3", ".m4a", ".m4b"))
    assert len(audio) == 1 and audio[0].endswith(".mp3")  # a re-rendered episode's name carries its version
    feed = (out / "feed.xml").read_text()
    assert f'{audio[0]}"' in feed and 'type="audio/mpeg"' in feed and ".m4b" not in feed
    assert "no problems" in audiocast("feed", "--check", "-o", "out", cwd=root).stdout
