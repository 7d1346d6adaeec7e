"""Loudness to the podcast norm (EBU R128 / ITU-R BS.1770): -16 LUFS, true peak <= -1 dBTP.

The integrated loudness is measured with pyloudnorm and set with one gain; a
look-ahead limiter working on the 4x oversampled ("true") peak keeps every
inter-sample peak under the ceiling without clipping. Synthesized speech has a
high peak-to-loudness ratio (around 20 dB), so the limiter does real work on
loud syllables; the gain is searched until the limited result meets the target. Encoding to MP3 adds a
little overshoot, so the ceiling sits below the target true peak by
``ENCODER_MARGIN_DB``; ``measure_loudness`` checks the finished file with
ffmpeg's ebur128 meter, the same meter podcast hosts use.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..errors import AudioError
from .decode import ffmpeg_log

#: headroom kept below the true-peak target for the MP3 encoder's overshoot
ENCODER_MARGIN_DB = 0.7
OVERSAMPLE = 4
_CHUNK = 1 << 18
#: limiter timing: the gain falls in a ramp of twice ATTACK_S that ends at the peak
#: (look-ahead), and recovers at RELEASE_DB_PER_S, so loud syllables are lowered
#: smoothly rather than clipped
ATTACK_S = 0.004
RELEASE_DB_PER_S = 80.0


@dataclass(frozen=True)
class Loudness:
    """A file's loudness as a meter reports it."""

    integrated_lufs: float
    true_peak_dbtp: float
    lra: float


def integrated_loudness(samples: np.ndarray, sample_rate: int) -> float:
    """BS.1770-4 gated integrated loudness in LUFS; -inf for silence or sound shorter than 0.4 s."""
    import pyloudnorm

    if len(samples) < int(0.4 * sample_rate) + 1:
        return -math.inf
    return float(pyloudnorm.Meter(sample_rate).integrated_loudness(samples))


def true_peak(samples: np.ndarray, sample_rate: int) -> float:
    """The highest 4x oversampled peak in dBTP (-inf for silence)."""
    peak = float(np.max(_peak_envelope(samples), initial=0.0))
    return 20 * math.log10(peak) if peak > 0 else -math.inf


def normalize_loudness(samples: np.ndarray, sample_rate: int, target_lufs: float = -16.0,
                       true_peak_db: float = -1.0) -> np.ndarray:
    """The episode at ``target_lufs`` integrated loudness with its true peak at or below
    ``true_peak_db`` (minus the encoder margin). Silence comes back unchanged."""
    samples = samples.astype(np.float32, copy=False)
    measured = integrated_loudness(samples, sample_rate)
    if not math.isfinite(measured):
        return samples.copy()
    ceiling = 10 ** ((true_peak_db - ENCODER_MARGIN_DB) / 20)
    peaks = _peak_envelope(samples)
    gain_db = target_lufs - measured
    tried: list[tuple[float, float]] = []
    for _ in range(8):
        # limiting takes back part of any gain; find the gain that lands on the target
        gain = np.float32(10 ** (gain_db / 20))
        out = samples * (gain * _limiter_gain(peaks * gain, sample_rate, ceiling))
        reached = integrated_loudness(out, sample_rate)
        error = target_lufs - reached
        if abs(error) < 0.05:
            break
        slope = 1.0
        if tried:
            last_gain, last_reached = tried[-1]
            if gain_db != last_gain:
                slope = min(1.0, max(0.2, (reached - last_reached) / (gain_db - last_gain)))
        tried.append((gain_db, reached))
        gain_db += error / slope
    peak = float(_peak_envelope(out).max())
    if peak > ceiling:  # a changing gain can lift an oversampled peak by a hair
        out *= np.float32(ceiling / peak)
    return out


def limit_true_peak(samples: np.ndarray, sample_rate: int, ceiling: float) -> np.ndarray:
    """``samples`` with the gain lowered smoothly wherever the true peak exceeds
    ``ceiling`` (linear), so no inter-sample peak goes over it and nothing clips."""
    samples = samples.astype(np.float32, copy=False)
    out = samples * _limiter_gain(_peak_envelope(samples), sample_rate, ceiling)
    peak = float(_peak_envelope(out).max(initial=0.0))
    if peak > ceiling:
        out *= np.float32(ceiling / peak)
    return out


def _limiter_gain(peaks: np.ndarray, sample_rate: int, ceiling: float) -> np.ndarray:
    """The limiter's gain per sample (<= 1) for a signal with these true peaks.

    The reduction each sample needs (in dB) is held for ATTACK_S on both sides,
    released at RELEASE_DB_PER_S, then averaged over the same ATTACK_S on both
    sides. Every value in that average is at least the need at its centre, so the
    gain is never too high, and it moves in ramps rather than steps. Works block by
    block, carrying the release across, so memory stays flat for long episodes.
    """
    from scipy.ndimage import maximum_filter1d, uniform_filter1d

    n = len(peaks)
    gain = np.ones(n, dtype=np.float32)
    half = max(1, int(ATTACK_S * sample_rate))
    rate = RELEASE_DB_PER_S / sample_rate
    carry = 0.0  # the released reduction just before the current block's window
    for start in range(0, n, _CHUNK):
        stop = min(start + _CHUNK, n)
        lo, hi = max(0, start - 2 * half), min(n, stop + 2 * half)
        r0, r1 = max(0, start - half), min(n, stop + half)  # where the release is computed
        over = peaks[lo:hi] > ceiling
        if carry <= 0 and not over.any():
            continue
        need = np.zeros(hi - lo)
        need[over] = 20 * np.log10(peaks[lo:hi][over] / ceiling)
        held = maximum_filter1d(need, size=2 * half + 1, mode="nearest")[r0 - lo:r1 - lo]
        decay = np.arange(r1 - r0 + 1) * rate
        released = (np.maximum.accumulate(np.concatenate(([carry], held)) + decay) - decay)[1:]
        smoothed = uniform_filter1d(released, size=2 * half + 1, mode="nearest")
        gain[start:stop] = 10 ** (-smoothed[start - r0:stop - r0] / 20)
        carry = float(released[stop - half - 1 - r0]) if stop < n else 0.0
    return gain


def _peak_envelope(samples: np.ndarray) -> np.ndarray:
    """For each sample, the largest absolute value of the 4x oversampled signal between
    it and the next one. Polyphase: the interpolator is a quarter-band filter, so phase 0
    is the signal itself and each other phase is one short convolution. Works in
    chunks so memory stays flat for long episodes."""
    n = len(samples)
    x = samples.astype(np.float32, copy=False)
    peaks = np.abs(x)
    phases = _interpolation_phases()
    reach = len(phases[0])  # samples of context each side
    for start in range(0, n, _CHUNK):
        stop = min(start + _CHUNK, n)
        lo, hi = max(0, start - reach), min(n, stop + reach)
        block = peaks[start:stop]
        for taps in phases:
            # taps[t] weighs x[i + HALF - t]; "full" output index i + HALF is phase value at i
            phase = np.convolve(x[lo:hi], taps)[start - lo + _HALF:stop - lo + _HALF]
            np.maximum(block, np.abs(phase), out=block)
    return peaks


_HALF = 6  # the interpolator spans 6 input samples on each side


@lru_cache(maxsize=1)
def _interpolation_phases() -> tuple[np.ndarray, ...]:
    """Phases 1..3 of a 49-tap windowed-sinc 4x interpolator (the length of BS.1770-4's
    example true-peak filter)."""
    from scipy.signal import firwin

    taps = firwin(2 * _HALF * OVERSAMPLE + 1, 1 / OVERSAMPLE, window=("kaiser", 5.0)) * OVERSAMPLE
    return tuple(taps[p::OVERSAMPLE].astype(np.float32) for p in range(1, OVERSAMPLE))


_SUMMARY = re.compile(
    r"Summary:.*?I:\s*(?P<i>-?[\d.]+|-inf)\s*LUFS.*?LRA:\s*(?P<lra>-?[\d.]+)\s*LU"
    r".*?Peak:\s*(?P<tp>-?[\d.]+|-inf)\s*dBFS",
    re.S,
)


def measure_loudness(path: str | Path) -> Loudness:
    """Integrated loudness, true peak and loudness range of an audio file, measured
    with ffmpeg's EBU R128 meter (``ebur128=peak=true``)."""
    path = Path(path)
    if not path.is_file():
        raise AudioError(f"audio file not found: {path}")
    log = ffmpeg_log(["-i", str(path), "-af", "ebur128=peak=true", "-f", "null", "-"])
    match = _SUMMARY.search(log)
    if not match:
        raise AudioError(f"ffmpeg's ebur128 meter gave no summary for {path}")
    return Loudness(
        integrated_lufs=float(match["i"]),
        true_peak_dbtp=float(match["tp"]),
        lra=float(match["lra"]),
    )
