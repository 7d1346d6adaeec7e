"""The episode-format registry on real files: an M4B/M4A made from a tone and a Timeline,
read back by ffprobe, mutagen and ffmpeg's EBU R128 meter."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from datetime import datetime

import numpy as np
import pytest
from PIL import Image

from audiocast.audio import measure_loudness, normalize_loudness
from audiocast.audio.encode import ffmetadata_chapters
from audiocast.audio.formats import FORMATS, get_format
from audiocast.errors import ConfigError, PublishError
from audiocast.models import ChapterMark, Timeline
from audiocast.publish.tags import EpisodeTags, read_duration, read_mp4_chapters, read_mp4_tags
from audiocast.publish.transcript import to_chapters_json

RATE = 22050  # a voice's rate: the encoder resamples to 44.1 kHz


def timeline() -> Timeline:
    return Timeline(
        duration_ms=6000,
        chapters=[
            ChapterMark("Introduction", 1, 0, 2000),
            ChapterMark("Tides; high = low # sometimes", 1, 2000, 4500, children=[
                ChapterMark("Spring tides and the moon's pull", 2, 2600, 3500),
                ChapterMark("Neap \\ slack", 2, 3500, 4500),
            ]),
            ChapterMark("Fog — und Nebel", 1, 4500, 6000),
        ],
        cues=[],
    )


def tone() -> np.ndarray:
    """Six seconds of a gently modulated tone, normalized as episodes are."""
    t = np.arange(6 * RATE) / RATE
    samples = (0.3 * np.sin(2 * np.pi * 220 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 0.7 * t))).astype(np.float32)
    return normalize_loudness(samples, RATE, -16.0, -1.0)


def cover() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (400, 400), (10, 80, 120)).save(out, "JPEG")
    return out.getvalue()


TAGS = EpisodeTags(title="Tides and fog", author="Ana Mare", show="Shoreline",
                   date=datetime(2024, 11, 2), description="Why the bay floods twice a day.",
                   source_url="https://example.org/tides", cover=cover(), language="en")


@pytest.fixture(scope="module")
def m4b(tmp_path_factory):
    path = tmp_path_factory.mktemp("m4b") / "episode.m4b"
    path.write_bytes(get_format("m4b").render(tone(), RATE, 96, timeline(), TAGS))
    return path


def ffprobe(path) -> dict:
    if not shutil.which("ffprobe"):
        pytest.skip("ffprobe is not installed")
    done = subprocess.run(["ffprobe", "-v", "error", "-show_chapters", "-show_format", "-show_streams",
                           "-of", "json", str(path)], capture_output=True, check=True)
    return json.loads(done.stdout)


def test_the_registry_names_each_formats_file_and_type():
    assert get_format(None).name == "mp3"
    assert (get_format("mp3").extension, get_format("mp3").media_type) == ("mp3", "audio/mpeg")
    assert (get_format("M4B").extension, get_format("m4b").media_type) == ("m4b", "audio/x-m4a")
    assert (get_format(".m4a").extension, get_format("m4a").media_type) == ("m4a", "audio/x-m4a")
    with pytest.raises(ConfigError, match="mp3, m4a, m4b"):
        get_format("ogg")
    assert set(FORMATS) == {"mp3", "m4a", "m4b"}


def test_ffprobe_sees_mono_44k1_aac_branded_as_an_audiobook(m4b):
    probe = ffprobe(m4b)
    audio = [s for s in probe["streams"] if s["codec_type"] == "audio"]
    assert len(audio) == 1
    assert (audio[0]["codec_name"], int(audio[0]["sample_rate"]), audio[0]["channels"]) == ("aac", 44100, 1)
    assert probe["format"]["tags"]["major_brand"].strip() == "M4B"
    assert float(probe["format"]["duration"]) == pytest.approx(6.0, abs=0.05)


def test_ffprobe_lists_the_json_chapters_titles_and_starts(m4b):
    expected = json.loads(to_chapters_json(timeline()))["chapters"]
    chapters = ffprobe(m4b)["chapters"]
    assert [c["tags"]["title"] for c in chapters] == [c["title"] for c in expected]
    for found, wanted in zip(chapters, expected):
        assert abs(float(found["start_time"]) - wanted["startTime"]) <= 0.010
    assert float(chapters[-1]["end_time"]) == pytest.approx(6.0, abs=0.05)


def test_mutagen_reads_the_chapters_and_tags(m4b):
    marks = timeline().all_chapters()
    chapters = read_mp4_chapters(m4b)
    assert [title for title, _ in chapters] == [m.title for m in marks]
    assert all(abs(start - m.start_ms) <= 10 for (_, start), m in zip(chapters, marks))
    tags = read_mp4_tags(m4b)
    assert (tags["title"], tags["author"], tags["show"]) == ("Tides and fog", "Ana Mare", "Shoreline")
    assert (tags["genre"], tags["date"], tags["source_url"]) == ("Podcast", "2024-11-02", "https://example.org/tides")
    assert tags["description"] == "Why the bay floods twice a day."
    assert (tags["cover"], tags["cover_mime"]) == (TAGS.cover, "image/jpeg")
    assert read_duration(m4b) == pytest.approx(6.0, abs=0.06)


def test_the_m4b_keeps_the_loudness_it_was_mastered_to(m4b):
    loudness = measure_loudness(m4b)
    assert loudness.integrated_lufs == pytest.approx(-16.0, abs=0.5)
    assert loudness.true_peak_dbtp <= -0.5


def test_an_m4a_is_the_same_audio_under_apples_podcast_brand(tmp_path):
    path = tmp_path / "episode.m4a"
    path.write_bytes(get_format("m4a").render(tone(), RATE, 64, timeline(), TAGS))
    assert ffprobe(path)["format"]["tags"]["major_brand"].strip() == "M4A"
    assert len(read_mp4_chapters(path)) == 5


def test_chapter_titles_are_escaped_for_ffmetadata():
    text = ffmetadata_chapters(timeline().all_chapters())
    assert "title=Tides\\; high \\= low \\# sometimes" in text
    assert "title=Neap \\\\ slack" in text
    # each chapter ends where the next begins, the last at its own end
    assert text.count("[CHAPTER]") == 5 and "START=2600\nEND=3500" in text and "START=4500\nEND=6000" in text


def test_tagging_a_file_that_is_not_mp4_is_a_publish_error(tmp_path):
    from audiocast.publish.tags import write_mp4_tags

    path = tmp_path / "notes.m4b"
    path.write_text("not audio\n" * 20)
    with pytest.raises(PublishError, match="notes.m4b"):
        write_mp4_tags(path, TAGS, timeline())
