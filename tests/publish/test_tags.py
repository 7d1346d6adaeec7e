"""ID3v2.3 tags, cover art and CHAP/CTOC chapters on a real MP3, read back by mutagen
and (where installed) ffprobe."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from datetime import datetime

import numpy as np
import pytest
from mutagen.id3 import ID3, CTOCFlags
from PIL import Image

from audiocast.audio import encode_mp3
from audiocast.errors import PublishError
from audiocast.models import ChapterMark, Timeline
from audiocast.publish.tags import (
    MAX_COVER_BYTES,
    EpisodeTags,
    read_chapters,
    read_mp3_info,
    read_tags,
    write_tags,
)

RATE = 44100


def timeline() -> Timeline:
    """Titles of very different lengths, so a writer that orders frames by size would
    scramble them."""
    return Timeline(
        duration_ms=6000,
        chapters=[
            ChapterMark("Introduction: a rather long opening title for the whole piece", 1, 0, 2000),
            ChapterMark("Tides", 1, 2000, 4500, children=[
                ChapterMark("Spring tides and the moon's pull on the bay", 2, 2600, 3500),
                ChapterMark("Neap", 2, 3500, 4500),
            ]),
            ChapterMark("Fog — und Nebel", 1, 4500, 6000),
        ],
        cues=[],
    )


@pytest.fixture(scope="module")
def tone_mp3_bytes() -> bytes:
    t = np.arange(6 * RATE) / RATE
    return encode_mp3((0.2 * np.sin(2 * np.pi * 330 * t)).astype(np.float32), RATE)


@pytest.fixture
def mp3(tmp_path, tone_mp3_bytes):
    path = tmp_path / "episode.mp3"
    path.write_bytes(tone_mp3_bytes)
    return path


def image_bytes(size: int, fmt: str, noisy: bool = False) -> bytes:
    image = Image.effect_noise((size, size), 90).convert("RGB") if noisy else Image.new("RGB", (size, size), "teal")
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def tags(**overrides) -> EpisodeTags:
    values = dict(title="Tides and fog", author="Ana Mare", show="Shoreline", date=datetime(2024, 11, 2, 8, 30),
                  description="Why the bay floods twice a day & why fog follows.",
                  source_url="https://example.org/tides", language="en-us")
    values.update(overrides)
    return EpisodeTags(**values)


def test_tags_are_saved_as_id3v23_with_the_podcast_frames(mp3):
    write_tags(mp3, tags(cover=image_bytes(300, "PNG")), timeline())
    assert mp3.read_bytes()[:4] == b"ID3\x03"
    read = read_tags(mp3)
    assert read["title"] == "Tides and fog"
    assert read["author"] == "Ana Mare"
    assert read["show"] == "Shoreline"
    assert read["genre"] == "Podcast"
    assert read["date"] == "2024-11-02"
    assert read["description"] == "Why the bay floods twice a day & why fog follows."
    assert read["source_url"] == "https://example.org/tides"
    assert read["language"] == "eng"
    assert read["length_ms"] == 6000
    assert (read["cover_mime"], read["cover_type"]) == ("image/png", 3)
    head = mp3.read_bytes()[:4096]
    assert b"TYER" in head and b"TDRC" not in head  # the v2.3 date frame
    assert ID3(mp3).getall("COMM")[0].lang == "eng"


def test_a_large_cover_is_recompressed_under_500_kb(mp3):
    big = image_bytes(1800, "PNG", noisy=True)
    assert len(big) > MAX_COVER_BYTES
    write_tags(mp3, tags(cover=big), timeline())
    read = read_tags(mp3)
    assert read["cover_mime"] == "image/jpeg"
    assert len(read["cover"]) <= MAX_COVER_BYTES
    with Image.open(io.BytesIO(read["cover"])) as image:
        assert image.format == "JPEG" and image.width == image.height


def test_a_small_jpeg_cover_is_kept_as_is(mp3):
    cover = image_bytes(400, "JPEG")
    write_tags(mp3, tags(cover=cover, cover_mime=None), timeline())
    assert read_tags(mp3)["cover"] == cover


def test_chapters_come_back_in_reading_order_with_exact_times(mp3):
    write_tags(mp3, tags(), timeline())
    file_end = int(read_mp3_info(mp3).duration_s * 1000)
    assert read_chapters(mp3) == [
        ("ch0", "Introduction: a rather long opening title for the whole piece", 0, 2000),
        ("ch1", "Tides", 2000, 4500),
        ("ch1.0", "Spring tides and the moon's pull on the bay", 2600, 3500),
        ("ch1.1", "Neap", 3500, 4500),
        ("ch2", "Fog — und Nebel", 4500, file_end),
    ]


def test_table_of_contents_nests_subsections_under_their_chapter(mp3):
    write_tags(mp3, tags(), timeline())
    raw = ID3(mp3)
    tocs = {f.element_id: f for f in raw.getall("CTOC")}
    top = tocs["toc"]
    assert top.flags == CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED
    assert top.child_element_ids == ["ch0", "toc1", "ch2"]  # each section once
    assert tocs["toc1"].flags == CTOCFlags.ORDERED
    assert tocs["toc1"].child_element_ids == ["ch1", "ch1.0", "ch1.1"]  # its opening chapter first
    ids = [f.element_id for f in raw.getall("CHAP")] + list(tocs)
    assert len(ids) == len(set(ids))
    assert all(i.encode("latin-1") for i in ids)


def test_a_player_showing_the_table_of_contents_sees_each_section_once(mp3):
    """The top-level entries, each with its title (CTOC or CHAP), as a TOC-aware player lists them."""
    write_tags(mp3, tags(), timeline())
    raw = ID3(mp3)
    chaps = {f.element_id: f for f in raw.getall("CHAP")}
    tocs = {f.element_id: f for f in raw.getall("CTOC")}

    def title(element_id: str) -> str:
        frame = chaps.get(element_id) or tocs[element_id]
        return str(frame.sub_frames.getall("TIT2")[0])

    top = [title(e) for e in tocs["toc"].child_element_ids]
    assert top == ["Introduction: a rather long opening title for the whole piece", "Tides", "Fog — und Nebel"]
    nested = [title(e) for e in tocs["toc1"].child_element_ids]
    assert nested == ["Tides", "Spring tides and the moon's pull on the bay", "Neap"]
    assert chaps["ch1"].start_time == 2000  # the section's opening chapter starts at its heading


def test_last_chapter_reaches_the_end_players_report(mp3):
    """ffprobe and mutagen count the encoder's priming samples in the duration."""
    write_tags(mp3, tags(), timeline())
    end = read_chapters(mp3)[-1][3]
    assert end == int(read_mp3_info(mp3).duration_s * 1000)
    assert 6000 <= end < 6060


def test_ffprobe_lists_chapters_in_time_order(mp3):
    if not shutil.which("ffprobe"):
        pytest.skip("ffprobe is not installed")
    write_tags(mp3, tags(), timeline())
    done = subprocess.run(["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(mp3)],
                          capture_output=True, check=True)
    chapters = json.loads(done.stdout)["chapters"]
    assert [c["tags"]["title"] for c in chapters] == [m.title for m in timeline().all_chapters()]
    assert [int(c["start"]) for c in chapters] == [0, 2000, 2600, 3500, 4500]


def test_writing_twice_replaces_rather_than_adds(mp3):
    write_tags(mp3, tags(cover=image_bytes(200, "JPEG")), timeline())
    write_tags(mp3, tags(title="Second title"), timeline())
    raw = ID3(mp3)
    assert [str(f) for f in raw.getall("TIT2")] == ["Second title"]
    assert raw.getall("APIC") == []
    assert len(raw.getall("CHAP")) == 5


def test_language_and_optional_fields_may_be_missing(mp3):
    write_tags(mp3, EpisodeTags(title="Bare"), Timeline(1000, [ChapterMark("Introduction", 1, 0, 1000)], []))
    read = read_tags(mp3)
    assert read["title"] == "Bare" and read["author"] is None and read["cover"] is None
    assert read["language"] is None


def test_problems_become_publish_errors(tmp_path, mp3):
    with pytest.raises(PublishError, match="missing.mp3"):
        write_tags(tmp_path / "missing.mp3", tags(), timeline())
    text = tmp_path / "notes.mp3"
    text.write_text("not audio at all\n" * 10)
    with pytest.raises(PublishError, match="notes.mp3"):
        write_tags(text, tags(), timeline())
    with pytest.raises(PublishError, match="cover"):
        write_tags(mp3, tags(cover=b"GIF89a not really"), timeline())
