"""Rendering on a Dask cluster: same episodes as the local executor, and lost workers retried."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import feedparser
import pytest

distributed = pytest.importorskip("distributed", reason="needs the dask extra: pip install 'audiocast[dask]'")

pytestmark = pytest.mark.slow

ARTICLES = {
    "tides.md": "# Reading the Tides\n\nTides follow the moon more than the sun.\n\n"
                "## Spring Tides\n\nTwice a month the pull lines up and the water climbs high.\n\n"
                "## Neap Tides\n\nIn between, the range is small and the harbor stays calm.\n",
    "bread.md": "# Baking Bread at Home\n\nGood bread needs time more than skill.\n\n"
                "## The Starter\n\nFeed it flour and water every morning.\n\n"
                "### Keeping It Alive\n\nA cool shelf slows it down between bakes.\n\n"
                "## The Bake\n\nA hot oven and a little steam make the crust.\n",
    "stars.md": "# Finding the North Star\n\nOn a clear night the sky is a map.\n\n"
                "## The Big Dipper\n\nFollow the two stars at the end of its bowl.\n\n"
                "## Polaris\n\nThey point straight to it, low in the northern sky.\n",
}


@pytest.fixture(scope="module")
def cluster():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                      scheduler_port=0) as local_cluster, Client(local_cluster) as client:
        yield local_cluster, client


@pytest.fixture
def articles(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text)
    return sorted(folder.iterdir())


def audiocast(*args: str, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "audiocast.cli", *args], capture_output=True,
                          text=True, timeout=600, **kwargs)
    assert done.returncode == 0, done.stderr
    return done


def summary(out: Path) -> dict:
    """What a listener sees of each episode: chapters, cue texts and duration."""
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    episodes = {}
    for entry in feed.entries:
        slug = Path(entry.enclosures[0]["href"]).stem
        chapters = json.loads((out / "episodes" / f"{slug}.chapters.json").read_text())["chapters"]
        vtt = (out / "episodes" / f"{slug}.vtt").read_text()
        cues = [line for line in vtt.splitlines()[1:] if line and "-->" not in line and not line.isdigit()]
        episodes[entry.title] = {
            "chapters": [c["title"] for c in chapters],
            "cues": cues,
            "duration": float(entry.itunes_duration),
            "guid": entry.id,
        }
    return episodes


def test_cluster_renders_the_same_episodes_as_the_local_executor(tmp_path, articles, cluster):
    local_cluster, _ = cluster
    audiocast("convert", *map(str, articles), "-o", str(tmp_path / "local"), "--jobs", "1")
    done = audiocast("convert", *map(str, articles), "-o", str(tmp_path / "dask"),
                     "--scheduler", local_cluster.scheduler_address)
    assert "dashboard" in (done.stdout + done.stderr).lower()
    local, remote = summary(tmp_path / "local"), summary(tmp_path / "dask")
    assert sorted(local) == sorted(remote) == ["Baking Bread at Home", "Finding the North Star", "Reading the Tides"]
    for title in local:
        assert remote[title]["chapters"] == local[title]["chapters"]
        assert remote[title]["cues"] == local[title]["cues"]
        assert remote[title]["duration"] == pytest.approx(local[title]["duration"], rel=0.02, abs=1)
    assert "Keeping It Alive" in remote["Baking Bread at Home"]["chapters"]


def test_a_killed_worker_does_not_lose_or_duplicate_episodes(tmp_path, articles, cluster, monkeypatch):
    local_cluster, client = cluster
    # a fresh cache so the workers have real synthesis to do when one is killed
    monkeypatch.setenv("AUDIOCAST_CACHE_DIR", str(tmp_path / "fresh-cache"))
    client.run(lambda: os.environ.__setitem__("AUDIOCAST_CACHE_DIR", str(tmp_path / "fresh-cache")))
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "audiocast.cli", "convert", *map(str, articles), "-o", str(out),
                             "--scheduler", local_cluster.scheduler_address],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    victim = None
    deadline = time.monotonic() + 120
    while victim is None and proc.poll() is None and time.monotonic() < deadline:
        busy = [addr for addr, keys in client.processing().items() if keys]
        if busy:
            victim = client.run(os.getpid, workers=[busy[0]])[busy[0]]
        else:
            time.sleep(0.05)  # polling the scheduler, not timing anything
    assert victim is not None, "no worker ever picked up a task"
    os.kill(victim, signal.SIGKILL)
    stdout, stderr = proc.communicate(timeout=600)
    assert proc.returncode == 0, stderr
    episodes = summary(out)
    assert len(episodes) == 3
    assert len({e["guid"] for e in episodes.values()}) == 3
    assert sorted(p.name for p in (out / "episodes").glob("*.mp3")) == sorted(
        f"{Path(e).stem}.mp3" for e in ["baking-bread-at-home", "finding-the-north-star", "reading-the-tides"])


def test_a_long_article_is_split_across_the_workers(tmp_path, articles, cluster):
    from distributed import get_task_stream

    from audiocast.config import ShowConfig
    from audiocast.executors import DaskExecutor
    from audiocast.pipeline import convert, voice_settings

    local_cluster, client = cluster
    show = ShowConfig()
    article = tmp_path / "bread-notes.md"  # text no other test synthesized, so nothing is cached
    article.write_text(ARTICLES["bread.md"].replace("Good bread needs time more than skill.",
                                                    "Patience matters more than any recipe."))
    with DaskExecutor(voice_settings(show), local_cluster.scheduler_address) as executor:
        executor.SPLIT_SEGMENTS = 3  # every test article counts as long here
        with get_task_stream(client) as stream:
            result = convert([str(article)], tmp_path / "out", show, executor=executor)
    assert not result.failed and len(result.published) == 1
    names = {task["key"][0] if isinstance(task["key"], tuple) else task["key"] for task in stream.data}
    assert any(str(name).startswith("synthesize_on_worker") for name in names)
    assert not any(str(name).startswith("render-") for name in names)
    episode = result.published[0]
    assert [c["title"] for c in episode.chapters] == ["Introduction", "The Starter", "Keeping It Alive", "The Bake"]
