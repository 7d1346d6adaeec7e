"""Our feedgen extension: the Podcasting 2.0 namespace, plus the iTunes tags that
feedgen's own podcast extension gets wrong.

feedgen's podcast extension only writes ``itunes:explicit`` as yes/no/clean (Apple
wants true/false) and silently drops image URLs that do not end in .jpg/.png, so
``itunes:explicit`` and ``itunes:image`` are written here instead. Register with::

    fg.register_extension("podcastindex", PodcastIndexExtension, PodcastIndexEntryExtension)
"""

from __future__ import annotations

import uuid

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.util import xml_elem

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
# The namespace's first URI. The spec says readers must treat both as one, but
# gPodder's podcastparser only knows this one, so chapters and the WebVTT
# transcript are repeated under it (same URL and type: a reader that merges the
# two namespaces sees the same link twice, which is harmless).
LEGACY_PODCAST_NS = "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md"
LEGACY_PREFIX = "podcastgh"
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")

CHAPTERS_TYPE = "application/json+chapters"
VTT_TYPE = "text/vtt"
SRT_TYPE = "application/x-subrip"


def podcast_guid(feed_url: str) -> str:
    """podcast:guid for a feed URL: UUID5 over the URL without scheme and trailing slashes."""
    bare = feed_url.strip()
    if "://" in bare:
        bare = bare.split("://", 1)[1]
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare.rstrip("/")))


class PodcastIndexExtension(BaseExtension):
    """Channel-level podcast:* tags and Apple-correct itunes:explicit / itunes:image."""

    def __init__(self):
        self._guid: str | None = None
        self._locked: bool | None = None
        self._locked_owner: str | None = None
        self._medium: str | None = None
        self._txt: list[tuple[str, str | None]] = []
        self._explicit: bool | None = None
        self._image: str | None = None

    def extend_ns(self) -> dict[str, str]:
        return {"itunes": ITUNES_NS, "podcast": PODCAST_NS, LEGACY_PREFIX: LEGACY_PODCAST_NS}

    def extend_rss(self, rss_feed):
        channel = rss_feed[0]
        if self._image:
            xml_elem(f"{{{ITUNES_NS}}}image", channel, href=self._image)
        if self._explicit is not None:
            xml_elem(f"{{{ITUNES_NS}}}explicit", channel).text = "true" if self._explicit else "false"
        if self._guid:
            xml_elem(f"{{{PODCAST_NS}}}guid", channel).text = self._guid
        if self._locked is not None:
            locked = xml_elem(f"{{{PODCAST_NS}}}locked", channel)
            locked.text = "yes" if self._locked else "no"
            if self._locked_owner:
                locked.attrib["owner"] = self._locked_owner
        if self._medium:
            xml_elem(f"{{{PODCAST_NS}}}medium", channel).text = self._medium
        for value, purpose in self._txt:
            txt = xml_elem(f"{{{PODCAST_NS}}}txt", channel)
            if purpose:
                txt.attrib["purpose"] = purpose
            txt.text = value
        return rss_feed

    def extend_atom(self, atom_feed):
        return atom_feed

    def podcast_guid(self, value: str) -> None:
        self._guid = value

    def podcast_locked(self, locked: bool, owner: str | None = None) -> None:
        self._locked, self._locked_owner = locked, owner

    def podcast_medium(self, medium: str) -> None:
        self._medium = medium

    def podcast_txt(self, value: str, purpose: str | None = None) -> None:
        self._txt.append((value, purpose))

    def itunes_explicit(self, explicit: bool) -> None:
        self._explicit = bool(explicit)

    def itunes_image(self, url: str) -> None:
        self._image = url


class PodcastIndexEntryExtension(BaseEntryExtension):
    """Item-level podcast:transcript / podcast:chapters and itunes:image / itunes:explicit."""

    def __init__(self):
        self._transcripts: list[dict[str, str]] = []
        self._chapters: str | None = None
        self._image: str | None = None
        self._explicit: bool | None = None

    def extend_rss(self, item):
        if self._image:
            xml_elem(f"{{{ITUNES_NS}}}image", item, href=self._image)
        if self._explicit is not None:
            xml_elem(f"{{{ITUNES_NS}}}explicit", item).text = "true" if self._explicit else "false"
        for attrs in self._transcripts:
            xml_elem(f"{{{PODCAST_NS}}}transcript", item, **attrs)
        if self._chapters:
            xml_elem(f"{{{PODCAST_NS}}}chapters", item, url=self._chapters, type=CHAPTERS_TYPE)
        # podcastparser keeps one transcript URL; WebVTT is the format most apps read.
        vtt = next((t for t in self._transcripts if t["type"] == VTT_TYPE), None)
        if vtt:
            xml_elem(f"{{{LEGACY_PODCAST_NS}}}transcript", item, **vtt)
        if self._chapters:
            xml_elem(f"{{{LEGACY_PODCAST_NS}}}chapters", item, url=self._chapters, type=CHAPTERS_TYPE)
        return item

    def extend_atom(self, entry):
        return entry

    def podcast_transcript(self, url: str, type: str, language: str | None = None,
                           rel: str | None = None) -> None:
        attrs = {"url": url, "type": type}
        if language:
            attrs["language"] = language
        if rel:
            attrs["rel"] = rel
        self._transcripts.append(attrs)

    def podcast_chapters(self, url: str) -> None:
        self._chapters = url

    def itunes_image(self, url: str) -> None:
        self._image = url

    def itunes_explicit(self, explicit: bool) -> None:
        self._explicit = bool(explicit)
