"""The show's web pages: a paginated episode list (DIR/index.html, index-2.html, ...),
a read-along page per episode (DIR/episodes/<slug>.html) that highlights each sentence
as it is spoken, and a compact player page per episode for an <iframe>.

Pages load one shared stylesheet and script from DIR/assets/ and nothing from
elsewhere; there is no inline script or style, so a Content-Security-Policy of
'self' holds. Sentence timings come from the assembler's Timeline and ship with
the page as an inline JSON data block. Without the script, everything still works:
native audio controls, the full text, and chapter links as ``#t=`` media fragments.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timezone
from html import escape, unescape
from pathlib import Path
from urllib.parse import quote, urlsplit

from ..config import ShowConfig
from ..fsutil import atomic_write_bytes
from ..models import Episode, Script, Timeline
from .artwork import cover_path, ensure_cover, episode_art_path
from .catalog import EPISODES_DIR, Catalog, episode_files
from .feed import FEED_NAME, public_url, write_feed

SITE_NAME = "index.html"
STYLESHEET = "assets/audiocast.css"
SCRIPT = "assets/audiocast.js"
PAGE_SIZE = 50  # episodes per index page
PAGE_DATA_VERSION = 1


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
    """The episode's chapters (start in seconds, title, level) from its catalog rows,
    which come from the Timeline it was rendered with (``Timeline.chapter_rows``)."""
    return [{"start": c["start_ms"] / 1000, "title": str(c["title"]), "level": int(c.get("level", 1))}
            for c in episode.chapters or [] if isinstance(c, dict) and c.get("title")
            and isinstance(c.get("start_ms"), (int, float))]


# --------------------------------------------------------------------------- file names


def episode_paths(out_dir: Path, episode: Episode) -> dict[str, Path]:
    """The episode's files: the names stored in its catalog row where there are any,
    else the folder's naming scheme."""
    return dict(episode_files(out_dir, episode))


def episode_page_name(slug: str) -> str:
    """The read-along page of an episode, relative to the output folder."""
    return f"{EPISODES_DIR}/{slug}.html"


def embed_page_name(slug: str) -> str:
    """The compact player page of an episode (for an iframe), relative to the output folder."""
    return f"{EPISODES_DIR}/{slug}.embed.html"


def index_page_name(number: int) -> str:
    """index.html, index-2.html, ...: the pages of the episode list, newest first."""
    return SITE_NAME if number <= 1 else f"index-{number}.html"


def _href(target: Path | str, page: str) -> str:
    """``target`` (a path in the output folder) as a link from ``page`` (also relative)."""
    target = Path(target).as_posix()
    start = posixpath.dirname(page) or "."
    return quote(posixpath.relpath(target, start), safe="/#=.-_~")


# --------------------------------------------------------------------------- page data


def page_data(script: Script, timeline: Timeline) -> dict:
    """What an episode's page needs from its rendering, as plain JSON: the written text
    by section and paragraph with each sentence's start and end (ms), and the chapters.

    Stored in the catalog (``Catalog.save_timeline``) so pages can be rebuilt later."""
    by_section: dict[int, list] = {}
    for cue in timeline.cues:
        by_section.setdefault(cue.section, []).append(cue)
    sections = []
    for index, section in enumerate(script.sections):
        spoken = [s for s in section.segments if " ".join(s.written.split())]
        cues = by_section.get(index, [])
        if len(cues) != len(spoken):  # a clip with no sound has no cue: match by text
            spoken = [next((s for s in spoken if " ".join(s.written.split()) == c.text), None)
                      for c in cues]
        heading = None
        paragraphs: list[list] = [[]]
        for cue, segment in zip(cues, spoken):
            kind = segment.kind if segment else "sentence"
            if kind == "heading" and heading is None:
                heading = [cue.start_ms, cue.end_ms, cue.text]
                continue
            paragraphs[-1].append([cue.start_ms, cue.end_ms, cue.text, kind])
            if segment is None or segment.pause_after in ("paragraph", "heading", "item"):
                paragraphs.append([])
        sections.append({
            "title": section.title,
            "level": section.level,
            "heading": heading,
            "paragraphs": [p for p in paragraphs if p],
        })
    return {
        "version": PAGE_DATA_VERSION,
        "duration_ms": timeline.duration_ms,
        "chapters": [{"title": c.title, "level": c.level, "start_ms": c.start_ms, "end_ms": c.end_ms}
                     for c in timeline.all_chapters()],
        "sections": sections,
    }


def _data_from_files(show: ShowConfig, episode: Episode, paths: dict[str, Path],
                     chapters: list[dict]) -> dict:
    """Page data for an episode published before pages existed: from its WebVTT captions,
    split at chapter starts and at long pauses."""
    cues = []
    if paths["vtt"].is_file():
        cues = parse_vtt(paths["vtt"].read_text(encoding="utf-8", errors="replace"))
    pacing = show.production.pacing
    gap = (pacing.sentence + pacing.paragraph) / 2000
    starts = [c["start"] for c in chapters] or [0.0]
    sections = [{"title": c["title"], "level": c["level"], "heading": None, "paragraphs": []}
                for c in chapters] or [{"title": None, "level": 1, "heading": None, "paragraphs": []}]
    current, previous_end = -1, None
    for cue in cues:
        index = max([i for i, s in enumerate(starts) if s <= cue.start + 0.05] or [0])
        section = sections[index]
        entry = [round(cue.start * 1000), round(cue.end * 1000), cue.text]
        if index != current:
            current, previous_end = index, None
            title = section["title"]
            if title and cue.text.rstrip(".:") == title.rstrip(".:"):
                section["heading"] = entry  # the spoken heading is the section heading
                continue
        if not section["paragraphs"] or previous_end is None or cue.start - previous_end >= gap:
            section["paragraphs"].append([])
        section["paragraphs"][-1].append(entry + ["sentence"])
        previous_end = cue.end
    return {
        "version": PAGE_DATA_VERSION,
        "duration_ms": round(episode.duration_s * 1000),
        "chapters": [{"title": c["title"], "level": c["level"], "start_ms": round(c["start"] * 1000)}
                     for c in chapters],
        "sections": [s for s in sections if s["paragraphs"] or s["heading"]],
    }


def web_url(url: str | None) -> str | None:
    """``url`` if it is an http(s) address, else None: an article's own link never becomes
    a javascript: or data: link on our pages."""
    if not url:
        return None
    url = url.strip()
    return url if urlsplit(url).scheme.lower() in ("http", "https") and urlsplit(url).netloc else None


def json_for_html(value) -> str:
    """JSON safe inside an HTML <script type="application/json"> block: no "<", ">" or "&"
    characters, so no ``</script>`` or ``<!--`` in article text can end the block."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


# --------------------------------------------------------------------------- shared page parts


def _date_text(episode: Episode) -> tuple[str, str]:
    published = episode.published.astimezone(timezone.utc)
    return published.isoformat(), f"{published.day} {published.strftime('%B %Y')}"


def _meta_line(episode: Episode) -> str:
    """The episode's date, duration and author, as the index and its page show them."""
    stamp, date_text = _date_text(episode)
    return (f'<p class="meta"><time datetime="{stamp}">{date_text}</time>'
            f" · {spoken_duration(episode.duration_s)}"
            + (f" · {escape(episode.author)}" if episode.author else "") + "</p>")


def _head(show: ShowConfig, title: str, page: str, description: str | None = None,
          feed: bool = True) -> list[str]:
    language = escape(show.language)
    head = [
        "<!doctype html>",
        f'<html lang="{language}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
    ]
    if description:
        head.append(f'<meta name="description" content="{escape(description)}">')
    if feed:
        head.append(f'<link rel="alternate" type="application/rss+xml" '
                    f'title="{escape(show.title)} (podcast feed)" href="{_href(FEED_NAME, page)}">')
    head += [
        f'<link rel="stylesheet" href="{_href(STYLESHEET, page)}">',
        f'<script src="{_href(SCRIPT, page)}" defer></script>',
        "</head>",
    ]
    return head


_FOOTER = ("<footer><p class=\"meta\">The voices in these episodes are synthesized speech, "
           "made with audiocast from the written articles.</p></footer>")


def _chapter_list(chapters: list[dict], audio_href: str, player_id: str, heading_id: str,
                  heading_tag: str, label: str) -> list[str]:
    """A nav of chapter links: ``#t=`` media fragments that the script turns into seeks."""
    if not chapters:
        return []
    html = [
        f'<nav aria-labelledby="{heading_id}">',
        f'<{heading_tag} id="{heading_id}">{label}</{heading_tag}>',
        '<ol class="chapters">',
    ]
    nested = False  # level-2 chapters form a list inside their section's item
    for index, chapter in enumerate(chapters):
        start = chapter["start"]
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
            f'<li><a href="{audio_href}#t={start:g}" data-player="{player_id}" data-start="{start:g}">'
            f'<span class="time">{format_time(start)}</span> {escape(chapter["title"])}</a>'
            + ("</li>" if sub else "")
        )
    html += ["</ol></li>" if nested else "</li>", "</ol>", "</nav>"]
    return html


def _audio(player_id: str, audio_href: str, media_type: str, title: str, preload: str) -> list[str]:
    return [
        f'<audio id="{player_id}" controls preload="{preload}" aria-label="Play episode: {escape(title)}">',
        f'<source src="{audio_href}" type="{escape(media_type)}">',
        f'<a href="{audio_href}">Download the episode</a>',
        "</audio>",
    ]


def _format_label(media_type: str) -> str:
    return {"audio/mpeg": "MP3", "audio/mp4": "M4A", "audio/x-m4a": "M4A", "audio/x-m4b": "M4B",
            "audio/aac": "AAC", "audio/ogg": "Ogg"}.get(media_type, "audio")


# --------------------------------------------------------------------------- the index


def _index_entry(show: ShowConfig, episode: Episode, out_dir: Path, page: str) -> str:
    paths = episode_paths(out_dir, episode)
    slug = episode.slug
    title = escape(episode.title)
    audio_href = _href(paths["audio"].relative_to(out_dir), page)
    player_id = f"player-{slug}"
    html = [
        f'<article id="episode-{slug}" aria-labelledby="title-{slug}">',
        f'<h3 id="title-{slug}"><a href="{_href(episode_page_name(slug), page)}">{title}</a></h3>',
        _meta_line(episode),
    ]
    if episode.description:
        html.append(f"<p>{escape(episode.description)}</p>")
    html += _audio(player_id, audio_href, episode.media_type, episode.title, "metadata")
    # Link texts name the episode for screen-reader link lists, without repeating it on screen.
    of_title = f'<span class="visually-hidden"> of {title}</span>'
    links = [f'<a href="{_href(episode_page_name(slug), page)}">Read along{of_title}</a>',
             f'<a href="{audio_href}" download>Download {_format_label(episode.media_type)}{of_title}</a>']
    if paths["vtt"].is_file():
        links.append(f'<a href="{_href(paths["vtt"].relative_to(out_dir), page)}">'
                     f"Captions (WebVTT){of_title}</a>")
    if web_url(episode.url):
        links.append(f'<a href="{escape(web_url(episode.url))}">Read the original article{of_title}</a>')
    html.append(f'<p class="links">{" · ".join(links)}</p>')
    chapters = _load_chapters(out_dir, episode)
    html += _chapter_list(chapters, audio_href, player_id, f"chapters-{slug}", "h4",
                          f'Chapters<span class="visually-hidden"> of {title}</span>')
    html.append("</article>")
    return "\n".join(html)


def render_site(out_dir: str | Path, show: ShowConfig, episodes: list[Episode],
                page_number: int = 1, page_size: int | None = None) -> str:
    """The HTML of one page of the episode list (page 1 is DIR/index.html), newest first."""
    out_dir = Path(out_dir)
    page_size = page_size or PAGE_SIZE
    episodes = sorted(episodes, key=lambda e: e.published.astimezone(timezone.utc), reverse=True)
    pages = max(1, -(-len(episodes) // page_size))
    shown = episodes[(page_number - 1) * page_size:page_number * page_size]
    page = index_page_name(page_number)
    title = escape(show.title)
    feed_url = escape(public_url(show, FEED_NAME))
    cover = cover_path(out_dir)
    page_title = show.title if page_number == 1 else f"{show.title}, page {page_number} of {pages}"
    html = _head(show, page_title, page, show.description) + [
        "<body>",
        '<a class="skip" href="#main">Skip to the episodes</a>',
        "<header>",
    ]
    if cover is not None:
        html.append(f'<img src="{_href(cover.name, page)}" alt="Cover art of {title}" '
                    'width="160" height="160">')
    html += [
        "<div>",
        f"<h1>{title}</h1>",
        f"<p>{escape(show.description)}</p>",
        f'<p>By {escape(show.author)}. <a href="{FEED_NAME}">Subscribe with the podcast feed (RSS)</a></p>',
        f'<p class="feed-url">Paste this address into your podcast app: <code>{feed_url}</code></p>',
        "</div>",
        "</header>",
        '<main id="main" tabindex="-1">',
        "<h2>Episodes" + (f" (page {page_number} of {pages})" if pages > 1 else "") + "</h2>",
        '<div class="episode-list">',
    ]
    html += [_index_entry(show, episode, out_dir, page) for episode in shown] or ["<p>No episodes yet.</p>"]
    html.append("</div>")
    if pages > 1:
        html.append('<nav class="pages" aria-label="Episode pages">')
        if page_number > 1:
            html.append(f'<a href="{index_page_name(page_number - 1)}" rel="prev">Newer episodes</a>')
        if page_number < pages:
            html.append(f'<a href="{index_page_name(page_number + 1)}" rel="next">Older episodes</a>')
        html.append("</nav>")
    html += ["</main>", _FOOTER, "</body>", "</html>"]
    return "\n".join(html) + "\n"


# --------------------------------------------------------------------------- the episode page


def _sentence(entry: list, index: int) -> str:
    start, end, text = entry[0] / 1000, entry[1] / 1000, entry[2]
    return (f'<span class="s" id="s{index}" data-i="{index}" data-start="{start:.3f}" '
            f'data-end="{end:.3f}">{escape(text)}</span>')


def _text_html(data: dict) -> tuple[list[str], list[list[float]]]:
    """The article text (every sentence a span with its start and end) and the cues."""
    html: list[str] = []
    cues: list[list[float]] = []

    def add(entry: list) -> str:
        cues.append([round(entry[0] / 1000, 3), round(entry[1] / 1000, 3)])
        return _sentence(entry, len(cues) - 1)

    for section in data.get("sections", []):
        title = section.get("title")
        if title:
            tag = "h2" if section.get("level", 1) <= 1 else "h3"
            heading = section.get("heading")
            inner = add([heading[0], heading[1], title]) if heading else escape(title)
            html.append(f"<{tag}>{inner}</{tag}>")
        for paragraph in section.get("paragraphs", []):
            intro = paragraph and paragraph[0][3] == "title"
            spans = " ".join(add(entry) for entry in paragraph)
            html.append(f'<p class="intro">{spans}</p>' if intro else f"<p>{spans}</p>")
    return html, cues


def _chapters_from_data(data: dict) -> list[dict]:
    return [{"start": c["start_ms"] / 1000, "title": c["title"], "level": c.get("level", 1)}
            for c in data.get("chapters", [])]


_SHORTCUTS = [("k", "Play or pause"), ("j", "Back 15 seconds"), ("l", "Forward 30 seconds"),
              ("p", "Previous chapter"), ("n", "Next chapter"), ("&lt;", "Slower"), ("&gt;", "Faster"),
              ("Enter", "On a sentence: play from there"),
              ("↑ ↓", "On a sentence: the previous or next sentence")]
SPEEDS = ("0.75", "1", "1.25", "1.5", "1.75", "2")


def render_episode_page(out_dir: str | Path, show: ShowConfig, episode: Episode,
                        data: dict | None = None) -> str:
    """The read-along page of one episode (DIR/episodes/<slug>.html).

    ``data`` is the episode's ``page_data``; without it (episodes published before
    pages existed) the text comes from the episode's captions."""
    out_dir = Path(out_dir)
    page = episode_page_name(episode.slug)
    paths = episode_paths(out_dir, episode)
    if data and data.get("chapters"):
        chapters = _chapters_from_data(data)
    else:
        chapters = _load_chapters(out_dir, episode)
    if not data or not data.get("sections"):
        data = _data_from_files(show, episode, paths, chapters)
    title = escape(episode.title)
    audio_href = _href(paths["audio"].relative_to(out_dir), page)
    player_id = "audio"
    art = episode_art_path(out_dir, episode) or cover_path(out_dir)
    text, cues = _text_html(data)
    html = _head(show, f"{episode.title} · {show.title}", page, episode.description) + [
        "<body>",
        '<a class="skip" href="#text">Skip to the text</a>',
        "<header>",
    ]
    if art is not None:
        html.append(f'<img src="{_href(art.relative_to(out_dir), page)}" alt="" width="160" height="160">')
    html += [
        "<div>",
        f'<p class="show-link"><a href="{_href(SITE_NAME, page)}">{escape(show.title)}</a></p>',
        f"<h1>{title}</h1>",
        _meta_line(episode),
    ]
    if episode.description:
        html.append(f'<p class="description">{escape(episode.description)}</p>')
    html += ["</div>", "</header>", '<main id="main">']
    html += ['<section id="player" class="player" aria-label="Player">']
    html += _audio(player_id, audio_href, episode.media_type, episode.title, "metadata")
    html += [
        '<div id="controls" class="controls" hidden>',
        '<button type="button" id="play" class="play" data-action="toggle">Play</button>',
        '<button type="button" data-action="back">Back 15 s</button>',
        '<button type="button" data-action="forward">Forward 30 s</button>',
        '<button type="button" data-action="previous">Previous chapter</button>',
        '<button type="button" data-action="next">Next chapter</button>',
        '<span class="speed"><label for="speed">Speed</label><select id="speed">'
        + "".join(f'<option value="{s}"{" selected" if s == "1" else ""}>{s}×</option>' for s in SPEEDS)
        + "</select></span>",
        "</div>",
        '<button type="button" id="resume" class="resume" hidden>Resume</button>',
        '<button type="button" id="follow" class="follow" hidden>Back to the sentence being read</button>',
        '<p id="announce" class="visually-hidden" aria-live="polite"></p>',
        "</section>",
    ]
    html += _chapter_list(chapters, audio_href, player_id, "chapters", "h2", "Chapters")
    links = [f'<a href="{audio_href}" download>Download the episode ({_format_label(episode.media_type)})</a>']
    if paths["vtt"].is_file():
        links.append(f'<a href="{_href(paths["vtt"].relative_to(out_dir), page)}">Captions (WebVTT)</a>')
    if web_url(episode.url):
        links.append(f'<a href="{escape(web_url(episode.url))}">Read the original article</a>')
    html.append(f'<p class="links">{" · ".join(links)}</p>')
    html += ['<article id="text" class="text" aria-label="Text of the episode" tabindex="-1">']
    html += text
    html += ["</article>"]
    html += _shortcuts_and_embed(show, episode)
    html += ["</main>", _FOOTER]
    timeline = {"player": player_id, "id": episode.guid, "duration": round(episode.duration_s, 3),
                "cues": cues, "chapters": [round(c["start"], 3) for c in chapters],
                "titles": [c["title"] for c in chapters]}
    html += [f'<script type="application/json" id="timeline">{json_for_html(timeline)}</script>',
             "</body>", "</html>"]
    return "\n".join(html) + "\n"


def embed_snippet(show: ShowConfig, episode: Episode) -> str:
    """The <iframe> a publisher pastes into the article's page to offer its audio version."""
    src = escape(public_url(show, embed_page_name(episode.slug)))
    return (f'<iframe src="{src}" title="Listen: {escape(episode.title)}" width="100%" height="170" '
            f'style="border:0" loading="lazy"></iframe>')


def _shortcuts_and_embed(show: ShowConfig, episode: Episode) -> list[str]:
    html = ['<section aria-labelledby="shortcuts-title" class="shortcuts">',
            '<h2 id="shortcuts-title">Keyboard shortcuts</h2>',
            "<p>While the player or the text has focus:</p>", "<dl>"]
    html += [f"<dt><kbd>{key}</kbd></dt><dd>{what}</dd>" for key, what in _SHORTCUTS]
    html += ["</dl>", "</section>",
             '<section aria-labelledby="embed-title">',
             '<h2 id="embed-title">Embed this episode</h2>',
             "<p>Paste this into the article's page to offer its audio version there:</p>",
             f'<pre><code id="embed-code">{escape(embed_snippet(show, episode))}</code></pre>',
             '<button type="button" id="copy-embed" hidden>Copy the embed code</button>',
             '<p id="copied" class="meta" role="status"></p>',
             "</section>"]
    return html


def render_embed_page(out_dir: str | Path, show: ShowConfig, episode: Episode) -> str:
    """The compact player page (DIR/episodes/<slug>.embed.html) for an <iframe>."""
    out_dir = Path(out_dir)
    page = embed_page_name(episode.slug)
    paths = episode_paths(out_dir, episode)
    audio_href = _href(paths["audio"].relative_to(out_dir), page)
    html = _head(show, f"{episode.title} · {show.title}", page, feed=False) + [
        '<body class="embed">',
        "<main>",
        f"<h1>{escape(episode.title)}</h1>",
        f'<p class="meta">{escape(show.title)} · {spoken_duration(episode.duration_s)}</p>',
    ]
    html += _audio("audio", audio_href, episode.media_type, episode.title, "none")
    html += [f'<p><a href="{_href(episode_page_name(episode.slug), page)}" target="_blank" rel="noopener">'
             "Read along with the text (opens in a new tab)</a></p>",
             "</main>", "</body>", "</html>"]
    return "\n".join(html) + "\n"


# --------------------------------------------------------------------------- writing the site


def _write_if_changed(path: Path, text: str) -> Path:
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return path
    except OSError:
        pass
    return atomic_write_bytes(path, data)


def write_assets(out_dir: str | Path) -> list[Path]:
    """Copy the shared stylesheet and script into DIR/assets/ (rewritten only when changed)."""
    from importlib.resources import files

    out_dir = Path(out_dir)
    written = []
    for name in (STYLESHEET, SCRIPT):
        text = files(__package__).joinpath("assets", Path(name).name).read_text(encoding="utf-8")
        written.append(_write_if_changed(out_dir / name, text))
    return written


def write_site(out_dir: str | Path, show: ShowConfig, episodes: list[Episode],
               timelines: Callable[[str], dict | None] | None = None) -> Path:
    """Write the shared assets, every episode's page and embed page, and the paginated
    index (DIR/index.html, index-2.html, ...); pages of episodes no longer listed are
    removed. ``timelines(guid)`` gives an episode's page data. Returns index.html's path."""
    out_dir = Path(out_dir)
    write_assets(out_dir)
    keep = set()
    for episode in episodes:
        data = timelines(episode.guid) if timelines else None
        keep.add(_write_if_changed(out_dir / episode_page_name(episode.slug),
                                   render_episode_page(out_dir, show, episode, data)))
        keep.add(_write_if_changed(out_dir / embed_page_name(episode.slug),
                                   render_embed_page(out_dir, show, episode)))
    pages = max(1, -(-len(episodes) // PAGE_SIZE))
    for number in range(1, pages + 1):
        keep.add(_write_if_changed(out_dir / index_page_name(number),
                                   render_site(out_dir, show, episodes, number)))
    for stale in [*out_dir.glob("index-*.html"), *(out_dir / EPISODES_DIR).glob("*.html")]:
        if stale not in keep:
            stale.unlink(missing_ok=True)
    return out_dir / SITE_NAME


def publish_folder(catalog: Catalog, show: ShowConfig) -> dict[str, Path]:
    """Rewrite the show's shared files from the catalog: cover, episode pages, feed.xml,
    index.html.

    Call it while holding ``catalog.lock()``. The folder's podcast:guid is kept from
    the first feed ever written there, so a new base URL does not change it."""
    from dataclasses import replace

    from .podcast_ext import podcast_guid

    out_dir = catalog.out_dir
    if show.podcast_guid is None:
        show = replace(show, podcast_guid=catalog.feed_guid(podcast_guid(show.feed_url)))
    episodes = catalog.episodes()
    cover = ensure_cover(out_dir, show)
    site = write_site(out_dir, show, episodes, catalog.timeline)
    feed = write_feed(out_dir, show, episodes)
    return {"cover": cover, "feed": feed, "site": site}
