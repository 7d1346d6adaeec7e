"""Golden scripts for the fixture articles: render, compare, regenerate.

Regenerate after an intended change, then read every changed file before
committing it (a golden is what a good narrator would say, not just what the
code happened to produce):

    python -m tests.speech.speech_goldens            # all fixtures
    python -m tests.speech.speech_goldens NAME ...   # some, by file stem
    AUDIOCAST_REGEN_GOLDENS=1 python -m pytest tests/speech   # same, from the test run
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from audiocast.ingest import load_article
from audiocast.speech import build_script

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ARTICLES = FIXTURES / "articles"
SCRIPTS = FIXTURES / "scripts"
REGEN_ENV = "AUDIOCAST_REGEN_GOLDENS"


def article_paths() -> list[Path]:
    return sorted(p for p in ARTICLES.iterdir() if p.suffix in (".txt", ".md", ".html"))


def golden_path(article: Path) -> Path:
    return SCRIPTS / f"{article.stem}.json"


def render(article: Path) -> dict:
    """The `audiocast script --json` document for one fixture article."""
    return build_script(load_article(str(article))).to_json()


def dumps(document: dict) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write_golden(article: Path) -> Path:
    path = golden_path(article)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(render(article)), encoding="utf-8")
    return path


def main(names: list[str]) -> int:
    chosen = [p for p in article_paths() if not names or p.stem in names]
    for article in chosen:
        print(write_golden(article).relative_to(FIXTURES.parent.parent))
    return 0 if chosen else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
