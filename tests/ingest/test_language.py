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


def test_the_classifier_is_freed_once_articles_are_read_and_loads_again_if_needed(tmp_path, monkeypatch):
    # a conversion's main process waits beside the synthesis workers without its 70 MB
    import py3langid.langid

    from audiocast.ingest.language import release_language_model

    monkeypatch.setenv("AUDIOCAST_CACHE_DIR", str(tmp_path))  # no remembered detections
    assert detect_language("Die Fähre überquert jede Stunde die Mündung, auch bei starkem Wind.") == "de"
    assert py3langid.langid.IDENTIFIER is not None
    release_language_model()
    assert py3langid.langid.IDENTIFIER is None
    assert detect_language("Le bac traverse l'estuaire toutes les heures, même par grand vent.") == "fr"
