"""Episodes per minute: the local executor versus a Dask LocalCluster of 1 and 2 workers.

Run: python benchmarks/dask_throughput.py [--articles N]

The articles are the sections of benchmarks/articles/long.md, each made its own
post, so every run converts the same distinct text. Each measurement starts with
an empty segment cache (the client's and the workers') and an empty output
folder, and times the whole `audiocast convert` command.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
AUDIOCAST = [sys.executable, "-m", "audiocast.cli"]


def make_articles(folder: Path, count: int) -> list[Path]:
    text = (HERE / "articles" / "long.md").read_text(encoding="utf-8")
    body = text.split("\n## ", 1)[1]
    sections = ["## " + part for part in body.split("\n## ")]
    paths = []
    for index, section in enumerate(sections[:count]):
        title = section.splitlines()[0][3:].strip()
        rest = re.sub(r"^### ", "## ", "\n".join(section.splitlines()[1:]), flags=re.M)
        path = folder / f"post-{index + 1}.md"
        path.write_text(f"# {title}\n{rest}\n", encoding="utf-8")
        paths.append(path)
    return paths


def timed_convert(articles: list[Path], out: Path, env: dict, extra: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run([*AUDIOCAST, "convert", *map(str, articles), "-o", str(out), *extra],
                          env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"convert failed: {done.stderr.strip()}")
    return elapsed


def measure(articles: list[Path], work: Path, workers: int | None) -> float:
    """Seconds to convert ``articles``: locally when ``workers`` is None, else on a LocalCluster."""
    label = "local" if workers is None else f"cluster-{workers}"
    env = dict(os.environ, AUDIOCAST_CACHE_DIR=str(work / f"cache-{label}"))
    out = work / f"out-{label}"
    if workers is None:
        return timed_convert(articles, out, env, [])
    from distributed import LocalCluster

    previous = os.environ.get("AUDIOCAST_CACHE_DIR")
    os.environ["AUDIOCAST_CACHE_DIR"] = env["AUDIOCAST_CACHE_DIR"]  # the workers inherit it
    try:
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster:
            return timed_convert(articles, out, env, ["--scheduler", cluster.scheduler_address])
    finally:
        if previous is None:
            os.environ.pop("AUDIOCAST_CACHE_DIR", None)
        else:
            os.environ["AUDIOCAST_CACHE_DIR"] = previous


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=4, help="how many posts to convert (default 4)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="audiocast-dask-bench-") as tmp:
        work = Path(tmp)
        articles = make_articles(work, args.articles)
        results = {}
        for workers in (None, 1, 2):
            seconds = measure(articles, work, workers)
            label = "local executor" if workers is None else f"LocalCluster, {workers} worker{'s' * (workers > 1)}"
            results[label] = {"seconds": round(seconds, 2),
                              "episodes_per_minute": round(len(articles) / seconds * 60, 2)}
            print(f"{label:<26} {seconds:7.1f} s  {len(articles) / seconds * 60:6.2f} episodes/min", flush=True)
        base = results["local executor"]["seconds"]
        for label, row in results.items():
            row["relative_to_local"] = round(base / row["seconds"], 2)
        print(json.dumps({"articles": len(articles), "cores": os.cpu_count(), "results": results}, indent=2))


if __name__ == "__main__":
    main()
