"""Lay bumpers, speech clips and pauses end to end into one track, and record where
everything landed.

The assembler is the only place that knows every clip's exact length, so it
writes the Timeline: a cue per spoken segment and a chapter per section, all
counted in samples and converted to milliseconds once. Chapters and transcripts
are therefore exact; nothing is detected afterwards.

Layout::

    intro bumper (the voice comes in INTRO_LEAD_S into it, over its fading tail),
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
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..config import Pacing, Production
from ..errors import AudioError
from ..models import ChapterMark, Clip, Cue, Script, ScriptSection, Timeline
from ..speech.languages import spoken_words
from ..speech.rules import SpokenWords
from .bumpers import Bumpers, load_bumpers
from .decode import pcm16_to_samples, resample_with_ffmpeg
from .dsp import fade_edges, resample
from .loudness import integrated_loudness
from .pieces import PIECE_TARGET_S, SILENT_BEFORE_CUT, cut_granularity

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

#: a track that can be longer than this is laid out in a memory-mapped temporary file
#: rather than in memory: the kernel writes its pages out and drops them as it needs, so
#: an episode of many hours never needs memory in proportion to its length
MAPPED_TRACK_S = 90 * 60

#: the voice enters this far into the intro bumper, which fades out beneath it over
#: INTRO_UNDER_S: a produced opening, and the first chapter's first words arrive at
#: once rather than after the whole jingle
INTRO_LEAD_S = 0.35
INTRO_UNDER_S = 0.6


@dataclass
class AssembledAudio:
    """The whole episode as mono float32 samples, and the timeline of what is where."""

    samples: np.ndarray
    sample_rate: int
    timeline: Timeline
    #: where the episode may be cut into pieces mastered and encoded on their own
    #: (audio/pieces.py): sample positions in silence, on whole MP3 frames
    cuts: list[int] = field(default_factory=list)
    voice_lufs: float = -math.inf  # the voice's loudness, which the bumpers are set against

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate


def assemble(script: Script, clips: list[Clip], production: Production,
             sample_rate: int | None = SAMPLE_RATE, voice_lufs: float | None = None) -> AssembledAudio:
    """Join the clips (one per segment, in ``script.segments()`` order) with pauses and
    bumpers into one track, and build its Timeline.

    The track comes at ``sample_rate`` (44.1 kHz, what the MP3 carries), or with None
    at the clips' own rate (the highest, if they differ): for a 22.05 kHz voice that is
    half the samples to hold, normalize and stream to the encoder, which resamples to
    44.1 kHz on the way out. Either way the layout is done at the clips' rate and the
    finished speech converted once, if at all; bumpers are made or decoded at the
    track's rate and written in last, so a custom jingle keeps its full bandwidth.
    """
    segments = list(script.segments())
    if len(clips) != len(segments):
        raise AudioError(f"got {len(clips)} audio clips for {len(segments)} script segments")
    if not segments:
        raise AudioError("the script has nothing to say")
    rate = max(clip.sample_rate for clip in clips)  # the layout's
    final = sample_rate or rate
    bumpers = _present(load_bumpers(production, final))
    pacing = production.pacing
    section_pause = pacing.section

    track = _Track(rate, _capacity(script, clips, bumpers, pacing, rate, final))
    slots: list[tuple[np.ndarray, int]] = []  # bumpers, written once the voice is measured
    step = cut_granularity(rate) if final % rate == 0 else None
    cuts: list[int] = []
    sound_end = 0  # where the last clip or bumper ends

    def bumper(sound: np.ndarray) -> None:
        nonlocal sound_end
        slots.append((sound, track.skip((len(sound) * rate + final // 2) // final)))
        sound_end = track.length

    def cut() -> None:
        """A cut at the next whole frame of this silence, when it is long enough: the
        silence grows by under a frame so that what follows starts one frame after a
        frame boundary, wherever that falls, and a piece's samples never depend on
        where it begins."""
        if step is None:
            return
        after = step
        before = SILENT_BEFORE_CUT * rate // SAMPLE_RATE
        if track.length - sound_end < before + after:
            return
        at = -(-(track.length - after) // step) * step
        track.skip(at + after - track.length)
        cuts.append(at)

    if bumpers.intro is not None:
        intro = _under_the_voice(bumpers.intro, final)
        slots.append((intro, track.skip(min(len(intro), int(INTRO_LEAD_S * final)) * rate // final)))

    cues: list[Cue] = []
    starts: list[tuple[int, int, int]] = []  # (section index, chapter level, start sample)
    piece_length = int(PIECE_TARGET_S * rate)
    paragraph_ends = False
    clip_index = 0
    pause_before = 0
    for index, section in enumerate(script.sections):
        section_clips = clips[clip_index:clip_index + len(section.segments)]
        clip_index += len(section.segments)
        if not section.segments:
            continue
        level = 1 if not starts or section.level <= 1 else 2
        if starts:
            track.silence(max(pause_before, section_pause))
            if level == 1 and bumpers.transition is not None:
                bumper(bumpers.transition)
                track.silence(section_pause)
            cut()
        for position, (segment, clip) in enumerate(zip(section.segments, section_clips)):
            if position:
                track.silence(pause_before)
                if paragraph_ends and track.length - (cuts[-1] if cuts else 0) >= piece_length:
                    cut()
            start, end = track.add(prepare_clip(clip, rate))
            sound_end = end
            paragraph_ends = segment.pause_after == "paragraph"
            if position == 0:
                starts.append((index, level, start))
            text = " ".join(segment.written.split())
            if text and end > start:
                cues.append(Cue(track.ms(start), track.ms(end), text, index))
            pause_before = pacing.pause_ms(segment.pause_after)

    if bumpers.outro is not None:
        track.silence(max(pause_before, section_pause))
        bumper(bumpers.outro)

    samples = track.finish()
    # speech and pauses; the bumper slots are silent
    voice = integrated_loudness(samples, rate) if voice_lufs is None else voice_lufs
    duration_ms = track.ms(len(samples))
    if final != rate:
        samples = resample_with_ffmpeg(samples, rate, final)
    levelled: dict[int, np.ndarray] = {}  # one transition bumper sounds at every section
    for sound, start in slots:
        at = (start * final + rate // 2) // rate
        if id(sound) not in levelled:
            levelled[id(sound)] = _bumper_level(sound, final, voice)
        samples[at:at + len(sound)] += levelled[id(sound)][:len(samples) - at]
    chapters = _chapters(script.sections, starts, track.ms, duration_ms, spoken_words(script.language))
    scale = final // rate
    return AssembledAudio(samples, final, Timeline(duration_ms, chapters, cues), [at * scale for at in cuts],
                          voice)


def prepare_clip(clip: Clip, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """A clip as float32 at ``sample_rate`` from just before its first sound to just
    after its last, edges faded: the same short lead and tail for every clip (silence
    is added where the engine left less), so pauses are exactly what the settings say."""
    samples = resample(pcm16_to_samples(clip.pcm), clip.sample_rate, sample_rate)
    start, stop = sound_bounds(samples, sample_rate)
    kept = fade_edges(samples[max(0, start):min(len(samples), stop)], sample_rate,
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


def _under_the_voice(sound: np.ndarray, sample_rate: int) -> np.ndarray:
    """The intro bumper as it plays: whole for INTRO_LEAD_S, then fading out (raised
    cosine) over INTRO_UNDER_S while the voice begins."""
    lead = int(INTRO_LEAD_S * sample_rate)
    if len(sound) <= lead:
        return sound
    under = min(len(sound) - lead, int(INTRO_UNDER_S * sample_rate))
    shaped = sound[:lead + under].copy()
    shaped[lead:] *= (0.5 + 0.5 * np.cos(np.linspace(0, np.pi, under))).astype(np.float32)
    return shaped


def _present(bumpers: Bumpers) -> Bumpers:
    """The bumpers with an empty sound counted as none."""
    def present(sound: np.ndarray | None) -> np.ndarray | None:
        return sound if sound is not None and len(sound) else None

    return Bumpers(present(bumpers.intro), present(bumpers.transition), present(bumpers.outro),
                   bumpers.sample_rate)


def _bumper_level(sound: np.ndarray, sample_rate: int, voice: float) -> np.ndarray:
    """A bumper scaled to sit BUMPER_BELOW_VOICE_LU under the voice (custom files too,
    so a loud jingle cannot drown the reading), with faded edges."""
    sound = fade_edges(sound, sample_rate, JOIN_FADE_S, JOIN_FADE_S)
    own = integrated_loudness(sound, sample_rate)
    if not (math.isfinite(voice) and math.isfinite(own)):
        return sound
    return sound * np.float32(10 ** ((voice - BUMPER_BELOW_VOICE_LU - own) / 20))


def _capacity(script: Script, clips: list[Clip], bumpers: Bumpers, pacing: Pacing, rate: int,
              bumper_rate: int) -> int:
    """An upper bound of the track's length in samples: every clip resampled, with the
    most lead and tail trimming can add, every pause at its longest, every bumper."""
    speech = sum(len(clip.pcm) // 2 * rate // clip.sample_rate + 2 for clip in clips)
    speech += len(clips) * (int(TRIM_KEEP_LEAD_S * rate) + int(TRIM_KEEP_TAIL_S * rate) + 2)
    longest = max([pacing.section] + [pacing.pause_ms(s.pause_after) for s in script.segments()])
    pauses = (len(clips) + 2 * len(script.sections) + 2) * (longest * rate // 1000 + 1)
    sounds = [s for s in (bumpers.intro, bumpers.outro) if s is not None]
    if bumpers.transition is not None:
        sounds += [bumpers.transition] * len(script.sections)
    jingles = sum(len(s) * rate // bumper_rate + 1 for s in sounds)
    return speech + pauses + jingles


def _chapters(sections: list[ScriptSection], starts: list[tuple[int, int, int]],
              ms: Callable[[int], int], duration_ms: int, words: SpokenWords) -> list[ChapterMark]:
    """Level-1 chapters tile [0, duration]; level-2 chapters tile the rest of their parent
    from their own heading on."""
    chapters: list[ChapterMark] = []
    for index, level, start in starts:
        title = sections[index].title or (words.introduction if not chapters else words.part_title(len(chapters) + 1))
        mark = ChapterMark(title, level, 0 if not chapters else ms(start), duration_ms)
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


class _Track:
    """Pieces written end to end into one buffer allocated up front for the longest the
    track can be (never a list of pieces joined at the end, which would hold the
    episode twice), with the running position. Pauses are never written: the buffer
    starts as zeros, and pages never written take no memory."""

    def __init__(self, sample_rate: int, capacity: int):
        self.sample_rate = sample_rate
        self.mapped = capacity > MAPPED_TRACK_S * sample_rate
        self.samples = _mapped_zeros(capacity) if self.mapped else np.zeros(capacity, dtype=np.float32)
        self.length = 0

    def add(self, samples: np.ndarray) -> tuple[int, int]:
        start = self.skip(len(samples))
        self.samples[start:self.length] = samples
        return start, self.length

    def skip(self, count: int) -> int:
        """Room for ``count`` samples written later; returns where it starts."""
        start = self.length
        self.length += count
        if self.length > len(self.samples):  # past the estimate: grow, in place where it can
            size = self.length + self.length // 4
            if self.mapped:
                grown = _mapped_zeros(size)
                grown[:start] = self.samples[:start]
                self.samples = grown
            else:
                self.samples.resize(size, refcheck=False)
        return start

    def silence(self, ms: int) -> None:
        self.skip(max(0, ms * self.sample_rate // 1000))

    def finish(self) -> np.ndarray:
        """The track, cut to what was laid out (in place: no copy)."""
        if self.mapped:
            return self.samples[:self.length]
        self.samples.resize(self.length, refcheck=False)
        return self.samples

    def ms(self, samples: int) -> int:
        """A sample position as whole milliseconds, rounded to nearest."""
        return (samples * 1000 + self.sample_rate // 2) // self.sample_rate


def _mapped_zeros(count: int) -> np.ndarray:
    """``count`` float32 zeros in an unnamed temporary file mapped into memory (a sparse
    file: pauses never written take no disk either); it is gone when the array is."""
    with tempfile.TemporaryFile(prefix="audiocast-track-") as handle:
        handle.truncate(max(1, count) * 4)
        return np.memmap(handle, dtype=np.float32, mode="r+", shape=(max(1, count),))[:count]
