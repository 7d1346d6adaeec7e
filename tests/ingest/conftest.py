"""A real HTTP server on 127.0.0.1 serving chosen responses, for fetch and feed tests."""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

INGEST_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    wait_for: threading.Event | None = None  # hold the response until this is set
    content_length: bool = True


class Site:
    """Routes by path; ``url(path)`` gives the full URL; ``requests`` records headers."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[dict[str, str]] = []
        self.release = threading.Event()
        self.base = ""

    def url(self, path: str) -> str:
        return self.base + path

    def page(
        self, path: str, body: str | bytes, content_type: str = "text/html; charset=utf-8", **kw
    ) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        headers = {"Content-Type": content_type} if content_type else {}
        headers.update(kw.pop("headers", {}))
        self.routes[path] = Route(body=data, headers=headers, **kw)
        return self.url(path)

    def fixture(self, path: str, name: str, content_type: str = "text/html; charset=utf-8") -> str:
        text = (
            (INGEST_FIXTURES / name).read_text(encoding="utf-8").replace("http://HOST", self.base)
        )
        return self.page(path, text, content_type)

    def redirect(self, path: str, to: str, status: int = 302) -> str:
        self.routes[path] = Route(status=status, headers={"Location": to})
        return self.url(path)

    def slow(self, path: str) -> str:
        self.routes[path] = Route(wait_for=self.release)
        return self.url(path)


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            site.requests.append(
                {"path": self.path, **{k.lower(): v for k, v in self.headers.items()}}
            )
            route = site.routes.get(self.path.split("?")[0])
            if route is None:
                self.send_error(404, "Not Found")
                return
            if route.wait_for is not None:
                route.wait_for.wait(timeout=30)
            self.send_response(route.status)
            for name, value in route.headers.items():
                self.send_header(name, value)
            if route.content_length:
                self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(route.body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def site():
    """A live server on 127.0.0.1 with an ephemeral port, stopped after the test."""
    state = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def fixtures_dir() -> Path:
    return INGEST_FIXTURES
