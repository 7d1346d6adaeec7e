"""An MP3 episode mastered and encoded in pieces, so that re-rendering an edited
article normalizes and encodes only the pieces that changed.

The assembler cuts the track in the silence before section headings (and between
paragraphs of a long section), at multiples of one MP3 frame (1152 samples at
44.1 kHz), and lays the audio after every cut out the same way wherever the cut
falls; so a piece's samples depend only on its own text, not on what came before.
Each piece is encoded on its own and its frames are joined to the others':

- an encoder's output for a piece of N samples begins with its fixed delay, then
  the piece; the first N / 1152 frames therefore hold the piece less its last
  (delay) samples, and the next piece's frames begin with the delay where those
  samples would be. Both are silence, because a cut has at least
  ``SILENT_BEFORE_CUT`` of digital silence before it and ``SILENT_AFTER_CUT``
  after it (the decoder's overlap between frames reaches into silence only);
- a piece's first frame uses no bytes of an earlier frame (an encoder starts with
  an empty bit reservoir), so frames of different pieces can follow one another;
- the joined stream takes the first piece's Info (Xing/LAME) frame, with the
  totals, seek table, last piece's end padding and checksums written for the joined
  frames the way ffmpeg writes them when it copies a stream (a test compares the
  two byte for byte); ffmpeg itself took 0.3 to 0.5 s to copy a 12-minute episode.

Loudness: one gain for the whole episode, found from every piece's summary; the
limiter works piece by piece (a cut lies in silence longer than its release). A
re-render keeps the episode's gain (and the bumpers' level) while the loudness
with the new pieces stays within ``KEEP_GAIN_TOLERANCE_LU`` of the target; the
unchanged pieces are then taken from the piece store as they are. Otherwise every
piece is normalized and encoded again, as on a first render.

Pieces are stored, content-addressed (the piece's samples, the gain, the
encoder's settings), under the segment cache's folder.
"""

from __future__ import annotations

import hashlib
import math
import os
import struct
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import AudioError
from .encode import LAME_QUALITY, SAMPLE_RATE, encode_mp3
from .loudness import (PieceLevel, apply_piece_gain, measure_piece, peak_ceiling, piece_level,
                       piece_limiter, pieces_loudness, search_gain)

#: samples per MPEG-1 Layer III frame
FRAME = 1152
#: digital silence a cut needs on each side, in samples at 44.1 kHz: the encoder's and
#: decoder's delay (1105) and the frame the decoder overlaps, with room to spare before;
#: one frame after
SILENT_BEFORE_CUT = 3 * FRAME
SILENT_AFTER_CUT = FRAME
#: a section is also cut between paragraphs once the piece reaches this length: an edit
#: re-encodes a piece of 20 to 40 s (0.1 to 0.2 s), at the cost of a few more encoder
#: starts in a first render (at 45 s, an edit's piece took 0.4 s)
PIECE_TARGET_S = 20.0
#: how far the loudness may drift from the target before a re-render re-masters the episode
KEEP_GAIN_TOLERANCE_LU = 0.3
#: changes whenever the same samples would encode to other bytes
ENCODER_ID = f"lame-q{LAME_QUALITY}-v1"
_STORE = "pieces"
_MAGIC = b"ACPIECE1"
_HEADER = struct.Struct("<8sIII")


def cut_granularity(sample_rate: int) -> int | None:
    """Samples at ``sample_rate`` in one 44.1 kHz MP3 frame, the step cuts are placed
    on; None where that is not a whole number (the episode is then encoded whole)."""
    if sample_rate <= 0 or (FRAME * sample_rate) % SAMPLE_RATE:
        return None
    return FRAME * sample_rate // SAMPLE_RATE


@dataclass
class Mastering:
    """The loudness decisions of an episode, kept between its renders."""

    gain_db: float
    voice_lufs: float  # the voice's loudness before the gain: the bumpers' reference
    target_lufs: float
    true_peak_db: float
    sample_rate: int
    bitrate_kbps: int

    def to_dict(self) -> dict:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: dict | None) -> Mastering | None:
        if not isinstance(data, dict):
            return None
        try:
            return cls(float(data["gain_db"]), float(data["voice_lufs"]), float(data["target_lufs"]),
                       float(data["true_peak_db"]), int(data["sample_rate"]), int(data["bitrate_kbps"]))
        except (KeyError, TypeError, ValueError):
            return None

    def fits(self, target_lufs: float, true_peak_db: float, sample_rate: int, bitrate_kbps: int) -> bool:
        return (self.target_lufs, self.true_peak_db, self.sample_rate, self.bitrate_kbps) == (
            target_lufs, true_peak_db, sample_rate, bitrate_kbps) and math.isfinite(self.gain_db)


@dataclass
class PieceResult:
    """A finished episode stream and how it was made."""

    mp3: bytes  # untagged
    mastering: Mastering | None
    pieces: int
    reused: int  # pieces taken from the store


class PieceStore:
    """Encoded pieces and their loudness, one file each, written atomically."""

    def __init__(self, root: Path):
        self.root = Path(root) / _STORE

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.piece"

    def get(self, key: str) -> tuple[bytes, PieceLevel] | None:
        try:
            data = self._path(key).read_bytes()
        except OSError:
            return None
        if len(data) < _HEADER.size:
            return None
        magic, mp3_size, count, length = _HEADER.unpack_from(data)
        if magic != _MAGIC or len(data) != _HEADER.size + mp3_size + 8 * count:
            return None
        mp3 = data[_HEADER.size:_HEADER.size + mp3_size]
        try:  # a damaged entry is made again, never joined into an episode
            frames = frames_of(mp3)
        except AudioError:
            return None
        if not frames or not _is_info(mp3[:frames[0][1]]):
            return None
        energy = np.frombuffer(data, dtype="<f8", count=count, offset=_HEADER.size + mp3_size).copy()
        try:
            os.utime(self._path(key))  # recency, for the cache's pruning
        except OSError:
            pass
        return mp3, PieceLevel(energy, length)

    def put(self, key: str, mp3: bytes, level: PieceLevel) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        except OSError:
            return  # a store that cannot be written only costs the next render time
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(_HEADER.pack(_MAGIC, len(mp3), len(level.energy), level.length))
                handle.write(mp3)
                handle.write(np.asarray(level.energy, dtype="<f8").tobytes())
            os.replace(tmp, path)
        except OSError:
            Path(tmp).unlink(missing_ok=True)


def render_pieces(track: np.ndarray, sample_rate: int, cuts: list[int], *, target_lufs: float,
                  true_peak_db: float, bitrate_kbps: int, voice_lufs: float,
                  prior: Mastering | None, store: PieceStore | None, jobs: int = 1) -> PieceResult:
    """The normalized, encoded (untagged) MP3 of ``track`` cut at ``cuts`` (sample
    positions at ``sample_rate``, each a multiple of ``cut_granularity``).

    ``prior`` is the mastering of the episode's last render: its gain is kept when
    the loudness stays within tolerance. ``track`` is normalized in place, piece by
    piece, where a piece must be made."""
    bounds = [0, *cuts, len(track)]
    spans = [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]
    digests = [_digest(track[a:b]) for a, b in spans]
    ceiling = peak_ceiling(true_peak_db)
    mastering = None
    made: dict[int, tuple[bytes | None, PieceLevel]] = {}
    if prior is not None and prior.fits(target_lufs, true_peak_db, sample_rate, bitrate_kbps):
        made = _keep_gain(track, sample_rate, spans, digests, prior, ceiling, bitrate_kbps, store)
        if made:
            mastering = prior
    if mastering is None:
        summaries = [measure_piece(track[a:b], sample_rate) for a, b in spans]
        found = search_gain([(track[a:b], s) for (a, b), s in zip(spans, summaries)], sample_rate,
                            target_lufs, true_peak_db)
        gain_db = found[0] if found else 0.0
        gain = 10 ** (gain_db / 20)
        made = {}
        for index, ((a, b), summary) in enumerate(zip(spans, summaries)):
            key = _key(digests[index], gain_db, ceiling, sample_rate, bitrate_kbps)
            stored = store.get(key) if store else None
            if stored is not None:
                made[index] = stored
                continue
            limiter = found[1][index] if found else np.ones_like(summary.peaks)
            level = piece_level(summary, gain, limiter, b - a)
            apply_piece_gain(track[a:b], summary, gain, limiter, ceiling, out=track[a:b])
            made[index] = (None, level)
        mastering = Mastering(gain_db, voice_lufs, target_lufs, true_peak_db, sample_rate, bitrate_kbps)
    reused = sum(1 for mp3, _ in made.values() if mp3 is not None)
    to_encode = [i for i, (mp3, _) in made.items() if mp3 is None]

    def encode(index: int) -> bytes:
        a, b = spans[index]
        return encode_mp3(track[a:b], sample_rate, bitrate_kbps)

    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(to_encode) or 1))) as pool:
        for index, mp3 in zip(to_encode, pool.map(encode, to_encode)):
            level = made[index][1]
            made[index] = (mp3, level)
            if store is not None:
                store.put(_key(digests[index], mastering.gain_db, ceiling, sample_rate, bitrate_kbps),
                          mp3, level)
    lengths = [(b - a) * SAMPLE_RATE // sample_rate for a, b in spans]
    mp3 = splice([made[i][0] for i in range(len(spans))], lengths)
    return PieceResult(mp3, mastering, len(spans), reused)


def _keep_gain(track, sample_rate, spans, digests, prior: Mastering, ceiling: float, bitrate_kbps: int,
               store: PieceStore | None) -> dict[int, tuple[bytes | None, PieceLevel]]:
    """The pieces at the prior gain (stored ones as they are, new ones normalized in
    place), or {} when the loudness would leave the tolerance."""
    gain = 10 ** (prior.gain_db / 20)
    made: dict[int, tuple[bytes | None, PieceLevel]] = {}
    pending = []
    for index, (a, b) in enumerate(spans):
        stored = store.get(_key(digests[index], prior.gain_db, ceiling, sample_rate, bitrate_kbps)) \
            if store else None
        if stored is not None:
            made[index] = stored
            continue
        summary = measure_piece(track[a:b], sample_rate)
        limiter = piece_limiter(track[a:b], summary, gain, ceiling)
        made[index] = (None, piece_level(summary, gain, limiter, b - a))
        pending.append((index, summary, limiter))
    reached = pieces_loudness([made[i][1] for i in range(len(spans))], sample_rate)
    if not (math.isfinite(reached) and abs(reached - prior.target_lufs) <= KEEP_GAIN_TOLERANCE_LU):
        return {}
    for index, summary, limiter in pending:
        a, b = spans[index]
        apply_piece_gain(track[a:b], summary, gain, limiter, ceiling, out=track[a:b])
    return made


def _digest(samples: np.ndarray) -> str:
    return hashlib.blake2b(np.ascontiguousarray(samples, dtype=np.float32).data, digest_size=20).hexdigest()


def _key(digest: str, gain_db: float, ceiling: float, sample_rate: int, bitrate_kbps: int) -> str:
    blob = f"{ENCODER_ID}\0{digest}\0{gain_db!r}\0{ceiling!r}\0{sample_rate}\0{bitrate_kbps}".encode()
    return hashlib.sha256(blob).hexdigest()


# --------------------------------------------------------------------------- MP3 frames

_BITRATES_KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
_RATES = (44100, 48000, 32000)
#: where the Info tag's fields lie, from the tag's start (MPEG-1 mono: 21 bytes into the frame)
_INFO_OFFSET = 4 + 17
_FRAMES_AT, _BYTES_AT, _DELAY_PADDING_AT = 8, 12, 141


def frames_of(mp3: bytes) -> list[tuple[int, int]]:
    """(offset, length) of every MPEG-1 Layer III frame of an untagged stream."""
    frames, at = [], 0
    while at + 4 <= len(mp3):
        header = int.from_bytes(mp3[at:at + 4], "big")
        bitrate_index, rate_index = (header >> 12) & 15, (header >> 10) & 3
        if header >> 21 != 0x7FF or (header >> 17) & 0xF != 0b1101 or not 0 < bitrate_index < 15 \
                or rate_index == 3:
            raise AudioError(f"not an MPEG-1 Layer III frame at byte {at}")
        length = 144 * _BITRATES_KBPS[bitrate_index] * 1000 // _RATES[rate_index] + ((header >> 9) & 1)
        frames.append((at, length))
        at += length
    return frames


def _is_info(frame: bytes) -> bool:
    return frame[_INFO_OFFSET:_INFO_OFFSET + 4] in (b"Info", b"Xing")


def splice(pieces: list[bytes], lengths: list[int]) -> bytes:
    """One MP3 stream of encoded ``pieces`` (each as the encoder wrote it, Info frame
    first), piece i holding ``lengths[i]`` samples at 44.1 kHz (a multiple of 1152 for
    all but the last)."""
    if len(pieces) == 1:
        return pieces[0]
    info = None
    kept: list[memoryview] = []  # the frames kept of each piece
    sizes: list[int] = []  # of every frame kept, in order
    padding = 0
    for index, (mp3, length) in enumerate(zip(pieces, lengths)):
        frames = frames_of(mp3)
        if not frames or not _is_info(mp3[:frames[0][1]]):
            raise AudioError("an encoded piece has no Info frame")
        if info is None:
            info = bytearray(mp3[:frames[0][1]])
        audio = frames[1:]
        if index == len(pieces) - 1:
            at = _INFO_OFFSET + _DELAY_PADDING_AT
            padding = int.from_bytes(mp3[at:at + 3], "big") & 0xFFF
        else:
            if length % FRAME:
                raise AudioError(f"a piece of {length} samples does not end on a frame boundary")
            keep = length // FRAME
            if keep > len(audio):
                raise AudioError("an encoded piece is shorter than its samples")
            audio = audio[:keep]
        if audio:
            kept.append(memoryview(mp3)[audio[0][0]:audio[-1][0] + audio[-1][1]])
            sizes += [size for _, size in audio]
    assert info is not None
    stream = bytearray(len(info) + sum(sizes))
    at = len(info)
    for part in kept:
        stream[at:at + len(part)] = part
        at += len(part)
    _write_info(info, sizes, padding, memoryview(stream)[len(info):])
    stream[:len(info)] = info
    return bytes(stream)


#: where the Info tag's fields lie, from the tag's start, beyond those above
_TOC_AT, _TOC_SIZE = 16, 100
_MUSIC_LENGTH_AT, _MUSIC_CRC_AT, _TAG_CRC_AT = 148, 152, 154
#: the seek table is read off at most this many sampled frame positions (as LAME and
#: ffmpeg sample them: every frame, then every second one when the samples run out, ...)
_TOC_SAMPLES = 400
#: the tag's own checksum covers the frame's first bytes, whatever the tag's offset in it
_TAG_CRC_SPAN = 190


def _write_info(info: bytearray, sizes: list[int], padding: int, audio: memoryview) -> None:
    """The joined stream's Info (Xing/LAME) frame, in place: frame count, byte count,
    seek table, end padding, music length and the two checksums, computed as the
    encoder's muxer computes them for a stream it writes (the first piece's frame keeps
    the rest: the encoder's name and delay)."""
    tag = _INFO_OFFSET
    total = len(info) + len(audio)
    positions, want, seen, running = [], 1, 0, len(info)
    for size in sizes:
        running += size
        seen += 1
        if seen == want:
            positions.append(running)
            seen = 0
            if len(positions) == _TOC_SAMPLES:
                positions = positions[1::2]
                want *= 2
    toc = [0] + [min(255, 256 * positions[i * len(positions) // _TOC_SIZE] // total)
                 for i in range(1, _TOC_SIZE)] if positions else [0] * _TOC_SIZE
    struct.pack_into(">II", info, tag + _FRAMES_AT, len(sizes), total)
    info[tag + _TOC_AT:tag + _TOC_AT + _TOC_SIZE] = bytes(toc)
    at = tag + _DELAY_PADDING_AT
    delay = int.from_bytes(info[at:at + 3], "big") >> 12
    info[at:at + 3] = ((delay << 12) | padding).to_bytes(3, "big")
    struct.pack_into(">IHH", info, tag + _MUSIC_LENGTH_AT, total, crc16(audio), 0)
    struct.pack_into(">H", info, tag + _TAG_CRC_AT, crc16(info[:_TAG_CRC_SPAN]))


def _crc16_table() -> np.ndarray:
    table = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        table = np.where(table & 1, (table >> 1) ^ 0xA001, table >> 1)
    return table.astype(np.uint16)


_CRC16 = _crc16_table()
#: the data is read as this many runs side by side (each checksummed from zero), then
#: their checksums are chained: numpy steps every run one byte at a time
_CRC_LANES = 8192


def crc16(data) -> int:
    """CRC-16/ARC (reflected polynomial 0x8005, from 0), the LAME tag's checksum."""
    buf = np.frombuffer(data, dtype=np.uint8)
    if len(buf) < 4 * _CRC_LANES:
        crc = 0
        table = _CRC16.tolist()
        for byte in buf.tolist():
            crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
        return crc
    width = -(-len(buf) // _CRC_LANES)
    # zeros in front change nothing: a checksum from 0 stays 0 over them
    padded = np.zeros(_CRC_LANES * width, dtype=np.uint8)
    padded[len(padded) - len(buf):] = buf
    columns = np.ascontiguousarray(padded.reshape(_CRC_LANES, width).T)
    state = np.zeros(_CRC_LANES, dtype=np.uint16)
    for column in columns:
        state = _CRC16[(state ^ column) & 0xFF] ^ (state >> 8)
    # a checksum carried over `width` more bytes is a linear map of it: the run's own
    # checksum, plus the carried one as `width` zero bytes leave it
    basis = (1 << np.arange(16)).astype(np.uint16)
    for _ in range(width):
        basis = _CRC16[basis & 0xFF] ^ (basis >> 8)
    images = basis.tolist()
    low, high = [0] * 256, [0] * 256
    for value in range(1, 256):
        bit = value.bit_length() - 1
        low[value] = low[value ^ (1 << bit)] ^ images[bit]
        high[value] = high[value ^ (1 << bit)] ^ images[bit + 8]
    crc = 0
    for lane in state.tolist():
        crc = low[crc & 0xFF] ^ high[crc >> 8] ^ lane
    return crc
