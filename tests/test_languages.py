"""Language tags: one module converts between the spellings articles use and what feeds,
ID3 and voice choice need."""

from __future__ import annotations

import pytest

from audiocast.languages import iso639_2, normalize_language, primary_language, valid_language


@pytest.mark.parametrize("declared, expected", [
    ("en_us", "en-US"),
    ("DE", "de"),
    ("pt-br", "pt-BR"),
    ("zh-hant-tw", "zh-Hant-TW"),
    ("iw", "he"),  # a withdrawn code, replaced by its successor
    ("en-US,en;q=0.9", "en-US"),
    ("*", None),
    ("x", None),
    ("", None),
    (None, None),
    ("english", None),
])
def test_declared_languages_become_standard_tags(declared, expected):
    assert normalize_language(declared) == expected


@pytest.mark.parametrize("tag, primary", [("en-GB", "en"), ("es-419", "es"), ("sr-Latn", "sr"),
                                          ("nonsense!", ""), (None, "")])
def test_primary_language_drops_region_and_script(tag, primary):
    assert primary_language(tag) == primary


@pytest.mark.parametrize("code, ok", [("en", True), ("en-us", True), ("pt-BR", True), ("es-419", True),
                                      ("eng", False), ("xx", False), ("en_US", False), ("", False)])
def test_feed_language_is_iso_639_1_with_an_optional_region(code, ok):
    assert valid_language(code) is ok


@pytest.mark.parametrize("tag, code", [("en-US", "eng"), ("de", "ger"), ("fr-CA", "fre"), ("zh-Hant", "chi"),
                                       ("uk", "ukr"), ("gd", "gla"), ("", "XXX"), ("qq", "XXX")])
def test_id3_language_is_iso_639_2_bibliographic(tag, code):
    assert iso639_2(tag) == code
