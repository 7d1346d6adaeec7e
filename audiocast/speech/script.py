"""Article -> Script: what a narrator would say, segment by segment, in reading order."""

from __future__ import annotations

import logging
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from itertools import zip_longest
from pathlib import Path
from typing import Any, Literal

from ..errors import ConfigError
from ..models import Article, Block, PauseKind, Script, ScriptSection, Segment
from .cleanup import drop_non_content, is_page_furniture
from .lexicon import Lexicon, lexicon_files
from .languages import spoken_words
from .normalize import normalize, tidy_written
from .sentences import split_sentences

log = logging.getLogger(__name__)

DEFAULT_INTRO = "{title}."
_PLACEHOLDERS = ("title", "show", "author")


@dataclass
class ScriptOptions:
    """How an article becomes a script. Serializable, so it travels to worker processes."""

    language: str = "en"
    #: Spoken before the article; placeholders {title}, {show}, {author}.
    intro_template: str = DEFAULT_INTRO
    #: Spoken after the article, if not empty; same placeholders.
    outro_template: str = ""
    show: str = ""
    #: Used for {author} when the article names none.
    author: str = ""
    lexicon: Lexicon | None = None
    #: Extra all-capital words to spell out (added to the built-in list).
    initialisms: list[str] = field(default_factory=list)
    #: Extra all-capital words to say as words (added to the built-in list).
    acronyms: list[str] = field(default_factory=list)
    #: Tables with at most this many data rows and columns are read row by row.
    table_rows_read: int = 4
    table_columns_read: int = 4
    #: "end": footnotes are read after the article in a "Notes" section; "skip": left out.
    footnotes: Literal["end", "skip"] = "end"
    #: Drop link stubs, calls to action, bylines and share buttons.
    drop_non_content: bool = True

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScriptOptions:
        data = dict(data)
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"unknown script option {unknown[0]!r}; known: {', '.join(sorted(known))}")
        lexicon = data.pop("lexicon", None)
        if lexicon is not None and not isinstance(lexicon, Lexicon):
            lexicon = Lexicon.from_dict(lexicon)
        options = cls(lexicon=lexicon, **data)
        options.initialisms = list(options.initialisms)
        options.acronyms = list(options.acronyms)
        if options.footnotes not in ("end", "skip"):
            raise ConfigError(f"footnotes must be 'end' or 'skip', not {options.footnotes!r}")
        return options

    def to_dict(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["lexicon"] = self.lexicon.to_dict() if self.lexicon else None
        data["initialisms"] = list(self.initialisms)
        data["acronyms"] = list(self.acronyms)
        return data

    @classmethod
    def from_config(cls, config: Any, voice: str | None = None) -> ScriptOptions:
        """Options from a :class:`~audiocast.config.ShowConfig`, loading its lexicon files.

        The show's ``production.lexicon`` file comes first, then
        ``voices/<voice>.lexicon.toml`` beside the config file, if present.
        """
        production = config.production
        base = Path(config.path).parent if getattr(config, "path", None) else Path(".")
        files = lexicon_files(production.lexicon, voice or production.voice, base_dir=base)
        lexicon = Lexicon.load(files) if files else None
        return cls(
            language=config.language,
            intro_template=production.intro_template,
            outro_template=production.outro_template,
            show=config.title,
            author=config.author,
            lexicon=lexicon,
        )


def build_script(article: Article, options: ScriptOptions | None = None) -> Script:
    """Turn an article into the script a narrator reads: intro, headings, normalized sentences."""
    return _ScriptBuilder(article, options or ScriptOptions()).build()


def speak(text: str, options: ScriptOptions | None = None) -> str:
    """One written line as build_script would have the engine say it: markup removed,
    lexicon spellings applied, everything else normalized. For trying out a word."""
    options = options or ScriptOptions()
    builder = _ScriptBuilder(Article(title="", sections=[]), options)
    return builder.speak(tidy_written(text))


# ----------------------------------------------------------------- helpers

_FOOTNOTE_STRICT = re.compile(r"^\s*(?:\[\^?(?P<a>[\w-]{1,12})\]:?|\^(?P<b>\d{1,3}))\s+(?P<text>.+)$", re.S)
_BACKLINK = re.compile(r"\s*[\u21a9\u21aa][\ufe0e\ufe0f]?\s*")
_ALNUM = re.compile(r"[\W_]+")
# Alt texts that say nothing: file names and placeholder words.
_USELESS_ALT = re.compile(r"^(?:[\w.-]+\.(?:jpe?g|png|gif|webp|svg|avif)|image|img|photo|picture|figure|graphic|icon|logo|"
                          r"thumbnail|banner|untitled)?$", re.I)
_TERMINAL = re.compile(r"[.!?:;][\"')\]]*$")


def _same_text(a: str, b: str) -> bool:
    return bool(a) and _ALNUM.sub("", a).casefold() == _ALNUM.sub("", b).casefold()


def _fill(template: str, values: dict[str, str], setting: str) -> str | None:
    """The template filled in, or None when it names a placeholder that has no value."""
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as exc:
        raise ConfigError(f"{setting}: {exc}") from None
    unknown = sorted(names - set(_PLACEHOLDERS))
    if unknown:
        raise ConfigError(f"{setting}: unknown placeholder {{{unknown[0]}}}; use {{title}}, {{show}} or {{author}}")
    if any(not values.get(name) for name in names):
        return None
    text = " ".join(template.format(**values).split())
    return re.sub(r"([?!.])\.", r"\1", text)


class _ScriptBuilder:
    def __init__(self, article: Article, options: ScriptOptions):
        self.article = article
        self.options = options
        self.title = tidy_written(article.title)
        self.notes: list[tuple[str, str]] = []
        self.words = spoken_words(options.language)

    # ------------------------------------------------------------ text

    def speak(self, written: str) -> str:
        """The spoken form of written text: lexicon spellings kept, everything else normalized."""
        lexicon = self.options.lexicon
        protected, spellings = lexicon.protect(written) if lexicon else (written, [])
        spoken = normalize(
            protected, self.options.language,
            initialisms=self.options.initialisms, acronyms=self.options.acronyms,
        )
        return Lexicon.restore(spoken, spellings) if spellings else spoken

    def sentences(self, text: str) -> list[str]:
        found = split_sentences(text, self.options.language)
        if self.options.drop_non_content:
            found = drop_non_content(found)
        return [s for s in found if not _same_text(s, self.title)]

    def segments(self, sentences: Iterable[str], last_pause: PauseKind,
                 prefix: str = "", suffix: str = "") -> list[Segment]:
        """One segment per sentence; ``prefix``/``suffix`` are said before the first/after the last."""
        out: list[Segment] = []
        for written in sentences:
            spoken = self.speak(written)
            if spoken:
                if not _TERMINAL.search(spoken) and not spoken.endswith(","):
                    spoken += "."  # list items, captions: end on a falling tone; a comma carries on
                out.append(Segment("sentence", spoken, written, "sentence"))
        if not out:
            return out
        if prefix:
            out[0] = Segment("sentence", f"{prefix} {out[0].spoken}", out[0].written, "sentence")
        if suffix:
            out[-1] = Segment("sentence", f"{out[-1].spoken} {suffix}", out[-1].written, "sentence")
        out[-1] = Segment("sentence", out[-1].spoken, out[-1].written, last_pause)
        return out

    # ------------------------------------------------------------ blocks

    def block_segments(self, blocks: list[Block]) -> list[Segment]:
        out: list[Segment] = []
        i = 0
        while i < len(blocks):
            block = blocks[i]
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            kind = block.kind
            if kind == "code":
                note = self.words.code_omitted
                out.append(Segment("sentence", self.speak(note), note, "paragraph"))
            elif kind == "table":
                out.extend(self.table(block))
            elif kind == "image":
                text = tidy_written(block.text)
                if _USELESS_ALT.match(text):
                    text = ""
                if nxt is not None and nxt.kind == "caption":
                    caption = tidy_written(nxt.text)
                    if caption and not is_page_furniture(caption):
                        text = caption
                    i += 1
                out.extend(self.labelled(text, self.words.image))
            elif kind == "caption":
                text = tidy_written(block.text)
                if not (self.options.drop_non_content and is_page_furniture(text)):
                    out.extend(self.labelled(text, self.words.image))
            else:
                out.extend(self.text_block(block, nxt))
            i += 1
        return out

    def labelled(self, text: str, label: str) -> list[Segment]:
        """Image descriptions: "Image: <alt or caption>." as one or more sentences."""
        if not text:
            return []
        sentences = split_sentences(text, self.options.language)
        return self.segments(sentences, "paragraph", prefix=label)

    def text_block(self, block: Block, nxt: Block | None) -> list[Segment]:
        if block.kind == "paragraph":
            note = _FOOTNOTE_STRICT.match(block.text)
            if note:
                label = note["a"] or note["b"]
                self.notes.append((label, tidy_written(_BACKLINK.sub(" ", note["text"]))))
                return []
        text = tidy_written(block.text)
        if not text or _same_text(text, self.title):
            return []
        if self.options.drop_non_content and is_page_furniture(text, self.article.author, list_item=block.kind == "list_item"):
            log.debug("dropped page furniture: %s", text)
            return []
        sentences = self.sentences(text)
        if block.kind == "list_item":
            pause: PauseKind = "item" if nxt is not None and nxt.kind == "list_item" else "paragraph"
            return self.segments(sentences, pause)
        if block.kind == "quote":
            suffix = self.words.end_quote if len(sentences) > 1 else ""
            return self.segments(sentences, "paragraph", prefix=self.words.quote, suffix=suffix)
        return self.segments(sentences, "paragraph")

    def table(self, block: Block) -> list[Segment]:
        rows = [[tidy_written(c) for c in row] for row in block.rows]
        rows = [row for row in rows if any(row)]
        out: list[Segment] = []
        if not rows:
            return out
        header, body = (rows[0], rows[1:]) if len(rows) > 1 else ([], rows)
        columns = max(len(row) for row in rows)
        words = self.words
        count = words.row_count(len(body))
        small = len(body) <= self.options.table_rows_read and columns <= self.options.table_columns_read
        if not small:
            summary = (words.table_comparing.format(rows=count, columns=words.join(header)) if header
                       else words.table_columns.format(rows=count, columns=columns))
            out.extend(self.segments([summary], "paragraph"))
            return out
        out.extend(self.segments([words.table.format(rows=count)], "sentence"))
        for number, row in enumerate(body, start=1):
            cells = [f"{name}, {value}" if name else value
                     for name, value in zip_longest(header, row, fillvalue="") if value]
            if cells:
                out.extend(self.segments([words.row.format(number=number, cells="; ".join(cells))], "item"))
        if out:
            out[-1] = Segment(out[-1].kind, out[-1].spoken, out[-1].written, "paragraph")
        return out

    # ------------------------------------------------------------ whole script

    def fill(self, template: str, setting: str) -> str | None:
        values = {
            "title": self.title,
            "show": self.options.show,
            "author": self.article.author or self.options.author,
        }
        return _fill(template, values, setting)

    def build(self) -> Script:
        intro = (self.fill(self.options.intro_template, "intro_template")
                 or self.fill(DEFAULT_INTRO, "intro") or self.words.untitled)
        lede = ScriptSection(None, 1, [Segment("title", self.speak(intro), intro, "heading")])
        sections = [lede]
        for section in self.article.walk():
            title = tidy_written(section.title) if section.title else None
            if title and _same_text(title, self.title):
                title = None
            body = self.block_segments(section.blocks)
            if title is None:
                sections[-1].segments.extend(body)
                continue
            level = 1 if section.level <= 1 else 2
            heading = Segment("heading", self.speak(title) or self.words.next_section, title, "heading")
            sections.append(ScriptSection(title, level, [heading, *body]))

        if self.notes and self.options.footnotes == "end":
            title = self.words.notes
            notes = ScriptSection(title, 1, [Segment("heading", title, title, "heading")])
            for label, text in self.notes:
                sentences = split_sentences(text, self.options.language)
                name = self.words.note.format(label=label) if label.isdigit() else self.words.note_unnumbered
                notes.segments.extend(self.segments(sentences, "item", prefix=self.speak(name)))
            sections.append(notes)

        if self.options.outro_template:
            outro = self.fill(self.options.outro_template, "outro_template")
            if outro:
                sections[-1].segments.append(Segment("sentence", self.speak(outro), outro, "paragraph"))

        for section in sections:
            if section.segments and section.segments[-1].kind == "sentence":
                last = section.segments[-1]
                section.segments[-1] = Segment(last.kind, last.spoken, last.written, "paragraph")
        return Script(title=self.title, sections=sections, language=self.options.language)
