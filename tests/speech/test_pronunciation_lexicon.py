"""Pronunciation lexicons: TOML loading, merge order, spellings in the script, phonemes for engines."""

from __future__ import annotations

import re

import pytest

from audiocast.errors import ConfigError
from audiocast.models import Article, Block, Section
from audiocast.speech import Lexicon, ScriptOptions, apply_phonemes, build_script, lexicon_files

SHOW_LEXICON = """
[words]
"Kyiv" = "Keev"
"Nguyen" = { say = "Win", phonemes = "wˈɪn" }
"SQL" = "sequel"
"Zaporizhzhia" = { phonemes = "zɐpɐɹˈɪʒʒjɐ" }
"""

VOICE_LEXICON = """
[words]
"kyiv" = "Kiev"
"US" = { say = "United States", match_case = true }
"""


@pytest.fixture
def lexicon_dir(tmp_path):
    (tmp_path / "show.lexicon.toml").write_text(SHOW_LEXICON, encoding="utf-8")
    voices = tmp_path / "voices"
    voices.mkdir()
    (voices / "joe.lexicon.toml").write_text(VOICE_LEXICON, encoding="utf-8")
    return tmp_path


def article(*paragraphs: str) -> Article:
    return Article(title="Notes", sections=[Section(None, 1, [Block("paragraph", p) for p in paragraphs])])


def test_load_and_lookup(lexicon_dir):
    lexicon = Lexicon.load(lexicon_dir / "show.lexicon.toml")
    assert len(lexicon) == 4
    assert lexicon.lookup("KYIV").say == "Keev"
    assert lexicon.lookup("nguyen").phonemes == "wˈɪn"
    assert lexicon.lookup("Lviv") is None


def test_later_files_override_earlier_ones(lexicon_dir):
    files = lexicon_files("show.lexicon.toml", "joe", base_dir=lexicon_dir)
    assert files == [lexicon_dir / "show.lexicon.toml", lexicon_dir / "voices" / "joe.lexicon.toml"]
    lexicon = Lexicon.load(files)
    assert lexicon.lookup("Kyiv").say == "Kiev"
    assert lexicon.lookup("SQL").say == "sequel"
    assert lexicon_files(None, "nobody", base_dir=lexicon_dir) == []


def test_spellings_go_into_spoken_text_only(lexicon_dir):
    lexicon = Lexicon.load(lexicon_dir / "show.lexicon.toml")
    script = build_script(article("Talks in Kyiv's centre used SQL. Mr. Nguyen spoke."), ScriptOptions(lexicon=lexicon))
    body = [s for s in script.segments() if s.kind == "sentence"]
    assert [s.spoken for s in body] == ["Talks in Keev's centre used sequel.", "Mister Win spoke."]
    assert body[0].written == "Talks in Kyiv's centre used SQL."
    assert not any("[" in s.spoken for s in script.segments())  # phonemes never reach the script


def test_match_case_entries_only_match_that_spelling(lexicon_dir):
    lexicon = Lexicon.load(lexicon_files("show.lexicon.toml", "joe", base_dir=lexicon_dir))
    script = build_script(article("The US told us to wait."), ScriptOptions(lexicon=lexicon))
    assert script.sections[0].spoken[1] == "The United States told us to wait."


def test_lexicon_words_are_not_normalized_again():
    lexicon = Lexicon.from_dict({"words": {"R2-D2": "Artoo Detoo", "NATO": {"say": "the alliance"}}})
    script = build_script(article("R2-D2 met NATO staff."), ScriptOptions(lexicon=lexicon))
    assert script.sections[0].spoken[1] == "Artoo Detoo met the alliance staff."


def test_phonemes_mapping_and_apply():
    lexicon = Lexicon.from_dict({"words": {
        "Nguyen": {"say": "Win", "phonemes": "wˈɪn"},
        "Zaporizhzhia": {"phonemes": "zɐpɐɹˈɪʒʒjɐ"},
        "US": {"phonemes": "jˌuːˈɛs", "match_case": True},
    }})
    mapping = lexicon.phonemes()
    assert mapping == {"win": "wˈɪn", "zaporizhzhia": "zɐpɐɹˈɪʒʒjɐ", "US": "jˌuːˈɛs"}
    text = "Mister Win of Zaporizhzhia met the US envoy; we win, us too. Winter came."
    assert apply_phonemes(text, mapping) == (
        "Mister [[ wˈɪn ]] of [[ zɐpɐɹˈɪʒʒjɐ ]] met the [[ jˌuːˈɛs ]] envoy; we [[ wˈɪn ]], us too. Winter came."
    )
    assert apply_phonemes(text, {}) == text


def test_piper_reads_the_phonemes_inline():
    from audiocast.engines.piper import bundled_model, load_voice

    model = bundled_model()
    if model is None:
        pytest.skip("the bundled Piper voice is not installed")
    voice = load_voice(model)
    text = apply_phonemes("We went to Kyiv today.", {"kyiv": "kˈiːv"})
    phonemes = "".join("".join(sentence) for sentence in voice.phonemize(text))
    assert "kˈiːv" in phonemes and "kjˈɪv" not in phonemes


def test_round_trip_through_options_dict():
    lexicon = Lexicon.from_dict({"words": {"Kyiv": "Keev", "Nguyen": {"say": "Win", "phonemes": "wˈɪn"}}})
    options = ScriptOptions(lexicon=lexicon, initialisms=["RFK"], acronyms=["GOAT"], show="Daily")
    again = ScriptOptions.from_dict(options.to_dict())
    assert again == options
    assert again.lexicon.lookup("kyiv").say == "Keev"


@pytest.mark.parametrize("content,message", [
    ("[words\n", "invalid TOML"),
    ("title = 'x'\n", "expected a [words] table"),
    ('[words]\n"Kyiv" = 5\n', "must map to a spelling"),
    ('[words]\n"Kyiv" = { sound = "Keev" }\n', "unknown key 'sound'"),
    ('[words]\n"R2" = "R 2"\n', "plain words"),
    ('[words]\n"X" = { phonemes = "[[ x ]]" }\n', "must not contain brackets"),
])
def test_invalid_lexicons_are_config_errors(tmp_path, content, message):
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(message)):
        Lexicon.load(path)


def test_apply_spelling_and_speak():
    from audiocast.speech import speak

    lexicon = Lexicon.from_dict({"words": {"Kyiv": "Keev", "SQL": "sequel"}})
    assert lexicon.apply_spelling("Kyiv and SQL and kyiv") == "Keev and sequel and Keev"
    assert speak("**SQL** in Kyiv, 2024.", ScriptOptions(lexicon=lexicon)) == "sequel in Keev, twenty twenty-four."
    assert speak("SQL in 2024.") == "S-Q-L in twenty twenty-four."


def test_missing_lexicon_file(tmp_path):
    with pytest.raises(ConfigError, match="lexicon file not found"):
        Lexicon.load(lexicon_files("missing.toml", None, base_dir=tmp_path))
