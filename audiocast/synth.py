"""Synthesis: a content-addressed segment cache in front of the engines, and scheduling.

A segment's audio depends only on the engine's identity (engine, voice, settings)
and the spoken text, so that pair is its cache key. Re-converting an edited
article therefore synthesizes only the sentences that changed, and a conversion
that was interrupted resumes from what the cache already holds: every clip is
stored the moment it is made.

Parallelism: Piper runs faster as several single-threaded processes than as one
process using every core (measured by benchmarks/run.py; see the README), so
batches with enough uncached work go to a process pool with one engine per
worker, and small batches (a typo fix) stay in-process to skip the pool start-up.

Memory: a Piper worker's working memory grows with the longest sentence it has read
and stays (onnxruntime's arena keeps it for the next sentence), so the sentences are
not dealt out at random. One worker reads the longest sentences, about its share of
the work, and the others the rest, each part longest first (a worker that read
shorter sentences first would grow its arena again at every longer one): only one
worker grows to the longest sentence's size, the others to that of the longest in
their part. Whoever finishes first takes the other part's shortest sentences.
"""

from __future__ import annotations

import hashlib
import os
import struct
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from .engines.base import Engine, VoiceSettings, create_engine
from .errors import SynthesisError
from .fsutil import default_cache_dir
from .models import Clip

CACHE_MAX_ENV = "AUDIOCAST_CACHE_MAX_MB"
DEFAULT_CACHE_MAX_BYTES = 2 * 1024**3
_MAGIC = b"ACPCM1"
_HEADER = struct.Struct("<6sI")
#: below this many uncached chunks, synthesize in-process rather than start a pool
POOL_THRESHOLD = 12
#: with more episodes to come, this many uncached chunks start the pool for them (their
#: sentences then go to the workers, each a single thread, which keep both cores busy
#: where one process's onnxruntime threads wait on one another while an episode before
#: is encoded beside them)
BATCH_POOL_THRESHOLD = 6
#: sentences handed to each worker ahead of its results, so that it never waits for the next
IN_FLIGHT = 2
#: silence between the pieces of a sentence split for an engine's length limit
CHUNK_GAP_MS = 120

Progress = Callable[[int, int], None]


def default_jobs() -> int:
    """One single-threaded engine process per usable core (see module docstring)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass
class CacheStats:
    root: Path
    entries: int
    size_bytes: int
    max_bytes: int


class SegmentCache:
    """PCM clips on disk keyed by (engine identity, spoken text).

    Safe for concurrent conversions: entries are written to a temporary file and
    renamed into place, so a reader sees a whole clip or none. Bounded in size:
    when it grows past ``max_bytes`` the least recently used clips are removed.
    """

    def __init__(self, root: Path | None = None, max_bytes: int | None = None):
        self.root = Path(root) if root else default_cache_dir()
        env_max = os.environ.get(CACHE_MAX_ENV)
        self.max_bytes = max_bytes or (int(env_max) * 1024**2 if env_max else DEFAULT_CACHE_MAX_BYTES)
        self._written = 0
        self._lock = threading.Lock()
        #: entries a render is about to read back, which pruning leaves alone
        self._pinned: set[Path] = set()

    @staticmethod
    def key(namespace: str, text: str) -> str:
        return hashlib.sha256(f"{namespace}\0{text}".encode()).hexdigest()

    def _path(self, namespace: str, text: str) -> Path:
        digest = self.key(namespace, text)
        return self.root / namespace / digest[:2] / f"{digest}.pcm"

    def get(self, namespace: str, text: str) -> Clip | None:
        path = self._path(namespace, text)
        try:
            data = path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None
        if len(data) < _HEADER.size:
            return None
        magic, rate = _HEADER.unpack_from(data)
        if magic != _MAGIC:
            return None
        try:
            os.utime(path)  # recency for LRU eviction
        except OSError:
            pass
        return Clip(pcm=data[_HEADER.size:], sample_rate=rate)

    def put(self, namespace: str, text: str, clip: Clip) -> None:
        path = self._path(namespace, text)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(_HEADER.pack(_MAGIC, clip.sample_rate))
                handle.write(clip.pcm)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        with self._lock:
            self._written += len(clip.pcm)
            if self._written > self.max_bytes // 20:
                self._written = 0
                self.prune()

    def pin(self, namespace: str, text: str) -> None:
        """Keep this entry through pruning until ``unpin``."""
        with self._lock:
            self._pinned.add(self._path(namespace, text))

    def unpin(self, namespace: str, text: str) -> None:
        with self._lock:
            self._pinned.discard(self._path(namespace, text))

    def _entries(self) -> list[tuple[float, int, Path]]:
        entries = []
        if not self.root.exists():
            return entries
        # clips, and the encoded episode pieces kept beside them (audio/pieces.py)
        for path in [*self.root.glob("*/*/*.pcm"), *self.root.glob("*/*/*.piece")]:
            try:
                st = path.stat()
            except FileNotFoundError:
                continue
            entries.append((st.st_mtime, st.st_size, path))
        return entries

    def stats(self) -> CacheStats:
        entries = self._entries()
        return CacheStats(self.root, len(entries), sum(e[1] for e in entries), self.max_bytes)

    def prune(self, max_bytes: int | None = None) -> int:
        """Remove least recently used clips until the cache fits; returns clips removed."""
        limit = self.max_bytes if max_bytes is None else max_bytes
        entries = sorted(self._entries())
        total = sum(e[1] for e in entries)
        removed = 0
        for _, size, path in entries:
            if total <= limit:
                break
            if path in self._pinned:
                continue
            path.unlink(missing_ok=True)
            total -= size
            removed += 1
        return removed

    def clear(self) -> int:
        return self.prune(0)


# --------------------------------------------------------------------------- workers

_worker_engine: Engine | None = None


def _init_worker(voice: VoiceSettings, parent_pid: int | None = None, kernel_signal: bool = True) -> None:
    global _worker_engine
    from .lifetime import exit_with_parent

    exit_with_parent(parent_pid, kernel_signal=kernel_signal)  # never outlive a killed run
    settings = VoiceSettings.from_dict(voice.to_dict())
    settings.options.setdefault("threads", 1)
    _worker_engine = create_engine(settings)


def _prepare_worker() -> None:
    assert _worker_engine is not None
    _worker_engine.prepare()


def _synthesize_in_worker(text: str) -> Clip:
    assert _worker_engine is not None
    return _worker_engine.synthesize(text)


class Synthesizer:
    """Turns spoken texts into clips through the cache, in-process or in a worker pool.

    Create it once per run: the engine (and pool, when used) is reused for every
    episode, so a batch pays model loading once.
    """

    def __init__(
        self,
        voice: VoiceSettings,
        *,
        jobs: int | None = None,
        cache: SegmentCache | None = None,
        engine: Engine | None = None,
    ):
        self.voice = voice
        self.jobs = jobs or default_jobs()
        self.cache = cache if cache is not None else SegmentCache()
        self.engine = engine or create_engine(voice)  # fails early: EngineUnavailable
        self.namespace = self.engine.cache_namespace()
        self._pools: list[ProcessPoolExecutor] = []
        self._phonemes = _phoneme_map(voice) if getattr(self.engine, "accepts_phonemes", False) else {}
        #: chunks synthesized (not found in the cache) since creation
        self.synthesized = 0
        #: whether more episodes follow the next render: True in a batch (see
        #: BATCH_POOL_THRESHOLD); False for a run's last, after which the workers shut down
        #: and free their memory before the audio is assembled; None when nobody said
        self.more_to_come: bool | None = None
        #: the workers' voice loading started by ``warm_up``
        self.warming: list = []
        self._loading: threading.Thread | None = None  # this process's, started by ``warm_up``

    # -- lifecycle
    def close(self) -> None:
        if self._loading is not None:
            self._loading.join()  # not left loading a model while the interpreter shuts down
        pools, self._pools = self._pools, []
        for pool in pools:
            pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> Synthesizer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _get_pools(self) -> list[ProcessPoolExecutor]:
        """One single-process pool per job: each sentence goes to the worker chosen for it."""
        if not self._pools:
            import multiprocessing

            context = multiprocessing.get_context("spawn")
            # Linux's parent-death signal follows the thread that starts the workers:
            # ask for it only when that is the main thread, which lives as long as we do
            initargs = (self.voice, os.getpid(), threading.current_thread() is threading.main_thread())
            self._pools = [ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_init_worker,
                                               initargs=initargs)
                           for _ in range(self.jobs)]
        return self._pools

    def warm_up(self, many: bool = True) -> None:
        """Load the voice now, while this process reads and scripts an article whose
        sentences it expects to synthesize, instead of after. With ``many`` (a new
        article) the workers start and load it (measured: 1.2 s of a cold conversion on 2
        cores, when the other core idles); otherwise (an edit's few sentences, read in
        this process) this process loads it, on a thread of its own."""
        if self.engine.online:
            return
        if many and self.jobs > 1:
            if not self._pools:
                self.warming = [pool.submit(_prepare_worker) for pool in self._get_pools()]
        elif self._loading is None:
            self._loading = threading.Thread(target=self._load_here, name="audiocast-voice", daemon=True)
            self._loading.start()

    def _load_here(self) -> None:
        try:
            self.engine.prepare()
        except Exception:  # noqa: BLE001 - the first sentence meets the error again and reports it
            pass

    # -- work
    def chunks_of(self, text: str) -> list[str]:
        """The pieces one spoken sentence is sent to the engine in."""
        limit = self.engine.max_chars
        if limit and len(text) > limit:
            from .speech import split_for_engine

            pieces = split_for_engine(text, limit)
        else:
            pieces = [text]
        if self._phonemes:
            from .speech.lexicon import apply_phonemes

            pieces = [apply_phonemes(piece, self._phonemes) for piece in pieces]
        return [piece for piece in pieces if piece.strip()]

    def render(self, texts: list[str], progress: Progress | None = None) -> list[Clip]:
        """One clip per text, in order. Cached chunks are reused; new ones are cached at once."""
        chunked = [self.chunks_of(text) for text in texts]
        unique = list(dict.fromkeys(chunk for chunks in chunked for chunk in chunks))
        found: dict[str, Clip] = {}
        missing: list[str] = []
        for chunk in unique:
            clip = self.cache.get(self.namespace, chunk)
            if clip is None:
                missing.append(chunk)
            else:
                found[chunk] = clip
        total = len(unique)
        done = total - len(missing)
        if progress:
            progress(done, total)
        # clips the workers make are read back from the cache once the workers are done,
        # so that this process does not hold a long article's audio beside their memory
        spill = len(missing) >= POOL_THRESHOLD
        spilled: list[str] = []
        pooled = self._uses_pool(len(missing))
        if self.more_to_come and not self._pools and len(missing) >= BATCH_POOL_THRESHOLD:
            self.warm_up()  # for the episodes to come; this one is read here meanwhile
        for chunk, clip in self._synthesize(missing, pooled):
            if spill:
                self.cache.pin(self.namespace, chunk)
            self.cache.put(self.namespace, chunk, clip)
            if spill:
                spilled.append(chunk)
            else:
                found[chunk] = clip
            self.synthesized += 1
            done += 1
            if progress:
                progress(done, total)
        if self.more_to_come is False:
            self.close()  # no more work: free the workers' memory before the audio is assembled
        for chunk in spilled:
            clip = self.cache.get(self.namespace, chunk)
            self.cache.unpin(self.namespace, chunk)
            if clip is None:
                raise SynthesisError(f"the segment cache lost a clip it had just stored: {chunk[:60]!r}")
            found[chunk] = clip
        if spilled:
            self.cache.prune()  # what pinning kept past the bound
        return [_join([found[c] for c in chunks], self.engine) for chunks in chunked]

    def _uses_pool(self, count: int) -> bool:
        """Workers for enough chunks to pay their start-up, or for any two once they run."""
        if self.jobs <= 1 or self.engine.online or count < 2:
            return False
        return count >= POOL_THRESHOLD or bool(self._pools)

    def _synthesize(self, chunks: list[str], pooled: bool) -> Iterable[tuple[str, Clip]]:
        if not chunks:
            return
        if not pooled:
            for chunk in chunks:
                yield chunk, self.engine.synthesize(chunk)
            return
        pools = self._get_pools()
        longest, rest = _deal(chunks, len(pools))
        pending: dict = {}

        def hand_out(worker: int) -> None:
            # each reads its own part longest first, so that its memory grows at the first
            # sentence only; once that part is done, it takes the other's shortest
            own, other = (longest, rest) if worker == 0 else (rest, longest)
            if own or other:
                chunk = own.popleft() if own else other.pop()
                pending[pools[worker].submit(_synthesize_in_worker, chunk)] = (chunk, worker)

        for worker in range(len(pools)):
            for _ in range(IN_FLIGHT):
                hand_out(worker)
        try:
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    chunk, worker = pending.pop(future)
                    try:
                        clip = future.result()
                    except SynthesisError:
                        raise
                    except Exception as exc:  # a worker died or the engine broke
                        raise SynthesisError(f"synthesis failed on {chunk[:60]!r}: {exc}") from exc
                    hand_out(worker)
                    yield chunk, clip
        finally:
            for future in pending:
                future.cancel()


def _deal(chunks: list[str], workers: int) -> tuple[deque[str], deque[str]]:
    """The chunks in two parts, each longest first: the longest, about one worker's share
    of the work (worker 0 reads them), and the rest, which the other workers share."""
    order = sorted(chunks, key=len, reverse=True)
    share = sum(len(chunk) for chunk in order) / max(1, workers)
    total, split = 0, 0
    while split < len(order) and total < share:
        total += len(order[split])
        split += 1
    return deque(order[:split]), deque(order[split:])


def _join(clips: list[Clip], engine: Engine) -> Clip:
    if not clips:
        rate = getattr(engine, "sample_rate", 22050)
        return Clip(pcm=b"", sample_rate=rate)
    if len(clips) == 1:
        return clips[0]
    rate = clips[0].sample_rate
    gap = b"\0\0" * int(rate * CHUNK_GAP_MS / 1000)
    return Clip(pcm=gap.join(c.pcm for c in clips), sample_rate=rate)


def _phoneme_map(voice: VoiceSettings) -> dict[str, str]:
    return {word: phonemes for word, phonemes in voice.lexicon.items() if phonemes}
