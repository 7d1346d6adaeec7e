"""Ingest: read an article from a file, a URL, standard input or a blog feed.

Every source becomes an :class:`~audiocast.models.Article`: a title, metadata,
and a tree of level 1 and level 2 sections holding blocks of text.
"""

from __future__ import annotations

from .blogfeed import Post, article_from_post, read_blog_feed, subscription_feeds
from .chapters import split_chapters
from .html import parse_html
from .language import detect_language, normalize_language
from .load import SUPPORTED_TYPES, load_article, sniff_document, sniff_kind
from .markdown import parse_markdown
from .text import parse_text
from .web import USER_AGENT, Page, fetch

__all__ = [
    "SUPPORTED_TYPES",
    "USER_AGENT",
    "Page",
    "Post",
    "article_from_post",
    "detect_language",
    "fetch",
    "load_article",
    "normalize_language",
    "parse_html",
    "parse_markdown",
    "parse_text",
    "read_blog_feed",
    "sniff_document",
    "sniff_kind",
    "split_chapters",
    "subscription_feeds",
]
