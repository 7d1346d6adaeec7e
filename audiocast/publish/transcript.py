"""Transcripts (WebVTT, SRT) and Podcasting 2.0 JSON chapters, all from the Timeline.

The assembler knows where every sentence starts and ends, so captions need no
speech recognition: each sentence becomes one cue of at most two lines, and a
sentence too long for two lines is split at word boundaries into consecutive
cues that share its time in proportion to their characters.
"""

from __future__ import annotations

import json
import math
import textwrap
from dataclasses import dataclass

from ..models import Timeline

#: the longest caption line podcast apps accept (Apple, PSP-1)
LINE_LENGTH = 65
MAX_LINES = 2
CHAPTERS_VERSION = "1.2.0"


@dataclass(frozen=True)
class Caption:
    """One cue as players show it: up to two short lines over a stretch of time (ms)."""

    start_ms: int
    end_ms: int
    lines: tuple[str, ...]


def captions(timeline: Timeline, line_length: int = LINE_LENGTH) -> list[Caption]:
    """The timeline's cues cut to caption size: ordered, non-overlapping, inside the episode."""
    result: list[Caption] = []
    for cue in sorted(timeline.cues, key=lambda c: c.start_ms):
        start = max(cue.start_ms, result[-1].end_ms if result else 0)
        end = min(cue.end_ms, timeline.duration_ms)
        text = " ".join(cue.text.split())
        if not text or end <= start:
            continue
        result.extend(_share(start, end, _split(text, line_length)))
    return result


def to_vtt(timeline: Timeline, language: str | None = None, line_length: int = LINE_LENGTH) -> str:
    """A WebVTT transcript (``text/vtt``) of everything said, in caption-sized cues."""
    head = "WEBVTT\n" + (f"Language: {language}\n" if language else "")
    blocks = [head]
    for caption in captions(timeline, line_length):
        text = "\n".join(_vtt_escape(line) for line in caption.lines)
        blocks.append(f"{_timestamp(caption.start_ms, '.')} --> {_timestamp(caption.end_ms, '.')}\n{text}\n")
    return "\n".join(blocks)


def to_srt(timeline: Timeline, line_length: int = LINE_LENGTH) -> str:
    """The same cues as SubRip (``application/x-subrip``), numbered from 1."""
    blocks = []
    for number, caption in enumerate(captions(timeline, line_length), start=1):
        blocks.append(
            f"{number}\n{_timestamp(caption.start_ms, ',')} --> {_timestamp(caption.end_ms, ',')}\n"
            + "\n".join(caption.lines) + "\n"
        )
    return "\n".join(blocks)


def to_chapters_json(timeline: Timeline, url: str | None = None, img: str | None = None,
                     title: str | None = None) -> str:
    """Podcasting 2.0 JSON chapters (``application/json+chapters``): every level-1 and
    level-2 chapter by ascending start time (``Timeline.all_chapters``). ``url`` and
    ``img``, when given, are set on every chapter (e.g. the article's address and the
    episode art)."""
    chapters = []
    for mark in timeline.all_chapters():
        entry: dict = {
            "startTime": round(mark.start_ms / 1000, 3),
            "endTime": round(mark.end_ms / 1000, 3),
            "title": mark.title,
        }
        if url:
            entry["url"] = url
        if img:
            entry["img"] = img
        chapters.append(entry)
    document: dict = {"version": CHAPTERS_VERSION}
    if title:
        document["title"] = title
    document["chapters"] = chapters
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _split(text: str, width: int) -> list[list[str]]:
    """``text`` as caption chunks of at most two lines of ``width`` characters, the
    chunks about equally long and broken after punctuation where one is near."""
    lines = textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False)
    count = math.ceil(len(lines) / MAX_LINES)
    if count <= 1:
        return [_two_lines(text, width)]
    words = " ".join(lines).split(" ")
    ends, position = [], -1
    for word in words:
        position += len(word) + 1
        ends.append(position)  # character position after each word
    total = ends[-1]
    cuts, previous = [], 0
    for k in range(1, count):
        ideal = total * k / count
        candidates = range(previous, len(words) - 1)
        if not candidates:
            break
        best = min(candidates, key=lambda i: abs(ends[i] - ideal) - (12 if words[i][-1] in ",;:" else 0))
        cuts.append(best + 1)
        previous = best + 1
    chunks, start = [], 0
    for cut in [*cuts, len(words)]:
        chunk = " ".join(words[start:cut])
        start = cut
        if chunk:
            chunks.append(textwrap.wrap(chunk, width, break_long_words=True, break_on_hyphens=False))
    if all(len(chunk) <= MAX_LINES for chunk in chunks):
        return [_two_lines(" ".join(chunk), width) for chunk in chunks]
    return [lines[i:i + MAX_LINES] for i in range(0, len(lines), MAX_LINES)]


def _two_lines(text: str, width: int) -> list[str]:
    """``text`` (known to fit two lines) on one line, or on two of similar length."""
    if len(text) <= width:
        return [text]
    for narrower in range(math.ceil(len(text) / 2), width + 1):
        lines = textwrap.wrap(text, narrower, break_long_words=True, break_on_hyphens=False)
        if len(lines) <= MAX_LINES:
            return lines
    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False)


def _share(start: int, end: int, chunks: list[list[str]]) -> list[Caption]:
    """Captions for consecutive chunks over [start, end], timed in proportion to characters."""
    total = sum(len(" ".join(lines)) for lines in chunks)
    out, done = [], 0
    for lines in chunks:
        a = start + round((end - start) * done / total)
        done += len(" ".join(lines))
        b = start + round((end - start) * done / total)
        out.append(Caption(a, b, tuple(lines)))
    return [c for c in out if c.end_ms > c.start_ms]


def _timestamp(ms: int, separator: str) -> str:
    hours, rest = divmod(int(ms), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"


def _vtt_escape(line: str) -> str:
    return line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
