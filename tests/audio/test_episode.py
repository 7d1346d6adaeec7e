"""A real short episode end to end: Piper speech -> assemble -> loudness -> MP3 -> tags,
transcripts and JSON chapters; then read back with mutagen, ffprobe, ffmpeg's EBU R128
meter and webvtt-py, the way podcast apps and hosts see it."""

from __future__ import annotations

import html
import io
import json
import shutil
import subprocess
from datetime import datetime, timezone
from types import SimpleNamespace

import numpy as np
import pytest
import webvtt
from PIL import Image
from scipy.signal import fftconvolve, find_peaks

from audiocast.audio import assemble, default_bumpers, encode_mp3, measure_loudness, normalize_loudness
from audiocast.audio.decode import run_ffmpeg
from audiocast.config import Production
from audiocast.publish.tags import EpisodeTags, read_chapters, read_mp3_info, read_tags, write_tags
from audiocast.publish.transcript import to_chapters_json, to_srt, to_vtt

RATE = 44100


@pytest.fixture(scope="module")
def episode(script, clips, tmp_path_factory):
    production = Production()
    assembled = assemble(script, clips, production)
    samples = normalize_loudness(assembled.samples, assembled.sample_rate,
                                 production.loudness_lufs, production.true_peak_db)
    folder = tmp_path_factory.mktemp("episode")
    mp3 = folder / "harbour-lights.mp3"
    mp3.write_bytes(encode_mp3(samples, assembled.sample_rate, production.bitrate_kbps))
    cover = io.BytesIO()
    Image.new("RGB", (600, 600), (20, 60, 110)).save(cover, "JPEG")
    tags = EpisodeTags(
        title="Harbour lights", author="Rhian Keeper", show="Coast Stories",
        date=datetime(2024, 5, 3, tzinfo=timezone.utc), description="A lamp, a tower, a keeper.",
        source_url="https://example.org/harbour-lights", cover=cover.getvalue(),
        cover_mime="image/jpeg", language="en-us",
    )
    timeline = assembled.timeline
    write_tags(mp3, tags, timeline)
    vtt, srt = folder / "harbour-lights.vtt", folder / "harbour-lights.srt"
    vtt.write_text(to_vtt(timeline, language="en-us"), encoding="utf-8")
    srt.write_text(to_srt(timeline), encoding="utf-8")
    chapters = json.loads(to_chapters_json(timeline))
    decoded = np.frombuffer(run_ffmpeg(["-i", str(mp3), "-f", "f32le", "-ac", "1", "pipe:1"]), "<f4")
    return SimpleNamespace(mp3=mp3, vtt=vtt, srt=srt, chapters=chapters, timeline=timeline,
                           script=script, decoded=decoded)


def ffprobe(path) -> dict:
    if not shutil.which("ffprobe"):
        pytest.skip("ffprobe is not installed")
    done = subprocess.run(["ffprobe", "-v", "error", "-show_chapters", "-show_format", "-show_streams",
                           "-of", "json", str(path)], capture_output=True, check=True)
    return json.loads(done.stdout)


def seconds(timestamp) -> float:
    """webvtt-py's start/end as float seconds (its *_in_seconds drop the milliseconds)."""
    return timestamp.in_milliseconds() / 1000


def level_one_titles(episode) -> list[str]:
    return [c.title for c in episode.timeline.chapters]


def test_mutagen_sees_a_tagged_mono_44k1_96k_mp3_of_the_right_length(episode):
    tags = read_tags(episode.mp3)
    assert tags["title"] == "Harbour lights"
    assert tags["id3_version"] == "2.3"
    assert (tags["author"], tags["show"], tags["genre"]) == ("Rhian Keeper", "Coast Stories", "Podcast")
    info = read_mp3_info(episode.mp3)
    assert (info.sample_rate, info.channels, info.bitrate_kbps) == (44100, 1, 96)
    assert info.constant_bitrate and info.has_info_header
    assert info.duration_s == pytest.approx(episode.timeline.duration_ms / 1000, abs=0.06)
    assert len(episode.decoded) == pytest.approx(episode.timeline.duration_ms * RATE / 1000, abs=RATE / 1000)


def test_mutagen_reads_the_chapters_in_order(episode):
    chapters = read_chapters(episode.mp3)
    marks = episode.timeline.all_chapters()
    assert [c[1] for c in chapters] == [m.title for m in marks]
    assert [c[2] for c in chapters] == [m.start_ms for m in marks]
    assert [c[0] for c in chapters] == ["ch0", "ch1", "ch1.0", "ch2"]


def test_ffprobe_lists_every_chapter_from_zero_to_the_end(episode):
    probe = ffprobe(episode.mp3)
    chapters = probe["chapters"]
    titles = [c["tags"]["title"] for c in chapters]
    assert titles == ["Introduction", "Building the tower", "Stone from the quarry", "The last keeper"]
    assert float(chapters[0]["start_time"]) == 0.0
    level_one = [c for c in chapters if c["tags"]["title"] in level_one_titles(episode)]
    starts = [float(c["start_time"]) for c in level_one]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    duration = float(probe["format"]["duration"])
    assert float(level_one[-1]["end_time"]) == pytest.approx(duration, abs=0.001)
    audio = [s for s in probe["streams"] if s["codec_type"] == "audio"]
    assert len(audio) == 1
    assert (int(audio[0]["sample_rate"]), audio[0]["channels"]) == (44100, 1)


def test_the_mp3_meets_podcast_loudness_on_ffmpegs_ebu_r128_meter(episode):
    loudness = measure_loudness(episode.mp3)
    assert loudness.integrated_lufs == pytest.approx(-16.0, abs=1.0)
    assert loudness.true_peak_dbtp <= -1.0


def test_id3_chapter_starts_match_the_json_chapters(episode):
    json_starts = [c["startTime"] for c in episode.chapters["chapters"]]
    id3_starts = [start / 1000 for _, _, start, _ in read_chapters(episode.mp3)]
    assert len(json_starts) == len(id3_starts)
    for a, b in zip(sorted(json_starts), sorted(id3_starts)):
        assert abs(a - b) <= 0.010


def test_a_listener_jumping_to_a_chapter_hears_its_heading_at_once(episode):
    captions = list(webvtt.read(str(episode.vtt)))
    marks = episode.timeline.all_chapters()
    for mark in marks[1:]:
        first = next(c for c in captions if seconds(c.start_time) >= mark.start_ms / 1000 - 0.001)
        assert 0 <= seconds(first.start_time) - mark.start_ms / 1000 <= 0.5
        assert html.unescape(first.text).replace("\n", " ").startswith(mark.title)
    # the first chapter opens the episode at 0 with the intro chime, and the voice comes
    # in over the chime's tail within half a second
    assert marks[0].start_ms == 0
    assert 0.2 <= seconds(captions[0].start_time) <= 0.5


@pytest.mark.parametrize("kind", ["vtt", "srt"])
def test_captions_are_ordered_short_and_carry_every_sentence(episode, kind):
    if kind == "vtt":
        captions = list(webvtt.read(str(episode.vtt)))
    else:
        captions = list(webvtt.from_srt(str(episode.srt)))
    duration = episode.timeline.duration_ms / 1000
    previous_end = 0.0
    for caption in captions:
        start, end = seconds(caption.start_time), seconds(caption.end_time)
        assert previous_end <= start < end <= duration
        previous_end = end
        assert all(len(line) <= 65 for line in caption.lines)
        assert len(caption.lines) <= 2
    spoken = " ".join(html.unescape(c.text).replace("\n", " ") for c in captions)
    for segment in episode.script.segments():
        assert segment.written in spoken


def test_the_transition_chime_marks_each_new_level_one_section_in_the_mp3(episode):
    template = default_bumpers().transition.astype(np.float64)
    x = np.pad(episode.decoded.astype(np.float64), len(template))
    cumulative = np.concatenate(([0.0], np.cumsum(x**2)))
    energy = cumulative[len(template):] - cumulative[:-len(template)]
    ncc = fftconvolve(x, template[::-1], "valid") / (
        np.linalg.norm(template) * np.sqrt(np.maximum(energy, 1e-12)))
    peaks, _ = find_peaks(ncc, height=0.9, distance=len(template))
    offsets_s = [(p - len(template)) / RATE for p in peaks]
    chapters = episode.timeline.chapters
    assert len(offsets_s) == len(chapters) - 1
    for offset, chapter in zip(offsets_s, chapters[1:]):
        speech_before = max(c.end_ms for c in episode.timeline.cues if c.start_ms < chapter.start_ms)
        assert speech_before / 1000 < offset
        assert offset + len(template) / RATE < chapter.start_ms / 1000


def test_cue_times_point_at_speech_in_the_mp3_and_pauses_are_quiet(episode):
    audio = episode.decoded
    cues = episode.timeline.cues

    def level(start_ms: float, end_ms: float) -> float:
        chunk = audio[int(start_ms * RATE / 1000):int(end_ms * RATE / 1000)]
        return 20 * np.log10(np.sqrt(np.mean(chunk.astype(np.float64) ** 2)) + 1e-12)

    for cue in cues:
        assert level(cue.start_ms + 50, cue.end_ms - 50) > -35
    for a, b in zip(cues, cues[1:]):
        if b.section == a.section:  # a pause between sentences, no bumper in it
            assert level(a.end_ms + 20, b.start_ms - 20) < -60


@pytest.fixture(scope="module")
def native_mp3(script, clips, tmp_path_factory):
    """The same episode made the lean way: the track at the voice's 22.05 kHz,
    normalized in place, resampled to 44.1 kHz by the encoder."""
    production = Production()
    assembled = assemble(script, clips, production, sample_rate=None)
    samples = normalize_loudness(assembled.samples, assembled.sample_rate, production.loudness_lufs,
                                 production.true_peak_db, out=assembled.samples)
    mp3 = tmp_path_factory.mktemp("native") / "harbour-lights.mp3"
    mp3.write_bytes(encode_mp3(samples, assembled.sample_rate, production.bitrate_kbps))
    return SimpleNamespace(mp3=mp3, timeline=assembled.timeline)


def test_a_native_rate_episode_is_still_a_44k1_mp3_of_the_timelines_length(native_mp3):
    info = read_mp3_info(native_mp3.mp3)
    assert (info.sample_rate, info.channels, info.bitrate_kbps) == (44100, 1, 96)
    decoded = np.frombuffer(run_ffmpeg(["-i", str(native_mp3.mp3), "-f", "f32le", "-ac", "1", "pipe:1"]), "<f4")
    assert len(decoded) == pytest.approx(native_mp3.timeline.duration_ms * RATE / 1000, abs=RATE / 1000)


def test_a_native_rate_episode_meets_podcast_loudness(native_mp3):
    loudness = measure_loudness(native_mp3.mp3)
    assert loudness.integrated_lufs == pytest.approx(-16.0, abs=0.5)
    assert loudness.true_peak_dbtp <= -1.0
