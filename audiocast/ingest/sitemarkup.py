"""Markup that static-site generators add to Markdown, removed before it is parsed.

Posts written for Hugo, Jekyll, Eleventy, Docusaurus or MDX carry template and
component syntax that Markdown itself would print as text (and a voice would
read aloud): Hugo shortcodes, Liquid tags and output, kramdown and Pandoc
attribute lists, MDX comments, imports and JSX components, Docusaurus
admonition fences and HTML comments. Each rule here is a small ``str -> str``
function; :func:`strip_site_markup` applies them outside fenced code blocks.

Known figure shortcodes become an HTML ``<figure>`` (so the caption is read as
any HTML caption is) and known quote shortcodes become block quotes; code
shortcodes (``highlight``) become fenced code; comment tags go with their
content; every other tag is dropped and the prose between a paired tag's
opening and closing (a note, a details box) stays.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

_ATTR = re.compile(r"""([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^\s"'>}%]+))""")

_FIGURE_NAMES = re.compile(r"^(?:figure|fig|img|image|picture|gallery-image)(?:\.html)?$|figure", re.I)
_QUOTE_NAMES = re.compile(r"^(?:quote|blockquote|pullquote|epigraph|cite-quote)$", re.I)
_CODE_NAMES = re.compile(r"^(?:highlight|code|codeblock|syntax)$", re.I)
_COMMENT_NAMES = re.compile(r"^comment$", re.I)
_INCLUDES = {"include", "include_relative", "render", "partial", "include_cached"}

# Hugo: {{< name args >}} / {{% name args %}} and their closers {{< /name >}}
_HUGO_TAG = re.compile(r"\{\{([<%])-?\s*(/?)\s*([\w./-]+)((?:[^{}]|\{[^{}]*\})*?)-?\s*[>%]\}\}", re.S)
# Liquid: {% name args %} (with whitespace control {%- -%})
_LIQUID_TAG = re.compile(r"\{%-?\s*(end)?([\w./-]+)(.*?)-?%\}", re.S)
_LIQUID_OUTPUT = re.compile(r"\{\{-?(?![<%])(?:[^{}]|\{[^{}]*\})*?-?\}\}", re.S)
_MDX_COMMENT = re.compile(r"\{/\*.*?\*/\}", re.S)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_ATTR_ITEM = r"""(?:[#.][\w:-]+|[\w:-]+=(?:"[^"\n]*"|'[^'\n]*'|[^\s"'}]+))"""
_ATTRIBUTE_LIST = re.compile(r"\{:?[ \t]*" + _ATTR_ITEM + r"(?:[ \t]+" + _ATTR_ITEM + r")*[ \t]*\}")
_KRAMDOWN_TOC = re.compile(r"^[ \t]*(?:[*+-]|1\.)[ \t]+[^\n]*\n[ \t]*\{:[ \t]*toc[ \t]*\}[ \t]*$", re.M)
_KRAMDOWN_EXTENSION = re.compile(r"\{::(\w+)[^}]*/?\}(?:.*?\{:/\1?\})?|\{:[\w-]*\}", re.S)
_MDX_IMPORT = re.compile(r"""^(?:import\s+(?:[\w*{}\s,]+\s+from\s+)?['"][^'"\n]+['"];?|export\s+(?:const|let|var|function|default)\b[^\n]*)[ \t]*$""", re.M)  # fmt: skip
_JSX_ATTRS = r"""(?:\s+[\w:.-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|\{(?:[^{}]|\{[^{}]*\})*\}))?|\s*\{\.\.\.[^{}]*\})*\s*"""
_JSX_SELF_CLOSING = re.compile(r"<[A-Z][\w.]*" + _JSX_ATTRS + r"/>", re.S)
_JSX_OPEN_OR_CLOSE = re.compile(r"</?[A-Z][\w.]*" + _JSX_ATTRS + r">", re.S)
_ADMONITION_FENCE = re.compile(r"^[ \t]*:{3,}[ \t]*(?:[\w-]+)?(?:\[([^\]\n]*)\]|[ \t]+([^\n{]*))?[^\n]*$", re.M)
_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")


def strip_site_markup(markdown: str) -> str:
    """The Markdown with site-generator markup replaced or removed (code fences untouched)."""
    parts: list[str] = []
    prose: list[str] = []
    fence: str | None = None
    for line in markdown.splitlines(keepends=True):
        opener = _FENCE.match(line)
        if fence is None and opener:
            parts.append(_clean("".join(prose)))
            prose = []
            fence = opener.group(1)
            parts.append(line)
        elif fence is not None:
            parts.append(line)
            if line.strip().startswith(fence[0] * len(fence)) and not line.strip().strip(fence[0]):
                fence = None
        else:
            prose.append(line)
    parts.append(_clean("".join(prose)))
    return "".join(parts)


def _clean(text: str) -> str:
    for rule in RULES:
        text = rule(text)
    return text


# --------------------------------------------------------------------------- rules


def drop_html_comments(text: str) -> str:
    """``<!-- more -->`` and other HTML comments."""
    return _HTML_COMMENT.sub("", text)


def drop_mdx_comments(text: str) -> str:
    """MDX comments such as the ``{/* anchor */}`` some sites put after headings."""
    return _MDX_COMMENT.sub("", text)


def drop_mdx_imports(text: str) -> str:
    """One-line MDX ``import ... from '...'`` and ``export const ...`` statements."""
    return _MDX_IMPORT.sub("", text)


def replace_hugo_shortcodes(text: str) -> str:
    """Hugo shortcodes: figures and quotes kept as such, code fenced, the rest dropped."""
    return _replace_tags(text, _HUGO_TAG, lambda m: (m.group(2) == "/", m.group(3), m.group(4)))


def replace_liquid_tags(text: str) -> str:
    """Liquid ``{% tag %}`` blocks (Jekyll, Eleventy): as for Hugo shortcodes."""
    text = _replace_tags(
        text, _LIQUID_TAG, lambda m: (bool(m.group(1)), m.group(2), m.group(3))
    )
    return text


def drop_liquid_output(text: str) -> str:
    """Liquid and Hugo template output such as ``{{ site.url }}`` or ``{{ .Title }}``."""
    return _LIQUID_OUTPUT.sub("", text)


def drop_attribute_lists(text: str) -> str:
    """kramdown and Pandoc attribute lists: ``{: .note}``, ``{#id .class}``, ``{title="x"}``."""
    text = _KRAMDOWN_TOC.sub("", text)  # "* TOC" + "{:toc}": the generated table of contents
    text = _KRAMDOWN_EXTENSION.sub("", text)
    text = _ATTRIBUTE_LIST.sub("", text)
    return re.sub(r"[ \t]+$", "", text, flags=re.M)


def unwrap_jsx_components(text: str) -> str:
    """MDX/JSX components: ``<Intro>`` tags go, the prose inside them stays."""
    text = _JSX_SELF_CLOSING.sub("", text)
    return _JSX_OPEN_OR_CLOSE.sub("", text)


def drop_admonition_fences(text: str) -> str:
    """Docusaurus/VuePress ``:::note Title`` fences: the markers go, a title stays as text."""

    def title(match: re.Match[str]) -> str:
        named = (match.group(1) or match.group(2) or "").strip()
        return f"\n{named}\n" if named else ""

    return _ADMONITION_FENCE.sub(title, text)


RULES: list[Callable[[str], str]] = [
    drop_html_comments,
    drop_mdx_comments,
    drop_mdx_imports,
    replace_hugo_shortcodes,
    replace_liquid_tags,
    drop_liquid_output,
    drop_attribute_lists,
    unwrap_jsx_components,
    drop_admonition_fences,
]


# --------------------------------------------------------------------------- tags


def _replace_tags(text: str, pattern: re.Pattern[str], parts) -> str:
    """Replace template tags found by ``pattern``; ``parts(match)`` is (closing, name, args)."""
    out: list[str] = []
    position = 0
    matches = list(pattern.finditer(text))
    skip_until = -1
    for index, match in enumerate(matches):
        if match.start() < skip_until:
            continue
        closing, name, args = parts(match)
        out.append(text[position : match.start()])
        position = match.end()
        if closing:
            continue  # a closer whose opener kept its content: the content stays, the tag goes
        if name.lower() == "raw":
            continue
        paired = _closer(matches, index, name, parts)
        inner = text[match.end() : paired.start()] if paired else ""
        attrs = _attributes(args)
        if name.lower() in _INCLUDES:  # {% include figure.html caption="..." %}: the partial's name
            name = (args or "").strip().split(" ", 1)[0].strip("'\"") or name
        has_image = any(key in attrs for key in ("src", "image_path", "image", "url"))
        if _FIGURE_NAMES.search(name) or ("caption" in attrs and has_image):
            out.append(_figure(attrs, inner))
        elif _QUOTE_NAMES.match(name) and (paired or attrs.get("quote") or attrs.get("text")):
            out.append(_quote(inner or attrs.get("quote") or attrs.get("text") or ""))
        elif _CODE_NAMES.match(name) and paired:
            out.append(f"\n```\n{inner.strip(chr(10))}\n```\n")
        elif _COMMENT_NAMES.match(name) and paired:
            pass
        else:
            continue  # unknown: the tag goes; a paired tag's content stays
        if paired:
            position = paired.end()
            skip_until = paired.end()
    out.append(text[position:])
    return "".join(out)


def _closer(matches, index: int, name: str, parts):
    """The matching closing tag of the opener at ``index``, if the tag is paired."""
    depth = 0
    for match in matches[index + 1 :]:
        closing, other, _ = parts(match)
        if other != name:
            continue
        if not closing:
            depth += 1
        elif depth:
            depth -= 1
        else:
            return match
    return None


def _attributes(args: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for match in _ATTR.finditer(args or ""):
        value = match.group(2) if match.group(2) is not None else match.group(3) or match.group(4)
        found[match.group(1).lower()] = (value or "").replace('\\"', '"')
    return found


def _figure(attrs: dict[str, str], inner: str) -> str:
    """A figure as HTML: the image with its alt text, and the caption read as a caption."""
    src = attrs.get("src") or attrs.get("image_path") or attrs.get("image") or attrs.get("url") or ""
    alt = attrs.get("alt") or ""
    caption = attrs.get("caption") or attrs.get("title") or _plain_inline(inner)
    caption = _plain_inline(caption)
    figure = f'<figure><img src="{html.escape(src)}" alt="{html.escape(_plain_inline(alt))}">'
    if caption:
        figure += f"<figcaption>{html.escape(caption)}</figcaption>"
    return f"\n\n{figure}</figure>\n\n"


def _quote(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines()]
    return "\n\n" + "\n".join(f"> {line}" if line else ">" for line in lines) + "\n\n"


def _plain_inline(text: str) -> str:
    """Caption text without Markdown emphasis or link markup."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[*_`]+", "", text)
    text = re.sub(r"<[^>]+>", "", text)
    return " ".join(text.split())
