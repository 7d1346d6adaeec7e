"""Where episodes are rendered: on this machine (default) or on a Dask cluster.

Both executors take the same render jobs (plain, picklable data) and hand back
finished episodes as bytes; only the caller writes the output folder, catalog
and feed, so publishing stays single-writer and needs no shared filesystem.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .engines.base import VoiceSettings, create_engine
from .errors import AudiocastError, ConfigError, EngineUnavailable
from .models import Script
from .synth import Synthesizer

SCHEDULER_ENV = "AUDIOCAST_SCHEDULER"

WorkItem = tuple[str, Any, Script]  # (source, RenderJob, Script)
Outcome = tuple[str, Any]  # (source, RenderedEpisode or AudiocastError)
EpisodeProgress = Callable[[str, int, int], None]


class LocalExecutor:
    """Renders episodes one after another here; sentences go to a local process pool."""

    dashboard_link: str | None = None
    #: takes its work as an iterator, made as it goes (see ``render``)
    streams_work = True

    def __init__(self, voice: VoiceSettings, jobs: int | None = None):
        self.jobs = jobs
        self.synthesizer = Synthesizer(voice, jobs=jobs)  # fails here if the engine cannot work
        self.voice = voice
        self.engine = self.synthesizer.engine
        self._synthesizers = {_voice_key(voice): self.synthesizer}

    def warm_up(self, many: bool = True) -> None:
        """Have the voice ready by the time the articles are scripted (Synthesizer.warm_up)."""
        self.synthesizer.warm_up(many)

    def synthesizer_for(self, voice: VoiceSettings) -> Synthesizer:
        """One synthesizer per voice, made on first use (an article in another language)."""
        key = _voice_key(voice)
        if key not in self._synthesizers:
            self._synthesizers[key] = Synthesizer(voice, jobs=self.jobs)
        return self._synthesizers[key]

    def render(self, items: Iterable[WorkItem], progress: EpisodeProgress | None = None) -> Iterator[Outcome]:
        """Episodes in order. ``items`` may be made as they are asked for (the pipeline reads
        and scripts each source then); a thread of their own makes them ahead of use. With
        several, the next episode's sentences are synthesized (by a thread feeding the
        worker pool) while this one is assembled, normalized, encoded, tagged and
        published, so the pool never waits for those steps."""
        from .render import render_episode

        stream = _ReadAhead(items)
        try:
            first, second = stream.next(), stream.next()
            if first is _END:
                return
            if second is _END:
                source, job, script = first
                step = (lambda done, total: progress(source, done, total)) if progress else None
                try:
                    synthesizer = self.synthesizer_for(job.voice)
                    synthesizer.more_to_come = False
                    yield source, render_episode(job, synthesizer, step, script=script)
                except EngineUnavailable:
                    raise
                except AudiocastError as exc:
                    yield source, exc
                return
            yield from self._render_overlapped(first, second, stream, progress)
        finally:
            stream.close()

    def _render_overlapped(self, first: WorkItem, second: WorkItem, stream: _ReadAhead,
                           progress: EpisodeProgress | None) -> Iterator[Outcome]:
        import queue
        import threading

        from .render import render_episode, spoken_texts

        #: at most one synthesized episode waits for the encoder, so clips cannot pile up
        ready: queue.Queue = queue.Queue(maxsize=1)
        stop = threading.Event()

        def hand_over(entry) -> bool:
            return _put_unless_stopped(ready, entry, stop)

        def synthesize_all() -> None:
            current, following = first, second
            while current is not _END:
                if stop.is_set():
                    return
                source, job, script = current
                step = (lambda done, total, s=source: progress(s, done, total)) if progress else None
                try:
                    synthesizer = self.synthesizer_for(job.voice)
                    synthesizer.more_to_come = following is not _END
                    before = synthesizer.synthesized
                    clips = synthesizer.render(spoken_texts(script), step)
                    entry = (source, job, script, synthesizer, clips, synthesizer.synthesized - before, None)
                except BaseException as exc:  # handed to the consumer, which decides
                    entry = (source, job, script, None, None, 0, exc)
                if not hand_over(entry):
                    return
                if entry[-1] is not None and not isinstance(entry[-1], AudiocastError):
                    return
                try:
                    current, following = following, (stream.next() if following is not _END else _END)
                except BaseException as exc:  # reading the next source failed outright
                    hand_over(("", None, None, None, None, 0, exc))
                    return
            hand_over(None)

        producer = threading.Thread(target=synthesize_all, name="audiocast-synthesis", daemon=True)
        producer.start()
        try:
            while True:
                entry = ready.get()
                if entry is None:
                    return
                source, job, script, synthesizer, clips, made, error = entry
                if error is not None:
                    if isinstance(error, EngineUnavailable) or not isinstance(error, AudiocastError):
                        raise error
                    yield source, error
                    continue
                try:
                    yield source, render_episode(job, synthesizer, script=script, clips=clips,
                                                 synthesized=made)
                except EngineUnavailable:
                    raise
                except AudiocastError as exc:
                    yield source, exc
        finally:
            stop.set()

    def close(self) -> None:
        for synthesizer in self._synthesizers.values():
            synthesizer.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# --------------------------------------------------------------------------- dask

_worker_synthesizers: dict[str, Synthesizer] = {}


_END = object()


def _put_unless_stopped(into, entry, stop) -> bool:
    """Put ``entry`` into the bounded queue ``into`` once it has room, unless the event
    ``stop`` is set first (the consumer gave up); True if it was put."""
    import queue

    while not stop.is_set():
        try:
            into.put(entry, timeout=0.2)
            return True
        except queue.Full:
            continue
    return False


class _ReadAhead:
    """The items of an iterator, made by a thread of its own ahead of their use (at most
    two ahead); an exception the iterator raises is raised where its item is asked for."""

    def __init__(self, items: Iterable):
        import queue
        import threading

        self._queue: queue.Queue = queue.Queue(maxsize=1)
        self._stop = threading.Event()
        self._done = False
        self._thread = threading.Thread(target=self._run, args=(iter(items),), name="audiocast-read",
                                        daemon=True)
        self._thread.start()

    def _run(self, items: Iterator) -> None:
        try:
            for item in items:
                if not self._put((item, None)):
                    return
            self._put((_END, None))
        except BaseException as exc:
            self._put((_END, exc))

    def _put(self, entry) -> bool:
        return _put_unless_stopped(self._queue, entry, self._stop)

    def next(self):
        """The next item, or ``_END`` once there are no more."""
        if self._done:
            return _END
        item, error = self._queue.get()
        if item is _END:
            self._done = True
        if error is not None:
            raise error
        return item

    def close(self) -> None:
        self._stop.set()


def _voice_key(voice: VoiceSettings) -> str:
    return json.dumps(voice.to_dict(), sort_keys=True, default=str)


def render_on_worker(job, script: Script):
    """Run on a Dask worker: one engine per voice per worker process, its own segment cache."""
    from .render import render_episode

    return render_episode(job, _worker_synthesizer(job.voice), script=script)


def synthesize_on_worker(voice: VoiceSettings, texts: list[str]):
    """Run on a Dask worker: clips for a batch of one long article's sentences."""
    return _worker_synthesizer(voice).render(texts)


def _worker_synthesizer(voice: VoiceSettings) -> Synthesizer:
    """This worker process's synthesizer for a voice, made once. The engine gets as many
    threads as the Dask worker has (usually 1: one worker process per core), so workers
    sharing a host do not oversubscribe its cores."""
    key = _voice_key(voice)
    synthesizer = _worker_synthesizers.get(key)
    if synthesizer is None:
        settings = VoiceSettings.from_dict(voice.to_dict())
        settings.options.setdefault("threads", _worker_threads())
        synthesizer = Synthesizer(settings, jobs=1)
        _worker_synthesizers[key] = synthesizer
    return synthesizer


def _worker_threads() -> int:
    try:
        from distributed import get_worker

        return max(1, int(get_worker().state.nthreads))
    except (ImportError, ValueError, AttributeError):
        return 1


class ClusterSynthesizer:
    """A Synthesizer look-alike that spreads one article's sentences over the cluster in
    batches, so a book-length source does not wait on one worker. Clips also go into the
    client's cache, so a re-conversion after an edit needs the cluster only for new text."""

    BATCH = 24

    def __init__(self, client, voice: VoiceSettings, engine, retries: int):
        from .synth import SegmentCache

        self.client = client
        self.voice = voice
        self.engine = engine
        self.retries = retries
        self.cache = SegmentCache()
        self.namespace = engine.cache_namespace()
        self.synthesized = 0

    def render(self, texts: list[str], progress=None):
        from distributed import as_completed

        unique = list(dict.fromkeys(texts))
        found = {t: c for t in unique if (c := self.cache.get(self.namespace, t)) is not None}
        missing = [t for t in unique if t not in found]
        batches = [missing[i:i + self.BATCH] for i in range(0, len(missing), self.BATCH)]
        futures = {self.client.submit(synthesize_on_worker, self.voice, batch, pure=False,
                                      retries=self.retries): batch for batch in batches}
        if progress:
            progress(len(found), len(unique))
        try:
            for future in as_completed(futures):
                for text, clip in zip(futures[future], future.result()):
                    found[text] = clip
                    self.cache.put(self.namespace, text, clip)
                    self.synthesized += 1
                if progress:
                    progress(len(found), len(unique))
        finally:
            pending = [f for f in futures if not f.done()]
            if pending:
                self.client.cancel(pending)
        return [found[t] for t in texts]


class DaskExecutor:
    """Submits one task per episode to a Dask cluster; lost workers are retried elsewhere.

    An article longer than SPLIT_SEGMENTS sentences is split instead: its sentences go
    to the workers in batches and the client assembles the episode.
    """

    SPLIT_SEGMENTS = 400

    def __init__(self, voice: VoiceSettings, address: str, retries: int = 2):
        try:
            from distributed import Client
        except ImportError:
            raise ConfigError(
                "--scheduler needs Dask: pip install 'audiocast[dask]'"
            ) from None
        self.voice = voice
        self.engine = create_engine(voice)  # fail here, before any work is sent
        self.retries = retries
        try:
            self.client = Client(address, timeout="20s")
        except OSError as exc:
            raise ConfigError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        self.dashboard_link = self.client.dashboard_link

    def render(self, items: list[WorkItem], progress: EpisodeProgress | None = None) -> Iterator[Outcome]:
        from distributed import as_completed

        whole = [item for item in items if _segment_count(item[2]) <= self.SPLIT_SEGMENTS]
        split = [item for item in items if _segment_count(item[2]) > self.SPLIT_SEGMENTS]
        futures = {
            self.client.submit(render_on_worker, job, script, pure=False, retries=self.retries,
                               key=f"render-{index}-{os.urandom(4).hex()}"): source
            for index, (source, job, script) in enumerate(whole)
        }
        yield from self._render_split(split, progress)
        try:
            for future in as_completed(futures):
                source = futures[future]
                try:
                    rendered = future.result()
                except AudiocastError as exc:
                    yield source, exc
                    continue
                except Exception as exc:  # e.g. KilledWorker after every retry
                    yield source, AudiocastError(f"rendering on the cluster failed: {type(exc).__name__}: {exc}")
                    continue
                yield source, rendered
        finally:
            pending = [f for f in futures if not f.done()]
            if pending:
                self.client.cancel(pending)

    def _render_split(self, items: list[WorkItem], progress: EpisodeProgress | None) -> Iterator[Outcome]:
        from .render import render_episode

        for source, job, script in items:
            synthesizer = ClusterSynthesizer(self.client, job.voice, self._engine_for(job.voice), self.retries)
            step = (lambda done, total, s=source: progress(s, done, total)) if progress else None
            try:
                rendered = render_episode(job, synthesizer, step, script=script)
            except AudiocastError as exc:
                yield source, exc
                continue
            yield source, rendered

    def _engine_for(self, voice: VoiceSettings):
        return self.engine if voice == self.voice else create_engine(voice)

    def close(self) -> None:
        self.client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _segment_count(script: Script) -> int:
    return sum(len(section.segments) for section in script.sections)


def make_executor(voice: VoiceSettings, *, jobs: int | None = None, scheduler: str | None = None):
    """The Dask executor when a scheduler is given (or AUDIOCAST_SCHEDULER is set), else local."""
    address = scheduler or os.environ.get(SCHEDULER_ENV)
    if address:
        return DaskExecutor(voice, address)
    return LocalExecutor(voice, jobs=jobs)
