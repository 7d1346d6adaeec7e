"""Real output folders for the publish tests: small MP3s made with ffmpeg, hand-written
WebVTT/SRT/chapters files, a real SQLite catalog and a real HTTP server."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from audiocast.audio.decode import run_ffmpeg
from audiocast.config import ShowConfig
from audiocast.models import Episode
from audiocast.publish.catalog import Catalog, episode_files, source_key
from audiocast.publish.serve import make_server, server_url
from audiocast.publish.site import publish_folder

ARTICLES = [
    {
        "source": "notes/tidal-gardens.md",
        "url": "https://blog.example.org/2024/tidal-gardens/",
        "title": "Tidal Gardens & Salt Marshes",
        "description": "How salt marsh plants cope with two floods a day.",
        "frequency": 440,
        "chapters": [("Tidal Gardens & Salt Marshes", 0.0), ("Roots in the mud", 1.0)],
        "cues": [(0.0, 0.4, "Tidal Gardens & Salt Marshes."), (0.4, 0.9, "Twice a day the sea comes in."),
                 (1.0, 1.2, "Roots in the mud."), (1.2, 1.4, "Cordgrass holds the bank <together>."),
                 (1.4, 1.5, "It grows."), (2.1, 2.4, "A pause, then a new paragraph.")],
    },
    {
        "source": "notes/night-trains.md",
        "url": None,
        "title": "Why Night Trains Came Back",
        "description": "Sleeper services return to European timetables.",
        "frequency": 660,
        "chapters": [("Why Night Trains Came Back", 0.0), ("The timetable", 1.2)],
        "cues": [(0.0, 1.0, "Why Night Trains Came Back."), (1.2, 1.6, "The timetable."),
                 (1.6, 2.0, "Couchettes leave at nine.")],
    },
]


_MP3_CACHE: dict[tuple[int, float], bytes] = {}


def make_mp3(path: Path, frequency: int = 440, seconds: float = 2) -> Path:
    """A short real MP3: a sine tone, mono, 44.1 kHz, 64 kbit/s (encoded once per session)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if (frequency, seconds) not in _MP3_CACHE:
        run_ffmpeg(["-f", "lavfi", "-i", f"sine=frequency={frequency}:duration={seconds}",
                    "-ac", "1", "-ar", "44100", "-b:a", "64k", str(path)])
        _MP3_CACHE[(frequency, seconds)] = path.read_bytes()
    else:
        path.write_bytes(_MP3_CACHE[(frequency, seconds)])
    return path


def _stamp(seconds: float, comma: bool = False) -> str:
    whole = int(seconds)
    millis = int(round((seconds - whole) * 1000))
    text = f"00:{whole // 60:02d}:{whole % 60:02d}.{millis:03d}"
    return text.replace(".", ",") if comma else text


def write_sidecars(out_dir: Path, slug: str, article: dict) -> None:
    """The WebVTT, SRT and JSON chapters files the transcript stage would write."""
    files = episode_files(out_dir, slug)
    vtt = ["WEBVTT", ""]
    srt = []
    for number, (start, end, text) in enumerate(article["cues"], start=1):
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        vtt += [f"{_stamp(start)} --> {_stamp(end)}", escaped, ""]
        srt += [str(number), f"{_stamp(start, True)} --> {_stamp(end, True)}", text, ""]
    files["vtt"].write_text("\n".join(vtt), encoding="utf-8")
    files["srt"].write_text("\n".join(srt), encoding="utf-8")
    chapters = [{"startTime": start, "title": title} for title, start in article["chapters"]]
    files["chapters"].write_text(json.dumps({"version": "1.2.0", "chapters": chapters}),
                                 encoding="utf-8")


def _chapter_rows(chapters: list[tuple[str, float]], duration_s: float) -> list[dict]:
    """The catalog's chapter rows (as Timeline.chapter_rows makes them) for (title, start s)."""
    ends = [start for _, start in chapters[1:]] + [duration_s]
    return [{"title": title, "level": 1, "start_ms": int(start * 1000), "end_ms": int(end * 1000)}
            for (title, start), end in zip(chapters, ends)]


def add_episode(catalog: Catalog, article: dict, published: datetime, base: Path) -> Episode:
    """Publish one article into the catalog's folder the way the pipeline does."""
    source = str(base / article["source"])
    key = source_key(source, article["url"], article["title"])
    guid, slug = catalog.identity_for(key, article["title"])
    files = episode_files(catalog.out_dir, slug)
    make_mp3(files["audio"], article["frequency"])
    write_sidecars(catalog.out_dir, slug, article)
    episode = Episode(
        guid=guid, slug=slug, title=article["title"], source=source,
        content_hash=f"sha256:{article['frequency']}", duration_s=2.03,
        size_bytes=files["audio"].stat().st_size, published=published, updated=published,
        author="Rowan Vale", description=article["description"], url=article["url"],
        language="en", chapters=_chapter_rows(article["chapters"], 2.03),
    )
    return catalog.upsert(episode, key)


def show_for(base_url: str, **overrides) -> ShowConfig:
    values = dict(
        title="Field Notes Read Aloud",
        description="Articles from Field Notes, read aloud.",
        author="Rowan Vale",
        email="owner@example.org",
        language="en-us",
        category="Science",
        subcategory="Nature",
        base_url=base_url,
        medium="newsletter",
    )
    values.update(overrides)
    return ShowConfig(**values)


def build_folder(out_dir: Path, base_url: str, **show_overrides) -> ShowConfig:
    """Two episodes, a generated cover, feed.xml and index.html in ``out_dir``."""
    show = show_for(base_url, **show_overrides)
    start = datetime(2024, 5, 1, 8, 30, tzinfo=timezone.utc)
    with Catalog(out_dir) as catalog, catalog.lock():
        for number, article in enumerate(ARTICLES):
            add_episode(catalog, article, start + timedelta(days=number), out_dir.parent)
        publish_folder(catalog, show)
    return show


@pytest.fixture
def server_and_folder(tmp_path):
    """A real server on 127.0.0.1 (free port) serving a freshly built folder."""
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    server = make_server(out_dir, port=0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        show = build_folder(out_dir, server_url(server))
        yield server, out_dir, show
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def folder(tmp_path):
    """A built folder published under an https base URL (no server)."""
    out_dir = tmp_path / "out"
    show = build_folder(out_dir, "https://podcasts.example.org/field-notes/")
    return out_dir, show
