"""`audiocast sync` against a blog served from 127.0.0.1: new posts, unchanged posts, failures."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import threading
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import feedparser
import pytest

pytestmark = pytest.mark.slow

POSTS = [
    ("quiet-harbor", "A Quiet Week at the Harbor", "<p>The boats stayed in. The nets were mended on the quay.</p>"),
    ("new-bakery", "The New Bakery on Mill Street", "<p>It opened at six. By eight the rye was gone.</p>"),
    ("bridge-repairs", "Bridge Repairs Begin", None),  # no full text in the feed: the page is fetched
]

PAGE = """<!doctype html><html lang="en"><head><title>{title} | Town Notes</title>
<meta property="og:image" content="/img/lead.png"></head><body>
<nav><a href="/">Home</a> <a href="/about">About</a></nav>
<article><h1>{title}</h1><p>Crews closed the east lane on Monday morning.</p>
<p>The work should take three weeks if the weather holds.</p></article>
<footer>Subscribe to our newsletter! Share on Twitter.</footer></body></html>"""


def lead_image() -> bytes:
    """A wide 1600x900 picture, as article lead images usually are."""
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (1600, 900), (30, 90, 140)).save(buffer, format="PNG")
    return buffer.getvalue()


class Blog:
    def __init__(self):
        self.posts = list(POSTS)
        self.fetched: list[str] = []
        blog = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                if self.path == "/feed.xml":
                    body, kind = blog.feed().encode(), "application/rss+xml"
                elif self.path == "/img/lead.png":
                    body, kind = lead_image(), "image/png"
                elif self.path.startswith("/posts/"):
                    slug = self.path.rsplit("/", 1)[1]
                    match = [p for p in blog.posts if p[0] == slug]
                    if not match or slug == "broken":
                        self.send_response(404)
                        self.end_headers()
                        return
                    blog.fetched.append(slug)
                    body, kind = PAGE.format(title=match[0][1]).encode(), "text/html; charset=utf-8"
                else:
                    self.send_response(404)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def feed(self) -> str:
        start = datetime(2024, 5, 1, 9, tzinfo=timezone.utc)
        items = []
        for index, (slug, title, html) in enumerate(self.posts):
            content = f"<content:encoded><![CDATA[{html}]]></content:encoded>" if html else ""
            items.append(
                f"<item><title>{title}</title><link>{self.base}/posts/{slug}</link>"
                f"<guid>{self.base}/posts/{slug}</guid>"
                f"<pubDate>{format_datetime(start + timedelta(days=index))}</pubDate>"
                f"<description>{title}</description>{content}</item>"
            )
        return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
                'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
                f"<title>Town Notes</title><link>{self.base}/</link><description>Local news</description>"
                f"<language>en</language>{''.join(reversed(items))}</channel></rss>")

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def blog():
    server = Blog()
    yield server
    server.close()


def sync(blog: Blog, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "audiocast.cli", "sync", f"{blog.base}/feed.xml", "-o", str(out),
                           "--jobs", "1", *extra], capture_output=True, text=True, timeout=600)


def clips(done: subprocess.CompletedProcess) -> int:
    return sum(int(n) for n in re.findall(r"(\d+) clips? synthesized", done.stdout + done.stderr))


def titles(out: Path) -> list[str]:
    return [e.title for e in feedparser.parse((out / "feed.xml").read_bytes()).entries]


def test_sync_converts_new_posts_once(blog, tmp_path):
    out = tmp_path / "out"
    first = sync(blog, out)
    assert first.returncode == 0, first.stderr
    assert sorted(titles(out)) == sorted(p[1] for p in POSTS)
    assert titles(out)[0] == "Bridge Repairs Begin"  # newest first
    assert blog.fetched == ["bridge-repairs"]  # full-text posts were not fetched
    assert clips(first) > 0

    vtt = (out / "episodes" / "bridge-repairs-begin.vtt").read_text()
    assert "three weeks" in vtt and "newsletter" not in vtt.lower() and "Home" not in vtt

    # the fetched post's lead image becomes its square episode art, in the feed and the MP3
    from mutagen.id3 import ID3
    from PIL import Image

    art = out / "episodes" / "bridge-repairs-begin.jpg"
    with Image.open(art) as image:
        assert image.size == (1400, 1400) and image.mode == "RGB"
    entry = next(e for e in feedparser.parse((out / "feed.xml").read_bytes()).entries
                 if e.title == "Bridge Repairs Begin")
    assert entry.image["href"].endswith("episodes/bridge-repairs-begin.jpg")
    assert ID3(out / "episodes" / "bridge-repairs-begin.mp3").getall("APIC")[0].data == art.read_bytes()

    second = sync(blog, out)
    assert second.returncode == 0, second.stderr
    assert clips(second) == 0
    assert "published" not in second.stdout + second.stderr
    assert len(titles(out)) == 3

    blog.posts.append(("harvest-fair", "Harvest Fair Dates Announced", "<p>The fair returns in October.</p>"))
    third = sync(blog, out)
    assert third.returncode == 0, third.stderr
    published = re.findall(r"published (\S+)", third.stdout + third.stderr)
    assert published == [f"{blog.base}/posts/harvest-fair"]
    assert titles(out)[0] == "Harvest Fair Dates Announced" and len(titles(out)) == 4


def test_sync_limit_and_a_failing_post(blog, tmp_path):
    out = tmp_path / "out"
    blog.posts.append(("broken", "A Post Whose Page Is Gone", None))
    done = sync(blog, out, "--limit", "2")
    # the newest two: the broken one fails, the other still publishes
    assert done.returncode == 1
    assert "broken" in done.stdout + done.stderr and "404" in done.stdout + done.stderr
    assert titles(out) == ["Bridge Repairs Begin"]
    listing = subprocess.run([sys.executable, "-m", "audiocast.cli", "episodes", "-o", str(out), "--json"],
                             capture_output=True, text=True, check=True)
    assert [e["title"] for e in json.loads(listing.stdout)] == ["Bridge Repairs Begin"]


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_article_language_picks_a_voice_of_that_language(tmp_path):
    (tmp_path / "voices").mkdir()
    (tmp_path / "voices" / "espeak-de.toml").write_text(
        'name = "espeak-de"\nengine = "espeak"\nlanguage = "de"\n[settings]\nvoice = "de"\n')
    article = tmp_path / "brot.md"
    article.write_text("---\nlang: de\n---\n# Brot backen\n\nGutes Brot braucht Zeit.\n")
    done = subprocess.run([sys.executable, "-m", "audiocast.cli", "convert", str(article), "-o", "out", "--jobs", "1"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "reading it with the espeak voice de" in done.stdout + done.stderr

    article.write_text("---\nlang: fi\n---\n# Leipä\n\nHyvä leipä vaatii aikaa.\n")
    done = subprocess.run([sys.executable, "-m", "audiocast.cli", "convert", str(article), "-o", "out2", "--jobs", "1"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "no voice for that language" in done.stdout + done.stderr
