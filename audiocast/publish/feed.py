"""The podcast RSS feed (DIR/feed.xml), built with feedgen and our Podcasting 2.0
extension. Media URLs are ``base_url`` + the file's path inside the output folder."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

from feedgen.feed import FeedGenerator

from .. import __version__ as _version
from ..config import ShowConfig
from ..fsutil import atomic_write_bytes
from ..models import Episode
from .artwork import cover_path, episode_art_path
from .catalog import EPISODES_DIR, episode_files
from .podcast_ext import (
    SRT_TYPE,
    VTT_TYPE,
    PodcastIndexEntryExtension,
    PodcastIndexExtension,
    podcast_guid,
)

FEED_NAME = "feed.xml"
MAX_DESCRIPTION_BYTES = 4000


def base_url(show: ShowConfig) -> str:
    """The show's base URL with exactly one trailing slash."""
    return show.base_url.strip().rstrip("/") + "/"


def public_url(show: ShowConfig, relative: str | Path) -> str:
    """The URL of a file in the output folder: base_url + its path relative to DIR."""
    return base_url(show) + quote(Path(relative).as_posix(), safe="/")


def clip_bytes(text: str, limit: int = MAX_DESCRIPTION_BYTES) -> str:
    """``text`` stripped and cut at a word so its UTF-8 form fits in ``limit`` bytes."""
    text = " ".join(text.split())
    if len(text.encode("utf-8")) <= limit:
        return text
    room = limit - len("…".encode("utf-8"))
    cut = text.encode("utf-8")[:room].decode("utf-8", "ignore")
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"


def _aware(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc)


def build_feed(show: ShowConfig, episodes: list[Episode], out_dir: str | Path) -> bytes:
    """The RSS 2.0 podcast feed for ``episodes`` (newest first, at most show.max_items),
    with enclosure sizes, transcripts and chapters taken from the files in ``out_dir``."""
    out_dir = Path(out_dir)
    episodes = sorted(episodes, key=lambda e: _aware(e.published), reverse=True)
    if show.max_items:
        episodes = episodes[: show.max_items]

    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.register_extension("podcastindex", PodcastIndexExtension, PodcastIndexEntryExtension)

    title = show.title.strip()
    fg.title(title)
    # feedgen uses the last link as the RSS <link>: the show's web page.
    fg.link(href=show.feed_url, rel="self", type="application/rss+xml")
    fg.link(href=base_url(show), rel="alternate")
    fg.description(clip_bytes(show.description) or title)
    fg.language(show.language)
    fg.generator("audiocast", version=_version)
    updated = [_aware(e.updated) for e in episodes]
    fg.lastBuildDate(max(updated) if updated else datetime.now(timezone.utc))

    fg.podcast.itunes_author(show.author.strip())
    category = {"cat": show.category}
    if show.subcategory:
        category["sub"] = show.subcategory
    fg.podcast.itunes_category(category)
    owner = {"name": show.author.strip()}
    if show.email:
        owner["email"] = show.email.strip()
        fg.podcast.itunes_owner(**owner)
    fg.podcast.itunes_type(show.type)

    ext = fg.podcastindex
    cover = cover_path(out_dir)
    if cover is not None:
        cover_url = public_url(show, cover.relative_to(out_dir))
        ext.itunes_image(cover_url)
        fg.image(url=cover_url, title=title, link=base_url(show))
    ext.itunes_explicit(show.explicit)
    ext.podcast_guid(show.podcast_guid or podcast_guid(show.feed_url))
    ext.podcast_locked(show.locked, owner=show.email)
    ext.podcast_medium(show.medium)
    ext.podcast_txt("true", purpose="ai-content")

    # feedgen prepends entries by default; append keeps newest first.
    for episode in episodes:
        _add_item(fg.add_entry(order="append"), show, episode, out_dir)
    return fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)


def _add_item(entry, show: ShowConfig, episode: Episode, out_dir: Path) -> None:
    files = episode_files(out_dir, episode)
    title = " ".join(episode.title.split())
    entry.title(title)
    entry.description(clip_bytes(episode.description or "") or title)
    if episode.url:
        entry.link(href=episode.url)
    elif (out_dir / EPISODES_DIR / f"{episode.slug}.html").is_file():
        entry.link(href=public_url(show, f"{EPISODES_DIR}/{episode.slug}.html"))  # its read-along page
    entry.guid(episode.guid, permalink=False)
    entry.pubDate(_aware(episode.published))
    audio = files["audio"]
    size = audio.stat().st_size if audio.is_file() else int(episode.size_bytes)
    entry.enclosure(public_url(show, audio.relative_to(out_dir)), str(size), episode.media_type)
    entry.podcast.itunes_duration(str(int(round(episode.duration_s))))
    entry.podcast.itunes_episode_type("full")
    if episode.author and episode.author.strip() != show.author.strip():
        entry.podcast.itunes_author(episode.author.strip())

    ext = entry.podcastindex
    art = episode_art_path(out_dir, episode)
    if art is not None:
        ext.itunes_image(public_url(show, art.relative_to(out_dir)))
    language = episode.language or show.language
    if "vtt" in files and files["vtt"].is_file():
        ext.podcast_transcript(public_url(show, files["vtt"].relative_to(out_dir)), VTT_TYPE,
                               language=language, rel="captions")
    if "srt" in files and files["srt"].is_file():
        ext.podcast_transcript(public_url(show, files["srt"].relative_to(out_dir)), SRT_TYPE,
                               language=language, rel="captions")
    if "chapters" in files and files["chapters"].is_file():
        ext.podcast_chapters(public_url(show, files["chapters"].relative_to(out_dir)))


def write_feed(out_dir: str | Path, show: ShowConfig, episodes: list[Episode]) -> Path:
    """Build the feed and replace DIR/feed.xml atomically."""
    out_dir = Path(out_dir)
    return atomic_write_bytes(out_dir / FEED_NAME, build_feed(show, episodes, out_dir))
