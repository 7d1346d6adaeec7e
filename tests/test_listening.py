"""The listening check: a real recognizer (faster-whisper, bundled tiny model) hears real episodes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from audiocast.engines.base import VoiceSettings
from audiocast.listening import (
    agreement,
    share_words,
    check_episode_file,
    sentences_from_vtt,
    slower_voice,
    spoken_words,
    verify_clips,
)
from audiocast.synth import Synthesizer

ARTICLE = """# The Quiet Orchard

The orchard at the end of the lane has stood for ninety years. Every autumn the
families of the village gather the apples by hand.

## The Old Trees

The oldest trees were planted in 1934 by a schoolteacher. Their bark is rough and
grey, and some of them lean toward the river.
"""
WRONG = "A submarine surfaced beside the lighthouse at midnight."


def audiocast(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "audiocast.cli", *args], capture_output=True, text=True,
                          timeout=600)
    if check:
        assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def episode(tmp_path_factory):
    work = tmp_path_factory.mktemp("listening")
    article = work / "orchard.md"
    article.write_text(ARTICLE, encoding="utf-8")
    out = work / "out"
    audiocast("convert", str(article), "-o", str(out))
    (audio,) = (out / "episodes").glob("*.mp3")
    return out, audio, audio.with_suffix(".vtt")


@pytest.fixture(scope="module")
def voice() -> VoiceSettings:
    from audiocast.pipeline import voice_settings
    from audiocast.config import ShowConfig

    return voice_settings(ShowConfig())


@pytest.mark.parametrize("text, expected", [
    ("Planted in 1934.", ["planted", "in", "nineteen", "thirty", "four"]),
    ("planted in nineteen thirty-four", ["planted", "in", "nineteen", "thirty", "four"]),
    ("The keeper's log, page 3!", ["the", "keepers", "log", "page", "three"]),
])
def test_written_and_heard_text_compare_as_spoken_words(text, expected):
    assert spoken_words(text) == expected


def test_agreement_forgives_near_homophones_not_missing_or_wrong_words():
    words = "the ferry leaves the harbor at seven in the morning".split()
    assert agreement(words, words) == 1.0
    assert agreement(["morning", "ferry"], ["morning", "fairy"]) > 0.8
    assert agreement(words, words[:4]) < 0.7
    assert agreement(words, words + "and then a submarine surfaced beside the old lighthouse".split()) < 0.7
    assert agreement(words, "a submarine surfaced beside the lighthouse".split()) < 0.5


def test_words_heard_late_are_moved_back_to_the_sentence_they_belong_to():
    expected = [["ninety", "years"], ["every", "autumn", "they", "gather"], ["the", "old", "trees"]]
    spans = [(0, 1000), (1200, 3000), (3200, 4000)]
    # the recognizer's times put "years" in the second sentence and "trees" after the third
    heard = [("ninety", 500), ("years", 1300), ("every", 1600), ("autumn", 2000), ("they", 2400),
             ("gather", 2900), ("the", 3300), ("old", 3600), ("trees", 4300)]
    assert share_words(expected, spans, heard) == expected
    # a sentence the audio does not say keeps only the words heard while it played
    wrong = [["ninety", "years"], ["a", "submarine", "surfaced", "at", "midnight"], ["the", "old", "trees"]]
    shared = share_words(wrong, spans, heard)
    assert shared[1] == ["every", "autumn", "they", "gather"]
    assert shared[2] == ["the", "old", "trees"]


def test_captions_of_one_sentence_are_joined_back_into_it(tmp_path):
    vtt = tmp_path / "x.vtt"
    vtt.write_text("WEBVTT\nLanguage: en\n\n"
                   "00:00:00.000 --> 00:00:02.000\nThe first half of a long\nsentence that goes on\n\n"
                   "00:00:02.000 --> 00:00:03.500\nand ends here.\n\n"
                   "00:00:04.000 --> 00:00:05.000\nA short one.\n", encoding="utf-8")
    sentences, language = sentences_from_vtt(vtt)
    assert language == "en"
    assert sentences == [(0, 3500, "The first half of a long sentence that goes on and ends here."),
                         (4000, 5000, "A short one.")]


def test_a_clean_episode_scores_high_and_flags_nothing(episode):
    out, audio, vtt = episode
    report = check_episode_file(audio, vtt)
    assert len(report.sentences) == 6  # the title, two sentences, a heading, two sentences
    assert report.score >= 85
    assert report.flagged == []


def test_a_sentence_the_audio_does_not_say_is_flagged_with_its_time(episode, tmp_path):
    out, audio, vtt = episode
    sentences, _ = sentences_from_vtt(vtt)
    target = sentences[4]  # "The oldest trees were planted in 1934 by a schoolteacher."
    copy = tmp_path / audio.name
    copy.write_bytes(audio.read_bytes())
    copy.with_suffix(".vtt").write_text(vtt.read_text(encoding="utf-8").replace(target[2], WRONG),
                                        encoding="utf-8")
    done = audiocast("check", str(copy), "--json")
    report = json.loads(done.stdout)
    assert [f["text"] for f in report["flagged"]] == [WRONG]
    (flagged,) = report["flagged"]
    assert abs(flagged["start"] - target[0] / 1000) < 0.01
    assert "planted" in flagged["heard"]  # what the audio really says at that moment
    assert report["score"] < 95


def test_check_by_slug_prints_a_score_and_can_fail_a_job(episode):
    out, audio, _ = episode
    done = audiocast("check", audio.stem.split(".")[0], "-o", str(out))
    assert re.search(r"score \d+\.\d/100 over 6 sentences; 0 not heard as written", done.stdout)
    refused = audiocast("check", audio.stem.split(".")[0], "-o", str(out), "--fail-under", "100.1",
                        check=False)
    assert refused.returncode == 2 and "--fail-under" in refused.stderr  # a usage error, before any work
    strict = audiocast("check", audio.stem.split(".")[0], "-o", str(out), "--fail-under", "100",
                       "--threshold", "1", check=False)
    score = float(re.search(r"score (\d+\.\d)/100", strict.stdout).group(1))
    assert strict.returncode == (3 if score < 100 else 0)


def test_unknown_episode_is_one_line_error(episode):
    out, _, _ = episode
    done = audiocast("check", "no-such-episode", "-o", str(out), check=False)
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0 and "no episode 'no-such-episode'" in done.stderr


def test_verify_replaces_a_clip_heard_wrongly_with_one_made_again(voice):
    texts = ["The ferry leaves the harbor at seven.", "The market opens every Saturday morning."]
    with Synthesizer(voice, jobs=1) as synthesizer:
        good, wrong = synthesizer.render([texts[0], WRONG])
        clips, report = verify_clips(texts, [good, wrong], "en", lambda again: synthesizer.render(again))
    assert report.checked == 2
    retried = {c.index: c for c in report.retried}
    assert 1 in retried and report.failed == []
    assert clips[1] is not wrong
    assert "saturday" in retried[1].heard.lower()


def test_verify_reports_a_clip_that_stays_wrong(voice):
    texts = ["The ferry leaves the harbor at seven."]
    with Synthesizer(voice, jobs=1) as synthesizer:
        (wrong,) = synthesizer.render([WRONG])
    clips, report = verify_clips(texts, [wrong], "en", lambda again: [wrong for _ in again])
    assert [c.text for c in report.failed] == texts
    assert "submarine" in report.failed[0].heard.lower()


def test_slower_voice_changes_only_the_speaking_rate():
    piper = slower_voice(VoiceSettings(engine="piper", name="joe", options={"length_scale": 1.0}))
    assert piper.options == {"length_scale": 1.15} and piper.name == "joe"
    assert slower_voice(VoiceSettings(engine="espeak", options={})).options == {"rate": 148}
    assert slower_voice(VoiceSettings(engine="gtts")).options == {"slow": True}
    assert slower_voice(VoiceSettings(engine="someone-elses")) is None


def test_convert_with_verify_reports_the_check(tmp_path):
    article = tmp_path / "ferry.md"
    article.write_text("# Morning Ferry\n\nThe ferry leaves the harbor at seven. The market opens "
                       "every Saturday morning.\n", encoding="utf-8")
    done = audiocast("convert", str(article), "-o", str(tmp_path / "out"), "--verify")
    # every clip is heard; a voice's random variation may make one worth saying again
    found = re.search(r"listening check: 3 clips heard, (\d) synthesized again more slowly, "
                      r"(\d) still not heard as written", done.stdout + done.stderr)
    assert found, done.stdout + done.stderr
    assert int(found.group(2)) <= int(found.group(1)) <= 3 and int(found.group(2)) == 0
    assert list((tmp_path / "out" / "episodes").glob("*.mp3"))
