"""Loudness to the podcast norm (EBU R128 / ITU-R BS.1770): -16 LUFS, true peak <= -1 dBTP.

The meter follows BS.1770-4 with the K-weighting filters libebur128 and ffmpeg's
ebur128 meter use (pyloudnorm, the reference the tests compare against, has them
too). The track is K-weighted once, in float32 pieces, into energies per 100 ms and
per group of about a millisecond; the gated loudness at any gain, with the
limiter's gain applied, then follows from those energies without filtering the
samples again (the limiter's gain moves slowly next to the filter's response, so
it may be applied after weighting). So the search for the gain that lands on the
target costs little however long the episode is, and besides the track itself only
those summaries, a fraction of its size, are held.

A look-ahead limiter working on the 4x oversampled ("true") peak keeps every
inter-sample peak under the ceiling without clipping. Synthesized speech has a high
peak-to-loudness ratio (around 20 dB), so the limiter does real work on loud
syllables, and takes back part of any gain; the gain is searched until the limited
result meets the target. Encoding to MP3 adds a little overshoot, so the ceiling
sits below the target true peak by ``ENCODER_MARGIN_DB``; ``measure_loudness``
checks the finished file with ffmpeg's ebur128 meter, the same meter podcast hosts use.
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
from .dsp import Biquads

#: headroom kept below the true-peak target for the MP3 encoder's overshoot
ENCODER_MARGIN_DB = 0.7
OVERSAMPLE = 4
#: limiter timing: the gain falls in a ramp of twice ATTACK_S that ends at the peak
#: (look-ahead), and recovers at RELEASE_DB_PER_S, so loud syllables are lowered
#: smoothly rather than clipped
ATTACK_S = 0.004
RELEASE_DB_PER_S = 80.0
#: the limiter and the loudness search work on groups of this many seconds' samples
_GROUP_S = 0.001
#: BS.1770-4 gating: 400 ms blocks every 100 ms, absolute and relative gates
_SUBBLOCKS_PER_S = 10
_SUBBLOCKS_PER_BLOCK = 4
_ABSOLUTE_GATE_LUFS = -70.0
_RELATIVE_GATE_LU = -10.0
#: groups per chunk in passes over the track (chunks hold whole groups)
_CHUNK_GROUPS = 4096
#: the gain search first finds exact true peaks for gains up to this far above its
#: starting point; going further (rare) finds more
_PEAK_SEARCH_HEADROOM_DB = 6.0


@dataclass(frozen=True)
class Loudness:
    """A file's loudness as a meter reports it."""

    integrated_lufs: float
    true_peak_dbtp: float
    lra: float


def integrated_loudness(samples: np.ndarray, sample_rate: int) -> float:
    """BS.1770-4 gated integrated loudness in LUFS; -inf for silence or sound shorter than 0.4 s."""
    if len(samples) < int(0.4 * sample_rate) + 1:
        return -math.inf
    return _Summary.of(samples, sample_rate, groups=False).loudness()


def true_peak(samples: np.ndarray, sample_rate: int) -> float:
    """The highest 4x oversampled peak in dBTP (-inf for silence)."""
    if not len(samples):
        return -math.inf
    group = _group_size(sample_rate)
    peaks = _group_peaks(samples, group)
    _refine_peaks(samples, group, peaks, float(peaks.max()))
    peak = float(peaks.max())
    return 20 * math.log10(peak) if peak > 0 else -math.inf


def normalize_loudness(samples: np.ndarray, sample_rate: int, target_lufs: float = -16.0,
                       true_peak_db: float = -1.0, *, out: np.ndarray | None = None) -> np.ndarray:
    """The episode at ``target_lufs`` integrated loudness with its true peak at or below
    ``true_peak_db`` (minus the encoder margin). Silence comes back unchanged.

    ``out`` may be a float32 array of the same length to write the result into, the
    input itself included: a long episode then needs no second copy of its samples.
    """
    samples = np.asarray(samples, dtype=np.float32)
    out = _output_array(samples, out)
    summary = _Summary.of(samples, sample_rate, groups=True)
    found = search_gain([(samples, summary)], sample_rate, target_lufs, true_peak_db)
    if found is None:
        if out is not samples:
            out[:] = samples
        return out
    gain_db, (limiter,) = found
    _apply_gain(samples, out, summary.group, 10 ** (gain_db / 20), limiter, peak_ceiling(true_peak_db))
    return out


def limit_true_peak(samples: np.ndarray, sample_rate: int, ceiling: float) -> np.ndarray:
    """``samples`` with the gain lowered smoothly wherever the true peak exceeds
    ``ceiling`` (linear), so no inter-sample peak goes over it and nothing clips."""
    samples = np.asarray(samples, dtype=np.float32)
    out = np.empty_like(samples)
    if not len(samples):
        return out
    group = _group_size(sample_rate)
    peaks = _group_peaks(samples, group)
    _refine_peaks(samples, group, peaks, ceiling)
    _apply_gain(samples, out, group, 1.0, _limiter_gain(peaks, sample_rate / group, ceiling), ceiling)
    return out


class _Summary:
    """What the loudness search needs to know of a track, from one pass over it: the
    K-weighted energy of every 100 ms sub-block and (with ``groups``) of every group
    of samples, and each group's peak (its sample peak until ``_refine_peaks``)."""

    def __init__(self, sample_rate: int, group: int, bounds: np.ndarray, energy: np.ndarray,
                 group_energy: np.ndarray | None, peaks: np.ndarray | None):
        self.sample_rate = sample_rate
        self.group = group
        self.bounds = bounds  # sample index where each sub-block starts, and where the last ends
        self.energy = energy  # K-weighted energy of each sub-block
        self.group_energy = group_energy
        self.peaks = peaks

    @classmethod
    def of(cls, samples: np.ndarray, sample_rate: int, groups: bool) -> _Summary:
        x = np.asarray(samples, dtype=np.float32)
        n = len(x)
        group = _group_size(sample_rate)
        count = n * _SUBBLOCKS_PER_S // sample_rate  # whole sub-blocks only
        bounds = np.arange(count + 1, dtype=np.int64) * sample_rate // _SUBBLOCKS_PER_S
        energy = np.zeros(count)
        group_energy = np.zeros(-(-n // group), dtype=np.float32) if groups else None
        peaks = np.zeros(-(-n // group), dtype=np.float32) if groups else None
        k_filter = _k_weighting(sample_rate)
        state = k_filter.initial_state()
        chunk = group * _CHUNK_GROUPS
        end = n if groups else int(bounds[-1])  # a measurement needs whole sub-blocks only
        for start in range(0, end, chunk):
            stop = min(start + chunk, end)
            y, state = k_filter.filter(x[start:stop], state)
            np.square(y, out=y)
            # cut the chunk where sub-blocks begin; each piece adds to its own sub-block
            first, last = np.searchsorted(bounds, [start + 1, stop])
            cuts = np.concatenate(([0], bounds[first:last] - start))
            owner = np.searchsorted(bounds, cuts + start, side="right") - 1
            whole = owner < count
            energy[owner[whole]] += np.add.reduceat(y, cuts, dtype=np.float64)[whole]
            if groups:
                g0 = start // group
                g1 = g0 + -(-(stop - start) // group)
                group_energy[g0:g1] = _per_group(y, group, np.add)
                peaks[g0:g1] = _per_group(np.abs(x[start:stop]), group, np.maximum)
        return cls(sample_rate, group, bounds, energy, group_energy, peaks)

    def loudness(self, gain: float = 1.0, limiter: np.ndarray | None = None) -> float:
        """Gated loudness of the track times ``gain`` and the limiter's gain per group;
        the limiter only lowers the energy of the sub-blocks its groups fall in."""
        return _blocks_loudness(self.limited_energy(limiter) * gain**2, self.bounds)

    def limited_energy(self, limiter: np.ndarray | None = None) -> np.ndarray:
        """Each sub-block's energy with the limiter's gain (per group) applied."""
        if limiter is None:
            return self.energy
        lost = np.square(limiter)
        np.subtract(1, lost, out=lost)
        lost *= self.group_energy
        # each group counts in the sub-block its centre falls in
        firsts = -(-(self.bounds - self.group // 2) // self.group)
        if len(self.energy) == 0:
            return self.energy
        return self.energy - np.add.reduceat(lost[:firsts[-1]], firsts[:-1])


def _blocks_loudness(energy: np.ndarray, bounds: np.ndarray) -> float:
    """Gated loudness from sub-block energies and where the sub-blocks start (and the
    last one ends), in samples: 400 ms gating blocks of four consecutive sub-blocks."""
    if len(energy) < _SUBBLOCKS_PER_BLOCK:
        return -math.inf
    k = _SUBBLOCKS_PER_BLOCK
    block = sum(energy[i:len(energy) - k + 1 + i] for i in range(k))
    block /= bounds[k:] - bounds[:-k]
    return _gated(block)


# ---------------------------------------------------------------- an episode in pieces
#
# An MP3 episode is normalized and encoded in pieces cut in the silence between
# sections (audio/pieces.py), so that a re-render touches only the pieces that
# changed. One gain is found for the whole episode from every piece's summary; the
# limiter and the gain are then applied piece by piece. A piece starts and ends in
# silence longer than the limiter's release, so this is the whole-track result.


@dataclass
class PieceLevel:
    """What the episode's loudness needs to know of one piece once it is normalized:
    the energy of each of its 100 ms sub-blocks, and its length in samples."""

    energy: np.ndarray
    length: int


def measure_piece(samples: np.ndarray, sample_rate: int) -> _Summary:
    """The summary of one piece, as the gain search and the limiter use it."""
    return _Summary.of(samples, sample_rate, groups=True)


def pieces_loudness(levels: list[PieceLevel], sample_rate: int) -> float:
    """The gated loudness of the pieces played one after the other."""
    energies, starts, offset = [], [], 0
    for level in levels:
        count = len(level.energy)
        energies.append(level.energy)
        starts.append(offset + np.arange(count, dtype=np.int64) * sample_rate // _SUBBLOCKS_PER_S)
        offset += level.length
    if not energies:
        return -math.inf
    bounds = np.concatenate([*starts, [offset]])
    return _blocks_loudness(np.concatenate(energies), bounds)


def piece_limiter(samples: np.ndarray, summary: _Summary, gain: float, ceiling: float) -> np.ndarray:
    """The limiter's gain per group of a piece played at ``gain`` under ``ceiling``
    (linear), its true peaks found exactly wherever they could matter."""
    _refine_peaks(samples, summary.group, summary.peaks, ceiling / gain)
    return _limiter_gain(summary.peaks, summary.sample_rate / summary.group, ceiling / gain)


def piece_level(summary: _Summary, gain: float, limiter: np.ndarray, length: int) -> PieceLevel:
    return PieceLevel(summary.limited_energy(limiter) * gain**2, length)


def apply_piece_gain(samples: np.ndarray, summary: _Summary, gain: float, limiter: np.ndarray,
                     ceiling: float, out: np.ndarray) -> None:
    """``out`` = the piece at ``gain`` through its limiter (``piece_limiter``)."""
    _apply_gain(samples, out, summary.group, gain, limiter, ceiling)


def search_gain(pieces: list[tuple[np.ndarray, _Summary]], sample_rate: int, target_lufs: float,
                true_peak_db: float) -> tuple[float, list[np.ndarray]] | None:
    """The gain (dB) that brings the pieces, limited, to ``target_lufs``, and each piece's
    limiter at that gain; None for silence."""
    ceiling = peak_ceiling(true_peak_db)
    levels = [PieceLevel(summary.energy, len(samples)) for samples, summary in pieces]
    measured = pieces_loudness(levels, sample_rate)
    if not math.isfinite(measured):
        return None
    gain_db = target_lufs - measured
    exact_up_to_db = -math.inf
    tried: list[tuple[float, float]] = []
    limiters: list[np.ndarray] = []
    used_db = gain_db
    for _ in range(8):
        if gain_db > exact_up_to_db:
            exact_up_to_db = gain_db + _PEAK_SEARCH_HEADROOM_DB
            for samples, summary in pieces:
                _refine_peaks(samples, summary.group, summary.peaks, ceiling / 10 ** (exact_up_to_db / 20))
        gain, used_db = 10 ** (gain_db / 20), gain_db
        limiters = [_limiter_gain(summary.peaks, sample_rate / summary.group, ceiling / gain)
                    for _, summary in pieces]
        reached = pieces_loudness([piece_level(summary, gain, limiter, len(samples))
                                   for (samples, summary), limiter in zip(pieces, limiters)], sample_rate)
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
    return used_db, limiters


def peak_ceiling(true_peak_db: float) -> float:
    """The limiter's ceiling (linear) for a true-peak target, less the encoder's margin."""
    return 10 ** ((true_peak_db - ENCODER_MARGIN_DB) / 20)


def _gated(mean_squares: np.ndarray) -> float:
    """BS.1770-4 integrated loudness from the mean squares of the gating blocks (mono)."""
    with np.errstate(divide="ignore"):
        levels = -0.691 + 10 * np.log10(np.maximum(mean_squares, 0.0))
    audible = mean_squares[levels >= _ABSOLUTE_GATE_LUFS]
    if not len(audible):
        return -math.inf
    relative = -0.691 + 10 * math.log10(audible.mean()) + _RELATIVE_GATE_LU
    kept = mean_squares[(levels > relative) & (levels > _ABSOLUTE_GATE_LUFS)]
    if not len(kept):
        return -math.inf
    return -0.691 + 10 * math.log10(kept.mean())


@lru_cache(maxsize=8)
def _k_weighting(sample_rate: int) -> Biquads:
    """BS.1770's K-weighting (a high shelf, then a high pass) designed for ``sample_rate``
    from the analogue prototypes of the standard's 48 kHz coefficients, as libebur128
    and ffmpeg's ebur128 meter do (and pyloudnorm's "DeMan" filters), so our readings
    agree with the meter podcast hosts use at 22.05 kHz as well as at 48 kHz."""
    k = math.tan(math.pi * _SHELF_HZ / sample_rate)
    vh = 10 ** (_SHELF_DB / 20)
    vb = vh ** _SHELF_VB_EXP
    a0 = 1 + k / _SHELF_Q + k * k
    shelf = [(vh + vb * k / _SHELF_Q + k * k) / a0, 2 * (k * k - vh) / a0,
             (vh - vb * k / _SHELF_Q + k * k) / a0, 1.0, 2 * (k * k - 1) / a0,
             (1 - k / _SHELF_Q + k * k) / a0]
    k = math.tan(math.pi * _HIGH_PASS_HZ / sample_rate)
    a0 = 1 + k / _HIGH_PASS_Q + k * k
    high_pass = [1.0, -2.0, 1.0, 1.0, 2 * (k * k - 1) / a0, (1 - k / _HIGH_PASS_Q + k * k) / a0]
    return Biquads(np.array([shelf, high_pass]))


_SHELF_HZ, _SHELF_DB, _SHELF_Q, _SHELF_VB_EXP = (1681.974450955533, 3.999843853973347,
                                                 0.7071752369554196, 0.4996667741545416)
_HIGH_PASS_HZ, _HIGH_PASS_Q = 38.13547087602444, 0.5003270373238773


def _group_size(sample_rate: int) -> int:
    # at least the true-peak interpolator's reach, so neighbouring groups bound a peak
    return max(2 * _HALF, round(_GROUP_S * sample_rate))


def _per_group(values: np.ndarray, group: int, ufunc: np.ufunc) -> np.ndarray:
    """``ufunc`` reduced over each group of ``values`` (the last one may be short)."""
    whole = len(values) // group * group
    out = ufunc.reduce(values[:whole].reshape(-1, group), axis=1)
    if whole < len(values):
        out = np.append(out, ufunc.reduce(values[whole:]))
    return out


def _group_peaks(samples: np.ndarray, group: int) -> np.ndarray:
    """The sample peak of every group."""
    chunk = group * _CHUNK_GROUPS
    return np.concatenate([_per_group(np.abs(samples[i:i + chunk]), group, np.maximum)
                           for i in range(0, len(samples), chunk)])


def _refine_peaks(samples: np.ndarray, group: int, peaks: np.ndarray, threshold: float) -> None:
    """Make each group's entry in ``peaks`` (its sample peak, to begin with) its exact 4x
    oversampled peak wherever that could exceed ``threshold``; elsewhere both are below
    ``threshold`` already. The interpolator cannot lift a peak above ``_peak_bound()``
    times the largest sample within its reach, which lies in the group or its
    neighbours, so most groups are settled without interpolating."""
    for chosen in _marked(peaks > threshold / _peak_bound(), 1):
        peaks[chosen] = _exact_peaks(samples, group, chosen)


def _exact_peaks(samples: np.ndarray, group: int, chosen: np.ndarray) -> np.ndarray:
    """The 4x oversampled peak of each chosen group: its samples and the three
    interpolated values after each of them."""
    weights = _interpolation_matrix()
    reach = np.arange(-(_HALF - 1), group + _HALF)  # the samples one group's phases use
    n = len(samples)
    peaks = np.empty(len(chosen), dtype=np.float32)
    batch = max(1, (1 << 18) // weights.size // group)  # small products stay on this thread
    for start in range(0, len(chosen), batch):
        rows = chosen[start:start + batch]
        index = (rows * group)[:, None] + reach
        window = samples.take(index, mode="clip")
        window[(index < 0) | (index >= n)] = 0
        view = np.lib.stride_tricks.sliding_window_view(window, 2 * _HALF, axis=1)[:, :group]
        phases = np.abs(view @ weights).max(axis=(1, 2))
        own = np.abs(window[:, _HALF - 1:_HALF - 1 + group]).max(axis=1)
        peaks[start:start + len(rows)] = np.maximum(phases, own)
    return peaks


def _limiter_gain(peaks: np.ndarray, units_per_s: float, ceiling: float) -> np.ndarray:
    """The limiter's gain (<= 1) for each unit (a group of samples) with these true peaks.

    The reduction each unit needs (in dB) is held for ATTACK_S on both sides,
    released at RELEASE_DB_PER_S, then averaged over the same ATTACK_S on both
    sides. Every value in that average is at least the need at its centre, so the
    gain is never too high, and it moves in ramps rather than steps. Each unit then
    takes the lowest gain of itself and its neighbours, so that interpolating between
    units (``_apply_gain``) stays under every unit's need. Works block by block,
    carrying the release across.
    """
    n = len(peaks)
    gain = np.ones(n, dtype=np.float32)
    half = max(1, math.ceil(ATTACK_S * units_per_s))
    rate = RELEASE_DB_PER_S / units_per_s
    carry = 0.0  # the released reduction just before the current block's window
    block = _CHUNK_GROUPS * 4
    for start in range(0, n, block):
        stop = min(start + block, n)
        lo, hi = max(0, start - 2 * half - 1), min(n, stop + 2 * half + 1)
        r0, r1 = max(0, start - half - 1), min(n, stop + half + 1)  # where the release is computed
        over = peaks[lo:hi] > ceiling
        if carry <= 0 and not over.any():
            continue
        need = np.zeros(hi - lo)
        need[over] = 20 * np.log10(peaks[lo:hi][over] / ceiling)
        held = _sliding_max(need, half)[r0 - lo:r1 - lo]
        decay = np.arange(r1 - r0 + 1) * rate
        released = (np.maximum.accumulate(np.concatenate(([carry], held)) + decay) - decay)[1:]
        smoothed = _sliding_mean(released, half)
        widest = _sliding_max(smoothed, 1)[start - r0:stop - r0]
        gain[start:stop] = 10 ** (-widest / 20)
        carry = float(released[stop - half - 2 - r0]) if stop < n else 0.0
    return gain


def _sliding_max(values: np.ndarray, half: int) -> np.ndarray:
    """The largest of the 2 * half + 1 values centred on each one (the ends extended)."""
    padded = np.pad(values, half, mode="edge")
    out = padded[:len(values)].copy()
    for shift in range(1, 2 * half + 1):
        np.maximum(out, padded[shift:shift + len(values)], out=out)
    return out


def _sliding_mean(values: np.ndarray, half: int) -> np.ndarray:
    """The mean of the 2 * half + 1 values centred on each one (the ends extended)."""
    total = np.concatenate(([0.0], np.cumsum(np.pad(values, half, mode="edge"))))
    return (total[2 * half + 1:] - total[:-2 * half - 1]) / (2 * half + 1)


def _apply_gain(samples: np.ndarray, out: np.ndarray, group: int, gain: float,
                limiter: np.ndarray, ceiling: float) -> None:
    """``out`` = ``samples`` times ``gain`` times the limiter's gain, interpolated
    linearly between group centres; then, should the changing gain have lifted an
    oversampled peak by a hair over ``ceiling``, all of it lowered to fit. Only the
    groups near the limiter's work are touched twice."""
    np.multiply(samples, np.float32(gain), out=out)
    offsets = (np.arange(group) - (group - 1) / 2) / group  # from the group's centre
    n = len(out)
    limited = limiter < 1
    for rows in _marked(limited, 1):
        own = limiter[rows]
        before = limiter[np.maximum(rows - 1, 0)]
        after = limiter[np.minimum(rows + 1, len(limiter) - 1)]
        curve = own[:, None] + np.where(offsets < 0, offsets * (own - before)[:, None],
                                        offsets * (after - own)[:, None])
        index = rows[:, None] * group + np.arange(group)
        inside = index < n
        out[index[inside]] *= curve[inside].astype(np.float32)
    # elsewhere the output is the input scaled, whose true peaks the limiter kept in bounds
    peak = max((float(_exact_peaks(out, group, rows).max()) for rows in _marked(limited, 2)), default=0.0)
    if peak > ceiling:
        out *= np.float32(ceiling / peak)


def _marked(mask: np.ndarray, half: int, span: int = 8192):
    """The indices within ``half`` places of a True in ``mask``, in ascending batches
    (for an hour of audio, all at once would take tens of megabytes)."""
    n = len(mask)
    for start in range(0, n, span):
        lo, hi = max(0, start - half), min(n, start + span + half)
        near = _widen(mask[lo:hi], half)[start - lo:start - lo + min(span, n - start)]
        index = np.flatnonzero(near)
        if len(index):
            yield index + start


def _widen(mask: np.ndarray, half: int) -> np.ndarray:
    """``mask`` with every True spread to ``half`` places on each side."""
    out = mask.copy()
    for shift in range(1, half + 1):
        out[shift:] |= mask[:-shift]
        out[:-shift] |= mask[shift:]
    return out


def _output_array(samples: np.ndarray, out: np.ndarray | None) -> np.ndarray:
    if out is None:
        return np.empty_like(samples)
    if out.dtype != np.float32 or out.shape != samples.shape:
        raise AudioError("the output array must be float32 and as long as the input")
    return out


_HALF = 6  # the interpolator spans 6 input samples on each side


@lru_cache(maxsize=1)
def _interpolation_matrix() -> np.ndarray:
    """Phases 1..3 of a 49-tap windowed-sinc 4x interpolator (the length of BS.1770-4's
    example true-peak filter), as a (2 * _HALF, 3) matrix: row u weighs the sample
    u - (_HALF - 1) places from the one each phase follows."""
    n = 2 * _HALF * OVERSAMPLE + 1
    taps = np.sinc((np.arange(n) - n // 2) / OVERSAMPLE) * np.kaiser(n, 5.0)
    taps *= OVERSAMPLE / taps.sum()  # unity gain at 0 Hz, as scipy.signal.firwin scales it
    phases = [taps[p::OVERSAMPLE][::-1] for p in range(1, OVERSAMPLE)]
    return np.array(phases, dtype=np.float32).T


@lru_cache(maxsize=1)
def _peak_bound() -> float:
    """How far above the largest sample in its reach an interpolated value can go."""
    return max(1.0, float(np.abs(_interpolation_matrix()).sum(axis=0).max()))


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
