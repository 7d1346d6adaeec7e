"""Text-to-speech engines behind one interface (see base.py)."""

from .base import Engine, VoiceSettings, create_engine, engine_names, registry

__all__ = ["Engine", "VoiceSettings", "create_engine", "engine_names", "registry"]
