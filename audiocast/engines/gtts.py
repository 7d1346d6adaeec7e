"""gTTS: Google Translate's online voice. Needs the network; no API key.

Requests time out, transient failures (connection errors, 429, 5xx) are retried
with exponential backoff, and a 4xx answer stops at once with a clear error.
The endpoint can be pointed elsewhere (option ``endpoint`` or the environment
variable AUDIOCAST_GTTS_ENDPOINT), which is how the tests use a local server.
"""

from __future__ import annotations

import os
import socket
import time
from typing import Any
from urllib.parse import urlsplit

from ..audio.decode import decode_to_pcm
from ..errors import EngineUnavailable, SynthesisError
from ..models import Clip
from .base import Engine, VoiceSettings

ENDPOINT_ENV = "AUDIOCAST_GTTS_ENDPOINT"
SAMPLE_RATE = 24000


def _endpoint(options: dict[str, Any]) -> str | None:
    return options.get("endpoint") or os.environ.get(ENDPOINT_ENV) or None


def _reachable(url: str, timeout: float = 3.0) -> str | None:
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return None
    except OSError as exc:
        return f"no network connection to {host} ({exc.strerror or exc})"


class GTTSEngine(Engine):
    """Options: tld (accent, e.g. "co.uk"), slow (bool), timeout (s), retries, endpoint."""

    name = "gtts"
    max_chars = 100
    online = True

    def __init__(self, voice: VoiceSettings):
        super().__init__(voice)
        opts = voice.options
        self.tld = str(opts.get("tld", "com"))
        self.slow = bool(opts.get("slow", False))
        self.timeout = float(opts.get("timeout", 10.0))
        self.retries = int(opts.get("retries", 3))
        self.backoff = float(opts.get("backoff", 0.5))
        self.endpoint = _endpoint(opts)
        self.lang = (voice.language or "en").split("-")[0]
        target = self.endpoint or f"https://translate.google.{self.tld}/"
        reason = _reachable(target)
        if reason:
            raise EngineUnavailable(f"engine 'gtts' needs the network: {reason}")
        self.sample_rate = SAMPLE_RATE

    @classmethod
    def check_available(cls) -> str | None:
        try:
            import gtts  # noqa: F401
        except ImportError:
            return "the gtts package is not installed (pip install gtts)"
        return None

    @property
    def identity(self) -> dict[str, Any]:
        return {"engine": self.name, "lang": self.lang, "tld": self.tld, "slow": self.slow}

    def _request(self, text: str) -> bytes:
        from gtts import gTTS

        endpoint = self.endpoint

        class _Routed(gTTS):
            def _prepare_requests(inner):  # noqa: N805 - gTTS's method signature
                prepared = super()._prepare_requests()
                if endpoint:
                    for request in prepared:
                        request.url = endpoint
                return prepared

        tts = _Routed(text, lang=self.lang, tld=self.tld, slow=self.slow,
                      lang_check=False, timeout=self.timeout)
        return b"".join(tts.stream())

    def synthesize(self, text: str) -> Clip:
        from gtts.tts import gTTSError

        delay = self.backoff
        for attempt in range(self.retries + 1):
            try:
                mp3 = self._request(text)
                break
            except gTTSError as exc:
                status = getattr(exc.rsp, "status_code", None)
                transient = status is None or status == 429 or status >= 500
                if not transient or attempt == self.retries:
                    raise SynthesisError(f"gTTS failed on {text[:60]!r}: {exc.msg}") from exc
            time.sleep(delay)
            delay *= 2
        if not mp3:
            raise SynthesisError(f"gTTS returned no audio for {text[:60]!r}")
        return Clip(pcm=decode_to_pcm(mp3, SAMPLE_RATE), sample_rate=SAMPLE_RATE)
