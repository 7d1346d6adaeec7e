"""Show settings: validation with reasons, and the `audiocast init` template."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from audiocast.config import (
    APPLE_CATEGORIES,
    Pacing,
    ShowConfig,
    init_config,
    load_config,
    render_init_config,
    valid_language,
)
from audiocast.errors import ConfigError


def test_defaults_are_valid():
    assert ShowConfig().problems() == []
    assert ShowConfig().validate().title == "audiocast"


def test_apple_list_has_exact_case_and_ampersands():
    assert "Politics" in APPLE_CATEGORIES["News"]
    assert "Documentary" in APPLE_CATEGORIES["Society & Culture"]
    assert APPLE_CATEGORIES["Technology"] == ()
    assert (len(APPLE_CATEGORIES), sum(len(s) for s in APPLE_CATEGORIES.values())) == (19, 91)


@pytest.mark.parametrize("settings, reason", [
    ({"category": "Tech"}, 'show.category "Tech" is not an Apple Podcasts category'),
    ({"category": "society & culture"}, 'did you mean "Society & Culture"?'),
    ({"category": "News", "subcategory": "Documentary"}, 'is not under "News"'),
    ({"category": "News", "subcategory": "politics"}, 'Apple spells it "Politics"'),
    ({"category": "Technology", "subcategory": "Gadgets"}, "(choose from: none)"),
    ({"language": "english"}, 'show.language "english" is not an ISO 639 code'),
    ({"language": "xx-yy"}, "is not an ISO 639 code"),
    ({"email": "owner at example.org"}, "is not an e-mail address"),
    ({"email": "owner@localhost"}, "is not an e-mail address"),
    ({"type": "daily"}, 'must be "episodic" or "serial"'),
    ({"medium": "radio"}, "is not a Podcasting 2.0 medium"),
    ({"medium": "podcastL"}, "is a list medium"),
    ({"base_url": "example.org/podcast/"}, "must start with http:// or https://"),
    ({"base_url": "ftp://example.org/"}, "must start with http:// or https://"),
    ({"title": "  "}, "show.title must not be empty"),
    ({"description": "x" * 4001}, "longer than 4000 bytes"),
    ({"max_items": 0}, "show.max_items must be a positive whole number"),
    ({"podcast_guid": "not-a-uuid"}, "is not a UUID"),
])
def test_invalid_settings_are_rejected_with_the_reason(settings, reason):
    show = ShowConfig(**settings)
    with pytest.raises(ConfigError) as caught:
        show.validate()
    message = str(caught.value)
    assert reason in message
    assert "\n" not in message


@pytest.mark.parametrize("code", ["en", "en-us", "en-US", "pt-BR", "es-419", "de"])
def test_language_codes_accepted(code):
    assert valid_language(code)


def test_every_problem_is_reported_at_once():
    problems = ShowConfig(type="daily", medium="radio", email="nope").problems()
    assert len(problems) == 3


def test_production_settings_are_checked(tmp_path):
    show = ShowConfig(path=str(tmp_path / "audiocast.toml"))
    show.production.bitrate_kbps = 32
    show.production.pacing = Pacing(sentence=-5)
    show.production.intro_bumper = "sounds/intro.wav"
    problems = show.problems()
    assert any("bitrate_kbps must be a whole number from 64 to 320" in p for p in problems)
    assert any("pacing.sentence" in p for p in problems)
    assert any(f"intro_bumper: file not found: {tmp_path / 'sounds' / 'intro.wav'}" in p for p in problems)


def _image(path: Path, size=(1400, 1400), mode="RGB", fmt=None) -> Path:
    Image.new(mode, size, 128 if mode == "L" else None).save(path, fmt)
    return path


def test_artwork_is_checked_relative_to_the_config_file(tmp_path):
    _image(tmp_path / "cover.jpg")
    show = ShowConfig(artwork="cover.jpg", path=str(tmp_path / "audiocast.toml"))
    assert show.problems() == []
    assert show.resolve_path("cover.jpg") == tmp_path / "cover.jpg"


@pytest.mark.parametrize("name, size, mode, fmt, reason", [
    ("art.jpg", (1400, 1000), "RGB", None, "1400x1000; podcast artwork must be square"),
    ("art.jpg", (1200, 1200), "RGB", None, "must be 1400 to 3000 pixels a side"),
    ("art.png", (3200, 3200), "RGB", None, "must be 1400 to 3000 pixels a side"),
    ("art.jpg", (1400, 1400), "L", None, "in L color mode; podcast artwork must be RGB"),
    ("art.jpg", (1400, 1400), "RGB", "PNG", "is PNG but named .jpg"),
    ("art.bmp", (1400, 1400), "RGB", None, "is BMP; podcast artwork must be JPEG or PNG"),
])
def test_bad_artwork_is_rejected_with_the_reason(tmp_path, name, size, mode, fmt, reason):
    _image(tmp_path / name, size, mode, fmt)
    with pytest.raises(ConfigError, match="show.artwork: .*" + reason.replace("(", r"\(")):
        ShowConfig(artwork=str(tmp_path / name)).validate()


def test_missing_artwork_is_reported(tmp_path):
    assert "file not found" in ShowConfig(artwork=str(tmp_path / "none.jpg")).problems()[0]


# --------------------------------------------------------------------------- init template

VALUES = dict(
    title='Field Notes "Read Aloud"',
    description="Essays on marshes, trains & eels.\nTwo lines.",
    author="Rowan Vale",
    email="owner@example.org",
    language="en-gb",
    category="Society & Culture",
    subcategory="Documentary",
    explicit=True,
    type="serial",
    base_url="https://podcasts.example.org/field-notes/",
    artwork="art/cover.jpg",
    intro_bumper="sounds/intro.wav",
    outro_bumper="sounds/outro.wav",
    voice="en_GB-alba-medium",
    lexicon="lexicon.toml",
    pacing={"sentence": 300, "paragraph": 800},
    bitrate_kbps=128,
    medium="newsletter",
    max_items=50,
)


def test_template_reads_back_to_the_same_values(tmp_path):
    path = tmp_path / "audiocast.toml"
    path.write_text(render_init_config(**VALUES), encoding="utf-8")
    show = load_config(path)
    for name in ("title", "description", "author", "email", "language", "category",
                 "subcategory", "explicit", "type", "base_url", "artwork", "medium", "max_items"):
        assert getattr(show, name) == VALUES[name], name
    production = show.production
    assert (production.voice, production.lexicon, production.bitrate_kbps) == (
        "en_GB-alba-medium", "lexicon.toml", 128)
    assert (production.intro_bumper, production.outro_bumper, production.transition_bumper) == (
        "sounds/intro.wav", "sounds/outro.wav", None)
    assert production.pacing == Pacing(sentence=300, paragraph=800)


def test_template_is_commented_and_unset_values_stay_unset(tmp_path):
    text = render_init_config(title="Eel Week")
    assert "[show]" in text and "[production]" in text and "[production.pacing]" in text
    assert '# email = "you@example.com"' in text
    assert "Apple Podcasts category" in text
    path = tmp_path / "audiocast.toml"
    path.write_text(text, encoding="utf-8")
    show = load_config(path)
    assert show.title == "Eel Week"
    assert show.email is None and show.artwork is None and show.production.voice is None
    assert show.to_dict() | {"path": None} == ShowConfig(title="Eel Week").to_dict()


def test_template_rejects_unknown_settings():
    with pytest.raises(ConfigError, match="unknown setting colour"):
        render_init_config(colour="blue")


def test_init_config_writes_once_unless_forced(tmp_path):
    path = tmp_path / "audiocast.toml"
    init_config(path, title="First")
    assert load_config(path).title == "First"
    with pytest.raises(ConfigError, match="already exists; use --force"):
        init_config(path, title="Second")
    init_config(path, force=True, title="Second")
    assert load_config(path).title == "Second"


def test_init_config_refuses_invalid_values_and_writes_nothing(tmp_path):
    path = tmp_path / "audiocast.toml"
    with pytest.raises(ConfigError, match="show.category"):
        init_config(path, category="Gardening")
    assert not path.exists()


def test_flat_keys_and_unknown_settings(tmp_path):
    path = tmp_path / "audiocast.toml"
    path.write_text('title = "Flat"\ncategory = "History"\n[production]\nvoice = "amy"\n')
    show = load_config(path)
    assert (show.title, show.category, show.production.voice) == ("Flat", "History", "amy")
    path.write_text('[show]\ntitel = "typo"\n')
    with pytest.raises(ConfigError, match="unknown setting show.titel"):
        load_config(path)
    path.write_text('[show\n')
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(path)


def test_custom_bumper_paths_are_relative_to_the_config_file(tmp_path):
    from audiocast.config import load_config
    from audiocast.pipeline import with_resolved_paths

    folder = tmp_path / "show"
    folder.mkdir()
    (folder / "audiocast.toml").write_text(
        '[production]\nintro_bumper = "sounds/intro.wav"\ntransition_bumper = "none"\n')
    config = with_resolved_paths(load_config(folder / "audiocast.toml"))
    assert config.production.intro_bumper == str(folder / "sounds" / "intro.wav")
    assert config.production.transition_bumper == "none"


def test_the_episode_format_is_read_beside_the_show_or_under_production(tmp_path):
    path = tmp_path / "audiocast.toml"
    path.write_text('title = "Books"\nformat = "m4b"\n')
    assert load_config(path).production.format == "m4b"
    path.write_text('[show]\ntitle = "Books"\n[production]\nformat = "m4a"\n')
    assert load_config(path).production.format == "m4a"
    assert load_config(search_dir=tmp_path / "elsewhere").production.format == "mp3"


def test_an_unknown_format_is_a_one_line_error_listing_the_formats(tmp_path):
    import subprocess
    import sys

    (tmp_path / "audiocast.toml").write_text('format = "ogg"\n')
    (tmp_path / "a.txt").write_text("A Title\n\nOne sentence.\n")
    done = subprocess.run([sys.executable, "-m", "audiocast.cli", "convert", "a.txt"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert done.stderr.strip() == "error: unknown episode format 'ogg'; choose one of: mp3, m4a, m4b"
    assert not (tmp_path / "output").exists()
