"""The Engine interface and the registry of engines.

An engine turns one short, already-normalized sentence into PCM. Everything an
engine needs from the outside world (a model file, a binary, the network) is
checked when it is created, so an unusable engine fails before any audio work.
"""

from __future__ import annotations

import hashlib
import json
import logging
import warnings
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, ClassVar

from ..errors import EngineUnavailable
from ..models import Clip

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "audiocast.engines"


@dataclass
class VoiceSettings:
    """Which voice an engine uses and how it speaks. Engine-specific keys go in ``options``."""

    engine: str = "piper"
    name: str | None = None  # preset or model name
    language: str = "en"
    options: dict[str, Any] = field(default_factory=dict)
    lexicon: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> VoiceSettings:
        data = dict(data)
        known = {"engine", "name", "language", "lexicon", "options"}
        options = {k: v for k, v in data.items() if k not in known}  # flat engine keys
        if isinstance(data.get("options"), dict):
            options.update(data["options"])
        return cls(
            engine=data.get("engine", "piper"),
            name=data.get("name"),
            language=data.get("language", "en"),
            options=options,
            lexicon=dict(data.get("lexicon", {}) or {}),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "name": self.name,
            "language": self.language,
            "options": dict(self.options),
            "lexicon": dict(self.lexicon),
        }


class Engine(ABC):
    """A text-to-speech engine. Subclasses check their requirements in ``__init__``."""

    name: ClassVar[str]
    #: longest text the engine accepts in one call, or None for no limit
    max_chars: ClassVar[int | None] = None
    #: True when the engine needs the network
    online: ClassVar[bool] = False
    #: True when the engine reads inline phonemes ``[[ ... ]]`` from a lexicon
    accepts_phonemes: ClassVar[bool] = False
    #: sample rate of the clips this engine returns
    sample_rate: int = 22050

    def __init__(self, voice: VoiceSettings):
        self.voice = voice

    @abstractmethod
    def synthesize(self, text: str) -> Clip:
        """Speak one sentence; raise SynthesisError if this sentence fails."""

    @property
    def identity(self) -> dict[str, Any]:
        """Everything that changes the sound for the same text: part of the cache key."""
        return {"engine": self.name, "voice": self.voice.name, "options": self.voice.options}

    def cache_namespace(self) -> str:
        blob = json.dumps(self.identity, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:16]

    @classmethod
    def check_available(cls) -> str | None:
        """Why this engine cannot work here (None when it can). Cheap; no model loading."""
        return None

    def prepare(self) -> None:
        """Load whatever the first sentence would otherwise wait for (a model)."""

    def close(self) -> None:
        """Release resources. Engines are reused for a whole process."""


_BUILTIN: dict[str, str] = {
    "piper": "audiocast.engines.piper:PiperEngine",
    "gtts": "audiocast.engines.gtts:GTTSEngine",
    "espeak": "audiocast.engines.espeak:EspeakEngine",
}


def _load(target: str) -> type[Engine]:
    module_name, _, attr = target.partition(":")
    module = __import__(module_name, fromlist=[attr])
    return getattr(module, attr)


def registry() -> dict[str, type[Engine]]:
    """All engines by name: the built-in ones, then third-party entry points."""
    engines = {name: _load(target) for name, target in _BUILTIN.items()}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in engines:
            continue
        try:
            engines[ep.name] = ep.load()
        except Exception as exc:  # a broken plugin must not break audiocast
            warnings.warn(f"engine plugin {ep.name!r} failed to load: {exc}", stacklevel=2)
    return engines


def engine_names() -> list[str]:
    return sorted(registry())


def create_engine(voice: VoiceSettings) -> Engine:
    """Create the engine ``voice.engine`` or raise EngineUnavailable naming the choices."""
    engines = registry()
    cls = engines.get(voice.engine)
    if cls is None:
        raise EngineUnavailable(
            f"unknown engine {voice.engine!r}; choose one of: {', '.join(sorted(engines))}"
        )
    reason = cls.check_available()
    if reason:
        usable = [n for n, c in sorted(engines.items()) if n != voice.engine and not c.check_available()]
        raise EngineUnavailable(
            f"engine {voice.engine!r} is not usable: {reason}"
            + (f"; usable here: {', '.join(usable)}" if usable else "")
        )
    return cls(voice)
