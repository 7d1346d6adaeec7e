"""Publishing over SFTP to a real OpenSSH sshd on 127.0.0.1."""

from __future__ import annotations

from datetime import datetime, timezone

import podcastparser
import pytest

from audiocast.cli import main
from audiocast.errors import PublishError
from audiocast.publish.catalog import Catalog, delete_episode_files
from audiocast.publish.site import publish_folder
from audiocast.publish.upload import FEED_PATH, MANIFEST_NAME, MEDIA, publish_stage, upload_folder

from folder_fixtures import add_episode, build_folder
from upload_servers import ssh_home, ssh_server  # noqa: F401

BASE_URL = "https://podcasts.example.org/field-notes/"
THIRD = {
    "source": "notes/kelp-forests.md",
    "url": "https://blog.example.org/2024/kelp-forests/",
    "title": "Kelp Forests at Low Tide",
    "description": "What grows under the floating canopy.",
    "frequency": 550,
    "chapters": [("Kelp Forests at Low Tide", 0.0), ("Holdfasts", 1.1)],
    "cues": [(0.0, 1.0, "Kelp Forests at Low Tide."), (1.1, 1.8, "Holdfasts grip the rock.")],
}
THIRD_SLUG = "kelp-forests-at-low-tide"


def remote_files(root):
    return {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file()}


def feed_enclosures(data: bytes) -> list[dict]:
    import io

    parsed = podcastparser.parse(BASE_URL + FEED_PATH, io.BytesIO(data))
    return [enclosure for episode in parsed["episodes"] for enclosure in episode["enclosures"]]


def add_and_remove_episode(out_dir, show):
    """A new episode converted, the first one removed, as the pipeline leaves the folder."""
    with Catalog(out_dir) as catalog, catalog.lock():
        add_episode(catalog, THIRD, datetime(2024, 6, 1, tzinfo=timezone.utc), out_dir.parent)
        removed = catalog.remove(catalog.episodes()[-1].slug)
        publish_folder(catalog, show)
    delete_episode_files(out_dir, removed.slug)
    return removed.slug


def test_sftp_publish_then_unchanged_uploads_nothing(tmp_path, ssh_server, ssh_home):
    out_dir = tmp_path / "out"
    build_folder(out_dir, BASE_URL)
    remote = tmp_path / "srv" / "podcast"
    planned = upload_folder(out_dir, ssh_server.url(remote), dry_run=True)
    assert not remote.exists()
    report = upload_folder(out_dir, ssh_server.url(remote))
    assert report.uploaded == planned.uploaded
    held = remote_files(remote)
    local = {p.relative_to(out_dir).as_posix(): p for p in out_dir.rglob("*") if p.is_file()}
    assert set(held) == {path for path in local if path not in ("audiocast.db", ".audiocast.lock")} | {
        MANIFEST_NAME}
    assert all(held[path].read_bytes() == local[path].read_bytes() for path in report.uploaded)
    assert report.uploaded[-1] == FEED_PATH
    stamps = {path: held[path].stat().st_mtime_ns for path in held}

    again = upload_folder(out_dir, ssh_server.url(remote), verify=True)
    assert again.uploaded == [] and again.deleted == []  # every file's content re-read and matched
    assert sorted(again.skipped) == sorted(report.uploaded)
    assert {path: p.stat().st_mtime_ns for path, p in remote_files(remote).items()} == stamps


@pytest.mark.parametrize("moment", ["after the first media file", "inside the first file"])
def test_server_killed_mid_upload_keeps_the_old_feed_and_a_rerun_finishes(
        tmp_path, ssh_server, ssh_home, moment):
    out_dir = tmp_path / "out"
    show = build_folder(out_dir, BASE_URL)
    remote = tmp_path / "srv" / "podcast"
    upload_folder(out_dir, ssh_server.url(remote))
    old_feed = (remote / FEED_PATH).read_bytes()
    gone = add_and_remove_episode(out_dir, show)
    planned = upload_folder(out_dir, ssh_server.url(remote), dry_run=True).uploaded

    sent = []

    def after_file(action, path, _size):
        sent.append(path)
        if moment == "after the first media file" and publish_stage(path) == MEDIA:
            ssh_server.kill()

    def while_sending(_count):
        if moment == "inside the first file" and ssh_server.process is not None:
            ssh_server.kill()  # the bytes are written, the rename has not happened

    try:
        with pytest.raises(PublishError, match="127.0.0.1"):
            upload_folder(out_dir, ssh_server.url(remote), on_file=after_file, on_bytes=while_sending)
    finally:
        if ssh_server.process is None:
            ssh_server.start()
    assert len(sent) == (1 if moment == "after the first media file" else 0)
    if moment == "inside the first file":
        assert any(name.endswith(".tmp") for name in remote_files(remote))  # a half-finished upload
    assert (remote / FEED_PATH).read_bytes() == old_feed  # the feed still lists only what is there
    for enclosure in feed_enclosures(old_feed):
        path = remote / enclosure["url"][len(BASE_URL):]
        assert path.stat().st_size == enclosure["file_size"]

    rerun = upload_folder(out_dir, ssh_server.url(remote))
    assert rerun.uploaded == [path for path in planned if path not in sent]  # only what is missing
    assert any(THIRD_SLUG in path for path in rerun.uploaded)
    assert rerun.uploaded[-1] == FEED_PATH
    assert rerun.deleted and all(gone in path for path in rerun.deleted)
    held = remote_files(remote)
    assert not any(gone in path for path in held)
    assert not any(name.endswith(".tmp") for name in held)
    for enclosure in feed_enclosures((remote / FEED_PATH).read_bytes()):
        path = remote / enclosure["url"][len(BASE_URL):]
        assert path.stat().st_size == enclosure["file_size"]
    assert upload_folder(out_dir, ssh_server.url(remote)).uploaded == []


def test_unknown_host_key_is_refused_with_the_host_named(tmp_path, ssh_server, ssh_home, capsys):
    ssh_server.install_client(ssh_home, trust_host=False)
    out_dir = tmp_path / "out"
    build_folder(out_dir, BASE_URL)
    remote = tmp_path / "srv" / "refused"
    code = main(["publish", ssh_server.url(remote), "-o", str(out_dir)])
    error = capsys.readouterr().err.strip()
    assert code == 1
    assert error.startswith("error: ") and len(error.splitlines()) == 1
    assert f"127.0.0.1:{ssh_server.port}" in error and "known_hosts" in error
    assert not remote.exists()


def test_authentication_failure_names_the_host(tmp_path, ssh_server, ssh_home):
    from upload_servers import make_key

    key = ssh_home / ".ssh" / "id_ed25519"
    key.unlink()
    make_key(key)  # a key the server does not authorize
    out_dir = tmp_path / "out"
    build_folder(out_dir, BASE_URL)
    with pytest.raises(PublishError, match=rf"127\.0\.0\.1:{ssh_server.port}: SSH authentication failed"):
        upload_folder(out_dir, ssh_server.url(tmp_path / "srv"))


def test_no_server_listening_names_the_host(tmp_path, ssh_home):
    from upload_servers import free_port

    out_dir = tmp_path / "out"
    build_folder(out_dir, BASE_URL)
    port = free_port()
    with pytest.raises(PublishError, match=rf"cannot reach 127\.0\.0\.1:{port}"):
        upload_folder(out_dir, f"sftp://someone@127.0.0.1:{port}/srv")

