"""The overall fetch deadline, against a real server on 127.0.0.1 that drips its answer.

Each byte arrives well within the per-read timeout, so only the deadline can end
the fetch. The server sends a bounded number of bytes and stops by itself.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading

import pytest

from audiocast.errors import ConfigError, IngestError
from audiocast.ingest import fetch
from audiocast.ingest.blogfeed import read_blog_feed
from audiocast.ingest.web import fetch_deadline

HEADERS = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n"
DRIP_SECONDS = 0.05
MAX_DRIPS = 600  # 30 s at most, then the server closes on its own


class DrippingServer:
    """Answers every request one byte at a time: headers first, or only the body."""

    def __init__(self, drip_headers: bool) -> None:
        self.drip_headers = drip_headers
        self.stop = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/post"
        self.threads: list[threading.Thread] = []
        self.accepting = threading.Thread(target=self._accept, daemon=True)
        self.accepting.start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._drip, args=(conn,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def _drip(self, conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            if not self.drip_headers:
                conn.sendall(HEADERS)
            payload = (HEADERS if self.drip_headers else b"") + b"<p>" + b"tide " * MAX_DRIPS
            for byte in payload[:MAX_DRIPS]:
                if self.stop.wait(DRIP_SECONDS):
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return  # the client hung up

    def close(self) -> None:
        self.stop.set()
        self.listener.close()
        self.accepting.join(timeout=5)
        for thread in self.threads:
            thread.join(timeout=5)
        assert not any(t.is_alive() for t in [self.accepting, *self.threads])


@pytest.fixture(params=[False, True], ids=["body", "headers"])
def dripping(request):
    server = DrippingServer(drip_headers=request.param)
    try:
        yield server
    finally:
        server.close()


def test_a_dripping_server_is_cut_off_at_the_deadline(dripping):
    with pytest.raises(IngestError) as info:
        fetch(dripping.url, timeout=5, deadline=0.5)
    assert str(info.value) == (
        f"gave up fetching {dripping.url}: no complete answer within the 0.5 s fetch deadline"
        " (set AUDIOCAST_FETCH_DEADLINE to change it)"
    )


def test_the_deadline_holds_for_feeds_too(dripping, monkeypatch):
    monkeypatch.setenv("AUDIOCAST_FETCH_DEADLINE", "0.5")
    with pytest.raises(IngestError, match=r"^gave up fetching .*/post: .* 0\.5 s fetch deadline"):
        read_blog_feed(dripping.url)


def test_the_command_line_reports_the_deadline_in_one_line():
    server = DrippingServer(drip_headers=False)
    try:
        env = {**os.environ, "AUDIOCAST_FETCH_DEADLINE": "1"}
        done = subprocess.run(
            [sys.executable, "-m", "audiocast.cli", "script", server.url],
            capture_output=True, text=True, env=env, timeout=120,
        )  # fmt: skip
    finally:
        server.close()
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        f"error: gave up fetching {server.url}: no complete answer within the 1 s fetch"
        " deadline (set AUDIOCAST_FETCH_DEADLINE to change it)"
    ]


@pytest.mark.parametrize("value", ["soon", "0", "-3", "inf", "nan"])
def test_a_bad_deadline_setting_is_a_clear_error(monkeypatch, value):
    monkeypatch.setenv("AUDIOCAST_FETCH_DEADLINE", value)
    with pytest.raises(ConfigError, match=r"^AUDIOCAST_FETCH_DEADLINE must be a number"):
        fetch_deadline()


def test_the_deadline_defaults_to_a_minute_and_reads_the_environment(monkeypatch):
    monkeypatch.delenv("AUDIOCAST_FETCH_DEADLINE", raising=False)
    assert fetch_deadline() == 60
    monkeypatch.setenv("AUDIOCAST_FETCH_DEADLINE", "2.5")
    assert fetch_deadline() == 2.5
