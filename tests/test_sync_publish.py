"""`sync --publish` and `convert --publish`: convert, then upload the folder to publish_to."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from test_sync import blog, sync  # noqa: F401

pytestmark = pytest.mark.slow


def test_sync_then_publish_to_the_configured_destination(blog, tmp_path):  # noqa: F811
    out, site = tmp_path / "out", tmp_path / "site"
    config = tmp_path / "audiocast.toml"
    config.write_text(f'[show]\nbase_url = "https://podcasts.example.org/town/"\npublish_to = "{site}"\n')
    first = sync(blog, out, "--limit", "1", "--publish", "-c", str(config))
    assert first.returncode == 0, first.stderr
    assert (site / "feed.xml").read_bytes() == (out / "feed.xml").read_bytes()
    audio = site / "episodes" / "bridge-repairs-begin.mp3"
    assert audio.read_bytes() == (out / "episodes" / "bridge-repairs-begin.mp3").read_bytes()
    assert "uploaded feed.xml" in first.stderr
    assert not (site / "audiocast.db").exists()

    again = sync(blog, out, "--limit", "1", "--publish", "-c", str(config))
    assert again.returncode == 0, again.stderr
    assert "uploaded 0 files" in again.stdout


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_convert_then_publish(tmp_path):
    article = tmp_path / "ferry.md"
    article.write_text("# The Last Ferry\n\nThe last ferry leaves at ten. Bikes ride free.\n")
    out, site = tmp_path / "out", tmp_path / "site"
    config = tmp_path / "audiocast.toml"
    config.write_text('[show]\nbase_url = "https://podcasts.example.org/town/"\npublish_to = "site"\n')
    done = subprocess.run([sys.executable, "-m", "audiocast.cli", "convert", str(article), "-o", str(out),
                           "--engine", "espeak", "--jobs", "1", "--publish", "-c", str(config)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert (site / "feed.xml").read_bytes() == (out / "feed.xml").read_bytes()  # site/ beside the config
    assert (site / "episodes" / "the-last-ferry.mp3").read_bytes() == (
        out / "episodes" / "the-last-ferry.mp3").read_bytes()
