"""Engines: the registry, early failure for unusable engines, plugins, and real synthesis."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from audiocast.engines import VoiceSettings, create_engine, engine_names, registry
from audiocast.errors import EngineUnavailable


def _rms(pcm: bytes) -> float:
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    return float(np.sqrt(np.mean(samples**2)))


def test_builtin_engines_are_registered():
    assert {"piper", "gtts", "espeak"} <= set(engine_names())


def test_unknown_engine_names_the_choices():
    with pytest.raises(EngineUnavailable) as info:
        create_engine(VoiceSettings(engine="festival"))
    message = str(info.value)
    assert "festival" in message
    for name in ("piper", "gtts", "espeak"):
        assert name in message
    assert "\n" not in message


def test_piper_speaks_with_the_bundled_voice_without_download():
    engine = create_engine(VoiceSettings())
    assert engine.model.origin == "bundled"
    clip = engine.synthesize("The harbor opens at dawn.")
    assert clip.sample_rate == 22050
    assert 0.8 < clip.duration_ms / 1000 < 4.0
    assert _rms(clip.pcm) > 300  # audible speech, not silence


def test_piper_length_scale_slows_speech():
    normal = create_engine(VoiceSettings()).synthesize("Slow and steady wins the race.")
    slow = create_engine(VoiceSettings(options={"length_scale": 1.4})).synthesize("Slow and steady wins the race.")
    assert slow.duration_ms > normal.duration_ms * 1.2


def test_piper_unknown_model_lists_available_voices():
    with pytest.raises(EngineUnavailable, match="en_US-joe-medium"):
        create_engine(VoiceSettings(name="xx_XX-nobody-low"))


def test_piper_finds_models_dropped_into_voices(tmp_path, monkeypatch):
    from audiocast.engines.piper import bundled_model, find_models

    bundled = bundled_model()
    voices = tmp_path / "voices"
    voices.mkdir()
    (voices / "en_US-copy-medium.onnx").symlink_to(bundled.model)
    (voices / "en_US-copy-medium.onnx.json").symlink_to(bundled.config)
    monkeypatch.chdir(tmp_path)
    names = {m.name for m in find_models()}
    assert {"en_US-copy-medium", "en_US-joe-medium"} <= names
    engine = create_engine(VoiceSettings(name="en_US-copy-medium"))
    assert engine.model.origin == str(voices)


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_espeak_rate_changes_duration():
    fast = create_engine(VoiceSettings(engine="espeak", options={"rate": 260})).synthesize("One two three four five six.")
    slow = create_engine(VoiceSettings(engine="espeak", options={"rate": 110})).synthesize("One two three four five six.")
    assert slow.duration_ms > fast.duration_ms * 1.5
    assert _rms(fast.pcm) > 300


def test_espeak_missing_binary_is_unavailable(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(EngineUnavailable, match="espeak-ng"):
        create_engine(VoiceSettings(engine="espeak"))


def test_third_party_engine_plugs_in_through_entry_points(engine_plugin):
    engine_plugin("tone", """
        t = np.arange(int(0.05 * len(text) * 16000)) / 16000
        pcm = (np.sin(2 * np.pi * 440 * t) * 8000).astype("<i2").tobytes()
        return Clip(pcm=pcm, sample_rate=16000)
    """, imports="import numpy as np")
    assert "tone" in registry()
    clip = create_engine(VoiceSettings(engine="tone")).synthesize("twenty chars of text")
    assert clip.sample_rate == 16000 and abs(clip.duration_ms - 1000) < 1


def test_broken_plugin_only_warns(engine_plugin):
    engine_plugin("broken", None)
    with pytest.warns(UserWarning, match="broken"):
        engines = registry()
    assert "broken" not in engines and "piper" in engines


def test_voice_settings_survive_a_round_trip():
    voice = VoiceSettings(engine="piper", name="en_US-joe-medium", language="en-US",
                          options={"length_scale": 1.2, "threads": 1}, lexicon={"Kyiv": "k i v"})
    assert VoiceSettings.from_dict(voice.to_dict()) == voice
    flat = VoiceSettings.from_dict({"engine": "espeak", "rate": 120})
    assert flat.options == {"rate": 120}


def test_pool_workers_speak_with_the_voice_settings(tmp_path):
    """Worker processes get the same options (here a slower pace) as the main engine."""
    from audiocast.synth import SegmentCache, Synthesizer

    texts = [f"Buoy {n} is lit and ringing." for n in ("one", "two", "three", "four", "five", "six",
                                                      "seven", "eight", "nine", "ten", "eleven", "twelve")]
    with Synthesizer(VoiceSettings(), jobs=2, cache=SegmentCache(tmp_path / "a")) as normal:
        fast = sum(c.duration_ms for c in normal.render(texts))
    with Synthesizer(VoiceSettings(options={"length_scale": 1.5}), jobs=2,
                     cache=SegmentCache(tmp_path / "b")) as slowed:
        slow = sum(c.duration_ms for c in slowed.render(texts))
    assert slow > fast * 1.3
