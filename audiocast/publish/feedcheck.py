"""Check a podcast feed against what Apple Podcasts, the Podcasting 2.0 namespace
and the W3C feed validator's podcast rules require (see PODCAST-STANDARDS.md).

``check_feed`` returns one readable line per problem; with the output folder it
also checks that every media URL names a real file there and that enclosure
lengths, artwork, transcripts and chapters match those files.
"""

from __future__ import annotations

import json
import re
import uuid
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree

from ..config import (
    APPLE_CATEGORIES,
    PODCAST_MEDIUMS,
    SHOW_TYPES,
    artwork_problems,
    valid_email,
)
from ..languages import valid_language
from .podcast_ext import CHAPTERS_TYPE, ITUNES_NS, LEGACY_PODCAST_NS, PODCAST_NS

ATOM_NS = "http://www.w3.org/2005/Atom"
MAX_TEXT_BYTES = 4000
MAX_VTT_LINE = 65
TRANSCRIPT_TYPES = {"text/vtt", "application/x-subrip", "text/plain", "text/html",
                    "application/json", "application/srt"}
_ENCLOSURE_TYPES = {".mp3": "audio/mpeg", ".m4a": "audio/x-m4a", ".mp4": "video/mp4",
                    ".m4v": "video/x-m4v", ".mov": "video/quicktime", ".pdf": "application/pdf",
                    ".epub": "document/x-epub"}
_EPISODE_NUMBER = re.compile(r"^\s*(episode|ep\.?|#)\s*\d+\b", re.IGNORECASE)
_NS_NAMES = {ITUNES_NS: "itunes", PODCAST_NS: "podcast", ATOM_NS: "atom",
             LEGACY_PODCAST_NS: "podcast"}


def _name(element) -> str:
    qname = etree.QName(element)
    prefix = _NS_NAMES.get(qname.namespace or "")
    return f"{prefix}:{qname.localname}" if prefix else qname.localname


def _text(element) -> str:
    return (element.text or "") if element is not None else ""


class _Checker:
    def __init__(self, root, out_dir: Path | None):
        self.root = root
        self.out_dir = out_dir.resolve() if out_dir is not None else None
        self.problems: list[str] = []
        self.base: str | None = None

    def report(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    # ------------------------------------------------------------------ helpers

    def required(self, parent, tag: str, where: str, label: str):
        found = parent.find(tag)
        if found is None:
            self.report(where, f"missing {label}")
        return found

    def check_url(self, url: str, where: str, label: str, expect_file: bool = True) -> Path | None:
        """Report a malformed URL; with an output folder, return the file it names there."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            self.report(where, f"{label} {url!r} is not an http(s) URL")
            return None
        if not url.isascii() or " " in url:
            self.report(where, f"{label} {url!r} must be ASCII without spaces")
        if self.out_dir is None or not expect_file or self.base is None:
            return None
        if not url.startswith(self.base):
            self.report(where, f"{label} {url} is not under the feed's base URL {self.base}")
            return None
        relative = unquote(urlsplit(url).path[len(urlsplit(self.base).path):])
        target = (self.out_dir / relative).resolve()
        if not target.is_relative_to(self.out_dir):
            self.report(where, f"{label} {url} points outside the output folder")
            return None
        if not target.is_file():
            self.report(where, f"{label} {url} does not resolve to a file in {self.out_dir}")
            return None
        return target

    def check_image(self, element, where: str) -> None:
        href = element.get("href", "")
        if not href:
            self.report(where, "itunes:image has no href")
            return
        if not href.lower().endswith((".jpg", ".png")):
            self.report(where, f"itunes:image {href} must end in .jpg or .png")
        path = self.check_url(href, where, "itunes:image")
        if path is not None:
            for problem in artwork_problems(path):
                self.report(where, f"itunes:image {problem}")

    def check_text_length(self, element, where: str) -> None:
        if element is not None and len(_text(element).encode("utf-8")) > MAX_TEXT_BYTES:
            size = len(_text(element).encode("utf-8"))
            self.report(where, f"{_name(element)} is {size} bytes; the limit is {MAX_TEXT_BYTES}")

    def check_whitespace(self) -> None:
        for element in self.root.iter():
            if not isinstance(element.tag, str):
                continue
            if len(element) == 0 and element.text and element.text != element.text.strip():
                self.report(_name(element), f"value {element.text[:40]!r} has leading or trailing spaces")
            for key, value in element.attrib.items():
                if value != value.strip():
                    self.report(_name(element), f"attribute {key}={value!r} has leading or trailing spaces")

    # ------------------------------------------------------------------ channel

    def check(self) -> list[str]:
        root = self.root
        if etree.QName(root).localname != "rss" or root.get("version") != "2.0":
            self.report("feed", "root element must be <rss version=\"2.0\">")
        for prefix, uri in (root.nsmap or {}).items():
            if uri.lower() == ITUNES_NS.lower() and uri != ITUNES_NS:
                self.report("feed", f"itunes namespace must be exactly {ITUNES_NS} (found {uri})")
        channel = root.find("channel")
        if channel is None:
            self.report("feed", "missing <channel>")
            return self.problems
        self.check_channel(channel)
        items = channel.findall("item")
        if not items:
            self.report("channel", "has no episodes (<item>)")
        guids: dict[str, int] = {}
        enclosures: dict[str, int] = {}
        for number, item in enumerate(items, start=1):
            self.check_item(item, number, guids, enclosures, channel)
        self.check_whitespace()
        return self.problems

    def check_channel(self, channel) -> None:
        where = "channel"
        title = self.required(channel, "title", where, "title")
        if title is not None and not _text(title).strip():
            self.report(where, "title is empty")
        description = self.required(channel, "description", where, "description")
        self.check_text_length(description, where)
        link = self.required(channel, "link", where, "link")
        if link is not None:
            self.check_url(_text(link).strip(), where, "link", expect_file=False)
        language = self.required(channel, "language", where, "language")
        if language is not None and not valid_language(_text(language)):
            self.report(where, f"language {_text(language)!r} is not an ISO 639 code like en or en-us")

        selfs = [a for a in channel.findall(f"{{{ATOM_NS}}}link") if a.get("rel") == "self"]
        if not selfs:
            self.report(where, 'missing atom:link rel="self" with the feed\'s own URL')
        else:
            href = selfs[0].get("href", "")
            self.base = href.rsplit("/", 1)[0] + "/" if "/" in href else None
            self.check_url(href, where, "atom:link self")

        images = channel.findall(f"{{{ITUNES_NS}}}image")
        if not images:
            self.report(where, "missing itunes:image")
        elif len(images) > 1:
            self.report(where, "more than one itunes:image")
        else:
            self.check_image(images[0], where)

        categories = channel.findall(f"{{{ITUNES_NS}}}category")
        if not categories:
            self.report(where, "missing itunes:category")
        for category in categories:
            text = category.get("text", "")
            if text not in APPLE_CATEGORIES:
                self.report(where, f"itunes:category {text!r} is not an Apple Podcasts category")
                continue
            for sub in category.findall(f"{{{ITUNES_NS}}}category"):
                if sub.get("text", "") not in APPLE_CATEGORIES[text]:
                    self.report(where, f"itunes:category {sub.get('text')!r} is not a subcategory of {text!r}")

        self.check_explicit(channel, where, required=True)
        author = self.required(channel, f"{{{ITUNES_NS}}}author", where, "itunes:author")
        if author is not None and len(_text(author)) > 255:
            self.report(where, "itunes:author is longer than 255 characters")
        owner = self.required(channel, f"{{{ITUNES_NS}}}owner", where,
                              "itunes:owner with itunes:email (set show.email: Apple and "
                              "Spotify verify ownership with it)")
        if owner is not None:
            email = owner.find(f"{{{ITUNES_NS}}}email")
            if email is None or not _text(email).strip():
                self.report(where, "itunes:owner has no itunes:email")
            elif not valid_email(_text(email).strip()):
                self.report(where, f"itunes:email {_text(email)!r} is not an e-mail address")
        kind = self.required(channel, f"{{{ITUNES_NS}}}type", where, "itunes:type")
        if kind is not None and _text(kind) not in SHOW_TYPES:
            self.report(where, f"itunes:type {_text(kind)!r} must be episodic or serial")

        guid = self.required(channel, f"{{{PODCAST_NS}}}guid", where, "podcast:guid")
        if guid is not None:
            try:
                uuid.UUID(_text(guid))
            except ValueError:
                self.report(where, f"podcast:guid {_text(guid)!r} is not a UUID")
        locked = self.required(channel, f"{{{PODCAST_NS}}}locked", where, "podcast:locked")
        if locked is not None and _text(locked) not in ("yes", "no"):
            self.report(where, f"podcast:locked {_text(locked)!r} must be yes or no")
        medium = self.required(channel, f"{{{PODCAST_NS}}}medium", where, "podcast:medium")
        if medium is not None and _text(medium) not in PODCAST_MEDIUMS:
            self.report(where, f"podcast:medium {_text(medium)!r} is not a medium for a feed of episodes")
        disclosures = [t for t in channel.findall(f"{{{PODCAST_NS}}}txt")
                       if t.get("purpose") == "ai-content"]
        if not disclosures:
            self.report(where, 'missing <podcast:txt purpose="ai-content">true</podcast:txt> '
                               "(synthesized speech disclosure)")
        elif _text(disclosures[0]) != "true":
            self.report(where, 'podcast:txt purpose="ai-content" must be "true"')

    def check_explicit(self, parent, where: str, required: bool) -> None:
        explicit = parent.find(f"{{{ITUNES_NS}}}explicit")
        if explicit is None:
            if required:
                self.report(where, "missing itunes:explicit")
        elif _text(explicit) not in ("true", "false"):
            self.report(where, f"itunes:explicit {_text(explicit)!r} must be true or false")

    # ------------------------------------------------------------------ items

    def check_item(self, item, number: int, guids: dict, enclosures: dict, channel) -> None:
        title = item.find("title")
        label = _text(title).strip() if title is not None else ""
        where = f"item {number}" + (f" ({label[:50]})" if label else "")
        if not label:
            self.report(where, "missing title")
        else:
            show = _text(channel.find("title")).strip()
            if _EPISODE_NUMBER.match(label):
                self.report(where, "title starts with an episode number; use itunes:episode instead")
            if show and (label == show or re.match(re.escape(show) + r"\s*[:\-|–—]", label)):
                self.report(where, "title repeats the show's name")
        self.check_text_length(item.find("description"), where)
        if item.find("description") is None:
            self.report(where, "missing description")

        guid = item.find("guid")
        if guid is None or not _text(guid).strip():
            self.report(where, "missing guid")
        else:
            value = _text(guid).strip()
            if value in guids:
                self.report(where, f"guid {value} duplicates item {guids[value]}")
            guids.setdefault(value, number)
            permalink = guid.get("isPermaLink", "true")
            if permalink not in ("true", "false"):
                self.report(where, "guid isPermaLink must be true or false")
            elif permalink == "true" and urlsplit(value).scheme not in ("http", "https"):
                self.report(where, 'guid is not a URL, so it needs isPermaLink="false"')

        pub = item.find("pubDate")
        if pub is None:
            self.report(where, "missing pubDate")
        else:
            try:
                parsed = parsedate_to_datetime(_text(pub))
                if parsed is None:
                    raise ValueError
            except (TypeError, ValueError):
                self.report(where, f"pubDate {_text(pub)!r} is not an RFC 2822 date")

        link = item.find("link")
        if link is not None:
            self.check_url(_text(link).strip(), where, "link", expect_file=False)

        self.check_enclosure(item, where, number, enclosures)

        duration = item.find(f"{{{ITUNES_NS}}}duration")
        if duration is None:
            self.report(where, "missing itunes:duration")
        elif not re.fullmatch(r"\d+", _text(duration)):
            self.report(where, f"itunes:duration {_text(duration)!r} must be whole seconds")
        kind = item.find(f"{{{ITUNES_NS}}}episodeType")
        if kind is not None and _text(kind) not in ("full", "trailer", "bonus"):
            self.report(where, f"itunes:episodeType {_text(kind)!r} must be full, trailer or bonus")
        for tag in ("episode", "season"):
            element = item.find(f"{{{ITUNES_NS}}}{tag}")
            if element is not None and not re.fullmatch(r"[1-9]\d*", _text(element)):
                self.report(where, f"itunes:{tag} {_text(element)!r} must be a whole number above 0")
        self.check_explicit(item, where, required=False)
        image = item.find(f"{{{ITUNES_NS}}}image")
        if image is not None:
            self.check_image(image, where)

        for ns in (PODCAST_NS, LEGACY_PODCAST_NS):
            for transcript in item.findall(f"{{{ns}}}transcript"):
                self.check_transcript(transcript, where)
            chapters = item.findall(f"{{{ns}}}chapters")
            if len(chapters) > 1:
                self.report(where, "more than one podcast:chapters")
            for element in chapters:
                self.check_chapters(element, where)

    def check_enclosure(self, item, where: str, number: int, enclosures: dict) -> None:
        found = item.findall("enclosure")
        if not found:
            self.report(where, "missing enclosure")
            return
        if len(found) > 1:
            self.report(where, "more than one enclosure")
        enclosure = found[0]
        url, length, kind = (enclosure.get(k, "") for k in ("url", "length", "type"))
        if not url:
            self.report(where, "enclosure has no url")
            return
        if url in enclosures:
            self.report(where, f"enclosure URL {url} duplicates item {enclosures[url]}")
        enclosures.setdefault(url, number)
        suffix = Path(urlsplit(url).path).suffix.lower()
        expected = _ENCLOSURE_TYPES.get(suffix)
        if expected is None:
            self.report(where, f"enclosure {url} is not a format Apple Podcasts plays")
        elif kind != expected:
            self.report(where, f"enclosure type {kind!r} does not match {suffix} ({expected})")
        if not re.fullmatch(r"\d+", length) or int(length) == 0:
            self.report(where, f"enclosure length {length!r} must be the file size in bytes")
        path = self.check_url(url, where, "enclosure")
        if path is not None and re.fullmatch(r"\d+", length):
            size = path.stat().st_size
            if int(length) != size:
                self.report(where, f"enclosure length {length} differs from the file's size {size}")

    def check_transcript(self, element, where: str) -> None:
        url, kind = element.get("url", ""), element.get("type", "")
        if not url or not kind:
            self.report(where, "podcast:transcript needs url and type")
            return
        if kind not in TRANSCRIPT_TYPES:
            self.report(where, f"podcast:transcript type {kind!r} is not a transcript format")
        language = element.get("language")
        if language is not None and not valid_language(language):
            self.report(where, f"podcast:transcript language {language!r} is not an ISO 639 code")
        rel = element.get("rel")
        if rel is not None and rel != "captions":
            self.report(where, f'podcast:transcript rel {rel!r} may only be "captions"')
        path = self.check_url(url, where, "podcast:transcript")
        if path is not None and kind == "text/vtt":
            text = path.read_text(encoding="utf-8", errors="replace")
            if not text.lstrip("\ufeff").startswith("WEBVTT"):
                self.report(where, f"{path.name} does not start with WEBVTT")
            long_lines = [line for line in text.splitlines()
                          if "-->" not in line and len(line) > MAX_VTT_LINE]
            if long_lines:
                self.report(where, f"{path.name} has {len(long_lines)} caption lines over "
                                   f"{MAX_VTT_LINE} characters")

    def check_chapters(self, element, where: str) -> None:
        url, kind = element.get("url", ""), element.get("type", "")
        if kind != CHAPTERS_TYPE:
            self.report(where, f"podcast:chapters type {kind!r} must be {CHAPTERS_TYPE}")
        path = self.check_url(url, where, "podcast:chapters")
        if path is None:
            return
        for problem in chapters_problems(path.read_bytes()):
            self.report(where, f"{path.name}: {problem}")


def chapters_problems(data: bytes) -> list[str]:
    """What is wrong with a Podcasting 2.0 JSON chapters file; empty when valid."""
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        return [f"not JSON ({exc})"]
    if not isinstance(doc, dict) or not isinstance(doc.get("version"), str):
        return ['needs a "version" string such as "1.2.0"']
    chapters = doc.get("chapters")
    if not isinstance(chapters, list) or not chapters:
        return ['needs a non-empty "chapters" list']
    found = []
    last = -1.0
    for index, chapter in enumerate(chapters, start=1):
        start = chapter.get("startTime") if isinstance(chapter, dict) else None
        if not isinstance(start, (int, float)) or isinstance(start, bool) or start < 0:
            found.append(f"chapter {index} has no startTime in seconds")
            continue
        if start < last:
            found.append(f"chapter {index} starts before chapter {index - 1}")
        last = start
        end = chapter.get("endTime")
        if end is not None and (not isinstance(end, (int, float)) or end < start):
            found.append(f"chapter {index} ends before it starts")
        if "title" in chapter and not isinstance(chapter["title"], str):
            found.append(f"chapter {index} title is not a string")
    return found


def check_feed(xml: bytes, out_dir: Path | str | None = None) -> list[str]:
    """Every problem found in the feed ``xml``, one line each; an empty list means valid.

    With ``out_dir`` (the folder the feed was published from), URLs under the feed's
    base URL must name files there, and the files must match what the feed says."""
    try:
        root = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False))
    except etree.XMLSyntaxError as exc:
        return [f"feed: not well-formed XML: {exc}"]
    if not xml.lstrip().startswith(b"<?xml") or b"encoding=" in xml[:100] and not re.search(
        rb"encoding=['\"]utf-?8['\"]", xml[:100], re.IGNORECASE
    ):
        problems = ["feed: must be UTF-8 with an XML declaration"]
    else:
        problems = []
    checker = _Checker(root, Path(out_dir) if out_dir is not None else None)
    return problems + checker.check()
