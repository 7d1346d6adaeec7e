"""The one error hierarchy. The CLI turns any AudiocastError into a one-line message."""

from __future__ import annotations


class AudiocastError(Exception):
    """Base of every error audiocast reports to a user."""


class IngestError(AudiocastError):
    """A source could not be read or made into an article."""


class ConfigError(AudiocastError):
    """A show or voice setting is missing or invalid."""


class EngineUnavailable(AudiocastError):
    """An engine cannot work here: missing binary, model, network or unknown name."""


class SynthesisError(AudiocastError):
    """One segment failed to synthesize after retries."""


class AudioError(AudiocastError):
    """Assembling, measuring or encoding audio failed."""


class PublishError(AudiocastError):
    """Tags, catalog, feed or site files could not be written."""
