"""The generated bumper set and custom bumper files."""

from __future__ import annotations

import numpy as np
import pytest

from audiocast.audio import default_bumpers, load_bumpers
from audiocast.audio.decode import run_ffmpeg
from audiocast.config import Production
from audiocast.errors import AudioError

RATE = 44100


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """The best normalized cross-correlation of two sounds at any offset."""
    from scipy.signal import fftconvolve

    corr = fftconvolve(a.astype(np.float64), b[::-1].astype(np.float64))
    return float(np.abs(corr).max() / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_default_bumpers_are_short_and_shaped_as_designed():
    bumpers = default_bumpers()
    lengths = [len(s) / RATE for s in (bumpers.intro, bumpers.transition, bumpers.outro)]
    assert lengths == pytest.approx([1.5, 0.8, 1.8], abs=0.01)
    assert all(length < 2.0 for length in lengths)


def test_default_bumpers_start_and_end_in_silence_without_clipping():
    b = default_bumpers()
    for sound in (b.intro, b.transition, b.outro):
        assert sound.dtype == np.float32
        assert abs(sound[0]) < 1e-3 and abs(sound[-1]) < 1e-3
        assert 0.1 < np.abs(sound).max() <= 0.5


def test_the_three_bumpers_are_distinct_sounds():
    b = default_bumpers()
    assert similarity(b.transition, b.intro) < 0.6
    assert similarity(b.transition, b.outro) < 0.6
    assert similarity(b.intro, b.outro) < 0.6


def test_bumpers_are_tonal_chimes():
    """Most of the energy sits in a few narrow peaks at the chime's notes, unlike speech."""
    spectrum = np.abs(np.fft.rfft(default_bumpers().transition)) ** 2
    freqs = np.fft.rfftfreq(len(default_bumpers().transition), 1 / RATE)
    strongest = np.sort(spectrum)[::-1]
    assert strongest[:40].sum() / spectrum.sum() > 0.5
    assert freqs[np.argmax(spectrum)] == pytest.approx(784.0, abs=3)  # G5 opens it


def test_generation_is_repeatable():
    assert np.array_equal(default_bumpers().intro, default_bumpers().intro)


def test_a_custom_file_replaces_one_bumper(tmp_path):
    intro = tmp_path / "intro.mp3"
    run_ffmpeg(["-f", "lavfi", "-i", "sine=frequency=440:duration=1.2", "-ac", "2", "-ar", "48000", str(intro)])
    bumpers = load_bumpers(Production(intro_bumper=str(intro)))
    assert len(bumpers.intro) / RATE == pytest.approx(1.2, abs=0.06)
    assert bumpers.intro.ndim == 1
    assert np.array_equal(bumpers.transition, default_bumpers().transition)


@pytest.mark.parametrize("name", ["chime.wav", "chime.flac", "chime.ogg", "chime.m4a"])
def test_custom_files_in_any_format_come_out_mono_at_the_tracks_rate_without_aliasing(tmp_path, name):
    """A 48 kHz stereo file: a 500 Hz tone plus a 15 kHz one, which is above what a
    22.05 kHz track can carry and must be filtered out, never folded down to 7 kHz."""
    path = tmp_path / name
    run_ffmpeg(["-f", "lavfi", "-i", "aevalsrc=0.3*sin(2*PI*500*t)+0.3*sin(2*PI*15000*t):s=48000:d=1",
                "-ac", "2", str(path)])
    sound = load_bumpers(Production(outro_bumper=str(path)), 22050).outro
    assert sound.ndim == 1 and len(sound) / 22050 == pytest.approx(1.0, abs=0.06)
    middle = sound[2000:-2000].astype(np.float64)
    spectrum = np.abs(np.fft.rfft(middle * np.hanning(len(middle))))
    freqs = np.fft.rfftfreq(len(middle), 1 / 22050)
    assert abs(freqs[np.argmax(spectrum)] - 500) < 5
    alias = spectrum[(freqs > 6500) & (freqs < 7600)].max()
    assert alias < spectrum.max() * 10 ** (-60 / 20)


def test_a_missing_custom_file_names_the_path(tmp_path):
    with pytest.raises(AudioError, match="nothing-here.wav"):
        load_bumpers(Production(outro_bumper=str(tmp_path / "nothing-here.wav")))


def test_none_switches_a_bumper_off():
    bumpers = load_bumpers(Production(transition_bumper="none"))
    assert bumpers.transition is None and bumpers.intro is not None
