"""Show settings (audiocast.toml) and per-episode production settings.

Show settings describe the podcast (title, author, artwork, feed URL); production
settings describe how an episode sounds (voice, pacing, bumpers, bitrate). Both
load from the same TOML file and both can be overridden from the command line.
Relative paths in the file (artwork, bumpers, lexicon) are relative to the file's
folder: use ``ShowConfig.resolve_path``.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from .errors import ConfigError
from .languages import valid_language

CONFIG_NAME = "audiocast.toml"

# Apple Podcasts categories and subcategories, exact case as Apple lists them.
APPLE_CATEGORIES: dict[str, tuple[str, ...]] = {
    "Arts": ("Books", "Design", "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts"),
    "Business": ("Careers", "Entrepreneurship", "Investing", "Management", "Marketing", "Non-Profit"),
    "Comedy": ("Comedy Interviews", "Improv", "Stand-Up"),
    "Education": ("Courses", "How To", "Language Learning", "Self-Improvement"),
    "Fiction": ("Comedy Fiction", "Drama", "Science Fiction"),
    "Government": (),
    "History": (),
    "Health & Fitness": (
        "Alternative Health", "Fitness", "Medicine", "Mental Health", "Nutrition", "Sexuality",
    ),
    "Kids & Family": ("Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"),
    "Leisure": (
        "Animation & Manga", "Automotive", "Aviation", "Crafts", "Games", "Hobbies",
        "Home & Garden", "Video Games",
    ),
    "Music": ("Music Commentary", "Music History", "Music Interviews"),
    "News": (
        "Business News", "Daily News", "Entertainment News", "News Commentary", "Politics",
        "Sports News", "Tech News",
    ),
    "Religion & Spirituality": (
        "Buddhism", "Christianity", "Hinduism", "Islam", "Judaism", "Religion", "Spirituality",
    ),
    "Science": (
        "Astronomy", "Chemistry", "Earth Sciences", "Life Sciences", "Mathematics",
        "Natural Sciences", "Nature", "Physics", "Social Sciences",
    ),
    "Society & Culture": (
        "Documentary", "Personal Journals", "Philosophy", "Places & Travel", "Relationships",
    ),
    "Sports": (
        "Baseball", "Basketball", "Cricket", "Fantasy Sports", "Football", "Golf", "Hockey",
        "Rugby", "Running", "Soccer", "Swimming", "Tennis", "Volleyball", "Wilderness", "Wrestling",
    ),
    "Technology": (),
    "True Crime": (),
    "TV & Film": ("After Shows", "Film History", "Film Interviews", "Film Reviews", "TV Reviews"),
}

# Podcasting 2.0 <podcast:medium> values for feeds that carry their own episodes
# (the "L" list mediums and "mixed" hold only remote items, never enclosures).
PODCAST_MEDIUMS = (
    "podcast", "music", "video", "film", "audiobook", "newsletter", "blog", "publisher", "course",
)
LIST_MEDIUMS = tuple(m + "L" for m in PODCAST_MEDIUMS) + ("mixed",)

SHOW_TYPES = ("episodic", "serial")
ARTWORK_MIN_PX = 1400
ARTWORK_MAX_PX = 3000

_EMAIL_RE = re.compile(r"^[^@\s<>\"']+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")


@dataclass
class Pacing:
    """Silences in milliseconds after each kind of segment."""

    sentence: int = 350
    item: int = 450
    paragraph: int = 700
    heading: int = 650
    section: int = 900

    def pause_ms(self, kind: str) -> int:
        return 0 if kind == "none" else int(getattr(self, kind))


@dataclass
class Production:
    """How an episode sounds and is encoded."""

    engine: str = "piper"
    voice: str | None = None
    format: str = "mp3"  # the episode file's format: a name in audio/formats.py's FORMATS
    bitrate_kbps: int = 96
    loudness_lufs: float = -16.0
    true_peak_db: float = -1.0
    pacing: Pacing = field(default_factory=Pacing)
    intro_bumper: str | None = None  # path to a custom sound, else generated
    transition_bumper: str | None = None
    outro_bumper: str | None = None
    intro_template: str = "{title}."
    outro_template: str = ""
    lexicon: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Production:
        data = dict(data)
        pacing = data.pop("pacing", {}) or {}
        if not isinstance(pacing, Pacing):
            pacing = Pacing(**_known(Pacing, pacing, "production.pacing"))
        return cls(pacing=pacing, **_known(cls, data, "production"))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ShowConfig:
    """The podcast as a whole: what the feed and the ID3 album tags say."""

    title: str = "audiocast"
    description: str = "Articles read aloud, produced with audiocast."
    author: str = "audiocast"
    email: str | None = None
    language: str = "en-us"
    category: str = "News"
    subcategory: str | None = None
    explicit: bool = False
    type: str = "episodic"
    base_url: str = "http://localhost:8000/"
    artwork: str | None = None
    medium: str = "podcast"
    max_items: int | None = None
    locked: bool = False  # podcast:locked: ask other hosts not to import the feed
    podcast_guid: str | None = None  # keeps podcast:guid when the feed URL moves
    #: the longest article converted, in words (0: no limit); checked before synthesis
    max_words: int = 50_000
    publish_to: str | None = None  # where `audiocast publish` uploads: folder, sftp://, s3://
    publish_endpoint_url: str | None = None  # an S3-compatible host's endpoint
    production: Production = field(default_factory=Production)
    path: str | None = None  # the file this was read from, if any

    @classmethod
    def from_dict(cls, data: dict[str, Any], path: str | None = None) -> ShowConfig:
        data = dict(data)
        show = dict(data.pop("show", {}) or {})
        production_data = dict(data.pop("production", {}) or {})
        show.update(data)  # allow flat keys too
        if "format" in show:  # `format = "m4b"` beside the show's settings is production's
            production_data.setdefault("format", show.pop("format"))
        production = Production.from_dict(production_data)
        return cls(production=production, path=path, **_known(cls, show, "show"))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def feed_url(self) -> str:
        return self.base_url.rstrip("/") + "/feed.xml"

    def resolve_path(self, value: str | Path) -> Path:
        """A path from the config file, made absolute against the file's folder."""
        path = Path(value).expanduser()
        if not path.is_absolute() and self.path:
            path = Path(self.path).resolve().parent / path
        return path

    def problems(self) -> list[str]:
        """Every invalid setting, each with its reason; empty when all are valid."""
        found: list[str] = []
        for name in ("title", "description", "author"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                found.append(f"show.{name} must not be empty")
        if len(self.description.encode("utf-8")) > 4000:
            found.append("show.description is longer than 4000 bytes (Apple's limit)")
        found.extend(_category_problems(self.category, self.subcategory))
        if not valid_language(self.language):
            found.append(
                f'show.language "{self.language}" is not an ISO 639 code such as "en" or "en-us"'
            )
        if self.email is not None and not valid_email(self.email):
            found.append(f'show.email "{self.email}" is not an e-mail address')
        if self.type not in SHOW_TYPES:
            found.append(f'show.type "{self.type}" must be "episodic" or "serial"')
        if self.medium in LIST_MEDIUMS:
            found.append(
                f'show.medium "{self.medium}" is a list medium, which holds no episodes; '
                f"use one of: {', '.join(PODCAST_MEDIUMS)}"
            )
        elif self.medium not in PODCAST_MEDIUMS:
            found.append(
                f'show.medium "{self.medium}" is not a Podcasting 2.0 medium; '
                f"use one of: {', '.join(PODCAST_MEDIUMS)}"
            )
        url = urlsplit(self.base_url)
        if url.scheme not in ("http", "https") or not url.netloc:
            found.append(f'show.base_url "{self.base_url}" must start with http:// or https://')
        elif not self.base_url.isascii() or any(c.isspace() for c in self.base_url):
            found.append(f'show.base_url "{self.base_url}" must be ASCII without spaces')
        if not isinstance(self.explicit, bool):
            found.append("show.explicit must be true or false")
        if not isinstance(self.locked, bool):
            found.append("show.locked must be true or false")
        if self.max_items is not None and (not isinstance(self.max_items, int) or self.max_items < 1):
            found.append("show.max_items must be a positive whole number")
        if not isinstance(self.max_words, int) or isinstance(self.max_words, bool) or self.max_words < 0:
            found.append("show.max_words must be a whole number of words (0 for no limit)")
        if self.podcast_guid is not None and not _is_uuid(self.podcast_guid):
            found.append(f'show.podcast_guid "{self.podcast_guid}" is not a UUID')
        found.extend(self._publish_problems())
        if self.artwork:
            found.extend(
                f"show.artwork: {p}" for p in artwork_problems(self.resolve_path(self.artwork))
            )
        found.extend(self._production_problems())
        return found

    def validate(self) -> ShowConfig:
        """Raise ConfigError naming every invalid setting; return self when all are valid."""
        found = self.problems()
        if found:
            where = f"{self.path}: " if self.path else ""
            raise ConfigError(where + "; ".join(found))
        return self

    def _publish_problems(self) -> list[str]:
        found = []
        if self.publish_to is not None:
            from .publish.upload import parse_destination

            try:
                parse_destination(self.publish_to)
            except ConfigError as exc:
                found.append(f"show.publish_to: {exc}")
        if self.publish_endpoint_url is not None:
            url = urlsplit(str(self.publish_endpoint_url))
            if url.scheme not in ("http", "https") or not url.netloc:
                found.append(f'show.publish_endpoint_url "{self.publish_endpoint_url}" must start '
                             f"with http:// or https://")
        return found

    def _production_problems(self) -> list[str]:
        found = []
        prod = self.production
        if not isinstance(prod.bitrate_kbps, int) or not 64 <= prod.bitrate_kbps <= 320:
            found.append("production.bitrate_kbps must be a whole number from 64 to 320")
        for name in ("sentence", "item", "paragraph", "heading", "section"):
            value = getattr(prod.pacing, name)
            if not isinstance(value, int) or value < 0:
                found.append(f"production.pacing.{name} must be a whole number of milliseconds >= 0")
        for name in ("intro_bumper", "transition_bumper", "outro_bumper", "lexicon"):
            value = getattr(prod, name)
            if value and not self.resolve_path(value).is_file():
                found.append(f"production.{name}: file not found: {self.resolve_path(value)}")
        return found


def _category_problems(category: str, subcategory: str | None) -> list[str]:
    if category not in APPLE_CATEGORIES:
        hint = next((c for c in APPLE_CATEGORIES if c.lower() == str(category).lower()), None)
        suggestion = f' (did you mean "{hint}"?)' if hint else ""
        return [f'show.category "{category}" is not an Apple Podcasts category{suggestion}']
    if subcategory is None:
        return []
    allowed = APPLE_CATEGORIES[category]
    if subcategory not in allowed:
        hint = next((s for s in allowed if s.lower() == str(subcategory).lower()), None)
        if hint:
            return [f'show.subcategory "{subcategory}": Apple spells it "{hint}"']
        listed = ", ".join(f'"{s}"' for s in allowed) or "none"
        return [f'show.subcategory "{subcategory}" is not under "{category}" (choose from: {listed})']
    return []


def valid_email(address: str) -> bool:
    return bool(_EMAIL_RE.match(address or ""))


def valid_apple_category(category: str, subcategory: str | None = None) -> bool:
    return not _category_problems(category, subcategory)


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except (ValueError, TypeError, AttributeError):
        return False
    return True


def artwork_problems(path: str | Path) -> list[str]:
    """What keeps an image from being podcast artwork: JPEG or PNG matching its file
    extension, RGB, square, 1400 to 3000 pixels a side. Empty when it qualifies."""
    from PIL import Image, UnidentifiedImageError

    path = Path(path)
    if not path.is_file():
        return [f"file not found: {path}"]
    try:
        with Image.open(path) as image:
            kind, mode, (width, height) = image.format, image.mode, image.size
    except (UnidentifiedImageError, OSError):
        return [f"{path.name} is not an image Pillow can read"]
    found = []
    suffix = path.suffix.lower()
    expected = {"JPEG": (".jpg", ".jpeg"), "PNG": (".png",)}
    if kind not in expected:
        found.append(f"{path.name} is {kind}; podcast artwork must be JPEG or PNG")
    elif suffix not in expected[kind]:
        found.append(f"{path.name} is {kind} but named {suffix or 'without extension'}")
    if mode != "RGB":
        found.append(f"{path.name} is in {mode} color mode; podcast artwork must be RGB")
    if width != height:
        found.append(f"{path.name} is {width}x{height}; podcast artwork must be square")
    if not ARTWORK_MIN_PX <= min(width, height) or max(width, height) > ARTWORK_MAX_PX:
        found.append(
            f"{path.name} is {width}x{height}; podcast artwork must be "
            f"{ARTWORK_MIN_PX} to {ARTWORK_MAX_PX} pixels a side"
        )
    return found


def _known(cls, data: dict[str, Any], where: str) -> dict[str, Any]:
    names = {f.name for f in fields(cls)} - {"production", "pacing", "path"}
    unknown = sorted(set(data) - names)
    if unknown:
        raise ConfigError(f"unknown setting {where}.{unknown[0]}; known: {', '.join(sorted(names))}")
    return data


def load_config(path: str | Path | None = None, search_dir: str | Path = ".") -> ShowConfig:
    """Read the show config from ``path``, else ``audiocast.toml`` in ``search_dir``, else defaults.

    Every value's type is checked here, before anything is synthesized."""
    if path is None:
        candidate = Path(search_dir) / CONFIG_NAME
        if not candidate.exists():
            return ShowConfig()
        path = candidate
    path = Path(path)
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except IsADirectoryError:
        raise ConfigError(f"config path {path} is a directory, not a file") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 (byte 0x{exc.object[exc.start]:02x} at offset "
                          f"{exc.start}); save it as UTF-8") from None
    except OSError as exc:
        from .fsutil import describe_os_error

        raise ConfigError(f"cannot read config: {describe_os_error(exc, path)}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    try:
        show = ShowConfig.from_dict(data, path=str(path))
    except (TypeError, AttributeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    found = type_problems(show)
    if found:
        raise ConfigError(f"{path}: " + "; ".join(found))
    return show


def type_problems(show: ShowConfig) -> list[str]:
    """Every setting whose value has the wrong type, e.g. ``loudness_lufs = "loud"``."""
    return (_field_type_problems(show, "show") + _field_type_problems(show.production, "production")
            + _field_type_problems(show.production.pacing, "production.pacing"))


def _field_type_problems(obj: Any, where: str) -> list[str]:
    import typing

    hints = typing.get_type_hints(type(obj))
    found = []
    for item in fields(obj):
        if item.name in ("production", "pacing", "path"):
            continue
        expected = hints.get(item.name)
        value = getattr(obj, item.name)
        wanted = _type_names(expected)
        if wanted and not _has_type(value, expected):
            found.append(f"{where}.{item.name} must be {wanted}, not {_toml_value_text(value)}")
    return found


def _type_options(expected: Any) -> tuple:
    import types
    import typing

    if typing.get_origin(expected) in (typing.Union, types.UnionType):
        return typing.get_args(expected)
    return (expected,)


def _has_type(value: Any, expected: Any) -> bool:
    for option in _type_options(expected):
        if option is type(None) and value is None:
            return True
        if option is bool and isinstance(value, bool):
            return True
        if option is int and isinstance(value, int) and not isinstance(value, bool):
            return True
        if option is float and isinstance(value, (int, float)) and not isinstance(value, bool):
            return True
        if option is str and isinstance(value, str):
            return True
        if option not in (type(None), bool, int, float, str):
            return True  # a type this check does not know: accept
    return False


def _type_names(expected: Any) -> str:
    names = {bool: "true or false", int: "a whole number", float: "a number", str: "a string"}
    options = [option for option in _type_options(expected) if option is not type(None)]
    if not options or any(option not in names for option in options):
        return ""
    return " or ".join(names[option] for option in options)


def _toml_value_text(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return "a list" if isinstance(value, list) else "a table"
    return repr(value)


# --------------------------------------------------------------------------- init template

# (section, key, comment, example shown when the value is unset)
_TEMPLATE: tuple[tuple[str, str, str, Any], ...] = (
    ("show", "title", "The podcast's name, as apps and directories show it.", ""),
    ("show", "description", "What the show is about (at most 4000 bytes).", ""),
    ("show", "author", "Who makes the show; apps show it as the artist.", ""),
    ("show", "email", "The owner's e-mail (itunes:owner); Apple and Spotify verify ownership with it.",
     "you@example.com"),
    ("show", "language", 'ISO 639 language code, e.g. "en", "en-us", "de".', ""),
    ("show", "category", 'Apple Podcasts category, exact case, e.g. "News", "Technology",\n'
     '# "Society & Culture".', ""),
    ("show", "subcategory", 'Optional subcategory of that category, e.g. "Politics" under "News",\n'
     '# "Documentary" under "Society & Culture".', "Politics"),
    ("show", "explicit", "true if episodes contain explicit material.", ""),
    ("show", "type", '"episodic" (newest first) or "serial" (listen in order).', ""),
    ("show", "base_url", "Where the output folder is published; feed and media URLs start with it.",
     ""),
    ("show", "artwork", "Square JPEG or PNG, 1400-3000 px, RGB. Unset: a cover with the title\n"
     "# is generated.", "cover.jpg"),
    ("show", "medium", 'Podcasting 2.0 medium: "podcast", or "newsletter" for spoken articles.', ""),
    ("show", "max_items", "Publish only the newest N episodes in the feed (unset: all).", 100),
    ("show", "locked", "true asks other podcast hosts not to import this feed.", ""),
    ("show", "podcast_guid", "Keeps podcast:guid when base_url changes (unset: derived from the feed "
     "URL).", ""),
    ("show", "publish_to", "Where `audiocast publish` uploads the folder: a local folder,\n"
     "# sftp://user@host/path or s3://bucket/prefix (credentials stay in ~/.ssh and ~/.aws).",
     "sftp://deploy@example.org/var/www/podcast"),
    ("show", "publish_endpoint_url", "Endpoint of an S3-compatible host (R2, B2, Spaces, MinIO); unset:\n"
     "# AWS, or AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL from the environment.",
     "https://ACCOUNT.r2.cloudflarestorage.com"),
    ("production", "engine", 'Speech engine: "piper" (offline), "gtts" (online), "espeak".', ""),
    ("production", "voice", "Voice name or preset for that engine (unset: the engine's default).",
     "joe"),
    ("production", "format", 'Episode file: "mp3" (ID3 chapters), "m4a" or "m4b" (AAC, MP4 chapters).',
     ""),
    ("production", "bitrate_kbps", "Audio bitrate in kbit/s (Apple recommends 96-128 for mono speech).",
     ""),
    ("production", "loudness_lufs", "Integrated loudness target in LUFS.", ""),
    ("production", "true_peak_db", "True-peak ceiling in dBTP.", ""),
    ("production", "intro_bumper", "Sound played before the episode (unset: a generated chime).",
     "sounds/intro.wav"),
    ("production", "transition_bumper", "Sound played between sections (unset: generated).",
     "sounds/transition.wav"),
    ("production", "outro_bumper", "Sound played after the episode (unset: generated).",
     "sounds/outro.wav"),
    ("production", "intro_template", "Spoken before the article; {title} is the episode title.", ""),
    ("production", "outro_template", "Spoken after the article (empty: nothing).", ""),
    ("production", "lexicon", "Pronunciation lexicon file for names and terms.",
     "lexicon.toml"),
)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    # JSON string escapes are a subset of TOML basic-string escapes.
    return json.dumps(str(value), ensure_ascii=False)


def render_init_config(**values: Any) -> str:
    """A commented audiocast.toml holding ``values`` (ShowConfig and Production field
    names, plus ``pacing`` as a dict or Pacing); load_config reads it back unchanged."""
    show_names = {f.name for f in fields(ShowConfig)} - {"production", "path"}
    prod_names = {f.name for f in fields(Production)}
    unknown = sorted(set(values) - show_names - prod_names)
    if unknown:
        raise ConfigError(f"unknown setting {unknown[0]}")
    prod_values = {k: v for k, v in values.items() if k in prod_names}
    show_values = {k: v for k, v in values.items() if k in show_names}
    show = ShowConfig(production=Production.from_dict(prod_values), **show_values)

    lines = [
        "# audiocast.toml: settings for one podcast show.",
        "# Relative paths are relative to this file's folder. Lines starting with # are",
        "# comments; remove the # to set a value.",
    ]
    section = None
    for where, key, comment, example in _TEMPLATE:
        if where != section:
            section = where
            lines += ["", f"[{where}]"]
        value = getattr(show if where == "show" else show.production, key)
        lines.append(f"# {comment}")
        if value is None:
            lines.append(f"# {key} = {_toml_value(example)}" if example else f"# {key} =")
        else:
            lines.append(f"{key} = {_toml_value(value)}")
    lines += ["", "[production.pacing]", "# Silence in milliseconds after each kind of segment."]
    for name, value in asdict(show.production.pacing).items():
        lines.append(f"{name} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


def init_config(path: str | Path = CONFIG_NAME, force: bool = False, **values: Any) -> Path:
    """Write a commented audiocast.toml at ``path``; refuse to replace one unless ``force``."""
    from .fsutil import atomic_write_text

    path = Path(path)
    if path.exists() and not force:
        raise ConfigError(f"{path} already exists; use --force to replace it")
    text = render_init_config(**values)
    data = tomllib.loads(text)
    ShowConfig.from_dict(data, path=str(path)).validate()
    return atomic_write_text(path, text)
