"""The segment cache and the synthesizer: reuse, incremental work, bounds, concurrency."""

from __future__ import annotations

import multiprocessing
import os
import struct

import pytest

from audiocast.engines import VoiceSettings, create_engine
from audiocast.models import Clip
from audiocast.synth import SegmentCache, Synthesizer, _deal

SENTENCES = [
    "The ferry left at seven.",
    "Gulls followed it out of the harbor.",
    "By noon the island was in sight.",
]


@pytest.fixture(scope="module")
def engine():
    return create_engine(VoiceSettings())


def test_second_render_comes_from_the_cache(tmp_path, engine):
    cache = SegmentCache(tmp_path / "cache")
    first = Synthesizer(VoiceSettings(), jobs=1, cache=cache, engine=engine)
    clips = first.render(SENTENCES)
    assert first.synthesized == 3
    again = Synthesizer(VoiceSettings(), jobs=1, cache=cache, engine=engine)
    assert again.render(SENTENCES) == clips
    assert again.synthesized == 0
    assert cache.stats().entries == 3


def test_only_changed_sentences_are_synthesized(tmp_path, engine):
    cache = SegmentCache(tmp_path / "cache")
    Synthesizer(VoiceSettings(), jobs=1, cache=cache, engine=engine).render(SENTENCES)
    edited = [SENTENCES[0], "Gulls followed it out of the bay.", SENTENCES[2]]
    synth = Synthesizer(VoiceSettings(), jobs=1, cache=cache, engine=engine)
    progress: list[tuple[int, int]] = []
    synth.render(edited, lambda done, total: progress.append((done, total)))
    assert synth.synthesized == 1
    assert progress[0] == (2, 3) and progress[-1] == (3, 3)


def test_voice_settings_are_part_of_the_key(tmp_path):
    cache = SegmentCache(tmp_path / "cache")
    normal = Synthesizer(VoiceSettings(), jobs=1, cache=cache)
    slow = Synthesizer(VoiceSettings(options={"length_scale": 1.3}), jobs=1, cache=cache)
    normal.render(SENTENCES[:1])
    slow.render(SENTENCES[:1])
    assert slow.synthesized == 1
    assert normal.namespace != slow.namespace


def test_repeated_sentences_are_synthesized_once(tmp_path, engine):
    synth = Synthesizer(VoiceSettings(), jobs=1, cache=SegmentCache(tmp_path / "c"), engine=engine)
    clips = synth.render(["Thank you.", "Thank you.", "Thank you."])
    assert synth.synthesized == 1 and clips[0] == clips[2]


def test_long_sentences_are_split_for_engines_with_limits(tmp_path, engine, monkeypatch):
    monkeypatch.setattr(type(engine), "max_chars", 40)
    synth = Synthesizer(VoiceSettings(), jobs=1, cache=SegmentCache(tmp_path / "c"), engine=engine)
    text = "The survey covered nine villages, two towns and a long stretch of coast."
    chunks = synth.chunks_of(text)
    assert len(chunks) >= 2 and all(len(c) <= 40 for c in chunks)
    assert " ".join(chunks).split() == text.split()
    clip = synth.render([text])[0]
    assert synth.synthesized == len(chunks)
    assert clip.duration_ms > 2500


def test_process_pool_gives_the_same_clips(tmp_path, engine):
    texts = [f"Station {word} reports calm seas." for word in
             ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
              "twelve", "thirteen")]
    pooled = Synthesizer(VoiceSettings(), jobs=2, cache=SegmentCache(tmp_path / "a"), engine=engine)
    with pooled:
        clips = pooled.render(texts)
    assert pooled.synthesized == len(texts)
    local = Synthesizer(VoiceSettings(), jobs=1, cache=SegmentCache(tmp_path / "b"), engine=engine)
    single = local.render(texts[:2])
    # Piper adds generator noise, so compare lengths rather than samples
    for pooled_clip, local_clip in zip(clips[:2], single):
        assert abs(pooled_clip.duration_ms - local_clip.duration_ms) < 250


def test_a_pooled_render_comes_back_whole_even_when_the_cache_is_too_small_for_it(tmp_path, engine):
    # the workers' clips are read back from the cache after synthesis; pruning a cache
    # far smaller than the article must not lose any of them before they are read
    texts = [f"Harbor light number {n} is lit at dusk." for n in range(14)]
    cache = SegmentCache(tmp_path / "c", max_bytes=50_000)
    with Synthesizer(VoiceSettings(), jobs=2, cache=cache, engine=engine) as synth:
        clips = synth.render(texts)
    assert synth.synthesized == len(texts)
    assert all(clip.duration_ms > 800 for clip in clips)
    assert len({clip.pcm for clip in clips}) == len(texts)
    assert cache.stats().size_bytes <= 50_000  # the pinned clips were pruned afterwards


def test_cache_is_bounded_least_recently_used_first(tmp_path):
    cache = SegmentCache(tmp_path / "c", max_bytes=10**9)
    clip = Clip(pcm=b"\1\0" * 5000, sample_rate=22050)
    for i in range(5):
        cache.put("ns", f"sentence {i}", clip)
    import os
    for i in range(5):  # make recency explicit: sentence 0 oldest
        path = cache._path("ns", f"sentence {i}")
        os.utime(path, (1000 + i, 1000 + i))
    assert cache.get("ns", "sentence 0") is not None  # a hit refreshes it
    removed = cache.prune(max_bytes=3 * 10_010)
    assert removed == 2
    assert cache.get("ns", "sentence 0") is not None
    assert cache.get("ns", "sentence 1") is None and cache.get("ns", "sentence 2") is None
    assert cache.clear() == 3 and cache.stats().entries == 0


def _writer(root: str, worker: int) -> None:
    cache = SegmentCache(__import__("pathlib").Path(root))
    for round_ in range(200):
        pcm = bytes([worker]) * 2 * (1000 + round_)
        cache.put("ns", f"shared {round_ % 10}", Clip(pcm=pcm, sample_rate=22050))
        got = cache.get("ns", f"shared {(round_ + 3) % 10}")
        if got is not None:  # whole clips only: one writer's bytes, consistent length
            assert len(set(got.pcm)) == 1 and len(got.pcm) % 2 == 0


def test_two_processes_share_one_cache_safely(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(tmp_path), n)) for n in (1, 2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    cache = SegmentCache(tmp_path)
    assert cache.stats().entries == 10
    assert not list(tmp_path.rglob("*.tmp"))


def test_warmed_up_workers_load_the_voice_before_the_first_sentence_and_then_read_it(tmp_path, engine):
    texts = [f"Buoy {n} rings in the swell." for n in range(13)]
    with Synthesizer(VoiceSettings(), jobs=2, cache=SegmentCache(tmp_path / "c"), engine=engine) as synth:
        synth.warm_up()
        for future in synth.warming:
            assert future.result(timeout=120) is None  # each worker loaded the voice
        workers = _worker_pids(synth)
        assert len(workers) == 2
        clips = synth.render(texts)
        assert _worker_pids(synth) == workers  # the same two read the sentences
    assert synth.synthesized == len(texts) and all(clip.duration_ms > 800 for clip in clips)


@pytest.mark.parametrize("jobs, many", [(1, True), (2, False)])
def test_warming_up_for_work_done_here_loads_the_voice_here(tmp_path, jobs, many):
    """With one engine process, or for an edit's few sentences, the voice loads in this
    process (on a thread of its own) and no worker starts."""
    engine = create_engine(VoiceSettings())
    synth = Synthesizer(VoiceSettings(), jobs=jobs, cache=SegmentCache(tmp_path / "c"), engine=engine)
    assert engine._loaded is None
    synth.warm_up(many=many)
    synth.close()  # waits for the loading
    assert engine._loaded is not None
    assert synth._pools == [] and synth.warming == []


def _worker_pids(synth: Synthesizer) -> set[int]:
    return {pid for pool in synth._pools for pid in pool._processes}


@pytest.fixture
def who_read(engine_plugin):
    """An engine whose audio says which process read the text: ``who_read(clip)``."""
    engine_plugin("whoread", """
        return Clip(pcm=struct.pack("<i", os.getpid()) * 400, sample_rate=16000)
    """, imports="import os\nimport struct")
    return lambda clip: struct.unpack_from("<i", clip.pcm)[0]


def test_only_one_worker_reads_the_longest_sentences(tmp_path, who_read):
    """A worker's memory grows to its longest sentence's and stays: the longest sentences
    (about one worker's share) go to one worker, the rest to the other, each longest first."""
    # lengths all differ, in no order
    texts = [f"Light {n} flashes {'once more, ' * ((n * 7) % 24)}every few seconds." for n in range(24)]
    longest, rest = _deal(texts, 2)
    with Synthesizer(VoiceSettings(engine="whoread"), jobs=2, cache=SegmentCache(tmp_path / "c")) as synth:
        clips = synth.render(texts)
    reader = {text: who_read(clip) for text, clip in zip(texts, clips)}
    assert len(set(reader.values())) == 2 and os.getpid() not in reader.values()
    assert reader[longest[0]] != reader[rest[0]]  # the longest of each part: one worker each


def test_the_longest_part_is_about_one_workers_share_and_each_part_is_longest_first():
    texts = [f"Buoy {'and bell ' * n}rings." for n in (3, 17, 8, 1, 12, 5, 20, 9, 2, 14)]
    for workers in (2, 3):
        longest, rest = _deal(texts, workers)
        assert sorted([*longest, *rest]) == sorted(texts)
        assert min(map(len, longest)) >= max(map(len, rest))
        for part in (longest, rest):
            assert list(part) == sorted(part, key=len, reverse=True)
        share = sum(map(len, texts)) / workers
        assert sum(map(len, longest)) >= share > sum(map(len, longest)) - len(longest[-1])


def test_in_a_batch_an_article_of_six_new_sentences_starts_the_workers_for_the_next(tmp_path, who_read):
    voice = VoiceSettings(engine="whoread")
    with Synthesizer(voice, jobs=2, cache=SegmentCache(tmp_path / "a")) as synth:
        synth.more_to_come = True  # as the executor says in a batch
        first = synth.render([f"Post one, line {n}." for n in range(6)])
        assert {who_read(clip) for clip in first} == {os.getpid()}  # read here while they start
        synth.more_to_come = None
        last = synth.render(["Post two opens.", "Post two closes."])
        readers = {who_read(clip) for clip in last}
        assert os.getpid() not in readers and readers <= _worker_pids(synth)
    with Synthesizer(voice, jobs=2, cache=SegmentCache(tmp_path / "b")) as alone:
        alone.render([f"Only post, line {n}." for n in range(6)])  # nothing follows: no workers
        assert alone._pools == []
