"""Dropping what is on the page but is not the article: link stubs, appeals, bylines, share buttons.

Conservative by design: a sentence is dropped only when it matches a narrow
pattern *and* is short, so a real sentence that merely mentions comments or
sharing is kept. Whole-block checks (bylines, date lines, photo credits, share
bars) only apply when the block is nothing but that line.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

log = logging.getLogger(__name__)

_MAX_STUB_WORDS = 12

# "More on US-Ukraine relations." / "Read more on Russia's position." / "Related: ..." / "See also ..."
_LINK_STUB = re.compile(
    r"^(?i:(?:read|see|find\s+out|learn)\s+more(?:\s+(?:on|about|here|at|in))?\b"
    r"|(?:also\s+read|read\s+(?:next|also|this|the\s+full\s+(?:story|article|report))|continue\s+reading"
    r"|further\s+reading|related(?:\s+(?:articles?|stories|posts?|reading|coverage|content))?|see\s+also"
    r"|recommended(?:\s+for\s+you)?|you\s+may\s+also\s+like|watch|listen|trending|most\s+read)\s*[:\-\u2013\u2014]"
    r"|see\s+also\b|click\s+here\b|tap\s+here\b|(?:continue|keep)\s+reading\b|also\s+read\b)"
    # "More on US-Ukraine relations.", "More on the port's history." but not "More on that later."
    r"|^(?i:more\s+(?:on|about))\s+(?!(?i:that|this|it|these|those|which|him|her|them)\b)"
    r"(?!.*\b(?i:later|soon|below|shortly|next|tomorrow|moment|follows?)\b)[^.!?]+[.!]?$"
)

# Calls to action aimed at the reader, not statements about the world.
_CTA_START = re.compile(
    r"^(?:(?:please|so|and|also|now|then|oh,?\s+and)\s+)?(?:"
    r"share\s+(?:your|this|it|with|on|our|the\s+(?:post|article|story))|subscribe\b|sign\s+up\b"
    r"|register\s+(?:now|here|today|for\s+(?:our|free))|follow\s+(?:us|me|our|along|(?:the|this)\s+blog)"
    r"|like\s+(?:and\s+(?:share|subscribe)|this\s+(?:post|video|article)|us\s+on|our\s+page)"
    r"|comment\s+(?:below|here|on\s+this|and)|join\s+(?:us|our|the\s+(?:discussion|conversation|community|debate))"
    r"|leave\s+(?:a|your|us\s+a)\s+(?:comment|reply|review|note|message)|drop\s+(?:a|us\s+a|me\s+a)\s+(?:comment|line|note)"
    r"|tell\s+us|let\s+(?:us|me)\s+know|hit\s+the|smash\s+the|click|tap|support\s+(?:us|our|this\s+blog)|donate"
    r"|become\s+a\s+(?:member|patron|subscriber|supporter)|get\s+(?:our|the)\s+(?:newsletter|app|latest)"
    r"|stay\s+(?:tuned|connected|updated)|don'?t\s+(?:forget|miss)|be\s+sure\s+to|make\s+sure\s+(?:to|you)"
    r"|remember\s+to|feel\s+free\s+to|why\s+not|want\s+more|if\s+you\s+(?:liked|enjoyed|found)"
    r"|we'?d\s+love\s+to\s+hear|we\s+want\s+to\s+hear)\b",
    re.I,
)
_CTA_TARGET = re.compile(
    r"\b(?:comments?|comment\s+section|blog|newsletters?|channel|podcast|(?:more|latest|future|regular|new)\s+updates"
    r"|discussion|conversation|inbox|social\s+media|twitter|facebook|instagram|linkedin|youtube|tiktok|mastodon"
    r"|bluesky|notifications?|bell|subscribe|subscription|share\s+this|this\s+(?:post|article|story|video|blog)"
    r"|our\s+(?:site|website|page|community|feed)|rss\s+feed|patreon|membership|us\s+on|hear\s+from\s+you|like\s+and)\b",
    re.I,
)
_READER_QUESTION = re.compile(
    r"^(?:so,?\s+)?(?:what\s+do\s+you\s+think|what(?:'s|\s+is)\s+your\s+(?:take|opinion|view)|do\s+you\s+agree"
    r"|how\s+do\s+you\s+feel|what\s+are\s+your\s+thoughts|have\s+your\s+say)\b[^.!?]*\?$",
    re.I,
)

# Whole blocks that only repeat metadata or page furniture. Names are matched case-sensitively,
# so "By the way, ..." or "By Monday, the talks ..." are never taken for bylines.
_NAME = r"[A-Z][\w'.\-]+(?:\s+(?:[A-Z][\w'.\-]*|de|van|von|da|del|la|le|bin|al))*"
_ROLE = r"(?:,\s*[A-Z][\w.'-]*(?:\s+(?:[A-Z][\w.'-]*|of|for|and|at))*)?"
_BYLINE = re.compile(
    r"^(?i:by|written\s+by|words\s+by|story\s+by|reporting\s+by|author:)\s+" + _NAME
    + r"(?:\s*(?:,|and|&)\s*" + _NAME + r")*" + _ROLE + r"(?:\s*[|\u2022\u00b7\-\u2013\u2014]\s*.{0,60})?\.?$"
)
_DATE_WORDS = (
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?(?:\d{1,2}\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
    r"|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d+\s+(?:minutes?|hours?|days?|weeks?)\s+ago|yesterday|today"
)
_DATELINE = re.compile(
    r"^(?:(?:first\s+)?published|posted|updated|last\s+(?:updated|modified|reviewed)|originally\s+published|date)"
    r"(?:\s+(?:on|at))?\s*:?\s*(?:" + _DATE_WORDS + r")[\w\s,:.|/\u2022\u00b7-]{0,40}$",
    re.I,
)
_BARE_DATE = re.compile(
    r"^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?(?:\d{1,2}\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
    r"(?:\s+\d{1,2}(?:st|nd|rd|th)?)?,?\s+\d{4}(?:,?\s+\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?(?:\s+[A-Z]{2,4})?)?$"
    r"|^\d{4}-\d{2}-\d{2}$",
    re.I,
)
_READING_TIME = re.compile(r"^(?:\d+|one|two|three|four|five|ten)\s*(?:-\s*)?min(?:ute)?s?\.?\s+read\.?$", re.I)
_CREDIT = re.compile(
    r"^(?:(?:photo(?:graph)?s?|image|picture|illustration)\s*(?:by\b|credit\b|courtesy\b|:)"
    r"|(?:credits?|photo\s+credit|image\s+credit|source)\s*:).{0,100}$",
    re.I,
)
_CREDIT_ONLY = re.compile(r"^(?:getty\s+images|reuters|afp|ap\s+photo|shutterstock|istock)(?:\s*/\s*.{0,40})?\.?$", re.I)
_SHARE_WORDS = (
    r"share|share\s+(?:this|on|via|to)(?:\s+(?:article|post|story|page))?|tweet|post|pin(?:\s+it)?|email|e-mail|print"
    r"|copy\s+link|copy|save|whatsapp|facebook|twitter|x|linkedin|reddit|telegram|pinterest|messenger|mastodon"
    r"|bluesky|threads|flipboard|pocket|comments?|\d+\s+comments?|like|follow|subscribe"
)
_SHARE_BAR = re.compile(
    r"^(?:(?:" + _SHARE_WORDS + r")(?:\s+(?:on|via|to)\s+(?:" + _SHARE_WORDS + r"))?\s*[|,\u00b7\u2022/:]?\s*)+$",
    re.I,
)
_FURNITURE = re.compile(
    r"^(?:advertisement|sponsored(?:\s+content)?|skip\s+to\s+(?:main\s+)?content|back\s+to\s+top|scroll\s+to\s+top"
    r"|(?:we|this\s+(?:site|website))\s+uses?\s+cookies\b.{0,200}|accept(?:\s+all)?(?:\s+cookies)?|reject\s+all"
    r"|cookie\s+(?:settings|preferences|policy)|manage\s+(?:cookies|preferences)|all\s+rights\s+reserved\.?"
    r"|(?:©|\(c\)|copyright)\s*(?:©\s*)?\d{4}.{0,80}|tags?:\s.{0,120}|filed\s+under:?\s.{0,120}|topics?:\s.{0,120})$",
    re.I,
)
_MARKUP_NOISE = re.compile(r"^[\s*_#>|\-=~`.·•]+|[\s*_#>|\-=~`·•]+$")


def _plain(text: str) -> str:
    return _MARKUP_NOISE.sub("", " ".join(text.split()))


def _words(text: str) -> int:
    return len(text.split())


def is_link_stub(sentence: str) -> bool:
    """A dangling link text: "More on US-Ukraine relations.", "Read more on X.", "See also: ..."."""
    text = _plain(sentence)
    return _words(text) <= _MAX_STUB_WORDS and bool(_LINK_STUB.match(text))


def is_call_to_action(sentence: str) -> bool:
    """An appeal to the reader: "Share your opinion in the comments!", "Don't forget to follow the blog"."""
    text = _plain(sentence).replace("\u2019", "'")
    if _words(text) > 30:
        return False
    return bool(_CTA_START.match(text)) and bool(_CTA_TARGET.search(text))


def is_reader_question(sentence: str) -> bool:
    """"What do you think about this?": dropped only when an appeal follows it."""
    return bool(_READER_QUESTION.match(_plain(sentence).replace("\u2019", "'")))


def is_page_furniture(block_text: str, author: str | None = None, *, list_item: bool = False) -> bool:
    """A whole block that is not article text: byline, date line, photo credit, share bar, cookie notice.

    For a list item only share buttons and page furniture count: a list of
    dates or names may well be content.
    """
    text = _plain(block_text).replace("\u2019", "'")
    if not text:
        return True
    if _words(text) > 40:
        return False
    if list_item:
        return bool(_SHARE_BAR.match(text) or _FURNITURE.match(text))
    if author and text.casefold().removeprefix("by ").strip(" .") == author.casefold().strip(" ."):
        return True
    return any(
        pattern.match(text)
        for pattern in (_BYLINE, _DATELINE, _BARE_DATE, _READING_TIME, _CREDIT, _CREDIT_ONLY, _SHARE_BAR, _FURNITURE)
    )


def drop_non_content(sentences: Iterable[str]) -> list[str]:
    """The sentences of one block without link stubs and calls to action.

    A question put to the reader ("What do you think?") goes only when the
    appeal that follows it goes too; on its own it may be a real question.
    """
    sentences = list(sentences)
    dropped = [is_link_stub(s) or is_call_to_action(s) for s in sentences]
    for i in range(len(sentences) - 1, -1, -1):
        if not dropped[i] and is_reader_question(sentences[i]) and i + 1 < len(sentences) and dropped[i + 1]:
            dropped[i] = True
    for sentence, drop in zip(sentences, dropped):
        if drop:
            log.debug("dropped non-content sentence: %s", sentence)
    return [s for s, drop in zip(sentences, dropped) if not drop]
