"""Voice presets: named engine + voice + settings, kept in voices/*.toml.

A preset file looks like::

    name = "joe"
    engine = "piper"
    language = "en-US"
    description = "Warm US English male voice (bundled)"
    [settings]
    model = "en_US-joe-medium"    # a Piper model name, or a path to an .onnx file
    length_scale = 1.0

Presets are looked up in ``voices/`` under the working directory and in the
user's data folder. A name that is no preset is passed to the engine as its own
voice name (a Piper model name, an espeak-ng voice).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from .engines.base import VoiceSettings, registry
from .errors import ConfigError
from .languages import primary_language


@dataclass
class VoicePreset:
    name: str
    engine: str
    language: str = "en"
    description: str = ""
    settings: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None

    def to_voice(self) -> VoiceSettings:
        options = dict(self.settings)
        model = options.pop("model", None)
        name = options.pop("voice", None)
        if model and self.engine == "piper":
            if str(model).endswith(".onnx"):
                model_path = Path(model)
                if not model_path.is_absolute() and self.path is not None:
                    model_path = self.path.parent / model_path
                options["model"] = str(model_path)
            else:
                name = model
        return VoiceSettings(engine=self.engine, name=name, language=self.language, options=options)


def preset_dirs() -> list[Path]:
    from .engines.piper import voice_dirs

    return voice_dirs()


def load_presets(dirs: list[Path] | None = None) -> dict[str, VoicePreset]:
    """Every preset found, by name; the first folder wins on a name clash."""
    presets: dict[str, VoicePreset] = {}
    for folder in dirs or preset_dirs():
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            if path.name.endswith(".lexicon.toml"):
                continue
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise ConfigError(f"voice preset {path}: {exc}") from None
            name = str(data.get("name") or path.stem)
            if "engine" not in data:
                raise ConfigError(f"voice preset {path} has no engine")
            presets.setdefault(name, VoicePreset(
                name=name,
                engine=str(data["engine"]),
                language=str(data.get("language", "en")),
                description=str(data.get("description", "")),
                settings=dict(data.get("settings", {}) or {}),
                path=path,
            ))
    return presets


def resolve_voice(engine: str | None, voice: str | None, *, language: str | None = None) -> VoiceSettings:
    """VoiceSettings for an engine and/or a voice name (preset or engine voice)."""
    if voice:
        preset = load_presets().get(voice)
        if preset is not None:
            if engine and engine != preset.engine:
                raise ConfigError(
                    f"voice {voice!r} is a {preset.engine} voice, not {engine}; drop --engine or pick another voice"
                )
            return preset.to_voice()
    engine = engine or "piper"
    if engine not in registry():
        # create_engine reports unknown engines with the list of choices
        return VoiceSettings(engine=engine, name=voice)
    settings = VoiceSettings(engine=engine, name=voice, language=(language or "en"))
    return settings


@dataclass
class VoiceListing:
    kind: str  # "preset", "model" or "engine"
    name: str
    engine: str
    language: str
    usable: bool
    note: str


def list_voices() -> list[VoiceListing]:
    """Presets, Piper models and engines, each with whether it can be used here."""
    from .engines.piper import find_models

    engines = registry()
    reasons = {name: cls.check_available() for name, cls in engines.items()}
    rows: list[VoiceListing] = []
    for preset in load_presets().values():
        reason = reasons.get(preset.engine, f"unknown engine {preset.engine!r}")
        rows.append(VoiceListing("preset", preset.name, preset.engine, preset.language,
                                 reason is None, reason or preset.description))
    for model in find_models():
        rows.append(VoiceListing("model", model.name, "piper", model.language,
                                 reasons.get("piper") is None, model.origin))
    for name, cls in sorted(engines.items()):
        note = reasons[name] or ("needs the network" if cls.online else "offline")
        rows.append(VoiceListing("engine", name, name, "-", reasons[name] is None, note))
    return rows


def voice_for_language(language: str) -> VoiceSettings | None:
    """A usable voice that speaks ``language``: an offline preset, else a Piper model, else an online preset."""
    from .engines.piper import find_models

    wanted = primary_language(language)
    if not wanted:
        return None
    engines = registry()
    usable = [p for p in load_presets().values()
              if primary_language(p.language) == wanted and p.engine in engines
              and engines[p.engine].check_available() is None]
    offline = [p for p in usable if not engines[p.engine].online]
    if offline:
        return offline[0].to_voice()
    for model in find_models():
        if primary_language(model.language) == wanted:
            return VoiceSettings(engine="piper", name=model.name, language=model.language)
    if usable:
        return usable[0].to_voice()
    return None
