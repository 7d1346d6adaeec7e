"""Decoding any audio ffmpeg reads into raw PCM, with the ffmpeg from imageio-ffmpeg."""

from __future__ import annotations

import subprocess

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
