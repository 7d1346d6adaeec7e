"""Loudness normalization and measurement against ffmpeg's EBU R128 meter."""

from __future__ import annotations

import numpy as np
import pytest

from audiocast.audio import measure_loudness, normalize_loudness
from audiocast.audio.decode import run_ffmpeg
from audiocast.audio.loudness import integrated_loudness, limit_true_peak, true_peak
from audiocast.errors import AudioError

RATE = 44100


def write_wav(path, samples: np.ndarray) -> None:
    run_ffmpeg(["-f", "f32le", "-ar", str(RATE), "-ac", "1", "-i", "pipe:0", "-c:a", "pcm_f32le", str(path)],
               samples.astype("<f4").tobytes())


def speechlike(seconds: float = 8.0, seed: int = 7) -> np.ndarray:
    """Bursts of buzzy harmonic sound with sharp crests, separated by silences: the
    high peak-to-loudness ratio of synthetic speech without needing a voice."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    pitch = 120 + 20 * np.sin(2 * np.pi * 0.7 * t)
    phase = 2 * np.pi * np.cumsum(pitch) / RATE
    buzz = sum(np.sin(k * phase) / k for k in range(1, 30))
    syllables = (np.sin(2 * np.pi * 3.1 * t) > 0.2) * (rng.random(len(t)) > -1)
    envelope = np.convolve(syllables.astype(float), np.hanning(441) / 220, "same")
    return (0.05 * buzz * envelope).astype(np.float32)


def test_known_tone_measures_as_bs1770_says(tmp_path):
    """A 997 Hz sine peaking at -20 dBFS reads -23.0 LUFS on a BS.1770 meter."""
    t = np.arange(5 * RATE) / RATE
    tone = (0.1 * np.sin(2 * np.pi * 997 * t)).astype(np.float32)
    path = tmp_path / "tone.wav"
    write_wav(path, tone)
    measured = measure_loudness(path)
    assert measured.integrated_lufs == pytest.approx(-23.0, abs=0.2)
    assert measured.true_peak_dbtp == pytest.approx(-20.0, abs=0.2)
    assert integrated_loudness(tone, RATE) == pytest.approx(measured.integrated_lufs, abs=0.2)


def test_normalized_audio_meets_the_podcast_targets(tmp_path):
    quiet = speechlike() * 0.3
    out = normalize_loudness(quiet, RATE, -16.0, -1.0)
    path = tmp_path / "out.wav"
    write_wav(path, out)
    measured = measure_loudness(path)
    assert measured.integrated_lufs == pytest.approx(-16.0, abs=0.3)
    assert measured.true_peak_dbtp <= -1.0
    assert np.abs(out).max() < 1.0
    assert len(out) == len(quiet)


def test_other_targets_are_honoured():
    out = normalize_loudness(speechlike(), RATE, -19.0, -2.0)
    assert integrated_loudness(out, RATE) == pytest.approx(-19.0, abs=0.1)
    assert true_peak(out, RATE) <= -2.0


def test_limiter_catches_intersample_peaks_and_leaves_the_rest_alone():
    """A sine at a quarter of the sample rate, phased so every sample misses the crest:
    the sample peak understates the true peak by 3 dB."""
    n = np.arange(RATE)
    wave = np.sin(np.pi / 2 * n + np.pi / 4).astype(np.float32) * 0.2
    wave[RATE // 2:RATE // 2 + 400] *= 5  # a loud moment: sample peak 0.707, true peak 1.0
    assert 20 * np.log10(np.abs(wave).max()) < -2.9
    assert true_peak(wave, RATE) > -0.1
    ceiling = 10 ** (-3 / 20)
    out = limit_true_peak(wave, RATE, ceiling)
    assert true_peak(out, RATE) <= -3.0 + 1e-3
    far = slice(0, RATE // 4)
    np.testing.assert_allclose(out[far], wave[far], rtol=1e-4)


def test_silence_stays_silent():
    silence = np.zeros(RATE, dtype=np.float32)
    assert not normalize_loudness(silence, RATE).any()


def test_measuring_a_missing_file_is_an_audio_error(tmp_path):
    with pytest.raises(AudioError, match="not-there.mp3"):
        measure_loudness(tmp_path / "not-there.mp3")
