"""The show's web page (DIR/index.html): one static, self-contained, accessible page
with a player per episode, chapter links that seek it, and the transcript.

Everything is inline (CSS and a few lines of script); chapter links are plain
``#t=`` media-fragment links, so they work without the script too.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import timezone
from html import escape, unescape
from pathlib import Path

from ..config import ShowConfig
from ..fsutil import atomic_write_text
from ..models import Episode
from .artwork import cover_path, ensure_cover
from .catalog import Catalog, episode_files
from .feed import FEED_NAME, public_url, write_feed

SITE_NAME = "index.html"

_CSS = """
:root { color-scheme: light dark; --fg: #1b1e23; --bg: #fbfaf7; --muted: #4a5059;
  --accent: #0b5394; --card: #ffffff; --line: #d9d6cf; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #eceae4; --bg: #14161a; --muted: #b5b9c0; --accent: #8cc4ff;
    --card: #1d2026; --line: #3a3f47; }
}
* { box-sizing: border-box; }
body { margin: 0; font: 1.0625rem/1.6 system-ui, -apple-system, "Segoe UI", sans-serif;
  color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
a:focus-visible, summary:focus-visible, audio:focus-visible, main:focus-visible {
  outline: 3px solid var(--accent); outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; padding: .5rem 1rem; background: var(--card); }
.skip:focus { left: 1rem; z-index: 1; }
header, main, footer { max-width: 46rem; margin: 0 auto; padding: 1.25rem; }
header { display: flex; gap: 1.25rem; align-items: flex-start; flex-wrap: wrap; }
header img { width: 10rem; height: 10rem; border-radius: .5rem; }
header div { flex: 1 1 18rem; }
h1 { font-size: 2rem; line-height: 1.2; margin: 0 0 .5rem; }
h2 { font-size: 1.4rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
h3 { font-size: 1.25rem; margin: 0 0 .25rem; }
h4 { font-size: 1.05rem; margin: 1rem 0 .25rem; }
article { background: var(--card); border: 1px solid var(--line); border-radius: .5rem;
  padding: 1rem 1.25rem; margin: 0 0 1.5rem; }
.meta, .feed-url { color: var(--muted); font-size: .95rem; }
code { overflow-wrap: anywhere; }
audio { width: 100%; margin: .5rem 0; }
ol.chapters { padding-left: 1.25rem; }
ol.chapters li { margin: .15rem 0; }
.time { font-variant-numeric: tabular-nums; color: var(--muted); margin-right: .5rem; }
details { margin-top: 1rem; }
summary { cursor: pointer; font-weight: 600; }
"""

_SCRIPT = """
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("a[data-start]");
  if (!link) return;
  var player = document.getElementById(link.getAttribute("data-player"));
  if (!player) return;
  event.preventDefault();
  player.currentTime = parseFloat(link.getAttribute("data-start"));
  player.play();
  player.focus();
});
"""


@dataclass
class Cue:
    """One caption of a WebVTT file, in seconds."""

    start: float
    end: float
    text: str


_TIMING = re.compile(r"^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{3})\s+-->\s+((?:\d+:)?\d{1,2}:\d{2}[.,]\d{3})")


def _seconds(stamp: str) -> float:
    parts = stamp.replace(",", ".").split(":")
    total = 0.0
    for part in parts:
        total = total * 60 + float(part)
    return total


def parse_vtt(text: str) -> list[Cue]:
    """The cues of a WebVTT file: timings and plain text (voice and style tags removed)."""
    cues = []
    for block in re.split(r"\r?\n\s*\r?\n", text.lstrip("\ufeff")):
        lines = block.strip("\r\n").splitlines()
        for index, line in enumerate(lines):
            match = _TIMING.match(line)
            if match:
                body = " ".join(lines[index + 1:])
                body = unescape(re.sub(r"<[^>]*>", "", body))
                body = " ".join(body.split())
                if body:
                    cues.append(Cue(_seconds(match.group(1)), _seconds(match.group(2)), body))
                break
    return cues


def format_time(seconds: float) -> str:
    """0:05, 12:40, 1:02:03."""
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def spoken_duration(seconds: float) -> str:
    """A duration as people say it: "45 seconds", "12 minutes", "1 hour 5 minutes"."""
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    hours, minutes = divmod(int(round(seconds / 60)), 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes or not hours:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)


def _load_chapters(out_dir: Path, episode: Episode) -> list[dict]:
    path = episode_files(out_dir, episode)["chapters"]
    chapters = episode.chapters
    if path.is_file():
        try:
            chapters = json.loads(path.read_text(encoding="utf-8")).get("chapters", [])
        except (ValueError, AttributeError):
            chapters = episode.chapters
    # the JSON chapters have no levels; the catalog's rows (same order) do
    levels = {(c.get("title"), round(c.get("start_ms", -1000) / 1000, 2)): c.get("level", 1)
              for c in episode.chapters or [] if isinstance(c, dict)}
    usable = []
    for chapter in chapters or []:
        start = chapter.get("startTime", chapter.get("start"))
        if start is None and isinstance(chapter.get("start_ms"), (int, float)):
            start = chapter["start_ms"] / 1000
        if isinstance(start, (int, float)) and chapter.get("title"):
            level = chapter.get("level") or levels.get((chapter["title"], round(float(start), 2)), 1)
            usable.append({"start": float(start), "title": str(chapter["title"]), "level": int(level)})
    return sorted(usable, key=lambda c: c["start"])


def _transcript_sections(cues: list[Cue], chapters: list[dict], paragraph_gap: float):
    """[(chapter title or None, [paragraph, ...])] from the cues, split at chapter starts
    and at pauses at least ``paragraph_gap`` seconds long."""
    starts = [c["start"] for c in chapters] or [0.0]
    titles = [c["title"] for c in chapters] or [None]
    sections: list[tuple[str | None, list[list[str]]]] = [(t, []) for t in titles]
    previous_end = None
    current = -1
    for cue in cues:
        index = max([i for i, s in enumerate(starts) if s <= cue.start + 0.05] or [0])
        title, paragraphs = sections[index]
        if index != current:
            current = index
            previous_end = None
            if title and cue.text.rstrip(".:") == title.rstrip(".:"):
                continue  # the spoken heading is already the section heading
        if not paragraphs or previous_end is None or cue.start - previous_end >= paragraph_gap:
            paragraphs.append([])
        paragraphs[-1].append(cue.text)
        previous_end = cue.end
    return [(title, [" ".join(p) for p in paragraphs]) for title, paragraphs in sections if paragraphs]


def _episode_html(show: ShowConfig, episode: Episode, out_dir: Path) -> str:
    files = episode_files(out_dir, episode)
    slug = episode.slug
    title = escape(episode.title)
    audio_href = escape(files["audio"].relative_to(out_dir).as_posix())
    player_id = f"player-{slug}"
    published = episode.published.astimezone(timezone.utc)
    date_text = f"{published.day} {published.strftime('%B %Y')}"
    html = [
        f'<article id="episode-{slug}" aria-labelledby="title-{slug}">',
        f'<h3 id="title-{slug}">{title}</h3>',
        f'<p class="meta"><time datetime="{published.isoformat()}">{date_text}</time>'
        f" · {spoken_duration(episode.duration_s)}"
        + (f" · {escape(episode.author)}" if episode.author else "") + "</p>",
    ]
    if episode.description:
        html.append(f"<p>{escape(episode.description)}</p>")
    html += [
        f'<audio id="{player_id}" controls preload="metadata" aria-label="Play episode: {title}">',
        f'<source src="{audio_href}" type="audio/mpeg">',
        f'<a href="{audio_href}">Download the episode (MP3)</a>',
        "</audio>",
    ]
    # Link texts name the episode for screen-reader link lists, without repeating it on screen.
    of_title = f'<span class="visually-hidden"> of {title}</span>'
    links = [f'<a href="{audio_href}" download>Download MP3{of_title}</a>']
    if files["vtt"].is_file():
        links.append(f'<a href="{escape(files["vtt"].relative_to(out_dir).as_posix())}">'
                     f"Captions (WebVTT){of_title}</a>")
    if episode.url:
        links.append(f'<a href="{escape(episode.url)}">Read the original article{of_title}</a>')
    html.append(f'<p class="links">{" · ".join(links)}</p>')

    chapters = _load_chapters(out_dir, episode)
    if chapters:
        html += [
            f'<nav aria-labelledby="chapters-{slug}">',
            f'<h4 id="chapters-{slug}">Chapters</h4>',
            '<ol class="chapters">',
        ]
        nested = False  # level-2 chapters form a list inside their section's item
        for index, chapter in enumerate(chapters):
            start = chapter["start"]
            stamp = format_time(start)
            sub = chapter["level"] > 1 and index > 0
            if sub and not nested:
                html.append('<ol class="chapters">')
                nested = True
            elif not sub and nested:
                html.append("</ol></li>")
                nested = False
            elif not sub and index > 0:
                html.append("</li>")
            html.append(
                f'<li><a href="{audio_href}#t={start:g}" data-player="{player_id}" '
                f'data-start="{start:g}" aria-label="{escape(chapter["title"])}, at {stamp}">'
                f'<span class="time" aria-hidden="true">{stamp}</span>{escape(chapter["title"])}</a>'
                + ("</li>" if sub else "")
            )
        html += ["</ol></li>" if nested else "</li>", "</ol>", "</nav>"]

    if files["vtt"].is_file():
        cues = parse_vtt(files["vtt"].read_text(encoding="utf-8", errors="replace"))
        pacing = show.production.pacing
        gap = (pacing.sentence + pacing.paragraph) / 2000
        sections = _transcript_sections(cues, chapters, gap)
        if sections:
            html += ["<details>", f"<summary>Transcript{of_title}</summary>"]
            for heading, paragraphs in sections:
                if heading:
                    html.append(f"<h4>{escape(heading)}</h4>")
                html += [f"<p>{escape(p)}</p>" for p in paragraphs]
            html.append("</details>")
    html.append("</article>")
    return "\n".join(html)


def render_site(out_dir: str | Path, show: ShowConfig, episodes: list[Episode]) -> str:
    """The HTML of DIR/index.html for ``episodes`` (newest first)."""
    out_dir = Path(out_dir)
    episodes = sorted(episodes, key=lambda e: e.published.astimezone(timezone.utc), reverse=True)
    title = escape(show.title)
    feed_url = escape(public_url(show, FEED_NAME))
    cover = cover_path(out_dir)
    head = [
        "<!doctype html>",
        f'<html lang="{escape(show.language)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title>",
        f'<meta name="description" content="{escape(show.description)}">',
        f'<link rel="alternate" type="application/rss+xml" title="{title} (podcast feed)" '
        f'href="{FEED_NAME}">',
        f"<style>{_CSS}.visually-hidden {{ position: absolute; width: 1px; height: 1px; "
        "overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }</style>",
        "</head>",
        "<body>",
        '<a class="skip" href="#main">Skip to the episodes</a>',
        "<header>",
    ]
    if cover is not None:
        head.append(f'<img src="{escape(cover.name)}" alt="Cover art of {title}" '
                    'width="160" height="160">')
    head += [
        "<div>",
        f"<h1>{title}</h1>",
        f"<p>{escape(show.description)}</p>",
        f'<p>By {escape(show.author)}. <a href="{FEED_NAME}">Subscribe with the podcast feed (RSS)</a></p>',
        f'<p class="feed-url">Paste this address into your podcast app: <code>{feed_url}</code></p>',
        "</div>",
        "</header>",
        '<main id="main" tabindex="-1">',
        "<h2>Episodes</h2>",
    ]
    body = [_episode_html(show, episode, out_dir) for episode in episodes]
    if not body:
        body = ["<p>No episodes yet.</p>"]
    tail = [
        "</main>",
        "<footer><p class=\"meta\">The voices in these episodes are synthesized speech, "
        "made with audiocast from the written articles.</p></footer>",
        f"<script>{_SCRIPT}</script>",
        "</body>",
        "</html>",
    ]
    return "\n".join(head + body + tail) + "\n"


def write_site(out_dir: str | Path, show: ShowConfig, episodes: list[Episode]) -> Path:
    """Write DIR/index.html atomically and return its path."""
    out_dir = Path(out_dir)
    return atomic_write_text(out_dir / SITE_NAME, render_site(out_dir, show, episodes))


def publish_folder(catalog: Catalog, show: ShowConfig) -> dict[str, Path]:
    """Rewrite the show's shared files from the catalog: cover, feed.xml, index.html.

    Call it while holding ``catalog.lock()``. The folder's podcast:guid is kept from
    the first feed ever written there, so a new base URL does not change it."""
    from dataclasses import replace

    from .podcast_ext import podcast_guid

    out_dir = catalog.out_dir
    if show.podcast_guid is None:
        show = replace(show, podcast_guid=catalog.feed_guid(podcast_guid(show.feed_url)))
    episodes = catalog.episodes()
    cover = ensure_cover(out_dir, show)
    feed = write_feed(out_dir, show, episodes)
    site = write_site(out_dir, show, episodes)
    return {"cover": cover, "feed": feed, "site": site}
