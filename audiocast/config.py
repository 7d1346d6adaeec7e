"""Show settings (audiocast.toml) and per-episode production settings.

Show settings describe the podcast (title, author, artwork, feed URL); production
settings describe how an episode sounds (voice, pacing, bumpers, bitrate). Both
load from the same TOML file and both can be overridden from the command line.
"""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from .errors import ConfigError

CONFIG_NAME = "audiocast.toml"


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
        pacing = Pacing(**_known(Pacing, data.pop("pacing", {}) or {}, "production.pacing"))
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
    production: Production = field(default_factory=Production)
    path: str | None = None  # the file this was read from, if any

    @classmethod
    def from_dict(cls, data: dict[str, Any], path: str | None = None) -> ShowConfig:
        data = dict(data)
        show = dict(data.pop("show", {}) or {})
        production = Production.from_dict(data.pop("production", {}) or {})
        show.update(data)  # allow flat keys too
        return cls(production=production, path=path, **_known(cls, show, "show"))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def feed_url(self) -> str:
        return self.base_url.rstrip("/") + "/feed.xml"


def _known(cls, data: dict[str, Any], where: str) -> dict[str, Any]:
    names = {f.name for f in fields(cls)} - {"production", "pacing", "path"}
    unknown = sorted(set(data) - names)
    if unknown:
        raise ConfigError(f"unknown setting {where}.{unknown[0]}; known: {', '.join(sorted(names))}")
    return data


def load_config(path: str | Path | None = None, search_dir: str | Path = ".") -> ShowConfig:
    """Read the show config from ``path``, else ``audiocast.toml`` in ``search_dir``, else defaults."""
    if path is None:
        candidate = Path(search_dir) / CONFIG_NAME
        if not candidate.exists():
            return ShowConfig()
        path = candidate
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    return ShowConfig.from_dict(data, path=str(path))
