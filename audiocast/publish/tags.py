"""ID3 tags and chapters for the episode MP3: the one place that talks to mutagen.

Every mutagen call in audiocast goes through this module, so a tag problem
surfaces as a PublishError with the file's name rather than a mutagen exception.
Tags are saved as ID3v2.3, which old players and car stereos read.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from mutagen import MutagenError
from mutagen.id3 import (
    APIC,
    CHAP,
    COMM,
    CTOC,
    ID3,
    TALB,
    TCON,
    TDRC,
    TIT2,
    TLAN,
    TLEN,
    TPE1,
    WOAS,
    CTOCFlags,
    ID3NoHeaderError,
)
from mutagen.mp3 import MP3, BitrateMode

from ..errors import PublishError
from ..languages import iso639_2
from ..models import ChapterMark, Timeline

#: APIC art larger than this is recompressed; Apple and most players want <= 500 KB
MAX_COVER_BYTES = 500 * 1024
GENRE = "Podcast"
TOC_ID = "toc"

@dataclass
class EpisodeTags:
    """What the MP3's tags say about the episode."""

    title: str
    author: str | None = None
    show: str | None = None
    date: datetime | date | str | None = None
    description: str | None = None
    source_url: str | None = None
    cover: bytes | None = None
    cover_mime: str | None = None  # informational: the type is read from the image itself
    language: str | None = None  # e.g. "en" or "en-us"


@dataclass(frozen=True)
class Mp3Info:
    """The stream properties players and feeds need."""

    duration_s: float
    sample_rate: int
    channels: int
    bitrate_kbps: int
    constant_bitrate: bool
    has_info_header: bool  # a Xing/Info (or VBRI) frame: frame count and seek table


class _ChapterOrderID3(ID3):
    """mutagen writes frames sorted by size, but ffmpeg (and players built on it) list
    CHAP frames in file order. Keep CTOC and CHAP frames in the order they were added."""

    def _write(self, config):
        from mutagen.id3._tags import save_frame

        chapter_frames = [f for f in self.values() if f.FrameID in ("CTOC", "CHAP")]
        for frame in chapter_frames:
            del self[frame.HashKey]
        try:
            data = super()._write(config)
        finally:
            for frame in chapter_frames:
                self.add(frame)
        return data + b"".join(save_frame(f, config=config) for f in chapter_frames)


def write_tags(mp3_path: str | Path, tags: EpisodeTags, timeline: Timeline) -> None:
    """Replace the file's ID3 tag with the episode's metadata, cover art and chapters
    (a top-level CTOC of level-1 CHAPs; each level-1 chapter's subsections in a nested CTOC)."""
    path = Path(mp3_path)
    id3 = _ChapterOrderID3()
    id3.add(TIT2(encoding=3, text=[tags.title]))
    if tags.author:
        id3.add(TPE1(encoding=3, text=[tags.author]))
    if tags.show:
        id3.add(TALB(encoding=3, text=[tags.show]))
    id3.add(TCON(encoding=3, text=[GENRE]))
    when = _id3_date(tags.date)
    if when:
        id3.add(TDRC(encoding=3, text=[when]))
    language = iso639_2(tags.language)
    if tags.description:
        id3.add(COMM(encoding=3, lang=language, desc="", text=[tags.description]))
    if language != "XXX":
        id3.add(TLAN(encoding=3, text=[language]))
    if tags.source_url:
        id3.add(WOAS(url=tags.source_url))
    id3.add(TLEN(encoding=3, text=[str(timeline.duration_ms)]))
    if tags.cover:
        data, mime = fit_cover(tags.cover, tags.cover_mime)
        id3.add(APIC(encoding=3, mime=mime, type=3, desc="Cover", data=data))
    # ffprobe and mutagen count the encoder's priming and padding (under 60 ms) in the
    # file's duration; the last chapter runs to that end so no player sees a gap
    end_ms = max(timeline.duration_ms, int(read_mp3_info(path).duration_s * 1000))
    _add_chapters(id3, tags.title, timeline.chapters, end_ms)
    id3.update_to_v23()
    try:
        id3.save(path, v1=0, v2_version=3)
    except (MutagenError, OSError) as exc:
        raise PublishError(f"cannot write tags to {path}: {exc}") from exc


def _add_chapters(id3: ID3, title: str, chapters: list[ChapterMark], end_ms: int) -> None:
    """Frames in reading order: CTOC "toc", then each level-1 CHAP followed by its
    nested CTOC and that CTOC's level-2 CHAPs."""
    top: list[str] = []
    frames: list[Any] = []
    for i, chapter in enumerate(chapters):
        last = i == len(chapters) - 1
        chapter_id = f"ch{i}"
        top.append(chapter_id)
        frames.append(_chap(chapter_id, chapter, end_ms if last else None))
        if chapter.children:
            toc_id = f"toc{i}"
            top.append(toc_id)
            child_ids = [f"ch{i}.{j}" for j in range(len(chapter.children))]
            frames.append(CTOC(element_id=toc_id, flags=CTOCFlags.ORDERED,
                               child_element_ids=child_ids,
                               sub_frames=[TIT2(encoding=3, text=[chapter.title])]))
            for j, (child_id, child) in enumerate(zip(child_ids, chapter.children)):
                last_child = last and j == len(chapter.children) - 1
                frames.append(_chap(child_id, child, end_ms if last_child else None))
    if not chapters:
        return
    id3.add(CTOC(element_id=TOC_ID, flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                 child_element_ids=top, sub_frames=[TIT2(encoding=3, text=[title])]))
    for frame in frames:
        id3.add(frame)


def _chap(element_id: str, chapter: ChapterMark, end_ms: int | None = None) -> CHAP:
    end = chapter.end_ms if end_ms is None else max(chapter.end_ms, end_ms)
    return CHAP(element_id=element_id, start_time=chapter.start_ms, end_time=end,
                sub_frames=[TIT2(encoding=3, text=[chapter.title])])


def read_tags(mp3_path: str | Path) -> dict[str, Any]:
    """The episode tags as plain values (missing ones are None); for tests and the CLI."""
    id3 = _load(mp3_path)

    def text(frame_id: str) -> str | None:
        frame = id3.get(frame_id)
        return str(frame.text[0]) if frame and frame.text else None

    comments = id3.getall("COMM")
    covers = id3.getall("APIC")
    woas = id3.getall("WOAS")
    return {
        "id3_version": f"2.{id3.version[1]}",
        "title": text("TIT2"),
        "author": text("TPE1"),
        "show": text("TALB"),
        "genre": text("TCON"),
        "date": text("TDRC"),  # mutagen reads v2.3's TYER/TDAT back as TDRC
        "description": str(comments[0].text[0]) if comments and comments[0].text else None,
        "language": text("TLAN"),
        "source_url": woas[0].url if woas else None,
        "length_ms": int(text("TLEN")) if text("TLEN") else None,
        "cover": covers[0].data if covers else None,
        "cover_mime": covers[0].mime if covers else None,
        "cover_type": int(covers[0].type) if covers else None,
    }


def read_chapters(mp3_path: str | Path) -> list[tuple[str, str, int, int]]:
    """(element id, title, start ms, end ms) for every CHAP, in table-of-contents order
    (a level-1 chapter, then its subsections); CHAPs no CTOC lists follow by start time."""
    id3 = _load(mp3_path)
    chaps = {f.element_id: f for f in id3.getall("CHAP")}
    tocs = {f.element_id: f for f in id3.getall("CTOC")}
    ordered: list[str] = []

    def visit(element_id: str, seen: set[str]) -> None:
        if element_id in seen:
            return
        seen.add(element_id)
        if element_id in chaps and element_id not in ordered:
            ordered.append(element_id)
        elif element_id in tocs:
            for child in tocs[element_id].child_element_ids:
                visit(child, seen)

    for toc in tocs.values():
        if toc.flags & CTOCFlags.TOP_LEVEL:
            visit(toc.element_id, set())
    rest = sorted((c for c in chaps if c not in ordered), key=lambda c: chaps[c].start_time)
    result = []
    for element_id in ordered + rest:
        frame = chaps[element_id]
        titles = frame.sub_frames.getall("TIT2")
        title = str(titles[0].text[0]) if titles and titles[0].text else ""
        result.append((element_id, title, int(frame.start_time), int(frame.end_time)))
    return result


def read_mp3_info(mp3_path: str | Path) -> Mp3Info:
    """Duration, sample rate, channels and bitrate of an MP3, as players read them."""
    path = Path(mp3_path)
    try:
        info = MP3(path).info
    except (MutagenError, OSError) as exc:
        raise PublishError(f"cannot read {path} as MP3: {exc}") from exc
    return Mp3Info(
        duration_s=float(info.length),
        sample_rate=int(info.sample_rate),
        channels=int(info.channels),
        bitrate_kbps=int(round(info.bitrate / 1000)),
        constant_bitrate=info.bitrate_mode == BitrateMode.CBR,
        has_info_header=info.bitrate_mode != BitrateMode.UNKNOWN,
    )


def fit_cover(data: bytes, mime: str | None = None) -> tuple[bytes, str]:
    """Cover art as (bytes, MIME type), re-encoded as a smaller JPEG when over 500 KB."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            fmt = (image.format or "").upper()
            if len(data) <= MAX_COVER_BYTES and fmt in ("JPEG", "PNG"):
                return data, "image/png" if fmt == "PNG" else "image/jpeg"
            image = image.convert("RGB")
            side = min(max(image.size), 1400)
            quality = 88
            while True:
                copy = image.copy()
                copy.thumbnail((side, side), Image.Resampling.LANCZOS)
                out = io.BytesIO()
                copy.save(out, format="JPEG", quality=quality, optimize=True, progressive=False)
                if out.tell() <= MAX_COVER_BYTES or side <= 300:
                    return out.getvalue(), "image/jpeg"
                quality, side = max(60, quality - 8), int(side * 0.8)
    except (UnidentifiedImageError, OSError) as exc:
        raise PublishError(f"cover art is not an image Pillow can read ({mime or 'unknown type'}): {exc}") from exc


def _load(mp3_path: str | Path) -> ID3:
    path = Path(mp3_path)
    try:
        return ID3(path)
    except ID3NoHeaderError:
        return ID3()
    except (MutagenError, OSError) as exc:
        raise PublishError(f"cannot read tags of {path}: {exc}") from exc


def _id3_date(value: datetime | date | str | None) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, (datetime, date)):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()[:10] or None
