"""WebVTT/SRT transcripts and JSON chapters from a Timeline, checked with webvtt-py."""

from __future__ import annotations

import html
import json

import pytest
import webvtt

from audiocast.models import ChapterMark, Cue, Timeline
from audiocast.publish.transcript import captions, to_chapters_json, to_srt, to_vtt

LONG = ("When the spring tide meets a westerly gale, the water climbs over the harbour wall, "
        "floods the lower street, and the fishermen drag their boats up to the chapel steps, "
        "as their grandparents did.")


def timeline() -> Timeline:
    return Timeline(
        duration_ms=30_000,
        chapters=[
            ChapterMark("Introduction", 1, 0, 12_000),
            ChapterMark("Tides", 1, 12_000, 30_000, children=[ChapterMark("Spring tides", 2, 18_000, 30_000)]),
        ],
        cues=[
            Cue(1_000, 2_500, "Fish & chips <by the sea>.", 0),
            Cue(3_000, 11_000, LONG, 0),
            Cue(12_000, 13_000, "Tides", 1),
            Cue(13_500, 16_000, "Twice a day.", 1),
            Cue(18_000, 19_000, "Spring tides", 2),
            Cue(19_500, 31_000, "This one runs past the end of the episode.", 2),
        ],
    )


def seconds(timestamp) -> float:
    return timestamp.in_milliseconds() / 1000


@pytest.fixture
def vtt_captions(tmp_path):
    path = tmp_path / "t.vtt"
    path.write_text(to_vtt(timeline(), language="en-gb"), encoding="utf-8")
    return list(webvtt.read(str(path)))


@pytest.fixture
def srt_captions(tmp_path):
    path = tmp_path / "t.srt"
    path.write_text(to_srt(timeline()), encoding="utf-8")
    return list(webvtt.from_srt(str(path)))


def spoken_text(parsed) -> str:
    """All caption text; raw, since webvtt-py drops anything tag-like from SRT's ``text``
    (SubRip has no escapes), and unescaped, since WebVTT escapes & and <."""
    return " ".join(html.unescape(c.raw_text).replace("\n", " ") for c in parsed)


@pytest.mark.parametrize("parsed", ["vtt_captions", "srt_captions"])
def test_cues_are_ordered_inside_the_episode_and_short(parsed, request):
    parsed = request.getfixturevalue(parsed)
    previous_end = 0.0
    for caption in parsed:
        start, end = seconds(caption.start_time), seconds(caption.end_time)
        assert previous_end <= start < end <= 30.0
        previous_end = end
        assert 1 <= len(caption.lines) <= 2
        assert all(len(line) <= 65 for line in caption.lines)


@pytest.mark.parametrize("parsed", ["vtt_captions", "srt_captions"])
def test_every_sentence_is_carried_word_for_word(parsed, request):
    text = spoken_text(request.getfixturevalue(parsed))
    for cue in timeline().cues:
        assert cue.text in text


def test_vtt_header_language_and_escaping():
    vtt = to_vtt(timeline(), language="en-gb")
    assert vtt.startswith("WEBVTT\nLanguage: en-gb\n\n")
    assert "Fish &amp; chips &lt;by the sea&gt;." in vtt
    assert "00:00:01.000 --> 00:00:02.500" in vtt


def test_srt_numbers_cues_and_uses_comma_milliseconds():
    srt = to_srt(timeline())
    blocks = srt.strip().split("\n\n")
    assert [b.splitlines()[0] for b in blocks] == [str(i) for i in range(1, len(blocks) + 1)]
    assert blocks[0].splitlines()[1] == "00:00:01,000 --> 00:00:02,500"
    assert "Fish & chips <by the sea>." in srt


def test_a_long_sentence_becomes_consecutive_cues_timed_by_characters():
    parts = [c for c in captions(timeline()) if 3_000 <= c.start_ms < 11_000]
    assert len(parts) >= 2
    assert parts[0].start_ms == 3_000 and parts[-1].end_ms == 11_000
    for a, b in zip(parts, parts[1:]):
        assert a.end_ms == b.start_ms
    texts = [" ".join(p.lines) for p in parts]
    assert " ".join(texts) == LONG
    for part, text in zip(parts, texts):
        share = (part.end_ms - part.start_ms) / 8_000
        assert share == pytest.approx(len(text) / sum(map(len, texts)), abs=0.01)


def test_two_line_cues_are_balanced():
    cue = Cue(0, 4_000, "The lighthouse keeper climbed one hundred and twelve steps every evening.", 0)
    (caption,) = captions(Timeline(5_000, [], [cue]))
    assert len(caption.lines) == 2
    assert abs(len(caption.lines[0]) - len(caption.lines[1])) < 15


def test_overlapping_cues_are_made_consecutive():
    cues = [Cue(0, 2_000, "First.", 0), Cue(1_500, 3_000, "Second.", 0)]
    result = captions(Timeline(3_000, [], cues))
    assert [(c.start_ms, c.end_ms) for c in result] == [(0, 2_000), (2_000, 3_000)]


def test_hours_are_written_out():
    late = Timeline(3_700_000, [], [Cue(3_600_000, 3_601_250, "An hour in.", 0)])
    assert "01:00:00.000 --> 01:00:01.250" in to_vtt(late)
    assert "01:00:00,000 --> 01:00:01,250" in to_srt(late)


def test_json_chapters_follow_podcasting_2_0():
    data = json.loads(to_chapters_json(timeline(), url="https://example.org/tides",
                                       img="https://example.org/cover.jpg"))
    assert data["version"] == "1.2.0"
    chapters = data["chapters"]
    assert [c["title"] for c in chapters] == ["Introduction", "Tides", "Spring tides"]
    assert [c["startTime"] for c in chapters] == [0.0, 12.0, 18.0]
    assert [c["endTime"] for c in chapters] == [12.0, 30.0, 30.0]
    assert all(isinstance(c["startTime"], float) for c in chapters)
    assert all(c["url"] == "https://example.org/tides" and c["img"].endswith("cover.jpg") for c in chapters)


def test_json_chapters_without_links_have_only_times_and_titles():
    chapters = json.loads(to_chapters_json(timeline()))["chapters"]
    assert set(chapters[0]) == {"startTime", "endTime", "title"}
