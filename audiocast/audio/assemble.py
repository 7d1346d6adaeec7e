"""Lay bumpers, speech clips and pauses end to end into one track, and record where
everything landed.

The assembler is the only place that knows every clip's exact length, so it
writes the Timeline: a cue per spoken segment and a chapter per section, all
counted in samples and converted to milliseconds once. Chapters and transcripts
are therefore exact; nothing is detected afterwards.

Layout::

    intro bumper, section pause,
    section 1: segment, its pause, segment, ...
    section pause, transition bumper, section pause      (before each later level-1 section)
    section pause                                        (before a level-2 section)
    ...
    section pause, outro bumper

At a section change the section pause replaces the last segment's own pause
when it is longer. A level-1 chapter starts where its heading starts, so a
listener who jumps to it hears the heading at once; the transition bumper and
pauses before it close the previous chapter.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..config import Production
from ..errors import AudioError
from ..models import ChapterMark, Clip, Cue, Script, ScriptSection, Timeline
from .bumpers import Bumpers, load_bumpers
from .decode import pcm16_to_samples
from .dsp import fade_edges, resample
from .loudness import integrated_loudness

SAMPLE_RATE = 44100
#: bumpers sit this many LU under the voice, so they frame the speech without competing
BUMPER_BELOW_VOICE_LU = 4.0
#: raised-cosine fade at both ends of every clip and bumper (seconds)
JOIN_FADE_S = 0.005
#: trimming: a sliding 5 ms window counts as sound when its power is within this many dB
#: of the clip's loudest window (and above the absolute floor); some lead and tail is
#: kept so soft onsets and word-final consonants survive
TRIM_WINDOW_S = 0.005
TRIM_BELOW_PEAK_DB = -45.0
TRIM_FLOOR_DBFS = -65.0
TRIM_KEEP_LEAD_S = 0.030
TRIM_KEEP_TAIL_S = 0.060

UNTITLED_FIRST = "Introduction"


@dataclass
class AssembledAudio:
    """The whole episode as mono float32 samples, and the timeline of what is where."""

    samples: np.ndarray
    sample_rate: int
    timeline: Timeline

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate


def assemble(script: Script, clips: list[Clip], production: Production) -> AssembledAudio:
    """Join the clips (one per segment, in ``script.segments()`` order) with pauses and
    bumpers into one 44.1 kHz track, and build its Timeline."""
    segments = list(script.segments())
    if len(clips) != len(segments):
        raise AudioError(f"got {len(clips)} audio clips for {len(segments)} script segments")
    if not segments:
        raise AudioError("the script has nothing to say")
    speech = [prepare_clip(clip) for clip in clips]
    bumpers = _level_bumpers(load_bumpers(production, SAMPLE_RATE), speech)
    pacing = production.pacing
    section_pause = pacing.section

    track = _Track(SAMPLE_RATE)
    if bumpers.intro is not None:
        track.add(bumpers.intro)
        track.silence(section_pause)

    cues: list[Cue] = []
    starts: list[tuple[int, int, int]] = []  # (section index, chapter level, start sample)
    clip_index = 0
    pause_before = 0
    for index, section in enumerate(script.sections):
        section_clips = speech[clip_index:clip_index + len(section.segments)]
        clip_index += len(section.segments)
        if not section.segments:
            continue
        level = 1 if not starts or section.level <= 1 else 2
        if starts:
            track.silence(max(pause_before, section_pause))
            if level == 1 and bumpers.transition is not None:
                track.add(bumpers.transition)
                track.silence(section_pause)
        for position, (segment, samples) in enumerate(zip(section.segments, section_clips)):
            if position:
                track.silence(pause_before)
            start, end = track.add(samples)
            if position == 0:
                starts.append((index, level, start))
            text = " ".join(segment.written.split())
            if text and end > start:
                cues.append(Cue(_ms(start), _ms(end), text, index))
            pause_before = pacing.pause_ms(segment.pause_after)

    if bumpers.outro is not None:
        track.silence(max(pause_before, section_pause))
        track.add(bumpers.outro)

    samples = track.join()
    duration_ms = _ms(len(samples))
    chapters = _chapters(script.sections, starts, duration_ms)
    return AssembledAudio(samples, SAMPLE_RATE, Timeline(duration_ms, chapters, cues))


def prepare_clip(clip: Clip) -> np.ndarray:
    """A clip as float32 at 44.1 kHz from just before its first sound to just after its
    last, edges faded: the same short lead and tail for every clip (silence is added
    where the engine left less), so pauses are exactly what the settings say."""
    samples = resample(pcm16_to_samples(clip.pcm), clip.sample_rate, SAMPLE_RATE)
    start, stop = sound_bounds(samples, SAMPLE_RATE)
    kept = fade_edges(samples[max(0, start):min(len(samples), stop)], SAMPLE_RATE,
                      JOIN_FADE_S, JOIN_FADE_S)
    return np.pad(kept, (max(0, -start), max(0, stop - len(samples))))


def sound_bounds(samples: np.ndarray, sample_rate: int) -> tuple[int, int]:
    """[start, stop) around the sound in ``samples`` with TRIM_KEEP_LEAD_S before and
    TRIM_KEEP_TAIL_S after; it may reach past either end. Without sound: the whole clip."""
    window = max(1, int(TRIM_WINDOW_S * sample_rate))
    # power at every window position, the clip taken as surrounded by silence, so that
    # how much silence an engine adds cannot move the result
    energy = np.concatenate(([0.0], np.cumsum(np.pad(samples.astype(np.float64), window) ** 2)))
    power = (energy[window:] - energy[:-window]) / window  # power[i]: samples [i - window, i)
    if not len(samples) or power.max() <= 0:
        return 0, len(samples)
    threshold = max(power.max() * 10 ** (TRIM_BELOW_PEAK_DB / 10), 10 ** (TRIM_FLOOR_DBFS / 10))
    loud = np.flatnonzero(power > threshold)
    if not len(loud):
        return 0, len(samples)
    # sound begins with the sample that made the first window loud and ends with the
    # oldest sample of the last loud window
    start = int(loud[0]) - 1 - int(TRIM_KEEP_LEAD_S * sample_rate)
    stop = int(loud[-1]) - window + 1 + int(TRIM_KEEP_TAIL_S * sample_rate)
    return start, stop


def _level_bumpers(bumpers: Bumpers, speech: list[np.ndarray]) -> Bumpers:
    """Bumpers scaled to sit BUMPER_BELOW_VOICE_LU under the voice (custom files too, so
    a loud jingle cannot drown the reading), with faded edges."""
    voice = integrated_loudness(np.concatenate(speech), SAMPLE_RATE)

    def level(sound: np.ndarray | None) -> np.ndarray | None:
        if sound is None or not len(sound):
            return None
        sound = fade_edges(sound, SAMPLE_RATE, JOIN_FADE_S, JOIN_FADE_S)
        own = integrated_loudness(sound, SAMPLE_RATE)
        if not (math.isfinite(voice) and math.isfinite(own)):
            return sound
        return sound * np.float32(10 ** ((voice - BUMPER_BELOW_VOICE_LU - own) / 20))

    return Bumpers(level(bumpers.intro), level(bumpers.transition), level(bumpers.outro),
                   SAMPLE_RATE)


def _chapters(sections: list[ScriptSection], starts: list[tuple[int, int, int]],
              duration_ms: int) -> list[ChapterMark]:
    """Level-1 chapters tile [0, duration]; level-2 chapters tile the rest of their parent
    from their own heading on."""
    chapters: list[ChapterMark] = []
    for index, level, start in starts:
        title = sections[index].title or (UNTITLED_FIRST if not chapters else f"Part {len(chapters) + 1}")
        mark = ChapterMark(title, level, 0 if not chapters else _ms(start), duration_ms)
        if level == 1:
            if chapters:
                _close(chapters[-1], mark.start_ms)
            chapters.append(mark)
        else:
            parent = chapters[-1]
            if parent.children:
                parent.children[-1].end_ms = mark.start_ms
            parent.children.append(mark)
    return chapters


def _close(chapter: ChapterMark, end_ms: int) -> None:
    chapter.end_ms = end_ms
    if chapter.children:
        chapter.children[-1].end_ms = end_ms


def _ms(samples: int) -> int:
    """A sample position as whole milliseconds, rounded to nearest."""
    return (samples * 1000 + SAMPLE_RATE // 2) // SAMPLE_RATE


class _Track:
    """Pieces laid end to end, with the running position in samples."""

    def __init__(self, sample_rate: int):
        self.sample_rate = sample_rate
        self.pieces: list[np.ndarray] = []
        self.length = 0

    def add(self, samples: np.ndarray) -> tuple[int, int]:
        start = self.length
        self.pieces.append(samples.astype(np.float32, copy=False))
        self.length += len(samples)
        return start, self.length

    def silence(self, ms: int) -> None:
        count = ms * self.sample_rate // 1000
        if count > 0:
            self.add(np.zeros(count, dtype=np.float32))

    def join(self) -> np.ndarray:
        return np.concatenate(self.pieces) if self.pieces else np.zeros(0, dtype=np.float32)
