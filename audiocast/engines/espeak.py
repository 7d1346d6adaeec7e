"""espeak-ng: the small offline formant voice, available when its binary is installed."""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

from ..audio.decode import decode_to_pcm
from ..errors import EngineUnavailable, SynthesisError
from ..models import Clip
from .base import Engine, VoiceSettings

SAMPLE_RATE = 22050


def espeak_binary() -> str | None:
    return shutil.which("espeak-ng") or shutil.which("espeak")


class EspeakEngine(Engine):
    """Options: rate (words per minute), pitch (0-99). ``name`` is an espeak voice (en-us)."""

    name = "espeak"
    #: understands inline phonemes written as [[ ... ]] (used by the lexicon)
    accepts_phonemes = True

    def __init__(self, voice: VoiceSettings):
        super().__init__(voice)
        binary = espeak_binary()
        if binary is None:
            raise EngineUnavailable("espeak-ng is not installed (apt-get install espeak-ng)")
        self.binary = binary
        self.voice_name = voice.name or voice.options.get("voice") or voice.language or "en-us"
        self.rate = int(voice.options.get("rate", 165))
        self.pitch = int(voice.options.get("pitch", 50))
        self.sample_rate = SAMPLE_RATE

    @classmethod
    def check_available(cls) -> str | None:
        return None if espeak_binary() else "the espeak-ng binary is not installed"

    @property
    def identity(self) -> dict[str, Any]:
        return {"engine": self.name, "voice": self.voice_name, "rate": self.rate, "pitch": self.pitch}

    def synthesize(self, text: str) -> Clip:
        cmd = [self.binary, "-v", self.voice_name, "-s", str(self.rate), "-p", str(self.pitch),
               "--stdout", "--", text]
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=60, check=True)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            err = getattr(exc, "stderr", b"") or b""
            raise SynthesisError(f"espeak-ng failed on {text[:60]!r}: {err.decode(errors='replace').strip()}") from exc
        return Clip(pcm=decode_to_pcm(done.stdout, SAMPLE_RATE), sample_rate=SAMPLE_RATE)
