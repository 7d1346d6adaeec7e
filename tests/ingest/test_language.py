"""Language: declared tags normalized to BCP 47; undeclared text detected."""

from __future__ import annotations

import pytest

from audiocast.ingest import detect_language, normalize_language, parse_html


@pytest.mark.parametrize(
    "declared, expected",
    [
        ("en", "en"),
        ("EN-us", "en-US"),
        ("pt_BR", "pt-BR"),
        ("zh-hant-tw", "zh-Hant-TW"),
        ("de-DE, en;q=0.5", "de-DE"),
        ("", None),
        ("*", None),
        (None, None),
    ],
)
def test_normalize_language(declared, expected):
    assert normalize_language(declared) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The ferry crosses the estuary every hour, even when the wind is strong.", "en"),
        ("Die Fähre überquert die Mündung jede Stunde, auch wenn der Wind stark ist.", "de"),
        ("El transbordador cruza el estuario cada hora, incluso cuando el viento es fuerte.", "es"),
    ],
)
def test_detect_language(text, expected):
    assert detect_language(text) == expected


def test_too_little_text_to_tell():
    assert detect_language("OK, thanks!") is None


def test_declared_language_wins_over_detection():
    html = (
        "<html lang='cy'><body><article><p>The ferry crosses the estuary every hour, even when "
        "the wind is strong and the sea is rough.</p></article></body></html>"
    )
    assert parse_html(html).language == "cy"
