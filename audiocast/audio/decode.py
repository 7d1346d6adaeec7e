"""Decoding any audio ffmpeg reads into raw PCM, with the ffmpeg from imageio-ffmpeg."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np

from ..errors import AudioError


def ffmpeg_exe() -> str:
    """The ffmpeg binary shipped in the imageio-ffmpeg wheel (no system package needed)."""
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def decode_to_pcm(data: bytes, sample_rate: int, channels: int = 1) -> bytes:
    """Any encoded audio (MP3, WAV, ...) -> signed 16-bit little-endian PCM."""
    return run_ffmpeg(
        ["-i", "pipe:0", "-f", "s16le", "-acodec", "pcm_s16le", "-ac", str(channels),
         "-ar", str(sample_rate), "pipe:1"],
        data,
    )


def decode_file_to_pcm(path: str, sample_rate: int, channels: int = 1) -> bytes:
    return run_ffmpeg(
        ["-i", str(path), "-f", "s16le", "-acodec", "pcm_s16le", "-ac", str(channels),
         "-ar", str(sample_rate), "pipe:1"],
        b"",
    )


def decode_file_to_samples(path: str | Path, sample_rate: int) -> np.ndarray:
    """Any audio file ffmpeg reads -> mono float32 samples in [-1, 1] at ``sample_rate``."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise AudioError(f"audio file not found: {path}")
    return pcm16_to_samples(decode_file_to_pcm(str(path), sample_rate))


def pcm16_to_samples(pcm: bytes) -> np.ndarray:
    """Signed 16-bit little-endian PCM -> float32 samples in [-1, 1)."""
    return np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0


def run_ffmpeg(args: list[str], stdin: bytes = b"") -> bytes:
    """Run ffmpeg quietly; its stderr becomes the AudioError message on failure."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args]
    if stdin:
        done = subprocess.run(cmd, input=stdin, capture_output=True)
    else:
        done = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True)
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise AudioError(f"ffmpeg failed: {message[-1] if message else 'exit ' + str(done.returncode)}")
    return done.stdout


def ffmpeg_log(args: list[str]) -> str:
    """Run ffmpeg at log level info and return what it logged (filters such as
    ebur128 report their results there); a failure raises AudioError."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostats", "-loglevel", "info", *args]
    done = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True)
    log = done.stderr.decode(errors="replace")
    if done.returncode != 0:
        lines = log.strip().splitlines()
        raise AudioError(f"ffmpeg failed: {lines[-1] if lines else 'exit ' + str(done.returncode)}")
    return log
