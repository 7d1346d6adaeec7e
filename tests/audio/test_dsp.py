"""The audio stage's own filters and resampling against scipy's and ffmpeg's."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import butter, sosfilt

from audiocast.audio.decode import resample_with_ffmpeg
from audiocast.audio.dsp import Biquads


def noise(n: int, seed: int = 3) -> np.ndarray:
    return (0.3 * np.random.default_rng(seed).standard_normal(n)).astype(np.float32)


@pytest.mark.parametrize("piece", [1, 127, 128, 129, 5000, 70000])
def test_biquads_filter_like_sosfilt_however_the_signal_is_cut(piece):
    """The K-weighting (a high shelf and a 38 Hz high pass whose poles sit close to the
    unit circle) and a sharp 8th-order low pass, fed in pieces of any size."""
    x = noise(90000)
    for sos in (np.vstack([np.r_[f.b, f.a] for f in _k_weighting_stages(22050)]),
                butter(8, 3000, fs=22050, output="sos")):
        expected = sosfilt(sos, x.astype(np.float64))
        biquads = Biquads(sos)
        state = biquads.initial_state()
        pieces = []
        for start in range(0, len(x), piece):
            y, state = biquads.filter(x[start:start + piece], state)
            pieces.append(y)
        got = np.concatenate(pieces)
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, expected, atol=2e-5 * np.abs(expected).max())


def _k_weighting_stages(rate: int):
    """BS.1770's K-weighting as libebur128 designs it, from the reference implementation."""
    import pyloudnorm

    return list(pyloudnorm.Meter(rate, filter_class="DeMan")._filters.values())


@pytest.mark.parametrize("from_rate, to_rate", [(22050, 44100), (16000, 44100), (48000, 44100), (24000, 22050)])
def test_ffmpeg_resampling_keeps_length_and_pitch(from_rate, to_rate):
    seconds = 1.5
    t = np.arange(int(seconds * from_rate)) / from_rate
    tone = (0.5 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32)
    out = resample_with_ffmpeg(tone, from_rate, to_rate)
    assert out.dtype == np.float32
    assert len(out) == round(len(tone) * to_rate / from_rate)
    spectrum = np.abs(np.fft.rfft(out[2000:-2000] * np.hanning(len(out) - 4000)))
    freqs = np.fft.rfftfreq(len(out) - 4000, 1 / to_rate)
    assert freqs[np.argmax(spectrum)] == pytest.approx(1000, abs=2)
    assert np.sqrt(np.mean(out[2000:-2000] ** 2)) == pytest.approx(0.5 / np.sqrt(2), rel=0.01)


def test_the_direct_and_the_public_sosfilt_loops_agree():
    from audiocast.audio.dsp import public_sosfilt_kernel, sosfilt_kernel

    sos = butter(8, 3000, fs=22050, output="sos")
    x = noise(20000).astype(np.float64)[None, :]
    results = []
    for kernel in (sosfilt_kernel(), public_sosfilt_kernel()):
        y, zi = x.copy(), np.full((1, len(sos), 2), 0.01)
        kernel(sos, y, zi)
        results.append((y, zi))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=0, atol=1e-12)


def test_measuring_loudness_leaves_scipy_signal_unimported(fresh_python):
    """A render measures loudness every time; scipy.signal alone takes over a second to
    import, so the meter reaches its filter loop without it (and scipy.signal still
    imports normally afterwards)."""
    printed = fresh_python("import sys, numpy as np\n"
            "from audiocast.audio.loudness import integrated_loudness\n"
            "x = (0.1 * np.random.default_rng(1).standard_normal(22050 * 3)).astype(np.float32)\n"
            "level = integrated_loudness(x, 22050)\n"
            "print('scipy.signal' in sys.modules)\n"
            "import scipy.signal\n"
            "print(round(level, 2))\n")
    imported, level = printed.split()
    assert imported == "False"
    assert -30 < float(level) < -10
