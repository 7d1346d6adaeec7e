"""The short sounds that open an episode, mark each new chapter and close it.

The default set is synthesized here (soft bell-like chimes over a quiet pad), so
the project ships its own sound and no third-party audio. A show may replace any
of the three with a file of its own (any format ffmpeg reads), or switch one off
with the value ``"none"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..config import Production
from .decode import decode_file_to_samples
from .dsp import fade_edges

SAMPLE_RATE = 44100

# (seconds after the start, frequency in Hz) for each chime.
C4, G4, C5, E5, G5, C6, D6 = 261.63, 392.00, 523.25, 659.26, 783.99, 1046.50, 1174.66
_INTRO_NOTES = [(0.00, C5), (0.11, E5), (0.22, G5), (0.33, C6)]
_TRANSITION_NOTES = [(0.00, G5), (0.13, D6)]
_OUTRO_NOTES = [(0.00, C6), (0.14, G5), (0.28, E5), (0.42, C5), (0.42, C4)]

# Partials of a soft mallet chime: (frequency ratio, amplitude, decay multiplier).
# The slightly inharmonic 2.76 gives the bell colour; higher partials die sooner.
_PARTIALS = [(1.0, 1.0, 1.0), (2.0, 0.28, 1.7), (2.76, 0.10, 2.4), (4.0, 0.05, 3.2)]

PEAK = 0.5


@dataclass(frozen=True)
class Bumpers:
    """Mono float32 samples for each bumper; None where a show switched one off."""

    intro: np.ndarray | None
    transition: np.ndarray | None
    outro: np.ndarray | None
    sample_rate: int = SAMPLE_RATE


def load_bumpers(production: Production, sample_rate: int = SAMPLE_RATE) -> Bumpers:
    """The bumpers a show uses: its own files where it names them, else the default set.

    A missing file raises AudioError naming the path.
    """
    default = default_bumpers(sample_rate)
    return Bumpers(
        intro=_choose(production.intro_bumper, default.intro, sample_rate),
        transition=_choose(production.transition_bumper, default.transition, sample_rate),
        outro=_choose(production.outro_bumper, default.outro, sample_rate),
        sample_rate=sample_rate,
    )


def default_bumpers(sample_rate: int = SAMPLE_RATE) -> Bumpers:
    """The project's own sounds: a rising arpeggio (~1.5 s), a two-note chime (~0.8 s)
    and a falling arpeggio that settles on a chord (~1.8 s)."""
    intro, transition, outro = _default_set(sample_rate)
    return Bumpers(intro=intro.copy(), transition=transition.copy(), outro=outro.copy(),
                   sample_rate=sample_rate)


def _choose(setting: str | None, default: np.ndarray, sample_rate: int) -> np.ndarray | None:
    if setting is None:
        return default
    if setting.strip().lower() in ("", "none"):
        return None
    return decode_file_to_samples(setting, sample_rate)


@lru_cache(maxsize=2)
def _default_set(sample_rate: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    intro = _phrase(_INTRO_NOTES, 1.5, sample_rate, decay=2.6, pad=(C4, G4))
    transition = _phrase(_TRANSITION_NOTES, 0.8, sample_rate, decay=4.5)
    outro = _phrase(_OUTRO_NOTES, 1.8, sample_rate, decay=2.2, pad=(C4, G4))
    for sound in (intro, transition, outro):
        sound.flags.writeable = False
    return intro, transition, outro


def _phrase(notes: list[tuple[float, float]], seconds: float, sample_rate: int, *,
            decay: float, pad: tuple[float, ...] = ()) -> np.ndarray:
    """Chimes struck at their onsets, a quiet pad beneath, a touch of room, faded out."""
    n = int(round(seconds * sample_rate))
    out = np.zeros(n)
    for onset, freq in notes:
        start = int(round(onset * sample_rate))
        out[start:] += _chime(freq, n - start, sample_rate, decay)
    if pad:
        t = np.arange(n) / sample_rate
        drone = sum(np.sin(2 * np.pi * f * t) for f in pad) / len(pad)
        out += 0.18 * drone * _adsr(n, sample_rate, attack=0.35, decay=0.3, sustain=0.7, release=0.6)
    out = _room(out, sample_rate)
    out = fade_edges(out, sample_rate, fade_in=0.004, fade_out=min(0.35, seconds / 3))
    return (out * (PEAK / np.max(np.abs(out)))).astype(np.float32)


def _chime(freq: float, n: int, sample_rate: int, decay: float) -> np.ndarray:
    t = np.arange(n) / sample_rate
    tone = sum(
        amp * np.sin(2 * np.pi * freq * ratio * t) * np.exp(-t * decay * speed)
        for ratio, amp, speed in _PARTIALS
        if freq * ratio < sample_rate / 2.2
    )
    return fade_edges(tone, sample_rate, fade_in=0.006, fade_out=0.0)


def _adsr(n: int, sample_rate: int, *, attack: float, decay: float, sustain: float,
          release: float) -> np.ndarray:
    """A linear attack-decay-sustain-release envelope spanning n samples."""
    a, d, r = (int(x * sample_rate) for x in (attack, decay, release))
    a, d, r = min(a, n), min(d, max(n - a, 0)), min(r, n)
    env = np.full(n, sustain)
    env[:a] = np.linspace(0.0, 1.0, a, endpoint=False)
    env[a:a + d] = np.linspace(1.0, sustain, d, endpoint=False)
    if r:
        env[n - r:] *= np.linspace(1.0, 0.0, r)
    return env


def _room(x: np.ndarray, sample_rate: int) -> np.ndarray:
    """A few soft early reflections, so the chimes sound placed rather than dry."""
    out = x.copy()
    for delay_s, gain in ((0.023, 0.22), (0.041, 0.14), (0.067, 0.09)):
        d = int(delay_s * sample_rate)
        out[d:] += gain * x[:-d]
    return out

