"""The reference article: it loses its link stubs and closing appeal and keeps every real sentence.

No sentence of the reference is copied here; expectations are derived from the
file itself, and the dropped lines are recognised by a few words each.
"""

from __future__ import annotations

import re

from audiocast.ingest import load_article
from audiocast.speech import build_script, split_sentences

SENTENCE_END = (".", "!", "?", "\u201d", '"')


def _expected(seed_path) -> tuple[list[str], list[str]]:
    lines = [line.strip() for line in seed_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    title = lines[0]
    body = [line for line in lines[1:] if line != title]
    headings = [line for line in body if not line.endswith(SENTENCE_END)]
    sentences = [s for line in body if line.endswith(SENTENCE_END) for s in split_sentences(line)]
    return headings, sentences


def _is_dropped_line(sentence: str) -> bool:
    plain = re.sub(r"[*_]", "", sentence).strip()
    return bool(
        re.match(r"More on \S+ relations\.$", plain)
        or re.match(r"Read more on \S+ position\.$", plain)
        or (plain.startswith("What do you think") and plain.endswith("?"))
        or "in the comments" in plain
        or "follow the blog" in plain
    )


def test_seed_loses_stubs_and_appeal_and_keeps_every_real_sentence(seed_article):
    script = build_script(load_article(str(seed_article)))
    headings, sentences = _expected(seed_article)
    dropped = [s for s in sentences if _is_dropped_line(s)]
    kept = [s for s in sentences if not _is_dropped_line(s)]

    assert len(dropped) == 5  # two link stubs, and the closing question with its two appeals
    written = [seg.written for seg in script.segments() if seg.kind == "sentence"]
    assert [re.sub(r"[*_]", "", s).strip() for s in written] == [re.sub(r"[*_]", "", s).strip() for s in kept]
    assert not any(_is_dropped_line(s) for s in written)

    assert [s.title for s in script.sections[1:]] == headings
    title_segments = [seg for seg in script.segments() if seg.kind == "title"]
    assert len(title_segments) == 1 and title_segments[0].written.rstrip(".") == script.title


def test_seed_spoken_text_is_speakable(seed_article):
    script = build_script(load_article(str(seed_article)))
    for segment in script.segments():
        assert not re.search(r"\d|[*_#`<>\[\]|]|\b[A-Z]{2,}\b", segment.spoken), segment.spoken
    assert any("U-S" in seg.spoken for seg in script.segments())
    assert any("Nato" in seg.spoken for seg in script.segments())
