"""An MP3 episode made in pieces: joined frames that play as one encode would, cuts
that never depend on what came before, and a re-render that re-encodes only the
pieces that changed while keeping the episode's loudness."""

from __future__ import annotations

import subprocess
from dataclasses import replace

import numpy as np
import pytest
from mutagen.mp3 import MP3

from audiocast.audio import assemble, normalize_loudness
from audiocast.audio.decode import ffmpeg_exe
from audiocast.audio.encode import encode_mp3
from audiocast.audio.loudness import measure_loudness
from audiocast.audio.pieces import (FRAME, KEEP_GAIN_TOLERANCE_LU, SILENT_AFTER_CUT, SILENT_BEFORE_CUT,
                                    PieceStore, crc16, cut_granularity, frames_of, render_pieces)
from audiocast.config import Production
from audiocast.models import Clip, Script, ScriptSection, Segment

RATE = 22050
MASTERING = dict(target_lufs=-16.0, true_peak_db=-1.0, bitrate_kbps=96)


def voice_clip(seconds: float, freq: float, rate: int = RATE) -> Clip:
    """A voiced, syllable-like sound: a harmonic tone with a 4 Hz envelope."""
    t = np.arange(int(seconds * rate)) / rate
    tone = sum(np.sin(2 * np.pi * freq * k * t) / k for k in range(1, 6))
    envelope = 0.5 - 0.5 * np.cos(2 * np.pi * 4 * t)
    pcm = (0.25 * tone * envelope / 2.3 * 32767).astype("<i2").tobytes()
    return Clip(pcm=pcm, sample_rate=rate)


def script_of(first_paragraph_s: float) -> tuple[Script, list[Clip]]:
    sections = [ScriptSection(None, 1, [Segment("sentence", "a", "A.", "paragraph"),
                                        Segment("sentence", "b", "B.", "paragraph")])]
    clips = [voice_clip(first_paragraph_s, 180), voice_clip(2.0, 200)]
    for n, title in enumerate(("Two", "Three", "Four")):
        sections.append(ScriptSection(title, 1 if n != 1 else 2, [
            Segment("heading", f"{title}.", title, "heading"),
            Segment("sentence", f"s{n}", f"S{n}.", "paragraph")]))
        clips += [voice_clip(0.8, 150 + 20 * n), voice_clip(3.0 + n, 170 + 15 * n)]
    return Script("Pieces", sections), clips


def decode(mp3: bytes, tmp_path) -> np.ndarray:
    path = tmp_path / "decode.mp3"
    path.write_bytes(mp3)
    out = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "f32le", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(out, dtype=np.float32)


@pytest.fixture(scope="module")
def episode():
    script, clips = script_of(2.5)
    return assemble(script, clips, Production(), sample_rate=None)


def test_cuts_fall_on_frames_in_digital_silence(episode):
    step = cut_granularity(RATE)
    assert step == FRAME // 2
    assert len(episode.cuts) == 3  # before each heading after the first section
    samples = episode.samples
    before, after = SILENT_BEFORE_CUT // 2, SILENT_AFTER_CUT // 2
    for at in episode.cuts:
        assert at % step == 0
        assert not samples[at - before:at + after].any()
    starts = [c.start_ms for c in episode.timeline.all_chapters()[1:]]
    for at, start_ms in zip(episode.cuts, starts):  # each cut closes the silence before a heading
        assert 0 < start_ms - at * 1000 / RATE < 60


def test_a_piece_is_the_same_wherever_it_starts():
    short = assemble(*script_of(2.5), Production(), sample_rate=None)
    # the bumpers at the same level (a re-render keeps it), the first paragraph longer
    long_ = assemble(*script_of(2.71), Production(), sample_rate=None, voice_lufs=short.voice_lufs)
    shift = long_.cuts[0] - short.cuts[0]
    assert shift > 0 and shift % cut_granularity(RATE) == 0
    ends_short = [*short.cuts, len(short.samples)]
    ends_long = [*long_.cuts, len(long_.samples)]
    # the first piece holds the edit; every later piece is the same samples, moved
    for (a, b), (c, d) in zip(zip(ends_short, ends_short[1:]), zip(ends_long, ends_long[1:])):
        assert np.array_equal(short.samples[a:b], long_.samples[c:d])


def test_joined_pieces_play_as_one_encode_would(episode, tmp_path):
    track = episode.samples.copy()
    joined = render_pieces(track, RATE, episode.cuts, voice_lufs=episode.voice_lufs, prior=None, store=None,
                           jobs=2, **MASTERING)
    assert joined.pieces == 4 and joined.reused == 0
    whole = encode_mp3(normalize_loudness(episode.samples.copy(), RATE), RATE, 96)
    a, b = decode(joined.mp3, tmp_path), decode(whole, tmp_path)
    assert len(a) == len(b) == 2 * len(track)  # the encoder's delay and padding are exact
    assert np.abs(a - b).max() < 2e-3  # the same audio, to the encoder's own noise
    for at in episode.cuts:  # nothing sounds at a join: no click
        around = a[2 * at - 441:2 * at + 441]
        assert np.abs(around).max() < 1e-4
    path, reference = tmp_path / "joined.mp3", tmp_path / "whole.mp3"
    path.write_bytes(joined.mp3)
    reference.write_bytes(whole)
    frames = frames_of(joined.mp3)
    assert MP3(path).info.length == MP3(reference).info.length  # mutagen counts the frames
    assert len(frames) == len(frames_of(whole))
    assert int.from_bytes(joined.mp3[29:33], "big") == len(frames) - 1  # frame count, Info excluded
    assert int.from_bytes(joined.mp3[33:37], "big") == len(joined.mp3)
    loudness = measure_loudness(path)
    assert loudness.integrated_lufs == pytest.approx(-16.0, abs=0.5)
    assert loudness.true_peak_dbtp <= -1.0 + 0.2


@pytest.mark.parametrize("first_paragraph_s", [2.5, 300.0])  # the seek table resampled 0 and 3 times
def test_the_joined_info_frame_is_the_one_ffmpeg_writes_copying_the_stream(tmp_path, first_paragraph_s):
    """Frame and byte counts, seek table, end padding, music length and checksums as
    ffmpeg writes them when it copies the joined frames; only the encoder's name differs
    (the pieces' encoder's, where the copy names ffmpeg's muxer)."""
    episode = assemble(*script_of(first_paragraph_s), Production(), sample_rate=None)
    joined = render_pieces(episode.samples.copy(), RATE, episode.cuts, voice_lufs=episode.voice_lufs,
                           prior=None, store=None, jobs=2, **MASTERING).mp3
    source, copy = tmp_path / "joined.mp3", tmp_path / "copied.mp3"
    source.write_bytes(joined)
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "mp3", "-i", str(source), "-map_metadata", "-1",
                    "-c:a", "copy", "-id3v2_version", "0", "-write_xing", "1", "-f", "mp3", str(copy)], check=True)
    copied = copy.read_bytes()
    name, tag_crc = slice(21 + 120, 21 + 129), slice(21 + 154, 21 + 156)
    assert len(joined) == len(copied)
    assert joined[name].startswith(b"Lavc") and copied[name] == b"Lavf".ljust(9, b"\0")
    renamed = bytearray(joined)
    renamed[name] = copied[name]
    renamed[tag_crc] = b"\0\0"
    renamed[tag_crc] = crc16(renamed[:190]).to_bytes(2, "big")
    assert bytes(renamed) == copied
    assert MP3(source).info.length == MP3(copy).info.length


def test_the_lame_checksum_is_crc16_arc():
    assert crc16(b"123456789") == 0xBB3D  # the catalogued check value
    data = np.random.default_rng(3).integers(0, 256, 300_001, dtype=np.uint8).tobytes()
    crc = 0  # the byte-at-a-time definition, against the columns numpy steps together
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    assert crc16(data) == crc
    assert crc16(data[:1000]) == crc16(memoryview(data)[:1000]) != crc16(data[1:1001])


def test_a_re_render_encodes_only_the_piece_that_changed(tmp_path):
    store = PieceStore(tmp_path / "cache")
    first = assemble(*script_of(2.5), Production(), sample_rate=None)
    made = render_pieces(first.samples.copy(), RATE, first.cuts, voice_lufs=first.voice_lufs, prior=None,
                         store=store, **MASTERING)
    assert made.reused == 0
    edited = assemble(*script_of(2.9), Production(), sample_rate=None, voice_lufs=made.mastering.voice_lufs)
    again = render_pieces(edited.samples.copy(), RATE, edited.cuts, voice_lufs=edited.voice_lufs,
                          prior=made.mastering, store=store, **MASTERING)
    assert (again.pieces, again.reused) == (4, 3)
    assert again.mastering.gain_db == made.mastering.gain_db
    # the unchanged pieces' frames are the very bytes of the first render
    first_frames = {made.mp3[o:o + n] for o, n in frames_of(made.mp3)[1:]}
    later = frames_of(again.mp3)[1:]
    tail = [again.mp3[o:o + n] for o, n in later[edited.cuts[0] * 2 // FRAME:]]
    assert all(frame in first_frames for frame in tail)
    # and the result is what a render from nothing gives, within the loudness tolerance
    fresh = render_pieces(edited.samples.copy(), RATE, edited.cuts, voice_lufs=edited.voice_lufs, prior=None,
                          store=None, **MASTERING)
    paths = []
    for name, mp3 in (("again", again.mp3), ("fresh", fresh.mp3)):
        paths.append(tmp_path / f"{name}.mp3")
        paths[-1].write_bytes(mp3)
    a, b = (measure_loudness(p) for p in paths)
    assert a.integrated_lufs == pytest.approx(b.integrated_lufs, abs=KEEP_GAIN_TOLERANCE_LU + 0.1)
    assert len(decode(again.mp3, tmp_path)) == len(decode(fresh.mp3, tmp_path))


def test_a_gain_gone_out_of_tolerance_masters_the_episode_again(tmp_path):
    store = PieceStore(tmp_path / "cache")
    first = assemble(*script_of(2.5), Production(), sample_rate=None)
    made = render_pieces(first.samples.copy(), RATE, first.cuts, voice_lufs=first.voice_lufs, prior=None,
                         store=store, **MASTERING)
    stale = replace(made.mastering, gain_db=made.mastering.gain_db - 3.0)
    again = render_pieces(first.samples.copy(), RATE, first.cuts, voice_lufs=first.voice_lufs, prior=stale,
                          store=store, **MASTERING)
    assert again.mastering.gain_db == pytest.approx(made.mastering.gain_db)
    assert again.reused == 4  # mastered again to the same gain: the stored pieces are those


def test_voices_off_the_frame_grid_are_encoded_whole():
    assert cut_granularity(16000) is None and cut_granularity(24000) is None
    script, _ = script_of(2.0)
    clips = [voice_clip(len(c.pcm) / 2 / RATE, 200, rate=16000) for c in script_of(2.0)[1]]
    assert assemble(script, clips, Production(), sample_rate=None).cuts == []


def test_a_damaged_stored_piece_is_made_again(tmp_path):
    store = PieceStore(tmp_path / "cache")
    first = assemble(*script_of(2.5), Production(), sample_rate=None)
    made = render_pieces(first.samples.copy(), RATE, first.cuts, voice_lufs=first.voice_lufs, prior=None,
                         store=store, **MASTERING)
    stored = sorted(store.root.glob("*/*.piece"))
    assert len(stored) == 4
    damaged = bytearray(stored[0].read_bytes())
    damaged[40:60] = b"\xff" * 20  # inside the MP3: no longer a run of frames
    stored[0].write_bytes(bytes(damaged))
    again = render_pieces(first.samples.copy(), RATE, first.cuts, voice_lufs=first.voice_lufs,
                          prior=made.mastering, store=store, **MASTERING)
    assert again.reused == 3
    assert len(decode(again.mp3, tmp_path)) == len(decode(made.mp3, tmp_path))
