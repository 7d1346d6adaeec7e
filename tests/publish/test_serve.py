"""The static server, exercised over real sockets on 127.0.0.1, and gPodder downloading
the feed through it."""

from __future__ import annotations

import concurrent.futures
import http.client
import os
import shutil
import socket
import struct
import subprocess
import threading
from email.utils import formatdate
from pathlib import Path

import pytest
from folder_fixtures import server_and_folder  # noqa: F401
from lxml import etree

from audiocast.errors import PublishError
from audiocast.publish.serve import content_type, make_server, parse_range

MP3 = "/episodes/why-night-trains-came-back.mp3"


def request(server, path: str, method: str = "GET", headers: dict | None = None):
    """One raw HTTP request (the path is sent exactly as given); returns (response, body)."""
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        body = response.read()
        return response, body
    finally:
        conn.close()


def test_range_request_returns_exactly_those_bytes(server_and_folder):
    server, out_dir, _ = server_and_folder
    data = (out_dir / MP3.lstrip("/")).read_bytes()
    response, body = request(server, MP3, headers={"Range": "bytes=100-199"})
    assert response.status == 206
    assert body == data[100:200]
    assert response.getheader("Content-Range") == f"bytes 100-199/{len(data)}"
    assert response.getheader("Content-Length") == "100"
    assert response.getheader("Accept-Ranges") == "bytes"
    assert response.getheader("Content-Type") == "audio/mpeg"


def test_suffix_and_open_ranges(server_and_folder):
    server, out_dir, _ = server_and_folder
    data = (out_dir / MP3.lstrip("/")).read_bytes()
    response, body = request(server, MP3, headers={"Range": "bytes=-500"})
    assert (response.status, body) == (206, data[-500:])
    assert response.getheader("Content-Range") == f"bytes {len(data) - 500}-{len(data) - 1}/{len(data)}"
    response, body = request(server, MP3, headers={"Range": "bytes=100-"})
    assert (response.status, body) == (206, data[100:])
    response, body = request(server, MP3, headers={"Range": "bytes=0-999999999"})
    assert (response.status, body) == (206, data)


def test_unsatisfiable_range_gets_416_with_the_size(server_and_folder):
    server, out_dir, _ = server_and_folder
    size = (out_dir / MP3.lstrip("/")).stat().st_size
    response, body = request(server, MP3, headers={"Range": f"bytes={size}-"})
    assert response.status == 416
    assert response.getheader("Content-Range") == f"bytes */{size}"
    assert body == b""


def test_several_ranges_or_garbage_get_the_whole_file(server_and_folder):
    server, out_dir, _ = server_and_folder
    data = (out_dir / MP3.lstrip("/")).read_bytes()
    for header in ("bytes=0-1,5-6", "lines=1-2", "bytes=9-3"):
        response, body = request(server, MP3, headers={"Range": header})
        assert (response.status, body) == (200, data), header


def test_head_answers_like_get_without_a_body(server_and_folder):
    server, out_dir, _ = server_and_folder
    size = (out_dir / "feed.xml").stat().st_size
    response, body = request(server, "/feed.xml", method="HEAD")
    assert response.status == 200 and body == b""
    assert response.getheader("Content-Length") == str(size)
    assert response.getheader("Content-Type") == "application/rss+xml; charset=utf-8"
    response, body = request(server, MP3, method="HEAD", headers={"Range": "bytes=0-9"})
    assert response.status == 206 and body == b"" and response.getheader("Content-Length") == "10"


def test_etag_and_last_modified_give_304(server_and_folder):
    server, _, _ = server_and_folder
    first, body = request(server, "/feed.xml")
    etag, modified = first.getheader("ETag"), first.getheader("Last-Modified")
    assert first.status == 200 and etag and modified and body.startswith(b"<?xml")
    response, body = request(server, "/feed.xml", headers={"If-None-Match": etag})
    assert (response.status, body) == (304, b"")
    assert response.getheader("ETag") == etag
    response, _ = request(server, "/feed.xml", headers={"If-Modified-Since": modified})
    assert response.status == 304
    response, _ = request(server, "/feed.xml", headers={"If-None-Match": '"other"'})
    assert response.status == 200
    response, _ = request(server, "/feed.xml", headers={"If-Modified-Since": formatdate(0, usegmt=True)})
    assert response.status == 200


def test_if_range_with_a_stale_etag_sends_the_whole_file(server_and_folder):
    server, out_dir, _ = server_and_folder
    response, body = request(server, MP3, headers={"Range": "bytes=0-9", "If-Range": '"stale"'})
    assert response.status == 200 and len(body) == (out_dir / MP3.lstrip("/")).stat().st_size


@pytest.mark.parametrize("path, expected", [
    ("/feed.xml", "application/rss+xml; charset=utf-8"),
    ("/index.html", "text/html; charset=utf-8"),
    ("/cover.jpg", "image/jpeg"),
    ("/episodes/why-night-trains-came-back.vtt", "text/vtt; charset=utf-8"),
    ("/episodes/why-night-trains-came-back.srt", "application/x-subrip; charset=utf-8"),
    ("/episodes/why-night-trains-came-back.chapters.json", "application/json+chapters"),
    ("/", "text/html; charset=utf-8"),
])
def test_content_types(server_and_folder, path, expected):
    server, _, _ = server_and_folder
    response, _ = request(server, path)
    assert response.status == 200
    assert response.getheader("Content-Type") == expected


def test_content_type_of_png_and_unknown():
    assert content_type(Path("cover.png")) == "image/png"
    assert content_type(Path("notes.bin")) == "application/octet-stream"


@pytest.mark.parametrize("path", [
    "/../outside.txt",
    "/episodes/../../outside.txt",
    "/%2e%2e/outside.txt",
    "/episodes/%2E%2E/%2e%2e/outside.txt",
    "/link-out.txt",
    "/audiocast.db",
    "/.audiocast.lock",
    "/episodes/",
    "/missing.mp3",
])
def test_nothing_outside_the_folder_or_private_is_served(server_and_folder, path):
    server, out_dir, _ = server_and_folder
    secret = out_dir.parent / "outside.txt"
    secret.write_text("private")
    (out_dir / "link-out.txt").symlink_to(secret)
    response, body = request(server, path)
    assert response.status in (403, 404)
    assert b"private" not in body


def test_a_folder_without_slash_redirects(server_and_folder):
    server, _, _ = server_and_folder
    response, _ = request(server, "/episodes")
    assert response.status == 301 and response.getheader("Location") == "/episodes/"


@pytest.mark.parametrize("header, size, expected", [
    ("bytes=0-0", 10, (0, 0)),
    ("bytes=-3", 10, (7, 9)),
    ("bytes=-30", 10, (0, 9)),
    ("bytes=4-", 10, (4, 9)),
    ("bytes=10-", 10, "unsatisfiable"),
    ("bytes=-0", 10, "unsatisfiable"),
    ("bytes=-", 10, None),
    ("bytes=1-2,4-5", 10, None),
])
def test_parse_range(header, size, expected):
    assert parse_range(header, size) == expected


def test_make_server_reports_a_busy_port(server_and_folder):
    server, out_dir, _ = server_and_folder
    with pytest.raises(PublishError, match="cannot listen on"):
        make_server(out_dir, port=server.server_address[1])


def test_make_server_needs_an_existing_folder(tmp_path):
    with pytest.raises(PublishError, match="output folder not found"):
        make_server(tmp_path / "nope", port=0)


@pytest.mark.skipif(shutil.which("gpo") is None, reason="gPodder's gpo is not installed")
def test_gpodder_subscribes_and_downloads_identical_episodes(server_and_folder, tmp_path):
    server, out_dir, show = server_and_folder
    env = dict(os.environ, GPODDER_HOME=str(tmp_path / "gpodder-home"),
               GPODDER_DOWNLOAD_DIR=str(tmp_path / "downloads"))

    def gpo(*args: str) -> str:
        done = subprocess.run(["gpo", *args], env=env, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    assert "Successfully added" in gpo("subscribe", show.feed_url)
    assert "2 new episodes" in gpo("update")
    gpo("download")
    downloaded = sorted((tmp_path / "downloads").rglob("*.mp3"))
    assert len(downloaded) == 2
    originals = {p.name: p.read_bytes() for p in (out_dir / "episodes").glob("*.mp3")}
    for path in downloaded:
        assert path.read_bytes() == originals[path.name]
    titles = [i.findtext("title") for i in etree.parse(str(out_dir / "feed.xml")).iter("item")]
    episodes = gpo("episodes", show.feed_url)
    assert all(title in episodes for title in titles)


# --------------------------------------------------------------------------- careful host


def test_every_response_is_same_origin_and_not_sniffed(server_and_folder):
    server, _, _ = server_and_folder
    for path in ("/", "/feed.xml", MP3, "/missing.mp3", "/episodes/why-night-trains-came-back.html"):
        response, _ = request(server, path)
        policy = response.getheader("Content-Security-Policy") or ""
        assert "default-src 'self'" in policy and "script-src 'self'" in policy, path
        assert "unsafe-inline" not in policy and "frame-ancestors 'self'" in policy
        assert response.getheader("X-Content-Type-Options") == "nosniff"
        assert response.getheader("Access-Control-Allow-Origin") is None, path


def test_cors_and_framing_only_for_configured_origins(tmp_path):
    from folder_fixtures import build_folder

    out_dir = tmp_path / "out"
    out_dir.mkdir()
    server = make_server(out_dir, port=0, quiet=True, allow_origins=["https://reader.example.net"],
                         frame_ancestors=["https://blog.example.org"])
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        build_folder(out_dir, "https://podcasts.example.org/")
        vtt = "/episodes/why-night-trains-came-back.vtt"
        response, _ = request(server, vtt, headers={"Origin": "https://reader.example.net"})
        assert response.getheader("Access-Control-Allow-Origin") == "https://reader.example.net"
        response, _ = request(server, vtt, headers={"Origin": "https://elsewhere.example.com"})
        assert response.getheader("Access-Control-Allow-Origin") is None
        response, _ = request(server, "/episodes/why-night-trains-came-back.embed.html")
        assert response.status == 200
        assert "frame-ancestors 'self' https://blog.example.org" in response.getheader("Content-Security-Policy")
        response, _ = request(server, "/episodes/why-night-trains-came-back.html")
        assert "frame-ancestors 'self';" in response.getheader("Content-Security-Policy") + ";"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_an_origin_must_look_like_one(tmp_path):
    with pytest.raises(PublishError, match="not an origin"):
        make_server(tmp_path, port=0, frame_ancestors=["https://x.example; script-src *"])


# --------------------------------------------------------------------------- robustness


def test_a_range_of_thousands_of_digits_gets_an_answer(server_and_folder):
    server, out_dir, _ = server_and_folder
    data = (out_dir / MP3.lstrip("/")).read_bytes()
    huge = "9" * 5000
    response, body = request(server, MP3, headers={"Range": f"bytes={huge}-"})
    assert response.status == 416 and body == b""
    response, body = request(server, MP3, headers={"Range": f"bytes=0-{huge}"})
    assert (response.status, body) == (206, data)
    response, body = request(server, MP3, headers={"Range": f"bytes=-{huge}"})
    assert (response.status, body) == (206, data)


def test_a_path_part_longer_than_any_file_name_gets_414(server_and_folder):
    server, _, _ = server_and_folder
    response, _ = request(server, "/episodes/" + "a" * 300 + ".mp3")
    assert response.status == 414
    response, _ = request(server, "/" + "%C3%A9" * 130)  # 260 bytes once decoded
    assert response.status == 414
    response, body = request(server, "/feed.xml")  # the server is still there
    assert response.status == 200 and body.startswith(b"<?xml")


def test_aborted_downloads_are_not_logged_as_errors(tmp_path, capfd):
    from folder_fixtures import make_mp3

    out_dir = tmp_path / "out"
    make_mp3(out_dir / "big.mp3", 550, seconds=60)
    server = make_server(out_dir, port=0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        for _ in range(5):
            client = socket.create_connection(server.server_address[:2], timeout=10)
            client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            client.sendall(b"GET /big.mp3 HTTP/1.1\r\nHost: x\r\n\r\n")
            client.recv(100)
            # close with unread data: the server's next writes meet a reset connection
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            client.close()
        response, _ = request(server, "/big.mp3", method="HEAD")
        assert response.status == 200
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err and "Broken pipe" not in captured.err
    assert "Connection reset" not in captured.err


def test_two_hundred_concurrent_clients_all_get_their_bytes(server_and_folder):
    server, out_dir, _ = server_and_folder
    data = (out_dir / MP3.lstrip("/")).read_bytes()
    host, port = server.server_address[:2]
    ready = threading.Barrier(200)

    def fetch(number: int) -> bytes:
        ready.wait(timeout=60)
        conn = http.client.HTTPConnection(host, port, timeout=60)
        try:
            conn.request("GET", MP3, headers={"Range": f"bytes={number}-"})
            response = conn.getresponse()
            assert response.status == 206
            return response.read()
        finally:
            conn.close()

    with concurrent.futures.ThreadPoolExecutor(200) as pool:
        bodies = list(pool.map(fetch, range(200)))
    assert all(body == data[number:] for number, body in enumerate(bodies))
