"""Re-converting: an edited article's episode is the episode a fresh render of it would
be, and an unchanged file is recognized from its bytes and the settings."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from mutagen.id3 import ID3

from audiocast.audio.loudness import measure_loudness

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed"),
]

ARTICLE = """# Lanterns on the Canal

The lantern boats set out at dusk from the old lock. Each one carries a single paper light.

## The Makers

Three families still fold the lanterns by hand. Their workshop smells of glue and rain.
A good lantern takes most of an afternoon.

## The Route

The boats drift past the mill and under the iron bridge. Children wave from the towpath.
The last boat reaches the harbor long after dark.
"""
EDIT = ("A good lantern takes most of an afternoon.",
        "A good lantern takes most of an afternoon, and a steady pair of hands.")
TOLERANCE_MS = 10
LOUDNESS_TOLERANCE_LU = 0.5


def audiocast(*args: str, cwd: Path) -> str:
    done = subprocess.run([sys.executable, "-m", "audiocast.cli", *args, "--engine", "espeak"],
                          capture_output=True, text=True, cwd=cwd, timeout=600)
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


def pieces_stored() -> set[Path]:
    """The encoded episode pieces in the session's cache (audio/pieces.py)."""
    return set((Path(os.environ["AUDIOCAST_CACHE_DIR"]) / "pieces").glob("*/*.piece"))


def episode(out: Path) -> Path:
    mp3s = list((out / "episodes").glob("*.mp3"))
    assert len(mp3s) == 1, mp3s
    return mp3s[0]


def chapters(mp3: Path) -> list[tuple[str, int, int]]:
    frames = ID3(mp3).getall("CHAP")
    return sorted((f.sub_frames["TIT2"].text[0], f.start_time, f.end_time) for f in frames)


def cue_times(mp3: Path) -> list[float]:
    vtt = mp3.with_suffix(".vtt").read_text(encoding="utf-8")
    times = []
    for start, end in re.findall(r"(\d+:\d\d:\d\d\.\d{3}) --> (\d+:\d\d:\d\d\.\d{3})", vtt):
        times += [_seconds(start), _seconds(end)]
    return times


def _seconds(stamp: str) -> float:
    hours, minutes, seconds = stamp.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    work = tmp_path_factory.mktemp("edited")
    article = work / "lanterns.md"
    article.write_text(ARTICLE, encoding="utf-8")
    first = audiocast("convert", str(article), "-o", "out", cwd=work)
    return work, article, first


def test_an_unchanged_file_is_recognized_without_rendering(converted):
    work, article, _ = converted
    mp3 = episode(work / "out")
    before = (mp3.stat().st_ino, mp3.stat().st_mtime_ns, mp3.read_bytes())
    article.touch()  # a newer modification time alone is no change
    said = audiocast("convert", str(article), "-o", "out", cwd=work)
    assert "unchanged" in said and "published" not in said
    assert (mp3.stat().st_ino, mp3.stat().st_mtime_ns, mp3.read_bytes()) == before


def test_a_new_file_is_expected_to_be_synthesized_whole_and_an_edited_one_in_part(converted, tmp_path):
    # the voice then loads while the file is read (pipeline.convert): in the workers for
    # a new file, in this process for an edit
    from audiocast.unchanged import expected_synthesis

    work, article, _ = converted
    assert expected_synthesis(work / "out", str(article)) == "some"
    assert expected_synthesis(tmp_path / "elsewhere", str(article)) == "all"
    assert expected_synthesis(tmp_path / "elsewhere", str(article), min_bytes=article.stat().st_size + 1) is None
    assert expected_synthesis(work / "out", "https://example.org/lanterns") is None


def test_a_changed_setting_renders_the_episode_again(converted, tmp_path):
    work, article, _ = converted
    config = tmp_path / "slower.toml"
    config.write_text("[production.pacing]\nparagraph = 1200\n", encoding="utf-8")
    out = tmp_path / "out"
    shutil.copytree(work / "out", out)
    said = audiocast("convert", str(article), "-o", str(out), "--config", str(config), cwd=work)
    assert "published" in said
    assert episode(out).stat().st_size > 0


def test_an_edited_episode_equals_a_fresh_render_of_the_edited_article(converted, tmp_path):
    work, article, _ = converted
    article.write_text(ARTICLE.replace(*EDIT), encoding="utf-8")
    pieces = pieces_stored()
    said = audiocast("convert", str(article), "-o", "out", cwd=work)
    assert "published" in said
    edited = episode(work / "out")
    # the episode is made in three pieces, one per section: only the edited one is new
    assert len(pieces_stored() - pieces) == 1

    # the same article rendered from scratch into a new folder: every step of the episode
    # (layout, loudness, encoding, tags, transcripts) done again from the clips
    fresh_out = tmp_path / "fresh"
    audiocast("convert", str(article), "-o", str(fresh_out), "--force", cwd=work)
    fresh = episode(fresh_out)

    edited_loudness, fresh_loudness = measure_loudness(edited), measure_loudness(fresh)
    assert edited_loudness.integrated_lufs == pytest.approx(fresh_loudness.integrated_lufs,
                                                            abs=LOUDNESS_TOLERANCE_LU)
    assert edited_loudness.true_peak_dbtp <= -1.0 + 0.5
    edited_chapters, fresh_chapters = chapters(edited), chapters(fresh)
    assert [c[0] for c in edited_chapters] == [c[0] for c in fresh_chapters]
    for (_, start_a, end_a), (_, start_b, end_b) in zip(edited_chapters, fresh_chapters):
        assert abs(start_a - start_b) <= TOLERANCE_MS and abs(end_a - end_b) <= TOLERANCE_MS
    edited_cues, fresh_cues = cue_times(edited), cue_times(fresh)
    assert len(edited_cues) == len(fresh_cues) > 0
    assert max(abs(a - b) for a, b in zip(edited_cues, fresh_cues)) <= TOLERANCE_MS / 1000
    assert "steady pair of hands" in edited.with_suffix(".vtt").read_text(encoding="utf-8")
