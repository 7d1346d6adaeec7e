"""`convert --split-chapters`: an EPUB becomes one episode per chapter, in the book's order."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import feedparser
import pytest
from mutagen.id3 import ID3

sys.path.insert(0, str(Path(__file__).resolve().parent / "ingest"))
import source_files  # noqa: E402  (the ingest tests' document makers)

pytestmark = pytest.mark.slow

BOOK = [
    ("Casting Off", ["The ferry left the quay at dawn."]),
    ("Landfall", ["We reached the island before noon."]),
]


def test_epub_split_into_chapter_episodes(tmp_path):
    book = source_files.make_epub(tmp_path / "crossing.epub", BOOK)
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "audiocast.cli", "convert", str(book), "--split-chapters",
         "-o", str(out), "--jobs", "1"],
        capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    titles = [entry.title for entry in feed.entries]
    assert sorted(titles) == ["1. Casting Off", "2. Landfall"]
    # newest first in the feed, so the book's order reads bottom to top, as apps sort it
    assert titles == ["2. Landfall", "1. Casting Off"]
    episodes = sorted((out / "episodes").glob("*.mp3"))
    assert len(episodes) == 2
    for path in episodes:
        tags = ID3(path)
        assert str(tags["TALB"]) == source_files.EPUB_TITLE
        assert str(tags["TIT2"]) in titles
