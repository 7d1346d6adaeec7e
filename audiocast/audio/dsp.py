"""Small sample-level operations shared by the audio stage."""

from __future__ import annotations

from functools import lru_cache
from math import gcd
from pathlib import Path

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
    b0 b1 b2 a0 a1 a2, with a0 = 1) run over a signal piece by piece with scipy's
    ``sosfilt`` loop, the filter's state carried from one piece to the next, in double
    precision."""

    def __init__(self, sos: np.ndarray):
        self._sosfilt = sosfilt_kernel()
        self.sos = np.ascontiguousarray(sos, dtype=np.float64)

    def initial_state(self) -> np.ndarray:
        """The state of a filter at rest."""
        return np.zeros((len(self.sos), 2))

    def filter(self, x: np.ndarray, state: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``x`` filtered from ``state``, as float32, and the state after it."""
        y = np.array(x, dtype=np.float64, order="C", ndmin=2)  # filtered in place
        zi = np.array(state, dtype=np.float64, order="C", ndmin=3)
        self._sosfilt(self.sos, y, zi)
        return y[0].astype(np.float32), zi[0]


@lru_cache(maxsize=1)
def sosfilt_kernel():
    """scipy's compiled loop behind ``scipy.signal.sosfilt``: ``kernel(sos, x, zi)`` filters
    the rows of ``x`` in place from the states ``zi`` (rows, sections, 2) and leaves the
    final states there. Loaded from its own extension module where that is possible:
    the public way to it, ``import scipy.signal``, imports the whole of scipy.signal and
    scipy.stats (1.5 s and 70 MB) for one loop, and every render measures loudness."""
    try:
        import importlib.machinery
        import importlib.util

        scipy_spec = importlib.util.find_spec("scipy")
        folder = Path(scipy_spec.origin).parent / "signal"
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            path = folder / f"_sosfilt{suffix}"
            if path.exists():
                loader = importlib.machinery.ExtensionFileLoader("scipy.signal._sosfilt", str(path))
                module = importlib.util.module_from_spec(
                    importlib.util.spec_from_file_location("scipy.signal._sosfilt", path, loader=loader))
                loader.exec_module(module)
                kernel = module._sosfilt
                _check_kernel(kernel)
                return kernel
    except Exception:  # another scipy layout: go the public way
        pass
    return public_sosfilt_kernel()


def public_sosfilt_kernel():
    """The same loop as ``sosfilt_kernel``'s, through ``scipy.signal.sosfilt``."""
    from scipy.signal import sosfilt

    def kernel(sos: np.ndarray, x: np.ndarray, zi: np.ndarray) -> None:
        for row in range(len(x)):
            x[row], zi[row] = sosfilt(sos, x[row], zi=zi[row])

    return kernel


def _check_kernel(kernel) -> None:
    """The loop as loaded behaves as documented: one pole at 0.5 from rest, in place."""
    x = np.ones((1, 3))
    zi = np.zeros((1, 1, 2))
    kernel(np.array([[1.0, 0.0, 0.0, 1.0, -0.5, 0.0]]), x, zi)
    if not np.allclose(x, [[1.0, 1.5, 1.75]]) or not np.isclose(zi[0, 0, 0], 0.875):
        raise RuntimeError("unexpected sosfilt kernel")
