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


# --- the fast meter and normalizer against references, on real speech --------------

VOICE_RATE = 22050


@pytest.fixture(scope="module")
def speech(clips) -> np.ndarray:
    """The bundled Piper voice reading the test script, clip after clip (22.05 kHz),
    then half a second of silence, as an episode ends (pyloudnorm counts a last
    gating block that runs past the end; BS.1770 and our meter do not)."""
    from audiocast.audio.decode import pcm16_to_samples

    assert {clip.sample_rate for clip in clips} == {VOICE_RATE}
    speech = np.concatenate([pcm16_to_samples(clip.pcm) for clip in clips])
    return np.pad(speech, (0, VOICE_RATE // 2))


def oversampled_peak(samples: np.ndarray) -> float:
    """The true peak by brute force: the whole signal upsampled 4x with the meter's
    interpolation filter, in float64 (the meter itself only interpolates where a
    peak could exceed what it is looking for). Every fourth value is a sample itself."""
    from scipy.signal import firwin, upfirdn

    taps = firwin(49, 1 / 4, window=("kaiser", 5.0)) * 4
    taps[::4] = 0
    taps[24] = 1
    return float(np.abs(upfirdn(taps, samples.astype(np.float64), up=4)).max())


@pytest.mark.parametrize("rate", [VOICE_RATE, 44100])
def test_meter_reads_real_speech_as_pyloudnorm_does(speech, rate):
    """pyloudnorm's "DeMan" K-weighting is the design libebur128 and ffmpeg's meter use
    at any sample rate; its default (RBJ cookbook) design reads a little differently
    away from 48 kHz."""
    import pyloudnorm
    from scipy.signal import resample_poly

    x = speech if rate == VOICE_RATE else resample_poly(speech, 2, 1).astype(np.float32)
    reference = pyloudnorm.Meter(rate, filter_class="DeMan").integrated_loudness(x.astype(np.float64))
    assert integrated_loudness(x, rate) == pytest.approx(reference, abs=0.02)
    cookbook = pyloudnorm.Meter(rate).integrated_loudness(x.astype(np.float64))
    assert integrated_loudness(x, rate) == pytest.approx(cookbook, abs=0.15)


def test_meter_reads_speech_as_ffmpegs_ebu_r128_meter_does(speech, tmp_path):
    path = tmp_path / "speech.wav"
    run_ffmpeg(["-f", "f32le", "-ar", str(VOICE_RATE), "-ac", "1", "-i", "pipe:0", "-c:a", "pcm_f32le",
                str(path)], speech.astype("<f4").tobytes())
    assert integrated_loudness(speech, VOICE_RATE) == pytest.approx(measure_loudness(path).integrated_lufs,
                                                                    abs=0.06)  # the log rounds to 0.1


def test_true_peak_equals_the_brute_force_oversampled_peak(speech):
    assert true_peak(speech, VOICE_RATE) == pytest.approx(20 * np.log10(oversampled_peak(speech)), abs=1e-3)
    quiet = speech * np.float32(0.01)
    assert true_peak(quiet, VOICE_RATE) == pytest.approx(20 * np.log10(oversampled_peak(quiet)), abs=1e-3)


@pytest.mark.parametrize("target, ceiling", [(-16.0, -1.0), (-19.0, -2.0), (-23.0, -1.0)])
def test_normalized_speech_lands_on_target_by_the_reference_meter(speech, target, ceiling):
    """The gain search works from K-weighted summaries with the limiter's gain applied
    after weighting; the reference meter, run on the finished samples, must agree."""
    import pyloudnorm

    out = normalize_loudness(speech, VOICE_RATE, target, ceiling)
    meter = pyloudnorm.Meter(VOICE_RATE, filter_class="DeMan")
    assert meter.integrated_loudness(out.astype(np.float64)) == pytest.approx(target, abs=0.1)
    assert 20 * np.log10(oversampled_peak(out)) <= ceiling - 0.7 + 1e-4


def test_normalizing_in_place_gives_the_same_result_without_a_copy(speech):
    expected = normalize_loudness(speech, VOICE_RATE)
    track = speech.copy()
    result = normalize_loudness(track, VOICE_RATE, out=track)
    assert result is track
    np.testing.assert_array_equal(result, expected)
    with pytest.raises(AudioError, match="float32"):
        normalize_loudness(speech, VOICE_RATE, out=np.zeros(len(speech)))


def test_normalizing_a_long_episode_needs_little_memory_besides_the_track(speech):
    """Twelve minutes of speech normalized in place: everything else the normalizer
    holds at once stays a small fraction of the track (it grows with the length, so
    an hour-long episode would show a blow-up many times over)."""
    import tracemalloc

    track = np.tile(speech, int(np.ceil(12 * 60 * VOICE_RATE / len(speech))))
    tracemalloc.start()
    try:
        normalize_loudness(track, VOICE_RATE, out=track)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 0.3 * track.nbytes
