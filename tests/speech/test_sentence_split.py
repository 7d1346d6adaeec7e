"""Sentence splitting and length capping for engines with input limits."""

from __future__ import annotations

import pytest

from audiocast.speech import split_for_engine, split_sentences


@pytest.mark.parametrize("text,expected", [
    ("Dr. Smith paid $3.50 for it. Then he left.", ["Dr. Smith paid $3.50 for it.", "Then he left."]),
    ("J. R. R. Tolkien wrote it in 1937. It sold well.", ["J. R. R. Tolkien wrote it in 1937.", "It sold well."]),
    ('He said "Stop. Now." She did not.', ['He said "Stop. Now."', "She did not."]),
    ("The U.S. economy grew 2.5% in Q3. Analysts, e.g. Mr. Jones, agreed.",
     ["The U.S. economy grew 2.5% in Q3.", "Analysts, e.g. Mr. Jones, agreed."]),
    ("It costs approx. 5 dollars. See No. 5 for details.", ["It costs approx. 5 dollars.", "See No. 5 for details."]),
    ("Version 1.75.0 shipped on Feb. 24, 2022. It was big.", ["Version 1.75.0 shipped on Feb. 24, 2022.", "It was big."]),
    ("Files moved to ~/.config/app/settings.toml. Nothing else changed.",
     ["Files moved to ~/.config/app/settings.toml.", "Nothing else changed."]),
    ("Really?! Yes. Well... maybe.", ["Really?!", "Yes.", "Well... maybe."]),
    ("Line one\nstill line one.  Two.", ["Line one still line one.", "Two."]),
    ("   ", []),
])
def test_split_sentences(text, expected):
    assert split_sentences(text) == expected


def test_split_sentences_other_language():
    assert split_sentences("Das kostet z.B. 5 Euro. Dann gehen wir.", "de") == ["Das kostet z.B. 5 Euro.", "Dann gehen wir."]


LONG = ("Moreover, by focusing on military support over diplomacy, the alliance prolongs the conditions "
        "for continued conflict rather than a swift resolution, and nobody knows what happens next.")


def test_split_for_engine_respects_the_limit_at_natural_breaks():
    pieces = split_for_engine(LONG, 100)
    assert all(len(p) <= 100 for p in pieces)
    assert " ".join(pieces) == LONG
    assert pieces[0].endswith("diplomacy,")  # a comma, not the middle of a clause
    assert all(p.endswith(",") or p.endswith(".") for p in pieces)


def test_split_for_engine_prefers_sentence_ends_then_clauses():
    text = "The first part is short. The second part runs on; it has a clause too, and then more words follow here."
    assert split_for_engine(text, 60) == [
        "The first part is short.",
        "The second part runs on;",
        "it has a clause too, and then more words follow here.",
    ]


def test_split_for_engine_breaks_before_conjunctions_when_there_is_no_punctuation():
    text = "we walked along the river for an hour and then we sat down because the sun came out at last"
    pieces = split_for_engine(text, 50)
    assert all(len(p) <= 50 for p in pieces)
    assert pieces[1].split()[0] in {"and", "because", "for", "along", "at"}


def test_split_for_engine_never_cuts_words():
    words = ("supercalifragilistic expialidocious " * 10).strip()
    pieces = split_for_engine(words, 30)
    assert all(len(p) <= 30 for p in pieces)
    assert all(p.split() and set(p.split()) <= {"supercalifragilistic", "expialidocious"} for p in pieces)


def test_split_for_engine_short_text_and_giant_word():
    assert split_for_engine("Short enough.", 100) == ["Short enough."]
    assert split_for_engine("", 100) == []
    giant = "x" * 250
    assert [len(p) for p in split_for_engine(giant, 100)] == [100, 100, 50]
    with pytest.raises(ValueError):
        split_for_engine("text", 0)
