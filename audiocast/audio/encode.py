"""MP3 encoding with LAME, through the ffmpeg that ships in the imageio-ffmpeg wheel."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from ..errors import AudioError
from .decode import run_ffmpeg

SAMPLE_RATE = 44100
#: constant bitrates MPEG-1 Layer III allows, from the 64 kbps podcast minimum up
BITRATES_KBPS = (64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
#: LAME's constant-bitrate presets scale the input down (0.95 up to 160 kbps, then
#: 0.97, 0.98, 1.0; its abr_switch_map). Undoing it keeps the MP3 at the loudness
#: it was mastered to; LAME works in floating point, so nothing clips on the way.
_LAME_CBR_SCALE = {192: 0.97, 224: 0.98, 256: 1.0, 320: 1.0}


def encode_mp3(samples: np.ndarray, sample_rate: int, bitrate_kbps: int = 96) -> bytes:
    """Mono float samples -> MP3 bytes: 44.1 kHz, mono, constant bitrate, no tags.

    The file is written to a seekable temporary file rather than a pipe, so the
    muxer can go back and fill in the Xing/LAME "Info" header: players read the
    exact duration and encoder delay from it and seek accurately.
    """
    if bitrate_kbps not in BITRATES_KBPS:
        raise AudioError(
            f"MP3 bitrate {bitrate_kbps} kbps is not one of {', '.join(map(str, BITRATES_KBPS))}"
        )
    if not len(samples):
        raise AudioError("cannot encode an empty recording")
    scale = _LAME_CBR_SCALE.get(bitrate_kbps, 0.95)
    pcm = (np.asarray(samples, dtype="<f4") / np.float32(scale)).astype("<f4").tobytes()
    with tempfile.TemporaryDirectory(prefix="audiocast-mp3-") as tmp:
        out = Path(tmp) / "episode.mp3"
        run_ffmpeg(
            ["-f", "f32le", "-ar", str(sample_rate), "-ac", "1", "-i", "pipe:0",
             "-map_metadata", "-1", "-ar", str(SAMPLE_RATE), "-ac", "1",
             "-c:a", "libmp3lame", "-b:a", f"{bitrate_kbps}k",
             "-id3v2_version", "0", "-write_xing", "1", "-f", "mp3", str(out)],
            pcm,
        )
        return out.read_bytes()
