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
    b0 b1 b2 a0 a1 a2) run over a signal piece by piece, the filter's state carried
    from one piece to the next; the output equals scipy.signal.sosfilt's.

    numpy only, because importing scipy.signal takes longer than filtering an hour
    of speech. The signal is cut into short blocks; each block's output is its own
    input through the impulse response plus the response to the state it starts
    from, two matrix products for all blocks at once. Only the state goes from block
    to block, and that recursion is split in two levels (groups of blocks, then the
    blocks within each group, all groups side by side), so Python loops a few dozen
    times per piece instead of once per sample.
    """

    BLOCK = 64
    GROUP = 32

    def __init__(self, sos: np.ndarray):
        a_mat, b_vec, c_vec, d = _state_space(np.asarray(sos, dtype=np.float64))
        m = self.BLOCK
        powers = [np.eye(len(a_mat))]
        for _ in range(m):
            powers.append(a_mat @ powers[-1])
        self._powers = np.array(powers)  # A^0 .. A^m
        self._ca = np.array([c_vec @ p for p in powers[:m]])  # row i: C A^i
        self._ab = np.array([p @ b_vec for p in powers[:m]])  # row i: A^i B
        impulse = np.concatenate(([d], self._ca[:m - 1] @ b_vec))
        toeplitz = np.zeros((m, m))
        for i in range(m):
            toeplitz[i, :i + 1] = impulse[i::-1]
        self._toeplitz = toeplitz  # y = toeplitz @ x for a block starting at rest
        self._through = np.ascontiguousarray(toeplitz.T, dtype=np.float32)
        self._from_state = np.ascontiguousarray(self._ca.T, dtype=np.float32)
        self._to_state = self._ab[::-1].astype(np.float32)  # row j: A^(m-1-j) B
        step = self._powers[m]  # A^m: the state one block later, without input
        group = [np.eye(len(a_mat))]
        for _ in range(self.GROUP):
            group.append(step @ group[-1])
        self._step = step
        self._group_t = group[self.GROUP].T
        self._gather = np.array(group[self.GROUP - 1::-1])  # [q]: A^(m (GROUP-1-q))

    def initial_state(self) -> np.ndarray:
        """The state of a filter at rest."""
        return np.zeros(len(self._powers[0]))

    def filter(self, x: np.ndarray, state: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``x`` filtered from ``state``, as float32, and the state after it."""
        x = np.asarray(x, dtype=np.float32)
        m = self.BLOCK
        whole = len(x) // m * m
        y = np.empty(len(x), dtype=np.float32)
        if whole:
            blocks = x[:whole].reshape(-1, m)
            inputs = _product(blocks, self._to_state)
            starts = self._block_states(inputs, state)
            out = y[:whole].reshape(-1, m)
            out[:] = _product(blocks, self._through)
            out += _product(starts.astype(np.float32), self._from_state)
            state = self._step @ starts[-1] + inputs[-1]
        rest = len(x) - whole
        if rest:
            tail = x[whole:].astype(np.float64)
            y[whole:] = self._toeplitz[:rest, :rest] @ tail + self._ca[:rest] @ state
            state = self._powers[rest] @ state + self._ab[rest - 1::-1].T @ tail
        return y, state

    def _block_states(self, inputs: np.ndarray, state: np.ndarray) -> np.ndarray:
        """The state at the start of each block, given what each block's input adds to
        the state at its end (``inputs``, one row per block)."""
        count, size = len(inputs), self.GROUP
        groups = -(-count // size)
        padded = np.zeros((groups * size, len(state)))
        padded[:count] = inputs
        padded = padded.reshape(groups, size, -1)
        added = np.einsum("gqd,qed->ge", padded, self._gather)  # each group's inputs at its end
        firsts = np.empty((groups, len(state)))
        for g in range(groups):
            firsts[g] = state
            state = state @ self._group_t + added[g]
        starts = np.empty_like(padded)
        current = firsts
        for q in range(size):
            starts[:, q] = current
            current = current @ self._step.T + padded[:, q]
        return starts.reshape(-1, len(state))[:count]


def _product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b`` computed a few rows at a time. Products of up to about 2**18
    multiply-adds run on the calling thread; larger ones fan out to BLAS threads, which
    on a busy machine cost several times the work itself."""
    rows = max(1, (1 << 18) // (a.shape[1] * b.shape[1]))
    if len(a) <= rows:
        return a @ b
    return np.concatenate([a[i:i + rows] @ b for i in range(0, len(a), rows)])


def _state_space(sos: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """(A, B, C, D) of a cascade of biquads, each in controllable canonical form."""
    a_mat, b_vec, c_vec, d = np.zeros((0, 0)), np.zeros(0), np.zeros(0), 1.0
    for b0, b1, b2, a0, a1, a2 in sos:
        b0, b1, b2, a1, a2 = b0 / a0, b1 / a0, b2 / a0, a1 / a0, a2 / a0
        n = len(a_mat)
        grown = np.zeros((n + 2, n + 2))
        grown[:n, :n] = a_mat
        grown[n, :n] = c_vec  # the new section's input is the cascade's output so far
        grown[n:, n:] = [[-a1, -a2], [1.0, 0.0]]
        b_new = np.concatenate((b_vec, [d, 0.0]))
        c_new = np.concatenate((b0 * c_vec, [b1 - b0 * a1, b2 - b0 * a2]))
        a_mat, b_vec, c_vec, d = grown, b_new, c_new, b0 * d
    return a_mat, b_vec, c_vec, d
