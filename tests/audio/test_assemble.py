"""Assembly of real Piper speech: layout, pacing, exact timeline, bumpers and clean joins."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.signal import butter, find_peaks, fftconvolve, sosfiltfilt

from audiocast.audio import assemble, default_bumpers
from audiocast.audio.assemble import SAMPLE_RATE, TRIM_KEEP_LEAD_S, TRIM_KEEP_TAIL_S, prepare_clip
from audiocast.audio.decode import run_ffmpeg
from audiocast.audio.loudness import integrated_loudness
from audiocast.config import Pacing, Production
from audiocast.errors import AudioError
from audiocast.models import Clip, Script, ScriptSection, Segment

MS = SAMPLE_RATE / 1000
FRAME_MS = 1152 / 44.1
MARGIN_MS = round((TRIM_KEEP_LEAD_S + TRIM_KEEP_TAIL_S) * 1000)  # kept around every clip's sound


@pytest.fixture(scope="module")
def assembled(script, clips):
    return assemble(script, clips, Production())


def tone_clip(seconds: float, rate: int, freq: float = 220.0) -> Clip:
    t = np.arange(int(seconds * rate)) / rate
    pcm = (0.3 * np.sin(2 * np.pi * freq * t) * 32767).astype("<i2").tobytes()
    return Clip(pcm=pcm, sample_rate=rate)


def tone_script() -> Script:
    return Script("Tones", [
        ScriptSection(None, 1, [Segment("sentence", "one", "One.", "paragraph")]),
        ScriptSection("Two", 1, [Segment("heading", "Two.", "Two", "heading"),
                                 Segment("sentence", "three", "Three.", "paragraph")]),
    ])


def matches(samples: np.ndarray, template: np.ndarray, threshold: float = 0.95) -> list[int]:
    """Sample offsets where ``template`` occurs in ``samples`` (normalized cross-correlation)."""
    t = template.astype(np.float64)
    x = np.pad(samples.astype(np.float64), len(t))  # so a match at either end is a peak too
    cumulative = np.concatenate(([0.0], np.cumsum(x**2)))
    energy = cumulative[len(t):] - cumulative[:-len(t)]
    ncc = fftconvolve(x, t[::-1], "valid") / (np.linalg.norm(t) * np.sqrt(np.maximum(energy, 1e-12)))
    peaks, _ = find_peaks(ncc, height=threshold, distance=len(t))
    return [int(p) - len(t) for p in peaks]


def test_every_segment_gets_a_cue_with_its_written_text(assembled, script):
    segments = list(script.segments())
    cues = assembled.timeline.cues
    assert [c.text for c in cues] == [s.written for s in segments]
    owners = [i for i, section in enumerate(script.sections) for _ in section.segments]
    assert [c.section for c in cues] == owners


def test_track_is_44k1_mono_float_and_the_duration_is_its_length(assembled):
    assert assembled.sample_rate == 44100
    assert assembled.samples.dtype == np.float32 and assembled.samples.ndim == 1
    assert assembled.timeline.duration_ms == round(len(assembled.samples) / MS)


def test_cues_span_exactly_the_trimmed_speech(assembled, clips):
    for cue, clip in zip(assembled.timeline.cues, clips):
        assert abs((cue.end_ms - cue.start_ms) - len(prepare_clip(clip)) / MS) <= 1
        audio = assembled.samples[int(cue.start_ms * MS):int(cue.end_ms * MS)]
        assert np.sqrt(np.mean(audio**2)) > 0.01  # speech, not silence


def test_pauses_come_from_the_pacing_settings(script, clips):
    pacing = Pacing(sentence=300, item=400, paragraph=800, heading=500, section=1000)
    timeline = assemble(script, clips, Production(pacing=pacing)).timeline
    cues, segments = timeline.cues, list(script.segments())
    transition_ms = len(default_bumpers().transition) / MS
    for i in range(len(cues) - 1):
        gap = cues[i + 1].start_ms - cues[i].end_ms
        if cues[i + 1].section == cues[i].section:
            assert abs(gap - pacing.pause_ms(segments[i].pause_after)) <= 1
        # a section's pause grows by under one MP3 frame (26 ms), to put a cut on a frame
        elif script.sections[cues[i + 1].section].level == 2:
            assert -1 <= gap - pacing.section <= FRAME_MS + 1
        else:
            assert -1 <= gap - (2 * pacing.section + transition_ms) <= FRAME_MS + 1


def test_engine_silence_around_a_clip_does_not_change_the_pacing(script, clips):
    padded = [Clip(b"\0\0" * 11025 + c.pcm + b"\0\0" * 11025, c.sample_rate) for c in clips]
    plain = assemble(script, clips, Production()).timeline
    wide = assemble(script, padded, Production()).timeline
    assert [(c.start_ms, c.end_ms) for c in wide.cues] == [(c.start_ms, c.end_ms) for c in plain.cues]


def test_level_one_chapters_tile_the_episode_and_start_at_their_heading(assembled, script):
    timeline = assembled.timeline
    chapters = timeline.chapters
    assert [c.title for c in chapters] == ["Introduction", "Building the tower", "The last keeper"]
    assert chapters[0].start_ms == 0
    assert chapters[-1].end_ms == timeline.duration_ms
    for before, after in zip(chapters, chapters[1:]):
        assert before.end_ms == after.start_ms
    first_cue = {}
    for cue in timeline.cues:
        first_cue.setdefault(cue.section, cue)
    assert chapters[1].start_ms == first_cue[1].start_ms
    assert chapters[2].start_ms == first_cue[3].start_ms
    for mark in timeline.all_chapters():
        assert isinstance(mark.start_ms, int) and isinstance(mark.end_ms, int)


def test_level_two_chapters_start_at_their_heading_and_end_with_their_parent(assembled):
    timeline = assembled.timeline
    parent = timeline.chapters[1]
    assert [(c.title, c.level) for c in parent.children] == [("Stone from the quarry", 2)]
    child = parent.children[0]
    heading_cue = next(c for c in timeline.cues if c.section == 2)
    assert child.start_ms == heading_cue.start_ms
    assert child.end_ms == parent.end_ms
    assert [m.title for m in timeline.all_chapters()] == [
        "Introduction", "Building the tower", "Stone from the quarry", "The last keeper"]


def test_transition_bumper_sounds_between_level_one_sections_only(assembled):
    timeline = assembled.timeline
    template = default_bumpers().transition
    found = matches(assembled.samples, template)
    assert len(found) == len(timeline.chapters) - 1
    for offset, chapter in zip(found, timeline.chapters[1:]):
        previous_speech_end = max(c.end_ms for c in timeline.cues if c.start_ms < chapter.start_ms)
        assert previous_speech_end < offset / MS
        assert (offset + len(template)) / MS < chapter.start_ms


def test_intro_and_outro_frame_the_episode(assembled):
    from audiocast.audio.assemble import INTRO_LEAD_S

    bumpers = default_bumpers()
    timeline = assembled.timeline
    # the intro opens the episode; the voice comes in over its fading tail, so the
    # first chapter's first words are heard within half a second
    lead = bumpers.intro[:int(INTRO_LEAD_S * SAMPLE_RATE)]
    assert matches(assembled.samples, lead) == [0]
    assert 0 < timeline.cues[0].start_ms <= 500
    outro = matches(assembled.samples, bumpers.outro)
    assert outro == [len(assembled.samples) - len(bumpers.outro)]
    assert outro[0] / MS > timeline.cues[-1].end_ms


def test_bumpers_sit_a_few_lu_under_the_voice(assembled):
    timeline = assembled.timeline
    speech = np.concatenate([assembled.samples[int(c.start_ms * MS):int(c.end_ms * MS)]
                             for c in timeline.cues])
    template = default_bumpers().transition
    start = matches(assembled.samples, template)[0]
    bumper = assembled.samples[start:start + len(template)]
    below = integrated_loudness(speech, SAMPLE_RATE) - integrated_loudness(bumper, SAMPLE_RATE)
    assert 2.0 <= below <= 8.0


def test_joins_do_not_click(assembled):
    """Piper speech stops near 11 kHz and the chimes lower still, so any energy above
    12 kHz around a join would be the broadband burst of a click."""
    samples = assembled.samples.astype(np.float64)
    highs = sosfiltfilt(butter(8, 12000, "highpass", fs=SAMPLE_RATE, output="sos"), samples)
    timeline = assembled.timeline
    template = default_bumpers().transition
    joins = [c.start_ms for c in timeline.cues] + [c.end_ms for c in timeline.cues]
    for offset in matches(assembled.samples, template):
        joins += [offset / MS, (offset + len(template)) / MS]
    for join in joins:
        window = slice(max(0, int((join - 10) * MS)), int((join + 10) * MS))
        assert np.abs(highs[window]).max() < 1e-3, f"click at {join} ms"
        assert np.abs(np.diff(samples[window])).max() < 0.05, f"jump at {join} ms"


def test_clips_at_other_sample_rates_keep_exact_lengths():
    script = tone_script()
    clips = [tone_clip(0.5, 24000), tone_clip(0.25, 22050), tone_clip(1.0, 16000)]
    timeline = assemble(script, clips, Production()).timeline
    assert [c.end_ms - c.start_ms for c in timeline.cues] == [500 + MARGIN_MS, 250 + MARGIN_MS,
                                                              1000 + MARGIN_MS]


def test_a_missing_clip_is_an_error():
    with pytest.raises(AudioError, match="2 audio clips for 3"):
        assemble(tone_script(), [tone_clip(0.5, 22050)] * 2, Production())


def test_custom_transition_file_replaces_the_chime(tmp_path):
    jingle = tmp_path / "jingle.wav"
    run_ffmpeg(["-f", "lavfi", "-i", "sine=frequency=880:duration=0.3", "-ar", "48000", str(jingle)])
    script = tone_script()
    production = Production(transition_bumper=str(jingle))
    track = assemble(script, [tone_clip(0.5, 22050)] * 3, production)
    cues = track.timeline.cues
    gap = cues[1].start_ms - cues[0].end_ms
    assert -1 <= gap - (2 * production.pacing.section + 300) <= FRAME_MS + 1  # + the cut's alignment
    assert not matches(track.samples, default_bumpers().transition)


def test_a_missing_bumper_file_names_its_path(tmp_path):
    missing = tmp_path / "no-such-intro.mp3"
    with pytest.raises(AudioError, match="no-such-intro.mp3"):
        assemble(tone_script(), [tone_clip(0.5, 22050)] * 3, Production(intro_bumper=str(missing)))


def test_bumpers_can_be_switched_off():
    production = Production(intro_bumper="none", transition_bumper="none", outro_bumper="none")
    track = assemble(tone_script(), [tone_clip(0.5, 22050)] * 3, production)
    cues = track.timeline.cues
    assert cues[0].start_ms == 0
    assert cues[-1].end_ms == track.timeline.duration_ms
    assert 0 <= cues[1].start_ms - cues[0].end_ms - production.pacing.section <= FRAME_MS + 1
    speech_s = 3 * (0.5 + MARGIN_MS / 1000)
    pauses_s = (production.pacing.section + production.pacing.heading) / 1000
    assert 0 <= track.duration_s - (speech_s + pauses_s) <= FRAME_MS / 1000 + 0.002  # the cut's alignment


def test_a_clip_cut_off_mid_sound_still_joins_without_a_click():
    """Tones at full level from their first to their last sample: only the fades at the
    joins stand between them and a click."""
    track = assemble(tone_script(), [tone_clip(0.5, 22050)] * 3, Production())
    highs = sosfiltfilt(butter(8, 12000, "highpass", fs=SAMPLE_RATE, output="sos"),
                        track.samples.astype(np.float64))
    assert np.abs(highs).max() < 1e-3


# --- the track at the voice's own rate ---------------------------------------------


@pytest.fixture(scope="module")
def native(script, clips):
    return assemble(script, clips, Production(), sample_rate=None)


def test_a_native_rate_track_has_the_voices_rate_and_the_same_timeline(native, assembled):
    assert native.sample_rate == 22050
    assert native.samples.dtype == np.float32
    assert native.timeline.duration_ms == round(len(native.samples) / 22.05)
    assert native.duration_s == pytest.approx(assembled.duration_s, abs=0.001)
    pairs = zip(native.timeline.cues, assembled.timeline.cues)
    assert all(abs(a.start_ms - b.start_ms) <= 1 and abs(a.end_ms - b.end_ms) <= 1 for a, b in pairs)
    assert [c.start_ms for c in native.timeline.all_chapters()] == [
        c.start_ms for c in assembled.timeline.all_chapters()]


def test_a_native_rate_track_has_its_bumpers_made_at_that_rate(native):
    from audiocast.audio.assemble import INTRO_LEAD_S

    bumpers = default_bumpers(22050)
    chapters = native.timeline.chapters
    assert matches(native.samples, bumpers.intro[:int(INTRO_LEAD_S * 22050)]) == [0]
    assert len(matches(native.samples, bumpers.transition)) == len(chapters) - 1
    assert matches(native.samples, bumpers.outro) == [len(native.samples) - len(bumpers.outro)]


def test_the_44k1_track_is_the_native_one_upsampled(native, assembled):
    """Laid out at the voice's rate and converted once: the speech is the same sound."""
    from scipy.signal import resample_poly

    upsampled = resample_poly(native.samples, 2, 1)
    cue = assembled.timeline.cues[1]
    window = slice(int(cue.start_ms * MS), int(cue.end_ms * MS))
    assert np.corrcoef(upsampled[window], assembled.samples[window])[0, 1] > 0.999


def test_a_custom_jingle_keeps_its_full_bandwidth_in_a_44k1_track(tmp_path):
    """Speech from a 22.05 kHz voice ends at 11 kHz, but a show's own jingle is written
    into the finished 44.1 kHz track, so its highs survive."""
    jingle = tmp_path / "jingle.wav"
    run_ffmpeg(["-f", "lavfi", "-i", "sine=frequency=15000:duration=0.5", "-ar", "48000", str(jingle)])
    track = assemble(tone_script(), [tone_clip(0.5, 22050)] * 3, Production(transition_bumper=str(jingle)))
    cues = track.timeline.cues
    gap = slice(int(cues[0].end_ms * MS), int(cues[1].start_ms * MS))
    spectrum = np.abs(np.fft.rfft(track.samples[gap]))
    freqs = np.fft.rfftfreq(len(track.samples[gap]), 1 / SAMPLE_RATE)
    assert freqs[np.argmax(spectrum)] == pytest.approx(15000, abs=5)


def test_a_long_track_laid_out_on_disk_is_the_same_track(native, script, clips, monkeypatch):
    """Past MAPPED_TRACK_S the track is a memory-mapped file; the audio and timeline
    come out exactly as when it is held in memory."""
    import importlib

    assembly = importlib.import_module("audiocast.audio.assemble")  # the module, not the function
    monkeypatch.setattr(assembly, "MAPPED_TRACK_S", 0)
    mapped = assemble(script, clips, Production(), sample_rate=None)
    assert isinstance(mapped.samples.base, np.memmap) or isinstance(mapped.samples, np.memmap)
    assert np.array_equal(mapped.samples, native.samples)
    assert mapped.timeline == native.timeline
