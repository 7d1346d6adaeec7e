"""Pronunciation lexicon: how to say names and words the voice gets wrong.

A lexicon is a TOML file with a ``[words]`` table::

    [words]
    "Kyiv" = "Keev"                                   # a spelling the voice says right
    "Zelenskyy" = { say = "Zelensky" }
    "Nguyen" = { say = "Win", phonemes = "wˈɪn" }     # espeak/IPA phonemes for engines that take them
    "US" = { say = "United States", match_case = true }

Spellings go into the script's spoken text. Phonemes never do: an engine that
accepts them (Piper takes ``[[ phonemes ]]`` inline) calls :func:`apply_phonemes`
with :meth:`Lexicon.phonemes` just before synthesis, so the script stays plain
words. Matching is whole-word and ignores case unless ``match_case`` is set.
Several files merge in order, later entries replacing earlier ones: the show's
lexicon first, then the voice's ``voices/<voice>.lexicon.toml``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from ..errors import ConfigError

_FORBIDDEN_IN_SAY = re.compile(r"[\d*_#`<>\[\]|{}\\]")
# Private-use characters stand in for protected words while the rest is normalized:
# no normalization rule matches them, and they cannot occur in real text we keep.
_PLACEHOLDER_BASE = 0xF0000


@dataclass(frozen=True)
class Entry:
    """One lexicon word: what to say instead, and optionally its phonemes."""

    word: str
    say: str | None = None
    phonemes: str | None = None
    match_case: bool = False

    @property
    def spoken(self) -> str:
        return self.say if self.say is not None else self.word

    def to_toml_value(self) -> str | dict[str, Any]:
        if self.phonemes is None and not self.match_case and self.say is not None:
            return self.say
        value: dict[str, Any] = {}
        if self.say is not None:
            value["say"] = self.say
        if self.phonemes is not None:
            value["phonemes"] = self.phonemes
        if self.match_case:
            value["match_case"] = True
        return value


def _entry(word: str, value: Any, where: str) -> Entry:
    """One ``[words]`` item, checked: ``"Kyiv" = "Keev"`` or ``"Kyiv" = { say = ..., phonemes = ... }``."""
    word = " ".join(word.split())
    if not word:
        raise ConfigError(f"{where}: empty word in [words]")
    if isinstance(value, str):
        entry = Entry(word, say=value)
    elif isinstance(value, Mapping):
        unknown = set(value) - {"say", "phonemes", "match_case"}
        if unknown:
            raise ConfigError(f"{where}: unknown key {sorted(unknown)[0]!r} for {word!r}; use say, phonemes, match_case")
        say, phonemes = value.get("say"), value.get("phonemes")
        if not all(v is None or isinstance(v, str) for v in (say, phonemes)):
            raise ConfigError(f"{where}: say and phonemes for {word!r} must be strings")
        entry = Entry(word, say=say, phonemes=phonemes, match_case=bool(value.get("match_case", False)))
    else:
        raise ConfigError(f"{where}: {word!r} must map to a spelling or a table with say/phonemes")
    if entry.say is not None and (not entry.say.strip() or _FORBIDDEN_IN_SAY.search(entry.say)):
        raise ConfigError(f"{where}: say for {word!r} must be plain words (no digits or markup): {entry.say!r}")
    if entry.phonemes is not None and ("[" in entry.phonemes or "]" in entry.phonemes):
        raise ConfigError(f"{where}: phonemes for {word!r} must not contain brackets")
    return entry


def _word_pattern(words: Iterable[str], flags: int) -> re.Pattern | None:
    ordered = sorted(set(words), key=len, reverse=True)
    if not ordered:
        return None
    alternatives = "|".join(r"\s+".join(re.escape(part) for part in w.split()) for w in ordered)
    return re.compile(r"(?<![\w])(?:" + alternatives + r")(?![\w])", flags)


class Lexicon:
    """Word -> spelling (and phonemes) entries, merged from one or more TOML files."""

    def __init__(self, entries: Iterable[Entry] = ()):
        self._entries: dict[tuple[bool, str], Entry] = {}
        for entry in entries:
            self._entries[self._key(entry)] = entry
        self._compiled: tuple[re.Pattern | None, re.Pattern | None] | None = None

    @staticmethod
    def _key(entry: Entry) -> tuple[bool, str]:
        return (True, entry.word) if entry.match_case else (False, entry.word.casefold())

    # ------------------------------------------------------------ loading

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str = "lexicon") -> Lexicon:
        """From the parsed TOML document (with a ``words`` table) or the ``words`` table itself."""
        words = data.get("words", data) if isinstance(data, Mapping) else None
        if not isinstance(words, Mapping):
            raise ConfigError(f"{where}: expected a [words] table")
        return cls(_entry(str(word), value, where) for word, value in words.items())

    @classmethod
    def load(cls, paths: str | Path | Iterable[str | Path]) -> Lexicon:
        """Read one lexicon file, or merge several in order: a later file's entry replaces
        an earlier one's for the same word. A missing or invalid file is a ConfigError."""
        if isinstance(paths, (str, Path)):
            return cls._load_file(Path(paths))
        merged = cls()
        for path in paths:
            merged = merged.merged(cls._load_file(Path(path)))
        return merged

    @classmethod
    def _load_file(cls, path: Path) -> Lexicon:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"lexicon file not found: {path}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read lexicon {path}: {exc}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from None
        if "words" not in data:
            raise ConfigError(f"{path}: expected a [words] table")
        return cls.from_dict(data, where=str(path))

    def merged(self, other: Lexicon) -> Lexicon:
        """A new lexicon with ``other``'s entries replacing this one's for the same word."""
        entries = {self._key(e): e for e in self._entries.values()}
        for entry in other._entries.values():
            if not entry.match_case:  # a case-insensitive entry also replaces exact-case ones
                for key in [k for k, e in entries.items() if e.word.casefold() == entry.word.casefold()]:
                    del entries[key]
            entries[self._key(entry)] = entry
        return Lexicon(entries.values())

    def to_dict(self) -> dict[str, Any]:
        """The TOML document shape: ``{"words": {...}}``."""
        return {"words": {e.word: e.to_toml_value() for e in self._entries.values()}}

    # ------------------------------------------------------------ use

    def __len__(self) -> int:
        return len(self._entries)

    def __bool__(self) -> bool:
        return bool(self._entries)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Lexicon) and self._entries == other._entries

    def __repr__(self) -> str:
        return f"Lexicon({len(self)} words)"

    @property
    def entries(self) -> list[Entry]:
        return list(self._entries.values())

    def lookup(self, word: str) -> Entry | None:
        """The entry that matches ``word`` as written, if any."""
        key = " ".join(word.split())
        return self._entries.get((True, key)) or self._entries.get((False, key.casefold()))

    def _patterns(self) -> tuple[re.Pattern | None, re.Pattern | None]:
        if self._compiled is None:
            exact = [e.word for e in self._entries.values() if e.match_case]
            loose = [e.word for e in self._entries.values() if not e.match_case]
            self._compiled = (_word_pattern(exact, 0), _word_pattern(loose, re.I))
        return self._compiled

    def _find(self, matched: str) -> Entry:
        entry = self.lookup(matched)
        assert entry is not None, matched
        return entry

    def protect(self, text: str) -> tuple[str, list[str]]:
        """Replace lexicon words with placeholders that normalization leaves alone.

        Returns the text and the spellings to put back with :meth:`restore`.
        """
        if not self._entries:
            return text, []
        spoken: list[str] = []

        def hold(match: re.Match) -> str:
            spoken.append(self._find(match.group()).spoken)
            return chr(_PLACEHOLDER_BASE + len(spoken) - 1)

        for pattern in self._patterns():
            if pattern is not None:
                text = pattern.sub(hold, text)
        return text, spoken

    @staticmethod
    def restore(text: str, spoken: list[str]) -> str:
        """Put the lexicon spellings back in place of the placeholders from :meth:`protect`."""
        if not spoken:
            return text
        return re.sub(
            "[\U000f0000-\U000ffffd]",
            lambda m: spoken[ord(m.group()) - _PLACEHOLDER_BASE] if ord(m.group()) - _PLACEHOLDER_BASE < len(spoken) else "",
            text,
        )

    def apply_spelling(self, text: str) -> str:
        """Replace every lexicon word in ``text`` with its spelling."""
        protected, spoken = self.protect(text)
        return self.restore(protected, spoken)

    def phonemes(self) -> dict[str, str]:
        """Spoken word -> phonemes, for :func:`apply_phonemes`.

        Keys are the words as they appear in the script's spoken text (the
        ``say`` spelling when there is one); a key in lower case matches any
        case, a key with capitals matches only that spelling.
        """
        mapping: dict[str, str] = {}
        for entry in self._entries.values():
            if entry.phonemes:
                mapping[entry.spoken if entry.match_case else entry.spoken.lower()] = entry.phonemes
        return mapping


def apply_phonemes(text: str, mapping: Mapping[str, str]) -> str:
    """Replace whole words with Piper's inline phoneme syntax ``[[ phonemes ]]``.

    Called by an engine just before synthesis, never on the script itself. A
    key in lower case matches any case; a key with capitals only that spelling.
    """
    if not mapping or not text:
        return text
    exact = {" ".join(k.split()): v for k, v in mapping.items() if not k.islower()}
    loose = {" ".join(k.split()).casefold(): v for k, v in mapping.items() if k.islower()}

    def exact_sub(match: re.Match) -> str:
        return f"[[ {exact[' '.join(match.group().split())]} ]]"

    def loose_sub(match: re.Match) -> str:
        return f"[[ {loose[' '.join(match.group().split()).casefold()]} ]]"

    for words, flags, replace in ((exact, 0, exact_sub), (loose, re.I, loose_sub)):
        pattern = _word_pattern(words, flags)
        if pattern is not None:
            text = pattern.sub(replace, text)
    return text


def lexicon_files(show_lexicon: str | Path | None, voice: str | None, voices_dir: str | Path = "voices",
                  base_dir: str | Path = ".") -> list[Path]:
    """The lexicon files that apply, in merge order: the show's file, then ``<voices_dir>/<voice>.lexicon.toml``.

    The show's file is returned even when missing (so loading reports it); the
    voice's file only when it exists, since most voices have none.
    """
    files: list[Path] = []
    base = Path(base_dir)
    if show_lexicon:
        path = Path(show_lexicon).expanduser()
        files.append(path if path.is_absolute() else base / path)
    if voice:
        folder = Path(voices_dir)
        folder = folder if folder.is_absolute() else base / folder
        candidate = folder / f"{voice}.lexicon.toml"
        if candidate.exists():
            files.append(candidate)
    return files
