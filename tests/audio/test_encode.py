"""MP3 encoding: format, Info header, exact length and level."""

from __future__ import annotations

import numpy as np
import pytest

from audiocast.audio import encode_mp3
from audiocast.audio.decode import run_ffmpeg
from audiocast.errors import AudioError
from audiocast.publish.tags import read_mp3_info

RATE = 44100


def tone(seconds: float = 2.0, rate: int = RATE, amplitude: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * 440 * t)).astype(np.float32)


def decode(path) -> np.ndarray:
    return np.frombuffer(run_ffmpeg(["-i", str(path), "-f", "f32le", "-ac", "1", "pipe:1"]), "<f4")


@pytest.fixture(scope="module")
def mp3_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("encode") / "tone.mp3"
    path.write_bytes(encode_mp3(tone(), RATE))
    return path


def test_mp3_is_mono_44k1_constant_96_kbps(mp3_file):
    info = read_mp3_info(mp3_file)
    assert (info.sample_rate, info.channels, info.bitrate_kbps) == (44100, 1, 96)
    assert info.constant_bitrate


def test_first_frame_carries_the_info_header(mp3_file):
    data = mp3_file.read_bytes()
    assert data[:2] == b"\xff\xfb"  # MPEG-1 Layer III frame sync, no ID3 tag yet
    assert data[21:25] == b"Info"  # Xing header of a CBR stream (mono: 17 side-info bytes)
    assert read_mp3_info(mp3_file).has_info_header


def test_decoding_gives_back_every_sample_at_the_same_level(mp3_file):
    """The Info header's encoder delay and padding make decoding gapless, so the
    Timeline's times hold in the MP3; LAME's CBR input scaling is undone."""
    original = tone()
    decoded = decode(mp3_file)
    assert len(decoded) == len(original)
    middle = slice(5000, -5000)
    in_step = np.corrcoef(decoded[middle], original[middle])[0, 1]
    quarter_period_late = np.corrcoef(decoded[5025:-4975], original[middle])[0, 1]
    assert in_step > 0.999 and abs(quarter_period_late) < 0.1
    rms = lambda x: np.sqrt(np.mean(x[5000:-5000] ** 2))  # noqa: E731
    assert 20 * np.log10(rms(decoded) / rms(original)) == pytest.approx(0.0, abs=0.1)


@pytest.mark.parametrize("bitrate", [64, 128, 192])
def test_other_bitrates_keep_level_and_rate(tmp_path, bitrate):
    path = tmp_path / "b.mp3"
    path.write_bytes(encode_mp3(tone(1.0), RATE, bitrate))
    assert read_mp3_info(path).bitrate_kbps == bitrate
    decoded = decode(path)
    level = 20 * np.log10(np.sqrt(np.mean(decoded[5000:-5000] ** 2)) / (0.3 / np.sqrt(2)))
    assert level == pytest.approx(0.0, abs=0.1)


def test_other_input_rates_are_resampled_to_44k1(tmp_path):
    path = tmp_path / "r.mp3"
    path.write_bytes(encode_mp3(tone(1.0, rate=22050), 22050))
    info = read_mp3_info(path)
    assert info.sample_rate == 44100
    assert len(decode(path)) == pytest.approx(44100, abs=2)


def test_unsupported_bitrate_and_empty_audio_are_errors():
    with pytest.raises(AudioError, match="48 kbps"):
        encode_mp3(tone(0.5), RATE, 48)
    with pytest.raises(AudioError, match="empty"):
        encode_mp3(np.zeros(0, dtype=np.float32), RATE)


def test_a_22k05_track_is_upsampled_cleanly(tmp_path):
    """Upsampling mirrors a 9 kHz tone at 22.05 kHz to 13.05 kHz unless the resampler
    filters it out; LAME would keep that image (its low pass sits higher at 96 kbps)."""
    rate = 22050
    path = tmp_path / "up.mp3"
    path.write_bytes(encode_mp3(_sine(9000, 2.0, rate), rate))
    decoded = decode(path)[5000:-5000]
    spectrum = np.abs(np.fft.rfft(decoded * np.hanning(len(decoded))))
    freqs = np.fft.rfftfreq(len(decoded), 1 / RATE)

    def level(f: float) -> float:
        return spectrum[np.abs(freqs - f) < 50].max()

    assert 20 * np.log10(level(13050) / level(9000)) < -60


def _sine(freq: float, seconds: float, rate: int) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.3 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def test_samples_are_streamed_whatever_their_float_type(tmp_path):
    a, b = tmp_path / "a.mp3", tmp_path / "b.mp3"
    a.write_bytes(encode_mp3(tone(1.0), RATE))
    b.write_bytes(encode_mp3(tone(1.0).astype(np.float64), RATE))
    assert a.read_bytes() == b.read_bytes()
