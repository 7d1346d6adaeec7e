"""E-mail (.eml, or a message on stdin) -> Article: a newsletter without its chrome.

The stdlib email package finds the HTML part (else the plain text part); the
subject is the title, the sender the author, the Date header the date. Before
the HTML ingest reads the body, newsletter chrome is removed by general rules
rather than by any one sender's wording:

- hidden preheader text and tracking pixels (tiny, hidden or zero-sized images);
- layout tables (the way e-mail is laid out) are unwrapped into plain blocks,
  so only tables of data are read as tables;
- short blocks whose text is mostly a mailing-list action: view in the browser,
  unsubscribe, manage preferences, forward to a friend, "you are receiving this";
- short blocks that are a postal address, a copyright line, or a row of links
  (social buttons, footer menus).
"""

from __future__ import annotations

import email
import email.policy
import re
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime

import lxml.html
from lxml import etree

from ..errors import IngestError
from ..models import Article
from .html import parse_html
from .outline import clean_text

_BLOCKS = ("p", "div", "td", "th", "li", "table", "tr", "span", "center", "section", "footer",
           "header", "font", "h1", "h2", "h3", "h4", "h5", "h6", "small", "blockquote")  # fmt: skip
# Mailing-list actions: in a link, or as (nearly) all of a block, they are chrome.
_ACTIONS = re.compile(
    r"view (?:this|the|it|our)?\s*(?:e-?mail|message|newsletter|issue)?\s*(?:in|on) (?:a |your )?"
    r"(?:web )?browser|view (?:it |this )?(?:online|on the web|as a web ?page)"
    r"|read (?:it |this )?(?:issue |e-?mail )?online|unsubscribe|opt[ -]out"
    r"|update (?:your )?(?:e-?mail )?(?:preferences|profile|subscription)"
    r"|manage (?:your )?(?:e-?mail )?(?:preferences|subscriptions?|profile)"
    r"|(?:forward|share) (?:this|it)? ?(?:e-?mail|newsletter|issue)? ?(?:to|with) a (?:friend|colleague)"
    r"|privacy policy|add us to your address book|sign up (?:here )?for (?:this|our) newsletter",
    re.I,
)
# Sentences only the footer of a mailing says: chrome in any short block.
_LIST_NOTICES = re.compile(
    r"having trouble (?:reading|viewing)|(?:can't|cannot|can not) see (?:this|the images)"
    r"|you (?:are receiving|received|get|got) this (?:e-?mail|message|newsletter)"
    r"|(?:was|were) (?:this|you) forwarded|forwarded (?:to you|this)|why did i get this"
    r"|no longer wish to receive|this (?:e-?mail|message) was sent (?:to|by)|our mailing address",
    re.I,
)
_POSTAL = re.compile(
    r"\b\d{1,5}[A-Za-z]?,? (?:[A-Z][\w'-]*\.? ){1,4}(?:street|st|road|rd|avenue|ave|lane|ln|way|"
    r"drive|dr|boulevard|blvd|court|ct|place|pl|square|sq|suite|ste|floor|fl|gasse|straße|strasse|"
    r"weg|platz|rue|via|calle)\b\.?"
    r"|\b(?:p\.?\s?o\.?\s?box|postfach|boîte postale)\s*\d+"
    r"|\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b"  # UK postcode
    r"|\b[A-Z]{2} \d{5}(?:-\d{4})?\b"  # US state + ZIP
    r"|\b\d{4,5} [A-Z][a-zäöüé]+(?:,|\b)",  # continental postcode + town
    re.I,
)
_COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright)\s|all rights reserved", re.I)
_HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|max-height\s*:\s*0(?:px)?\b|font-size\s*:\s*0(?:px)?\b"
    r"|opacity\s*:\s*0(?:\.0+)?\b|mso-hide\s*:\s*all",
    re.I,
)
_CHROME_LIMIT = 400  # characters: a block longer than this is content, whatever it mentions


def parse_email(raw: str | bytes, source: str = "") -> Article:
    """Read an e-mail message; its HTML (or text) part is read as an article."""
    policy = email.policy.default
    message = (
        email.message_from_bytes(raw, policy=policy)
        if isinstance(raw, bytes)
        else email.message_from_string(raw, policy=policy)
    )
    assert isinstance(message, EmailMessage)
    name = source or "the message"
    body = message.get_body(preferencelist=("html", "plain"))
    if body is None:
        raise IngestError(f"{name} has no text or HTML part to read")
    try:
        content = body.get_content()
    except (LookupError, ValueError) as exc:
        raise IngestError(f"cannot decode {name}: {exc}") from None
    if body.get_content_subtype() == "html":
        html = remove_newsletter_chrome(content, sender=_sender(message))
    else:
        html = _text_as_html(content)
    article = parse_html(html, source=source)
    subject = clean_text(str(message.get("subject") or ""))
    if subject:
        article.title = subject
        _drop_repeated_headline(article, subject)
    article.author = _sender(message) or article.author
    article.date = _date(message.get("date")) or article.date
    return article


def _sender(message: EmailMessage) -> str | None:
    for name, address in getaddresses([str(message.get("from") or "")]):
        name = clean_text(name)
        if name:
            return name
        if address:
            return address.split("@", 1)[0]
    return None


def _date(value):
    if not value:
        return None
    try:
        return parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        return None


# --------------------------------------------------------------------------- chrome


def _drop_repeated_headline(article: Article, subject: str) -> None:
    """Newsletters repeat part of the subject as their first line; it is read once, as the title."""
    if not article.sections or not article.sections[0].blocks:
        return
    first = article.sections[0].blocks[0]
    if first.kind == "paragraph" and len(first.text) < 120 and (
        clean_text(first.text).rstrip(".").casefold() in subject.casefold()
    ):
        del article.sections[0].blocks[0]


def remove_newsletter_chrome(html: str, sender: str | None = None) -> str:
    """The newsletter's HTML without preheaders, pixels, logos, layout tables and footer chrome.

    The content left is wrapped in ``<article>`` (when the message has none) so the
    HTML extractor reads all of it as the article.
    """
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True)
    try:
        tree = lxml.html.document_fromstring(html, parser=parser)
    except (etree.ParserError, ValueError):
        return html
    for node in tree.xpath("//*[@style]"):
        if _HIDDEN_STYLE.search(node.get("style") or "") and node.getparent() is not None:
            node.drop_tree()
    for img in tree.xpath("//img"):
        if _is_tracking_pixel(img) or _is_logo(img, sender):
            img.drop_tree()
    for table in reversed(tree.xpath("//table")):
        if _is_layout_table(table):
            _unwrap_table(table)
    # judge the innermost blocks, so one footer line never takes the article with it
    for node in list(tree.iter(*_BLOCKS)):
        if node.getparent() is None or not _still_attached(node, tree):
            continue
        if not any(child.tag in _BLOCKS for child in node.iterdescendants()) and _is_chrome(node):
            node.drop_tree()
    for node in reversed(list(tree.iter(*_BLOCKS))):  # containers the chrome leaves empty
        if node.getparent() is not None and _still_attached(node, tree):
            if not clean_text(node.text_content()) and not node.xpath(".//img"):
                node.drop_tree()
    body = tree.find(".//body")
    if body is not None and not tree.xpath("//article | //main | //*[@role='main']"):
        article = lxml.html.Element("article")
        article.text, body.text = body.text, None
        for child in list(body):
            article.append(child)
        body.append(article)
    return lxml.html.tostring(tree, encoding="unicode")


def _is_logo(img, sender: str | None) -> bool:
    """The sender's logo: an image named or described as a logo, or described by the sender's name."""
    alt = clean_text(img.get("alt") or "")
    described = " ".join((img.get("src") or "", img.get("class") or "", img.get("id") or "", alt))
    if re.search(r"logo|masthead|wordmark", described, re.I):
        return True
    return bool(sender and alt and alt.casefold() == sender.casefold())


def _still_attached(node, tree) -> bool:
    return node.getroottree().getroot() is tree.getroottree().getroot()


def _is_tracking_pixel(img) -> bool:
    for attribute in ("width", "height"):
        value = (img.get(attribute) or "").strip().rstrip("px")
        if value.isdigit() and int(value) <= 3:
            return True
    style = img.get("style") or ""
    if re.search(r"(?:width|height)\s*:\s*[0-3](?:px)?\b", style, re.I):
        return True
    return bool(re.search(r"(?:open|track|pixel|beacon)\w*\.(?:gif|png)\b|/o(?:pen)?\?", img.get("src") or "", re.I)) and not (img.get("alt") or "").strip()  # fmt: skip


def _is_layout_table(table) -> bool:
    """A table that lays the message out, rather than one holding data in rows and columns."""
    if (table.get("role") or "").lower() in ("presentation", "none"):
        return True
    if table.xpath(".//table"):
        return True
    rows = table.xpath("./tr | ./tbody/tr | ./thead/tr")
    widest = max((len(row.xpath("./td | ./th")) for row in rows), default=0)
    if widest <= 1:
        return True
    return bool(table.xpath(".//td//p | .//td//h1 | .//td//h2 | .//td//h3 | .//td//img | .//td//div"))


def _unwrap_table(table) -> None:
    """Turn a layout table into divs, one per cell, so its text reads as ordinary blocks."""
    for cell in table.xpath(".//td | .//th"):
        if next(cell.iterancestors("table"), None) is table:
            cell.tag = "div"
    for part in table.xpath(".//tr | .//tbody | .//thead | .//tfoot"):
        if next(part.iterancestors("table"), None) is table:
            part.drop_tag()
    table.tag = "div"


def _is_chrome(node) -> bool:
    text = clean_text(node.text_content())
    if not text:
        return not node.xpath(".//img")
    if len(text) > _CHROME_LIMIT:
        return False
    if _COPYRIGHT.search(text):
        return True
    if _LIST_NOTICES.search(text):
        return True
    if _ACTIONS.search(text) and (
        len(text) < 60 or any(_ACTIONS.search(a.text_content()) for a in node.xpath(".//a"))
    ):
        return True
    if _POSTAL.search(text) and len(text) < 200 and not re.search(r"[.!?]\s+[A-Z]", text[:-1]):
        return True
    return _is_link_row(node, text)


def _is_link_row(node, text: str) -> bool:
    """A row of short links (social buttons, a footer menu) with hardly any other text."""
    links = node.xpath(".//a")
    if len(links) < 2:
        return False
    linked = sum(len(clean_text(a.text_content())) for a in links)
    return linked >= 0.7 * len(re.sub(r"[\s|·•/-]+", "", text)) and len(text) < 200


def _text_as_html(text: str) -> str:
    """A plain text newsletter as HTML paragraphs, its chrome lines and signature removed."""
    import html as html_escape

    text = re.split(r"^-- ?$", text, maxsplit=1, flags=re.M)[0]  # the signature separator
    paragraphs = []
    for paragraph in re.split(r"\n\s*\n", text):
        line = clean_text(paragraph)
        if not line:
            continue
        if len(line) <= _CHROME_LIMIT and (
            _LIST_NOTICES.search(line) or _COPYRIGHT.search(line)
            or (_ACTIONS.search(line) and (len(line) < 60 or re.search(r"https?://", line)))
        ):
            continue
        line = re.sub(r"<?https?://\S+>?", "", line).strip()
        if line:
            paragraphs.append(f"<p>{html_escape.escape(line)}</p>")
    return "<html><body><article>" + "".join(paragraphs) + "</article></body></html>"
