"""Small sample-level operations shared by the audio stage."""

from __future__ import annotations

from math import gcd

import numpy as np


def resample(samples: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Polyphase resampling (windowed-sinc anti-aliasing), float32 out. For a clip whose
    rate differs from the others'; a whole track goes through ffmpeg instead
    (``decode.resample_with_ffmpeg``)."""
    if from_rate == to_rate:
        return samples.astype(np.float32, copy=False)
    from scipy.signal import resample_poly

    g = gcd(from_rate, to_rate)
    return resample_poly(samples, to_rate // g, from_rate // g).astype(np.float32)


def fade_edges(samples: np.ndarray, sample_rate: int, fade_in: float, fade_out: float) -> np.ndarray:
    """A copy of ``samples`` with raised-cosine fades (seconds) at its start and end,
    so it begins and ends at silence and a join never clicks."""
    out = samples.astype(np.float32, copy=True)
    n = len(out)
    for seconds, rising in ((fade_in, True), (fade_out, False)):
        k = min(int(seconds * sample_rate), n)
        if k:
            ramp = (0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, k))).astype(np.float32)
            if rising:
                out[:k] *= ramp
            else:
                out[n - k:] *= ramp[::-1]
    return out


class Biquads:
    """A cascade of second-order IIR sections (``sos`` rows as scipy.signal uses them:
    b0 b1 b2 a0 a1 a2) run over a signal piece by piece with ``scipy.signal.sosfilt``,
    the filter's state carried from one piece to the next, in double precision."""

    def __init__(self, sos: np.ndarray):
        from scipy.signal import sosfilt

        self._sosfilt = sosfilt
        self.sos = np.asarray(sos, dtype=np.float64)

    def initial_state(self) -> np.ndarray:
        """The state of a filter at rest."""
        return np.zeros((len(self.sos), 2))

    def filter(self, x: np.ndarray, state: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``x`` filtered from ``state``, as float32, and the state after it."""
        y, state = self._sosfilt(self.sos, np.asarray(x, dtype=np.float64), zi=state)
        return y.astype(np.float32), state
