"""Decoding any audio ffmpeg reads into raw PCM, with the ffmpeg from imageio-ffmpeg."""

from __future__ import annotations

import contextlib
import subprocess
import threading
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

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


def resample_with_ffmpeg(samples: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Float32 samples brought from ``from_rate`` to ``to_rate`` by ffmpeg, streamed
    through pipes (no copy of the input is made), exactly
    round(len * to_rate / from_rate) samples long."""
    length = (len(samples) * to_rate + from_rate // 2) // from_rate
    out = np.zeros(length, dtype=np.float32)
    if not len(samples):
        return out
    ffmpeg = subprocess.Popen(
        [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-f", "f32le", "-ar", str(from_rate),
         "-ac", "1", "-i", "pipe:0", "-af", resample_filter(to_rate), "-f", "f32le", "pipe:1"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    errors: list[bytes] = []
    feeder = threading.Thread(target=feed_samples, args=(ffmpeg.stdin, samples), daemon=True)
    reader = threading.Thread(target=lambda: errors.append(ffmpeg.stderr.read()), daemon=True)
    feeder.start()
    reader.start()
    view = memoryview(out).cast("B")
    filled = 0
    while filled < len(view):
        count = ffmpeg.stdout.readinto(view[filled:])
        if not count:
            break
        filled += count
    while ffmpeg.stdout.read(1 << 16):  # a resampler may flush a few samples more
        pass
    feeder.join()
    reader.join()
    if ffmpeg.wait() != 0:
        lines = b"".join(errors).decode(errors="replace").strip().splitlines()
        raise AudioError(f"ffmpeg failed: {lines[-1] if lines else 'exit ' + str(ffmpeg.returncode)}")
    return out


def resample_filter(to_rate: int) -> str:
    """An ffmpeg audio filter resampling to ``to_rate`` as cleanly as this build can: the
    SoX resampler where it is built in (imageio-ffmpeg's is), else ffmpeg's own with a
    longer filter than its default."""
    if _has_soxr():
        return f"aresample={to_rate}:resampler=soxr"
    return f"aresample={to_rate}:filter_size=64:cutoff=0.97"


@lru_cache(maxsize=1)
def _has_soxr() -> bool:
    done = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
         "anullsrc=r=22050:cl=mono", "-t", "0.01", "-af", "aresample=44100:resampler=soxr",
         "-f", "null", "-"],
        stdin=subprocess.DEVNULL, capture_output=True,
    )
    return done.returncode == 0


def feed_samples(pipe: BinaryIO, samples: np.ndarray, scale: float = 1.0,
                 chunk: int = 1 << 16) -> None:
    """Write ``samples`` times ``scale`` to ``pipe`` as f32le a piece at a time (never
    the whole recording as one bytes object), then close it. A pipe that ffmpeg closed
    early is left for the caller to report from ffmpeg's log."""
    buffer = np.empty(min(chunk, len(samples)), dtype="<f4")
    try:
        for start in range(0, len(samples), chunk):
            piece = buffer[:len(samples[start:start + chunk])]
            np.multiply(samples[start:start + chunk], scale, out=piece, casting="unsafe")
            pipe.write(piece.data)
    except BrokenPipeError:
        pass  # ffmpeg stopped early; its log says why
    finally:
        with contextlib.suppress(BrokenPipeError):
            pipe.close()
