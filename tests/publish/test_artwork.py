"""Show artwork: generated covers and the publisher's own images."""

from __future__ import annotations

import pytest
from PIL import Image

from audiocast.config import ShowConfig, artwork_problems
from audiocast.errors import PublishError
from audiocast.models import Episode
from audiocast.publish.artwork import cover_path, ensure_cover, episode_art_path


def test_generated_cover_is_a_valid_podcast_image(tmp_path):
    path = ensure_cover(tmp_path, ShowConfig(title="Field Notes Read Aloud"))
    assert path == tmp_path / "cover.jpg" == cover_path(tmp_path)
    with Image.open(path) as image:
        assert (image.format, image.mode, image.size) == ("JPEG", "RGB", (1400, 1400))
        # Not a flat colour: the title is drawn in white on a dark background.
        low, high = image.convert("L").getextrema()
        assert low < 60 and high > 240
    assert artwork_problems(path) == []
    assert path.stat().st_size < 500_000  # small enough for an ID3 APIC frame


def test_cover_is_regenerated_only_when_the_title_changes(tmp_path):
    first = ensure_cover(tmp_path, ShowConfig(title="Field Notes"))
    stamp, data = first.stat().st_mtime_ns, first.read_bytes()
    again = ensure_cover(tmp_path, ShowConfig(title="Field Notes", description="changed"))
    assert again.stat().st_mtime_ns == stamp and again.read_bytes() == data
    renamed = ensure_cover(tmp_path, ShowConfig(title="Field Notes Weekly"))
    assert renamed.read_bytes() != data


def test_long_titles_still_render(tmp_path):
    title = "Supercalifragilisticexpialidociousness " * 6
    path = ensure_cover(tmp_path, ShowConfig(title=title))
    assert artwork_problems(path) == []


def test_publishers_png_is_copied_and_replaces_the_generated_cover(tmp_path):
    out_dir = tmp_path / "out"
    ensure_cover(out_dir, ShowConfig(title="Field Notes"))
    art = tmp_path / "art.png"
    Image.new("RGB", (1600, 1600), (30, 90, 60)).save(art)
    config = tmp_path / "audiocast.toml"
    show = ShowConfig(title="Field Notes", artwork="art.png", path=str(config))
    path = ensure_cover(out_dir, show)
    assert path == out_dir / "cover.png"
    assert path.read_bytes() == art.read_bytes()
    assert not (out_dir / "cover.jpg").exists()


@pytest.mark.parametrize("size, mode, name, reason", [
    ((1400, 1300), "RGB", "art.jpg", "must be square"),
    ((1000, 1000), "RGB", "art.jpg", "1400 to 3000 pixels"),
    ((1400, 1400), "CMYK", "art.jpg", "CMYK color mode"),
    ((1400, 1400), "RGB", "art.gif", "must be JPEG or PNG"),
])
def test_unusable_artwork_is_refused_with_the_reason(tmp_path, size, mode, name, reason):
    art = tmp_path / name
    Image.new(mode, size).save(art)
    with pytest.raises(PublishError, match=reason):
        ensure_cover(tmp_path / "out", ShowConfig(artwork=str(art)))


def test_episode_art_comes_from_the_folder_only(tmp_path):
    episode = Episode(guid="g", slug="eels", title="Eels", source="s", content_hash="h",
                      duration_s=1, size_bytes=1, published=None, updated=None,
                      image="https://example.org/eels.jpg")
    assert episode_art_path(tmp_path, episode) is None
    (tmp_path / "episodes").mkdir()
    Image.new("RGB", (1400, 1400)).save(tmp_path / "episodes" / "eels.jpg")
    assert episode_art_path(tmp_path, episode) == tmp_path / "episodes" / "eels.jpg"
