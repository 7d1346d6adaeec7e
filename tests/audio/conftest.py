"""A tiny hand-built script, spoken once per test module by the bundled Piper voice."""

from __future__ import annotations

import pytest

from audiocast.models import Clip, Script, ScriptSection, Segment


def sentence(text: str, pause: str = "sentence") -> Segment:
    return Segment("sentence", text, text, pause)


def heading(text: str) -> Segment:
    return Segment("heading", text + ".", text, "heading")


def harbour_script() -> Script:
    """A lede, a level-1 section with one level-2 child, and another level-1 section."""
    return Script(
        title="Harbour lights",
        sections=[
            ScriptSection(None, 1, [
                Segment("title", "Harbour lights.", "Harbour lights", "paragraph"),
                sentence("The old harbour kept one lamp burning all night.", "paragraph"),
            ]),
            ScriptSection("Building the tower", 1, [
                heading("Building the tower"),
                sentence("Masons worked through two summers."),
                sentence("The walls are thick at the base.", "paragraph"),
            ]),
            ScriptSection("Stone from the quarry", 2, [
                heading("Stone from the quarry"),
                sentence("Carts brought granite down the hill.", "paragraph"),
            ]),
            ScriptSection("The last keeper", 1, [
                heading("The last keeper"),
                sentence("She retired when the lamp became automatic.", "paragraph"),
            ]),
        ],
    )


@pytest.fixture(scope="module")
def engine():
    from audiocast.engines import VoiceSettings, create_engine
    from audiocast.errors import EngineUnavailable

    try:
        return create_engine(VoiceSettings())
    except EngineUnavailable as exc:
        pytest.skip(f"the bundled Piper voice is not usable here: {exc}")


@pytest.fixture(scope="module")
def script() -> Script:
    return harbour_script()


@pytest.fixture(scope="module")
def clips(engine, script) -> list[Clip]:
    return [engine.synthesize(segment.spoken) for segment in script.segments()]
