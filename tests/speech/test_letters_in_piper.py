"""How initialisms are written for the voice, checked against what Piper actually says.

Piper turns text into phonemes with espeak-ng before synthesis, so its
phonemizer tells us exactly what the voice will pronounce. An initialism is
rendered right when the voice says the names of its letters, one after another,
wherever it stands in a sentence.
"""

from __future__ import annotations

import re

import pytest

from audiocast.speech import english, normalize

FRAMES = ["{}", "the {} said", "in the {}.", "the {}'s plan", "I saw the {}!"]


@pytest.fixture(scope="module")
def phonemize():
    from audiocast.engines.piper import bundled_model, load_voice

    model = bundled_model()
    if model is None:
        pytest.skip("the bundled Piper voice is not installed")
    voice = load_voice(model)

    def run(text: str) -> str:
        # Stress marks, syllable links and pauses do not change which sounds are said;
        # espeak doubles a linking r between letters ("R-N"), which is still the letters.
        flat = "".join("".join(sentence) for sentence in voice.phonemize(text))
        return re.sub(r"[ˈˌʲ. ]", "", flat).replace("ɹɹ", "ɹ")

    return run


@pytest.fixture(scope="module")
def letter_names(phonemize):
    names = {letter: phonemize(letter) for letter in "BCDEFGHIJKLMNOPQRSTUVWXYZ"}
    names["A"] = "eɪ"  # alone, "A" is the article
    return names


def test_every_builtin_initialism_is_read_as_letter_names(phonemize, letter_names):
    wrong = []
    for word in sorted(english.INITIALISMS - set(english.ACRONYMS)):
        want = "".join(letter_names[ch] for ch in word.upper())
        for frame in FRAMES:
            spoken = normalize(frame.format(word))
            if want not in phonemize(spoken):
                wrong.append(f"{frame.format(word)!r} -> {spoken!r}: {phonemize(spoken)} (want {want})")
    assert not wrong, "\n".join(wrong)


def test_plain_capitals_would_be_misread(phonemize):
    # Why letters are hyphenated: written plainly, espeak reads these as words.
    assert phonemize("WHO") == phonemize("who")
    assert phonemize("IMF") != phonemize("I-M-F")
    assert phonemize(normalize("IMF")) == phonemize("I-M-F")


def test_no_doubled_stop_leaks_into_the_next_sentence(phonemize):
    # espeak carries a doubled full stop over into the next call and says "dot" there.
    phonemize("It went to the W.T.O..")
    assert "dɑːt" in phonemize("the W-T-O")
    phonemize(normalize("It went to the W.T.O.."))
    assert "dɑːt" not in phonemize("the W-T-O")


def test_plurals_and_possessives_keep_their_s(phonemize):
    assert phonemize(normalize("CEOs")).endswith("oʊz")
    assert phonemize(normalize("the US's debt")) == phonemize("the U-S's debt")
    assert phonemize(normalize("NATO's plan")).startswith(phonemize("Nato") + "z")
    assert not phonemize("NATO's plan").startswith(phonemize("Nato") + "z")  # what plain capitals lose


def test_lowercase_us_stays_a_pronoun(phonemize):
    assert phonemize(normalize("Let us go")) == phonemize("Let us go")
    assert phonemize(normalize("The US went")) != phonemize("The us went")
