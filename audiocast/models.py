"""Data passed between the stages: ingest -> speech -> synth -> audio -> publish.

Every type here is a plain dataclass of plain values, so it pickles and can be
sent to another process or a Dask worker unchanged.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Literal

# --------------------------------------------------------------------------- ingest

BlockKind = Literal["paragraph", "list_item", "quote", "code", "table", "image", "caption"]


@dataclass
class Block:
    """One unit of body text as the author wrote it.

    ``text`` is the written text with markup removed (for ``table`` the rows are
    in ``rows``; for ``code`` the source is in ``text`` and is never read aloud).
    """

    kind: BlockKind
    text: str
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Section:
    """A titled part of an article. Level 1 sections may hold level 2 children."""

    title: str | None
    level: int
    blocks: list[Block] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)

    def walk(self):
        """This section, then its children, in reading order."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Article:
    """What ingest produces: the article's text structure and its metadata."""

    title: str
    sections: list[Section]
    source: str = ""
    author: str | None = None
    date: datetime | None = None
    url: str | None = None
    image: str | None = None
    language: str | None = None
    description: str | None = None
    album: str | None = None  # the book a chapter comes from (split chapters); the show otherwise

    def walk(self):
        """Every section in reading order, level 1 followed by its children."""
        for section in self.sections:
            yield from section.walk()

    def plain_text(self) -> str:
        """The article as plain paragraphs: used for hashing and summaries."""
        parts = [self.title]
        for section in self.walk():
            if section.title:
                parts.append(section.title)
            parts.extend(block.text for block in section.blocks if block.kind != "code")
        return "\n\n".join(part for part in parts if part)


# --------------------------------------------------------------------------- speech

SegmentKind = Literal["title", "heading", "sentence"]
PauseKind = Literal["none", "sentence", "item", "paragraph", "heading"]


@dataclass(frozen=True)
class Segment:
    """One thing the engine says.

    ``spoken`` is the normalized text handed to the engine; ``written`` is what a
    reader sees in the transcript for the same stretch of audio.
    ``pause_after`` names the silence that follows it; the assembler maps it to
    milliseconds from the pacing settings.
    """

    kind: SegmentKind
    spoken: str
    written: str
    pause_after: PauseKind = "sentence"


@dataclass
class ScriptSection:
    """A section's segments in reading order; the heading segment (if any) comes first."""

    title: str | None
    level: int
    segments: list[Segment] = field(default_factory=list)

    @property
    def spoken(self) -> list[str]:
        """What the engine says in this section, headings excluded (DESIGN.md contract)."""
        return [s.spoken for s in self.segments if s.kind != "heading"]


@dataclass
class Script:
    """The whole speakable script, sections flattened in reading order."""

    title: str
    sections: list[ScriptSection]
    language: str = "en"

    def segments(self):
        for section in self.sections:
            yield from section.segments

    def to_json(self) -> dict:
        """The `audiocast script --json` shape."""
        return {
            "title": self.title,
            "sections": [
                {"title": s.title, "level": s.level, "spoken": s.spoken} for s in self.sections
            ],
        }


# --------------------------------------------------------------------------- synth


@dataclass(frozen=True)
class Clip:
    """Synthesized speech: signed 16-bit little-endian mono PCM."""

    pcm: bytes
    sample_rate: int

    @property
    def duration_ms(self) -> float:
        return len(self.pcm) / 2 / self.sample_rate * 1000


# --------------------------------------------------------------------------- audio


@dataclass
class Cue:
    """A stretch of audio and the written text spoken in it, in milliseconds."""

    start_ms: int
    end_ms: int
    text: str
    section: int  # index into Script.sections


@dataclass
class ChapterMark:
    """A chapter of the finished audio. Level 1 chapters tile the whole episode;
    level 2 chapters tile the part of their parent after its heading."""

    title: str
    level: int
    start_ms: int
    end_ms: int
    children: list[ChapterMark] = field(default_factory=list)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Timeline:
    """Exact positions of chapters and sentences, known from the assembler."""

    duration_ms: int
    chapters: list[ChapterMark]
    cues: list[Cue]

    def all_chapters(self) -> list[ChapterMark]:
        """Level 1 and level 2 chapters, in start order."""
        return [mark for chapter in self.chapters for mark in chapter.walk()]


# --------------------------------------------------------------------------- publish


@dataclass
class Episode:
    """A published episode as the catalog stores it."""

    guid: str
    slug: str
    title: str
    source: str
    content_hash: str
    duration_s: float
    size_bytes: int
    published: datetime
    updated: datetime
    author: str | None = None
    description: str | None = None
    url: str | None = None
    image: str | None = None
    language: str | None = None
    chapters: list[dict] = field(default_factory=list)
    media_type: str = "audio/mpeg"  # the episode file's MIME type, from its format
    files: dict[str, str] = field(default_factory=dict)  # kind -> path relative to the output folder

    def to_dict(self) -> dict:
        data = asdict(self)
        data["published"] = self.published.isoformat()
        data["updated"] = self.updated.isoformat()
        return data
