"""Publishing to an S3-protocol server (moto's standalone server) on 127.0.0.1."""

from __future__ import annotations

import io
import json
import uuid

import podcastparser
import pytest
import requests

from audiocast.errors import PublishError
from audiocast.publish.upload import (
    FEED_PATH, LONG_CACHE, MANIFEST_NAME, MEDIA, SHORT_CACHE, publish_stage, upload_folder,
)

from folder_fixtures import build_folder
from test_upload_sftp import THIRD_SLUG, add_and_remove_episode
from upload_servers import TcpRelay, s3_env, s3_server  # noqa: F401


@pytest.fixture
def bucket(s3_server, s3_env):
    import boto3

    name = f"podcast-{uuid.uuid4().hex[:10]}"
    client = boto3.client("s3", endpoint_url=s3_server)
    client.create_bucket(Bucket=name)
    # Listeners read anonymously, as from any podcast bucket.
    client.put_bucket_policy(Bucket=name, Policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                       "Resource": f"arn:aws:s3:::{name}/*"}],
    }))
    return client, name


def objects(client, bucket: str) -> dict[str, dict]:
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return {item["Key"]: item for page in pages for item in page.get("Contents", [])}


def check_feed_resolves(feed_url: str) -> list[dict]:
    """Fetch the feed over HTTP, parse it with podcastparser, and check every enclosure
    URL answers with the feed's stated length and type."""
    response = requests.get(feed_url, timeout=10)
    assert response.status_code == 200
    parsed = podcastparser.parse(feed_url, io.BytesIO(response.content))
    enclosures = [e for episode in parsed["episodes"] for e in episode["enclosures"]]
    assert enclosures
    for enclosure in enclosures:
        media = requests.get(enclosure["url"], timeout=10)
        assert media.status_code == 200, enclosure["url"]
        assert int(media.headers["Content-Length"]) == len(media.content) == enclosure["file_size"]
        assert media.headers["Content-Type"] == enclosure["mime_type"]
    return parsed["episodes"]


def test_s3_publish_with_endpoint_from_environment(tmp_path, s3_server, bucket, monkeypatch):
    client, name = bucket
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", s3_server)
    base_url = f"{s3_server}/{name}/shows/field-notes/"
    out_dir = tmp_path / "out"
    build_folder(out_dir, base_url)

    report = upload_folder(out_dir, f"s3://{name}/shows/field-notes")
    assert report.uploaded[-1] == FEED_PATH
    episodes = check_feed_resolves(base_url + FEED_PATH)
    assert len(episodes) == 2

    feed = requests.get(base_url + FEED_PATH, timeout=10)
    assert feed.headers["Content-Type"].startswith("application/rss+xml")
    assert feed.headers["Cache-Control"] == SHORT_CACHE
    media = requests.get(base_url + next(p for p in report.uploaded if p.endswith(".mp3")), timeout=10)
    assert media.headers["Cache-Control"] == LONG_CACHE
    vtt = requests.get(base_url + next(p for p in report.uploaded if p.endswith(".vtt")), timeout=10)
    assert vtt.headers["Content-Type"].startswith("text/vtt")
    index = requests.get(base_url + "index.html", timeout=10)
    assert index.headers["Content-Type"].startswith("text/html")

    held = objects(client, name)
    assert "shows/field-notes/audiocast.db" not in held
    assert f"shows/field-notes/{MANIFEST_NAME}" in held
    again = upload_folder(out_dir, f"s3://{name}/shows/field-notes", verify=True)
    assert again.uploaded == [] and again.deleted == []  # every object's content re-read and matched
    after = objects(client, name)
    assert {k: (v["ETag"], v["LastModified"]) for k, v in after.items()} == {
        k: (v["ETag"], v["LastModified"]) for k, v in held.items()}


def test_connection_dropped_mid_upload_then_rerun_uploads_only_what_is_missing(
        tmp_path, s3_server, bucket):
    client, name = bucket
    base_url = f"{s3_server}/{name}/"
    out_dir = tmp_path / "out"
    show = build_folder(out_dir, base_url)
    upload_folder(out_dir, f"s3://{name}", endpoint_url=s3_server)
    old_feed = client.get_object(Bucket=name, Key=FEED_PATH)["Body"].read()
    gone = add_and_remove_episode(out_dir, show)
    planned = upload_folder(out_dir, f"s3://{name}", endpoint_url=s3_server, dry_run=True).uploaded

    relay = TcpRelay(int(s3_server.rsplit(":", 1)[1]))
    sent = []

    def cut_after_first_media(action, path, _size):
        sent.append(path)
        if publish_stage(path) == MEDIA:
            relay.cut()

    with pytest.raises(PublishError, match=r"s3://podcast-\w+ at 127\.0\.0\.1"):
        upload_folder(out_dir, f"s3://{name}", endpoint_url=f"http://127.0.0.1:{relay.port}",
                      on_file=cut_after_first_media)
    assert len(sent) == 1
    assert client.get_object(Bucket=name, Key=FEED_PATH)["Body"].read() == old_feed
    assert {e["title"] for e in check_feed_resolves(base_url + FEED_PATH)} == {
        "Tidal Gardens & Salt Marshes", "Why Night Trains Came Back"}

    rerun = upload_folder(out_dir, f"s3://{name}", endpoint_url=s3_server)
    assert rerun.uploaded == [path for path in planned if path not in sent]  # only what is missing
    assert any(THIRD_SLUG in path for path in rerun.uploaded)
    assert rerun.uploaded[-1] == FEED_PATH
    assert rerun.deleted and all(gone in path for path in rerun.deleted)
    assert not any(gone in key for key in objects(client, name))
    assert {e["title"] for e in check_feed_resolves(base_url + FEED_PATH)} == {
        "Kelp Forests at Low Tide", "Why Night Trains Came Back"}


def test_missing_bucket_and_unreachable_endpoint_are_one_line_errors(tmp_path, s3_server, s3_env):
    from upload_servers import free_port

    out_dir = tmp_path / "out"
    build_folder(out_dir, "https://podcasts.example.org/")
    with pytest.raises(PublishError, match="no such bucket"):
        upload_folder(out_dir, "s3://no-such-bucket-here/x", endpoint_url=s3_server)
    port = free_port()
    with pytest.raises(PublishError, match=rf"127\.0\.0\.1:{port}") as caught:
        upload_folder(out_dir, "s3://any-bucket", endpoint_url=f"http://127.0.0.1:{port}")
    assert "\n" not in str(caught.value)
