"""Episode formats: the assembled, normalized audio + its Timeline + tags -> the
finished episode file, with the MIME type and file extension the feed and the
output folder use.

A format is a name in ``FORMATS``; adding one means adding an encoder (encode.py)
and a tag writer (publish/tags.py) and registering them here. Nothing else in
audiocast knows which format an episode is in: the catalog stores the episode's
media type and file names, and the feed reads them from there.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..errors import ConfigError
from ..models import Timeline

if TYPE_CHECKING:
    from ..publish.tags import EpisodeTags

DEFAULT_FORMAT = "mp3"


@dataclass(frozen=True)
class EpisodeFormat:
    """One kind of episode file: how it is encoded and tagged, and what it is called."""

    name: str
    extension: str  # without the dot
    media_type: str  # the feed's enclosure type
    label: str  # what a listener calls it, e.g. "MP3"
    encode: Callable[[np.ndarray, int, int, Timeline], bytes]  # samples, rate, kbps, timeline
    write_tags: Callable[[Path, EpisodeTags, Timeline], None]

    def render(self, samples: np.ndarray, sample_rate: int, bitrate_kbps: int,
               timeline: Timeline, tags: EpisodeTags) -> bytes:
        """The finished episode file: encoded, tagged, chaptered, as bytes."""
        return self.tag(self.encode(samples, sample_rate, bitrate_kbps, timeline), tags, timeline)

    def tag(self, encoded: bytes, tags: EpisodeTags, timeline: Timeline) -> bytes:
        """An encoded episode with its tags and chapters written in."""
        with tempfile.TemporaryDirectory(prefix="audiocast-") as tmp:
            path = Path(tmp) / f"episode.{self.extension}"
            path.write_bytes(encoded)
            self.write_tags(path, tags, timeline)
            return path.read_bytes()


def _mp3(samples: np.ndarray, sample_rate: int, bitrate_kbps: int, _timeline: Timeline) -> bytes:
    from .encode import encode_mp3

    return encode_mp3(samples, sample_rate, bitrate_kbps)


def _mp4(brand: str) -> Callable[[np.ndarray, int, int, Timeline], bytes]:
    def encode(samples: np.ndarray, sample_rate: int, bitrate_kbps: int, timeline: Timeline) -> bytes:
        from .encode import encode_m4a

        return encode_m4a(samples, sample_rate, bitrate_kbps, timeline.all_chapters(), brand=brand)

    return encode


def _id3(path: Path, tags: EpisodeTags, timeline: Timeline) -> None:
    from ..publish.tags import write_tags

    write_tags(path, tags, timeline)


def _mp4_tags(path: Path, tags: EpisodeTags, timeline: Timeline) -> None:
    from ..publish.tags import write_mp4_tags

    write_mp4_tags(path, tags, timeline)


FORMATS: dict[str, EpisodeFormat] = {
    # ID3v2.3 with CHAP/CTOC chapters: every podcast app and most players
    "mp3": EpisodeFormat("mp3", "mp3", "audio/mpeg", "MP3", _mp3, _id3),
    # AAC in MP4 with a QuickTime chapter track and Nero chapters: Apple Podcasts
    "m4a": EpisodeFormat("m4a", "m4a", "audio/x-m4a", "M4A", _mp4("M4A "), _mp4_tags),
    # the same, named and branded as an audiobook, for audiobook apps
    "m4b": EpisodeFormat("m4b", "m4b", "audio/x-m4a", "M4B", _mp4("M4B "), _mp4_tags),
}


def get_format(name: str | None) -> EpisodeFormat:
    """The registered format called ``name`` (None: MP3); an unknown name lists the valid ones."""
    key = (name or DEFAULT_FORMAT).strip().lower().lstrip(".")
    try:
        return FORMATS[key]
    except KeyError:
        raise ConfigError(f"unknown episode format {name!r}; choose one of: {', '.join(FORMATS)}") from None
