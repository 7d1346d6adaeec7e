"""A blog's RSS or Atom feed -> posts, and a post -> Article, with feedparser."""

from __future__ import annotations

import calendar
import hashlib
import html as html_escape
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import lxml.html
from lxml import etree

from ..errors import IngestError
from ..models import Article
from .casing import display_title
from .html import page_language, parse_html
from .language import normalize_language
from .load import article_from_page
from .outline import clean_text, summarize
from .web import check_url, fetch, fetch_feed

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_HTML_CONTENT = ("text/html", "application/xhtml+xml")
_OPML = re.compile(rb"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<opml\b", re.S)
log = logging.getLogger(__name__)


@dataclass
class Post:
    """One entry of a blog feed.

    ``content_html`` holds the full text when the feed carries it
    (``content:encoded`` or Atom ``<content>``), so the post needs no fetch.
    """

    guid: str
    url: str | None
    title: str
    published: datetime | None
    updated: datetime | None
    author: str | None
    content_html: str | None
    summary: str | None
    language: str | None = None
    image: str | None = None


def read_blog_feed(url_or_path: str, notes: list[str] | None = None) -> list[Post]:
    """The posts of an RSS 2.0 or Atom feed at a URL or path, newest first.

    An OPML subscription list stands for all the feeds it names: their posts
    are read together (a feed that cannot be read is skipped with a warning).
    A malformed feed that feedparser could still read leniently adds a line saying
    so to ``notes``.
    """
    if _URL.match(url_or_path):
        check_url(url_or_path)
        download = fetch_feed(url_or_path)
        headers = {"content-location": download.final_url}
        if download.content_type:
            charset = f"; charset={download.charset}" if download.charset else ""
            headers["content-type"] = download.content_type + charset
        data = download.content
    else:
        path = Path(url_or_path).expanduser()
        if not path.is_file():
            raise IngestError(f"no such feed file: {url_or_path}")
        data = path.read_bytes()
        headers = {"content-location": path.resolve().as_uri()}
    if _OPML.match(data[:4096]):
        return _read_subscriptions(data, headers["content-location"], url_or_path)
    import feedparser  # imported when a feed is read, not for every article

    parsed = feedparser.parse(data, response_headers=headers)
    if not parsed.get("version") and not parsed.entries:
        raise IngestError(f"not an RSS or Atom feed: {url_or_path}")
    problem = parsed.get("bozo_exception")
    benign = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
    if parsed.get("bozo") and notes is not None and not isinstance(problem, benign):
        problem = str(problem or "not well-formed").splitlines()[0]
        notes.append(f"the feed {url_or_path} is malformed ({problem}); read it leniently")
    language = normalize_language(parsed.feed.get("language"))
    author = clean_text(parsed.feed.get("author") or "") or None
    posts = [_post(entry, language, author) for entry in parsed.entries]
    return sorted(posts, key=_newest, reverse=True)


def subscription_feeds(data: bytes, base: str = "") -> list[str]:
    """The feed addresses an OPML file lists (``xmlUrl`` of every outline), in order, once each."""
    try:
        root = etree.fromstring(data, etree.XMLParser(recover=True, resolve_entities=False))
    except etree.XMLSyntaxError as exc:
        raise IngestError(f"not a valid OPML file: {exc}") from None
    feeds: list[str] = []
    for outline in root.iter("outline") if root is not None else []:
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if not url:
            continue
        if not _URL.match(url) and base:
            from urllib.parse import urljoin

            url = urljoin(base, url)
        if url.startswith("file://"):
            from urllib.parse import unquote, urlsplit

            url = unquote(urlsplit(url).path)
        if url not in feeds:
            feeds.append(url)
    return feeds


def _read_subscriptions(data: bytes, base: str, name: str) -> list[Post]:
    feeds = subscription_feeds(data, base)
    if not feeds:
        raise IngestError(f"{name} is an OPML file that lists no feeds (no xmlUrl)")
    posts: list[Post] = []
    failures: list[str] = []
    for feed in feeds:
        try:
            posts.extend(read_blog_feed(feed))
        except IngestError as exc:
            failures.append(str(exc))
            log.warning("skipped feed %s: %s", feed, exc)
    if failures and len(failures) == len(feeds):
        raise IngestError(f"none of the {len(feeds)} feeds in {name} could be read: {failures[0]}")
    return sorted(posts, key=_newest, reverse=True)


def article_from_post(post: Post) -> Article:
    """The post as an Article: from the feed's full text, or else by fetching its page.

    The feed's title, author, date and summary fill in what the page leaves out;
    the feed's title and date win, since they are what subscribers see.
    """
    source = post.url or post.guid
    if post.content_html:
        article = parse_html(post.content_html, url=post.url, source=source)
        article.language = post.language or article.language
        article.url = post.url or article.url
        article.description = summarize(post.summary) if post.summary else article.description
    elif post.url:
        page = fetch(post.url)
        article = article_from_page(page, post.url)
        if post.language and not (page.content_type in _HTML_CONTENT and page_language(page.text)):
            article.language = post.language
        article.description = article.description or (
            summarize(post.summary) if post.summary else None
        )
    else:
        raise IngestError(f"feed entry {post.guid} has neither full text nor a link to fetch")
    article.title = display_title(post.title) if post.title else article.title
    article.author = post.author or article.author
    article.date = post.published or post.updated or article.date
    article.image = article.image or post.image
    return article


def _newest(post: Post) -> tuple[bool, datetime]:
    when = post.published or post.updated
    return when is not None, when or datetime.min.replace(tzinfo=timezone.utc)


def _post(entry: Any, feed_language: str | None, feed_author: str | None) -> Post:
    # read-later services (Wallabag) link their own copy as "alternate", the original as "via"
    via = next((link.get("href") for link in entry.get("links") or []
                if link.get("rel") == "via" and link.get("href")), None)
    url = via or entry.get("link") or None
    title = clean_text(entry.get("title") or "")
    # plain dict lookups: feedparser's own .get() answers "updated" with "published"
    published = _datetime(dict.get(entry, "published_parsed"))
    updated = _datetime(dict.get(entry, "updated_parsed"))
    guid = entry.get("id") or url or _fallback_guid(title, entry)
    content_html, content_language = _full_text(entry)
    summary_html = entry.get("summary") or ""
    summary = _plain(summary_html) if summary_html else None
    if content_html is not None and summary is not None and _plain(content_html) == summary:
        summary = summarize(summary)
    language = normalize_language(content_language) or feed_language
    return Post(
        guid=guid,
        url=url,
        title=title,
        published=published,
        updated=updated,
        author=clean_text(entry.get("author") or "") or feed_author,
        content_html=content_html,
        summary=summary or None,
        language=language,
        image=_image(entry),
    )


def _full_text(entry: Any) -> tuple[str | None, str | None]:
    """The longest full-text content of an entry as HTML, with its xml:lang."""
    best: tuple[str | None, str | None] = (None, None)
    for content in entry.get("content") or []:
        value = content.get("value") or ""
        if not value.strip():
            continue
        if content.get("type") not in _HTML_CONTENT:
            value = "".join(
                f"<p>{html_escape.escape(p)}</p>" for p in re.split(r"\n\s*\n", value) if p.strip()
            )
        if best[0] is None or len(value) > len(best[0]):
            best = (value, content.get("language"))
    return best


def _image(entry: Any) -> str | None:
    for media in (entry.get("media_thumbnail") or []) + (entry.get("media_content") or []):
        if media.get("url") and (
            media.get("medium") in (None, "image") or "image" in media.get("type", "")
        ):
            return media["url"]
    for link in entry.get("links") or []:
        if link.get("rel") == "enclosure" and str(link.get("type", "")).startswith("image/"):
            return link.get("href")
    return None


def _datetime(parsed: Any) -> datetime | None:
    if not parsed:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), tz=timezone.utc)


def _plain(html: str) -> str:
    try:
        return clean_text(lxml.html.fragment_fromstring(html, create_parent="div").text_content())
    except (etree.ParserError, ValueError):
        return clean_text(html)


def _fallback_guid(title: str, entry: Any) -> str:
    seed = f"{title}|{entry.get('published', '')}|{entry.get('summary', '')}"
    return "sha1:" + hashlib.sha1(seed.encode("utf-8")).hexdigest()
