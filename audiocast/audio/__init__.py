"""The audio stage: clips + script -> one loudness-normalized episode file and its Timeline.

``assemble`` lays out bumpers, speech and pauses and records the Timeline;
``normalize_loudness`` brings the track to -16 LUFS with true peak under -1 dBTP;
``formats.get_format(name).render`` encodes and tags it as the show's episode format
(MP3 by default, ``encode_mp3``; M4A/M4B, ``encode.encode_m4a``), 44.1 kHz whatever
the track's rate.

For long episodes, ``assemble(..., sample_rate=None)`` keeps the track at the voice's
own rate (half the samples for a 22.05 kHz voice) and
``normalize_loudness(..., out=track)`` works in place, so the episode is held once.
"""

from .assemble import AssembledAudio, assemble
from .bumpers import Bumpers, default_bumpers, load_bumpers
from .encode import encode_mp3
from .loudness import Loudness, measure_loudness, normalize_loudness

__all__ = [
    "AssembledAudio",
    "Bumpers",
    "Loudness",
    "assemble",
    "default_bumpers",
    "encode_mp3",
    "load_bumpers",
    "measure_loudness",
    "normalize_loudness",
]
