"""How fast normalization and script building are on a long article.

    python -m tests.speech.bench_normalize [WORDS]

Builds an article of about WORDS words (default 10,000) from the fixture
articles' text, dense with numbers, money, dates and initialisms, then times
normalize() over all of it and build_script() over the whole article.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from audiocast.ingest import load_article
from audiocast.models import Article, Block, Section
from audiocast.speech import build_script, normalize, split_sentences

ARTICLES = Path(__file__).resolve().parents[1] / "fixtures" / "articles"


def long_article(words: int) -> Article:
    paragraphs: list[str] = []
    for path in sorted(ARTICLES.iterdir()):
        article = load_article(str(path))
        paragraphs += [b.text for s in article.walk() for b in s.blocks if b.kind == "paragraph"]
    blocks: list[Block] = []
    count = 0
    while count < words:
        for text in paragraphs:
            blocks.append(Block("paragraph", text))
            count += len(text.split())
            if count >= words:
                break
    sections = [Section(None, 1, blocks[:5])] + [
        Section(f"Part {i // 20 + 1}", 1, blocks[i:i + 20]) for i in range(5, len(blocks), 20)
    ]
    return Article(title="A Long Article", sections=sections)


def best_of(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main(words: int) -> None:
    article = long_article(words)
    paragraphs = [b.text for s in article.walk() for b in s.blocks]
    sentences = [s for p in paragraphs for s in split_sentences(p)]
    total = sum(len(p.split()) for p in paragraphs)
    normalize("warm up 1.5 km on Feb. 3, 2024 at the US.")
    best, median = best_of(5, lambda: [normalize(s) for s in sentences])
    print(f"normalize: {total} words in {len(sentences)} sentences: best {best * 1000:.0f} ms, median {median * 1000:.0f} ms")
    best, median = best_of(3, lambda: build_script(article))
    print(f"build_script (split, clean, normalize): best {best * 1000:.0f} ms, median {median * 1000:.0f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
