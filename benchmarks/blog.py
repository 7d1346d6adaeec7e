"""A blog of 20 posts served from 127.0.0.1, for the sync throughput measurement.

The posts are consecutive runs of paragraphs of ``articles/book.md`` (about 150
words each, titled after their chapter), so no sentence repeats and nothing is
served from a cache. ``python benchmarks/blog.py synthesize FEED_URL REPORT.json`` is the
reference the sync is compared with: the same posts read and scripted the way
sync does, then only their sentences synthesized, with the same engine, pool
and an empty cache; it writes the seconds spent synthesizing to REPORT.json.
"""

from __future__ import annotations

import html
import json
import re
import sys
import threading
import time
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

BOOK = Path(__file__).resolve().parent / "articles" / "book.md"
POSTS = 20
POST_WORDS = 150


def make_posts(count: int = POSTS, words: int = POST_WORDS) -> list[tuple[str, str, list[str]]]:
    """(slug, title, paragraphs) for ``count`` posts of at least ``words`` words each."""
    chapter = "Notes"
    posts: list[tuple[str, str, list[str]]] = []
    current: list[str] = []
    for block in re.split(r"\n\s*\n", BOOK.read_text(encoding="utf-8")):
        block = " ".join(block.split())
        if not block:
            continue
        if block.startswith("#"):
            chapter = block.lstrip("#").strip()
            continue
        current.append(block)
        if sum(len(p.split()) for p in current) >= words:
            number = len(posts) + 1
            posts.append((f"post-{number:02d}", f"{chapter}, note {number}", current))
            current = []
            if len(posts) == count:
                break
    return posts


def feed_xml(base: str, posts: list[tuple[str, str, list[str]]]) -> str:
    start = datetime(2026, 1, 1, 8, tzinfo=timezone.utc)
    items = []
    for index, (slug, title, paragraphs) in enumerate(posts):
        body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
        items.append(
            f"<item><title>{html.escape(title)}</title><link>{base}/{slug}</link>"
            f"<guid>{base}/{slug}</guid>"
            f"<pubDate>{format_datetime(start + timedelta(days=index))}</pubDate>"
            f"<content:encoded><![CDATA[{body}]]></content:encoded></item>"
        )
    return ('<?xml version="1.0" encoding="utf-8"?>'
            '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
            f'<channel><title>Forecast notes</title><link>{base}/</link><language>en</language>'
            f'<description>Short notes on weather forecasting</description>{"".join(items)}</channel></rss>')


class BlogServer:
    """The feed on an ephemeral port of 127.0.0.1, in a background thread."""

    def __init__(self, posts: list[tuple[str, str, list[str]]] | None = None):
        self.posts = posts or make_posts()
        blog = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                if self.path != "/feed.xml":
                    self.send_error(404)
                    return
                body = feed_xml(blog.base, blog.posts).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def feed_url(self) -> str:
        return self.base + "/feed.xml"

    @property
    def words(self) -> int:
        return sum(len(p.split()) for _, _, paragraphs in self.posts for p in paragraphs)

    def __enter__(self) -> BlogServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def synthesize_only(feed_url: str) -> dict:
    """Read and script the feed's posts as sync does, then time only their synthesis."""
    from audiocast.config import load_config
    from audiocast.ingest import article_from_post, read_blog_feed
    from audiocast.pipeline import voice_settings
    from audiocast.render import build_script_for, spoken_texts
    from audiocast.synth import Synthesizer

    show = load_config(None)
    scripts = [build_script_for(article_from_post(post), show) for post in read_blog_feed(feed_url)]
    seconds = 0.0
    with Synthesizer(voice_settings(show)) as synthesizer:
        for position, script in enumerate(scripts):
            synthesizer.more_to_come = position < len(scripts) - 1  # as sync's executor sets it
            start = time.perf_counter()
            synthesizer.render(spoken_texts(script))
            seconds += time.perf_counter() - start
        return {"posts": len(scripts), "synthesis_s": seconds, "clips": synthesizer.synthesized}


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "synthesize":
        Path(sys.argv[3]).write_text(json.dumps(synthesize_only(sys.argv[2])) + "\n")
    else:
        raise SystemExit("usage: python benchmarks/blog.py synthesize FEED_URL REPORT.json")
