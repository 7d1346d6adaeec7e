"""Markdown -> Article with markdown-it-py (CommonMark, tables and footnotes).

Headings: the first ``#`` heading is the title. The remaining headings are
shifted so the top level used becomes level 1 and everything deeper level 2:
``##`` -> 1 and ``###``... -> 2 in the usual layout, and a document without
``#`` whose sections are ``##`` maps the same way. Without a ``#`` heading the
title comes from the front matter, else from a lone heading that opens the
document, else from the file name (or the first heading when there is none).

Front matter (YAML between ``---`` lines, TOML between ``+++`` lines, or a JSON
object) gives title, author, date, description, image, canonical URL and
language. Static-site markup (shortcodes, Liquid, attribute lists, MDX, JSX)
is removed first (see sitemarkup.py). Footnotes
are taken out of the text and read at the end in a "Notes" section.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import date as date_type
from datetime import datetime, time
from typing import Any
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from ..errors import IngestError
from ..models import Article
from .casing import display_title
from .html import html_fragment_events
from .language import detect_language, normalize_language
from .sitemarkup import strip_site_markup
from .outline import (
    Event,
    Heading,
    Item,
    build_sections,
    first_paragraph,
    require_body,
    same_text,
    summarize,
    title_from_source,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

NOTES_TITLE = "Notes"

_YAML_FRONT = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
_TOML_FRONT = re.compile(r"\A\ufeff?\+\+\+[ \t]*\r?\n(.*?)\r?\n\+\+\+[ \t]*(?:\r?\n|\Z)", re.S)


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table").use(footnote_plugin)


def parse_markdown(text: str, source: str = "") -> Article:
    """Read a Markdown article: title, front matter metadata, sections and blocks."""
    meta, body = split_front_matter(text)
    body = strip_site_markup(body)
    events, notes, images = _events(_parser().parse(body))
    title = _str(meta.get("title"))
    events, title = take_title(events, title, source)
    if notes:
        top = min((e.level for e in events if isinstance(e, Heading)), default=1)
        events.append(Heading(NOTES_TITLE, top))
        events.extend(Item("paragraph", note) for note in notes)
    sections = build_sections(events)
    article = Article(title=display_title(title or "Untitled"), sections=sections, source=source)
    require_body(article)
    article.author = _author(meta)
    article.date = _date(meta.get("date") or meta.get("published") or meta.get("pubdate"))
    article.url = _absolute_url(
        meta.get("canonical_url") or meta.get("canonical") or meta.get("url")
    )
    article.image = _str(
        meta.get("image")
        or meta.get("cover_image")
        or meta.get("cover")
        or meta.get("featured_image")
    ) or (images[0] if images else None)
    description = _str(meta.get("description") or meta.get("summary") or meta.get("excerpt"))
    body_text = first_paragraph(sections)
    article.description = (
        summarize(description or body_text) if (description or body_text) else None
    )
    article.language = normalize_language(
        _str(meta.get("lang") or meta.get("language") or meta.get("locale"))
    ) or detect_language(article.plain_text())
    return article


# --------------------------------------------------------------------------- front matter


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Split leading front matter from the body: YAML (``---``), TOML (``+++``) or JSON (``{``).

    These are the three forms Hugo, Jekyll, Eleventy and Docusaurus write. YAML
    is read by PyYAML, so lists, booleans, dates and quoted strings mean what
    they mean in YAML; keys are lowercased.
    """
    text = text.lstrip("\ufeff")
    toml = _TOML_FRONT.match(text)
    if toml:
        try:
            data = tomllib.loads(toml.group(1))
        except tomllib.TOMLDecodeError as exc:
            raise IngestError(f"invalid TOML front matter: {exc}") from None
        return _lower_keys(data), text[toml.end() :]
    yaml_front = _YAML_FRONT.match(text)
    if yaml_front:
        return _lower_keys(_load_yaml(yaml_front.group(1))), text[yaml_front.end() :]
    if text.startswith("{"):
        try:
            data, end = json.JSONDecoder().raw_decode(text)
        except ValueError:
            return {}, text
        if isinstance(data, dict) and text[end:].lstrip(" \t")[:1] in ("\n", "\r", ""):
            return _lower_keys(data), text[end:].lstrip(" \t\r\n")
    return {}, text


def _load_yaml(text: str) -> Any:
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise IngestError(f"invalid YAML front matter{where}: {problem}") from None


def _lower_keys(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        return {}
    return {str(k).lower(): v for k, v in data.items()}


def _str(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _author(meta: dict[str, Any]) -> str | None:
    value = meta.get("author") or meta.get("authors")
    if isinstance(value, dict):
        value = value.get("name")
    if isinstance(value, list):
        names = [_str(v.get("name") if isinstance(v, dict) else v) for v in value]
        return ", ".join(n for n in names if n) or None
    return _str(value)


def _date(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date_type):
        return datetime.combine(value, time())
    text = _str(value)
    if not text:
        return None
    from dateutil import parser as dateparser

    try:
        return dateparser.parse(text)
    except (ValueError, OverflowError):
        return None


def _absolute_url(value: Any) -> str | None:
    text = _str(value)
    return text if text and re.match(r"^https?://", text) else None


# --------------------------------------------------------------------------- body


def take_title(
    events: list[Event], title: str | None, source: str
) -> tuple[list[Event], str | None]:
    """Pick the title heading out of the events (see the module docstring)."""
    headings = [e for e in events if isinstance(e, Heading)]
    if title:
        first = events[0] if events else None
        if isinstance(first, Heading) and same_text(first.text, title):
            events = events[1:]
        return events, title
    h1 = next((h for h in headings if h.level == 1), None)
    if h1 is not None:
        return [e for e in events if e is not h1], h1.text
    opener = events[0] if events and isinstance(events[0], Heading) else None
    if opener is not None and sum(h.level == opener.level for h in headings) == 1:
        return events[1:], opener.text
    fallback = title_from_source(source) or (headings[0].text if headings else None)
    return events, fallback


def _events(tokens: list[Token]) -> tuple[list[Event], list[str], list[str]]:
    """Headings and blocks in reading order, footnote texts, and image sources."""
    events: list[Event] = []
    notes: list[str] = []
    images: list[str] = []
    quote_depth = 0
    item_depth = 0
    item_started: list[bool] = []
    in_note = False
    i = 0
    while i < len(tokens):
        token = tokens[i]
        kind = token.type
        if kind == "heading_open":
            events.append(Heading(inline_text(tokens[i + 1]), int(token.tag[1])))
            i += 3
            continue
        if kind == "blockquote_open":
            quote_depth += 1
        elif kind == "blockquote_close":
            quote_depth -= 1
        elif kind in ("list_item_open",):
            item_depth += 1
            item_started.append(False)
        elif kind == "list_item_close":
            item_depth -= 1
            item_started.pop()
        elif kind == "footnote_open":
            in_note = True
            notes.append("")
        elif kind == "footnote_close":
            in_note = False
        elif kind == "paragraph_open":
            inline = tokens[i + 1]
            if in_note:
                notes[-1] = f"{notes[-1]} {inline_text(inline)}".strip()
            elif item_depth:
                text = inline_text(inline)
                last = events[-1] if events else None
                if item_started[-1] and isinstance(last, Item) and last.kind == "list_item":
                    last.text = f"{last.text} {text}"
                else:
                    events.append(Item("list_item", text))
                    item_started[-1] = True
            elif quote_depth:
                events.append(Item("quote", inline_text(inline)))
            else:
                _paragraph(inline, events, images)
            i += 3
            continue
        elif kind in ("fence", "code_block"):
            events.append(Item("code", token.content.rstrip("\n")))
        elif kind == "table_open":
            i = _table(tokens, i, events)
        elif kind == "html_block":
            events.extend(html_fragment_events(token.content))
        i += 1
    return events, notes, images


def _paragraph(inline: Token, events: list[Event], images: list[str]) -> None:
    """A paragraph, an image with its caption, or a caption for the image above."""
    children = inline.children or []
    pictures = [c for c in children if c.type == "image"]
    rest = [c for c in children if c.type not in ("image", "softbreak", "hardbreak")]
    rest = [c for c in rest if not (c.type == "text" and not c.content.strip())]
    emphasized = (
        bool(rest)
        and rest[0].type in ("em_open", "strong_open")
        and rest[-1].type
        in (
            "em_close",
            "strong_close",
        )
        and sum(c.type in ("em_open", "strong_open") for c in rest) == 1
    )
    if pictures and (not rest or emphasized):
        for picture in pictures:
            images.append(picture.attrGet("src") or "")
            events.append(Item("image", picture.content))
            caption = picture.attrGet("title")
            if caption:
                events.append(Item("caption", str(caption)))
        if rest:
            events.append(Item("caption", _plain(rest)))
        return
    last = events[-1] if events else None
    if emphasized and isinstance(last, Item) and last.kind == "image":
        events.append(Item("caption", _plain(rest)))
        return
    events.append(Item("paragraph", inline_text(inline)))


def _table(tokens: list[Token], i: int, events: list[Event]) -> int:
    rows: list[list[str]] = []
    while tokens[i].type != "table_close":
        token = tokens[i]
        if token.type == "tr_open":
            rows.append([])
        elif token.type == "inline" and rows:
            rows[-1].append(inline_text(token))
        i += 1
    events.append(Item("table", "", rows))
    return i


def _spoken_address(href: str) -> str:
    """An autolink as a reader would say it: the site name or the e-mail address."""
    if href.startswith("mailto:"):
        return href[len("mailto:") :]
    host = urlsplit(href).hostname or ""
    return host.removeprefix("www.")


def inline_text(inline: Token) -> str:
    """The readable text of an inline token: link text yes, URLs and markers no."""
    return _plain(inline.children or [])


def _plain(children: list[Token]) -> str:
    parts: list[str] = []
    in_autolink = False
    for child in children:
        kind = child.type
        if kind == "link_open" and child.markup == "autolink":
            in_autolink = True
            parts.append(_spoken_address(str(child.attrGet("href") or "")))
        elif kind == "link_close":
            in_autolink = False
        elif in_autolink:
            continue
        elif kind in ("text", "code_inline"):
            parts.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif kind == "html_inline" and re.match(r"<br\b", child.content, re.I):
            parts.append(" ")
    return "".join(parts)
