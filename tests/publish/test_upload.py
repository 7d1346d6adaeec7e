"""Publishing to a local folder: order, the manifest, never-published files, the CLI."""

from __future__ import annotations

import hashlib
import json
import sys

import pytest

from audiocast.cli import main
from audiocast.errors import ConfigError, PublishError
from audiocast.fsutil import atomic_write_bytes
from audiocast.publish.upload import (
    FEED, MANIFEST_NAME, MEDIA, PAGES, DestinationSpec, content_type, is_published,
    parse_destination, publish_stage, upload_folder,
)

from folder_fixtures import build_folder
from test_upload_sftp import THIRD_SLUG, add_and_remove_episode

BASE_URL = "https://podcasts.example.org/field-notes/"


@pytest.mark.parametrize("path, expected", [
    ("feed.xml", True),
    ("episodes/a-post.mp3", True),
    ("episodes/a-post.3f9c2a1b.m4b", True),
    ("assets/site.css", True),
    ("audiocast.db", False),
    ("audiocast.db-wal", False),
    ("audiocast.db-journal", False),
    (".audiocast.lock", False),
    ("episodes/a-post.lock", False),
    ("episodes/.a-post.mp3.k2j3.tmp", False),
    ("episodes/a-post.mp3.tmp", False),
    (".cache/clip.wav", False),
    ("__pycache__/x.pyc", False),
    (".audiocast-manifest.json", False),
])
def test_is_published(path, expected):
    assert is_published(path) is expected


@pytest.mark.parametrize("path, expected", [
    ("episodes/a-post.mp3", MEDIA),
    ("episodes/a-post.vtt", MEDIA),
    ("episodes/a-post.chapters.json", MEDIA),
    ("episodes/a-post.jpg", MEDIA),
    ("cover.jpg", MEDIA),
    ("episodes/a-post.html", PAGES),
    ("assets/player.js", PAGES),
    ("assets/icons/play.svg", PAGES),
    ("index.html", PAGES),
    ("feed.xml", FEED),
])
def test_publish_stage(path, expected):
    assert publish_stage(path) == expected


@pytest.mark.parametrize("path, expected", [
    ("episodes/a.mp3", "audio/mpeg"),
    ("episodes/a.m4a", "audio/x-m4a"),
    ("feed.xml", "application/rss+xml; charset=utf-8"),
    ("episodes/a.vtt", "text/vtt; charset=utf-8"),
    ("episodes/a.srt", "application/x-subrip; charset=utf-8"),
    ("episodes/a.chapters.json", "application/json"),
    ("episodes/a.html", "text/html; charset=utf-8"),
    ("cover.png", "image/png"),
    ("assets/site.css", "text/css; charset=utf-8"),
    ("assets/site.js", "application/javascript; charset=utf-8"),
])
def test_content_type(path, expected):
    assert content_type(path) == expected


@pytest.mark.parametrize("text, expected", [
    ("/srv/www/podcast", DestinationSpec("local", path="/srv/www/podcast")),
    ("file:///srv/www/podcast", DestinationSpec("local", path="/srv/www/podcast")),
    ("sftp://deploy@example.org/var/www/cast",
     DestinationSpec("sftp", path="/var/www/cast", host="example.org", user="deploy")),
    ("sftp://deploy@example.org:2222/~/cast",
     DestinationSpec("sftp", path="cast", host="example.org", port=2222, user="deploy")),
    ("s3://my-bucket/shows/notes/", DestinationSpec("s3", path="shows/notes", bucket="my-bucket")),
    ("s3://my-bucket", DestinationSpec("s3", path="", bucket="my-bucket")),
])
def test_parse_destination(text, expected):
    assert parse_destination(text) == expected


@pytest.mark.parametrize("text", ["ftp://example.org/x", "sftp:///path", "s3://", ""])
def test_parse_destination_refuses(text):
    with pytest.raises(ConfigError):
        parse_destination(text)


def test_order_manifest_and_incremental_publish(tmp_path):
    out_dir = tmp_path / "out"
    show = build_folder(out_dir, BASE_URL)
    (out_dir / "audiocast.db-wal").write_bytes(b"journal")
    (out_dir / "episodes" / ".why-night-trains-came-back.mp3.0a1b2c3d.tmp").write_bytes(b"half")
    (out_dir / "notes.tmp").write_text("scratch")
    dest = tmp_path / "site"
    actions = []
    report = upload_folder(
        out_dir, str(dest), on_file=lambda action, path, size: actions.append((action, path)))

    stages = [publish_stage(path) for _action, path in actions]
    assert stages == sorted(stages) and stages[-1] == FEED  # media, then pages, the feed last
    assert [path for _a, path in actions if publish_stage(path) == PAGES][-1] == "index.html"
    held = {p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file()}
    assert held == set(report.uploaded) | {MANIFEST_NAME}
    assert not {"audiocast.db", "audiocast.db-wal", ".audiocast.lock", "notes.tmp"} & held
    manifest = json.loads((dest / MANIFEST_NAME).read_text())["files"]
    for path, entry in manifest.items():  # the manifest can be checked against the files
        data = (dest / path).read_bytes()
        assert entry == {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}

    stamps = {p: p.stat().st_mtime_ns for p in dest.rglob("*")}
    assert upload_folder(out_dir, str(dest)).uploaded == []
    assert {p: p.stat().st_mtime_ns for p in dest.rglob("*")} == stamps

    feed_at_deletion = []

    def watch(action, path, _size):
        if action == "deleted":
            feed_at_deletion.append((path, (dest / "feed.xml").read_text()))

    gone = add_and_remove_episode(out_dir, show)
    third = upload_folder(out_dir, str(dest), on_file=watch)
    assert all(THIRD_SLUG in path or path in ("feed.xml", "index.html") for path in third.uploaded)
    assert any(path.endswith(f"{THIRD_SLUG}.mp3") for path in third.uploaded)
    assert third.deleted and all(gone in path for path in third.deleted)
    for path, feed in feed_at_deletion:  # deleted only once the feed no longer lists it
        assert path not in feed and gone not in feed
    assert not any(gone in p.name for p in dest.rglob("*"))
    assert set(json.loads((dest / MANIFEST_NAME).read_text())["files"]) == {
        p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file()} - {MANIFEST_NAME}


def test_a_file_missing_at_the_destination_is_uploaded_again(tmp_path):
    out_dir = tmp_path / "out"
    build_folder(out_dir, BASE_URL)
    dest = tmp_path / "site"
    first = upload_folder(out_dir, str(dest))
    media = next(path for path in first.uploaded if path.endswith(".mp3"))
    (dest / media).unlink()
    (dest / "index.html").write_text("edited by hand")
    again = upload_folder(out_dir, str(dest))
    assert again.uploaded == [media, "index.html"]  # size differs from the manifest's
    assert (dest / media).read_bytes() == (out_dir / media).read_bytes()


def test_verify_uploads_again_what_changed_at_the_destination(tmp_path, capsys):
    out_dir = tmp_path / "out"
    build_folder(out_dir, BASE_URL)
    dest = tmp_path / "site"
    upload_folder(out_dir, str(dest))
    vtt = next((dest / "episodes").glob("*.vtt"))
    vtt.write_text(vtt.read_text().upper())  # same size, other bytes
    assert upload_folder(out_dir, str(dest)).uploaded == []  # sizes alone look right
    assert main(["publish", str(dest), "-o", str(out_dir), "--verify"]) == 0
    assert "uploaded 1 files" in capsys.readouterr().out
    assert vtt.read_bytes() == (out_dir / vtt.relative_to(dest)).read_bytes()


def test_a_file_replaced_during_the_upload_is_sent_as_scanned(tmp_path):
    out_dir = tmp_path / "out"
    build_folder(out_dir, BASE_URL)
    dest = tmp_path / "site"
    scanned = (out_dir / "feed.xml").read_bytes()

    def convert_meanwhile(action, path, _size):
        if path.endswith(".mp3"):  # a conversion publishes a new feed mid-upload
            atomic_write_bytes(out_dir / "feed.xml", scanned.replace(b"</channel>", b"<!-- new --></channel>"))

    upload_folder(out_dir, str(dest), on_file=convert_meanwhile)
    assert (dest / "feed.xml").read_bytes() == scanned
    assert not list(out_dir.glob(".audiocast-publish-*"))
    assert upload_folder(out_dir, str(dest)).uploaded == ["feed.xml"]
    assert b"<!-- new -->" in (dest / "feed.xml").read_bytes()


def test_a_feed_listing_a_missing_file_is_not_published(tmp_path):
    out_dir = tmp_path / "out"
    build_folder(out_dir, BASE_URL)
    media = next((out_dir / "episodes").glob("*.mp3"))
    media.unlink()
    dest = tmp_path / "site"
    with pytest.raises(PublishError, match=f"lists {BASE_URL}episodes/{media.name}, which is not in"):
        upload_folder(out_dir, str(dest))
    assert not dest.exists()


def _published_files(out_dir) -> int:
    """How many files of the folder a publish sends: everything but what is never published."""
    return sum(1 for p in out_dir.rglob("*") if p.is_file() and is_published(p.relative_to(out_dir).as_posix()))


def test_dry_run_changes_nothing(tmp_path, capsys):
    out_dir = tmp_path / "out"
    build_folder(out_dir, BASE_URL)
    dest = tmp_path / "site"
    assert main(["publish", str(dest), "-o", str(out_dir), "--dry-run"]) == 0
    printed = capsys.readouterr().out
    assert "would upload feed.xml" in printed and f"would upload {_published_files(out_dir)} files" in printed
    assert not dest.exists()


def test_cli_publish_to_from_config(tmp_path, capsys, monkeypatch):
    out_dir = tmp_path / "out"
    build_folder(out_dir, BASE_URL)
    dest = tmp_path / "site"
    config = tmp_path / "audiocast.toml"
    config.write_text(f'[show]\nbase_url = "{BASE_URL}"\npublish_to = "{dest}"\n')
    monkeypatch.chdir(tmp_path)
    assert main(["publish", "-o", str(out_dir)]) == 0
    first = capsys.readouterr()
    files = _published_files(out_dir)
    assert files >= 11  # feed, index, cover and both episodes' four files at least
    assert f"uploaded {files} files" in first.out and "uploaded feed.xml" in first.err
    assert (dest / "feed.xml").read_bytes() == (out_dir / "feed.xml").read_bytes()
    assert main(["publish", "-o", str(out_dir)]) == 0
    assert f"uploaded 0 files (0 B), skipped {files} unchanged, deleted 0" in capsys.readouterr().out


def test_cli_errors_are_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out_dir = tmp_path / "out"
    assert main(["publish", "-o", str(out_dir)]) == 1
    assert "no destination" in capsys.readouterr().err
    assert main(["publish", str(tmp_path / "site"), "-o", str(out_dir)]) == 1
    assert "no feed.xml" in capsys.readouterr().err
    build_folder(out_dir, BASE_URL)
    assert main(["publish", str(out_dir / "public"), "-o", str(out_dir)]) == 1
    assert "overlaps the output folder" in capsys.readouterr().err
    config = tmp_path / "bad.toml"
    config.write_text('publish_to = "ftp://example.org/x"\n')
    assert main(["convert", "x.md", "--publish", "-c", str(config), "-o", str(out_dir)]) == 1
    assert "show.publish_to" in capsys.readouterr().err


def test_missing_extra_gives_an_install_hint(tmp_path, monkeypatch):
    out_dir = tmp_path / "out"
    build_folder(out_dir, BASE_URL)
    monkeypatch.setitem(sys.modules, "paramiko", None)
    monkeypatch.setitem(sys.modules, "boto3", None)
    with pytest.raises(PublishError, match=r"pip install 'audiocast\[sftp\]'"):
        upload_folder(out_dir, "sftp://deploy@example.org/var/www")
    with pytest.raises(PublishError, match=r"pip install 'audiocast\[s3\]'"):
        upload_folder(out_dir, "s3://bucket/prefix")
