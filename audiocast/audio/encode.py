"""MP3 (LAME) and AAC-in-MP4 encoding, through the ffmpeg that ships in the imageio-ffmpeg wheel."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..errors import AudioError
from ..models import ChapterMark
from .decode import feed_samples, ffmpeg_exe, resample_filter

SAMPLE_RATE = 44100
#: constant bitrates MPEG-1 Layer III allows, from the 64 kbps podcast minimum up
BITRATES_KBPS = (64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
#: LAME's constant-bitrate presets scale the input down (0.95 up to 160 kbps, then
#: 0.97, 0.98, 1.0; its abr_switch_map). Undoing it keeps the MP3 at the loudness
#: it was mastered to; LAME works in floating point, so nothing clips on the way.
_LAME_CBR_SCALE = {192: 0.97, 224: 0.98, 256: 1.0, 320: 1.0}
#: LAME's quality setting (-q, ffmpeg's -compression_level). 7 skips the noise-shaping
#: search that LAME's default (3) runs on every frame, which takes a quarter of the
#: encoding time. The search pays off when bits are scarce; at 64 kbps and more, for
#: one voice whose sound ends near 11 kHz, they are not: the plain quantization is
#: at least as close to the original (measured: ~6 dB higher signal-to-noise ratio).
LAME_QUALITY = 7


def encode_mp3(samples: np.ndarray, sample_rate: int, bitrate_kbps: int = 96) -> bytes:
    """Mono float samples -> MP3 bytes: 44.1 kHz, mono, constant bitrate, no tags.

    Samples at another rate are resampled by ffmpeg (with the SoX resampler where the
    build has it). They are streamed to ffmpeg in pieces, never copied whole. The file
    is written to a seekable temporary file rather than a pipe, so the muxer can go
    back and fill in the Xing/LAME "Info" header: players read the exact duration and
    encoder delay from it and seek accurately.
    """
    if bitrate_kbps not in BITRATES_KBPS:
        raise AudioError(
            f"MP3 bitrate {bitrate_kbps} kbps is not one of {', '.join(map(str, BITRATES_KBPS))}"
        )
    if not len(samples):
        raise AudioError("cannot encode an empty recording")
    inverse = np.float32(1 / _LAME_CBR_SCALE.get(bitrate_kbps, 0.95))
    resample = ["-af", resample_filter(SAMPLE_RATE)] if sample_rate != SAMPLE_RATE else []
    return _encode(samples, sample_rate, "episode.mp3", lambda tmp: [
        "-map_metadata", "-1", *resample, "-ac", "1",
        "-c:a", "libmp3lame", "-b:a", f"{bitrate_kbps}k",
        "-compression_level", str(LAME_QUALITY),
        "-id3v2_version", "0", "-write_xing", "1", "-f", "mp3"], scale=inverse)


def encode_m4a(samples: np.ndarray, sample_rate: int, bitrate_kbps: int = 96,
               chapters: Sequence[ChapterMark] = (), brand: str = "M4A ") -> bytes:
    """Mono float samples -> AAC-LC in an MP4 file (44.1 kHz, mono), no tags, with
    ``chapters`` as a QuickTime chapter track and a Nero ``chpl`` atom (Apple's apps
    read the first, most other players and mutagen the second).

    Chapters are listed flat by start time (MP4 chapters have no levels), each
    running to the next one's start. The file is written with its index first
    (faststart), so a podcast app can start playing while it downloads.
    """
    if not len(samples):
        raise AudioError("cannot encode an empty recording")
    resample = ["-af", resample_filter(SAMPLE_RATE)] if sample_rate != SAMPLE_RATE else []

    def arguments(tmp: Path) -> list[str]:
        metadata = tmp / "chapters.txt"
        metadata.write_text(ffmetadata_chapters(chapters), encoding="utf-8")
        return ["-f", "ffmetadata", "-i", str(metadata),
                "-map", "0:a", "-map_metadata", "1", "-map_chapters", "1", *resample, "-ac", "1",
                "-c:a", "aac", "-b:a", f"{bitrate_kbps}k", "-brand", brand,
                "-movflags", "+faststart", "-f", "ipod"]

    return _encode(samples, sample_rate, "episode.m4a", arguments)


def _encode(samples: np.ndarray, sample_rate: int, name: str, arguments, scale: float = 1.0) -> bytes:
    """Stream float samples into ffmpeg with ``arguments(tmp)`` (the options after the raw
    input), into a seekable temporary file ``name``, and return its bytes."""
    with tempfile.TemporaryDirectory(prefix="audiocast-encode-") as tmp:
        out = Path(tmp) / name
        command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
                   "-f", "f32le", "-ar", str(sample_rate), "-ac", "1", "-i", "pipe:0",
                   *arguments(Path(tmp)), str(out)]
        with open(Path(tmp) / "ffmpeg.log", "w+b") as log:
            ffmpeg = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=log)
            feed_samples(ffmpeg.stdin, samples, scale)
            code = ffmpeg.wait()
            if code != 0:
                log.seek(0)
                lines = log.read().decode(errors="replace").strip().splitlines()
                raise AudioError(f"ffmpeg failed: {lines[-1] if lines else 'exit ' + str(code)}")
        return out.read_bytes()


def ffmetadata_chapters(chapters: Sequence[ChapterMark]) -> str:
    """An ffmetadata file holding ``chapters`` (``Timeline.all_chapters``: in start
    order; each here ends where the next begins) and nothing else."""
    marks = list(chapters)
    lines = [";FFMETADATA1"]
    for i, mark in enumerate(marks):
        end = marks[i + 1].start_ms if i + 1 < len(marks) else mark.end_ms
        lines += ["", "[CHAPTER]", "TIMEBASE=1/1000",
                  f"START={mark.start_ms}", f"END={max(end, mark.start_ms)}",
                  f"title={_ffmetadata_escape(mark.title)}"]
    return "\n".join(lines) + "\n"


def _ffmetadata_escape(text: str) -> str:
    """ffmetadata values escape '=', ';', '#', '\\' and line breaks with a backslash."""
    text = " ".join(text.split())
    return "".join("\\" + c if c in "=;#\\" else c for c in text)
