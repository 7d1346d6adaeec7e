"""A small static server for the output folder, good enough for podcast apps:
correct MIME types, HEAD, single byte ranges (206/416), ETag and Last-Modified
with conditional requests (304), and nothing served from outside the folder.

It serves only files: no directory listings, no hidden files, no catalog database.
Every response carries a same-origin Content-Security-Policy and
``X-Content-Type-Options: nosniff``; cross-origin reads (CORS) and framing of the
embed pages by other sites are allowed only for the origins it is given.
"""

from __future__ import annotations

import os
import posixpath
import re
import socket
from email.utils import formatdate, parsedate_to_datetime
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..errors import PublishError
from .catalog import DB_NAME

MIME_TYPES = {
    ".mp3": "audio/mpeg",
    ".xml": "application/rss+xml; charset=utf-8",
    ".vtt": "text/vtt; charset=utf-8",
    ".srt": "application/x-subrip; charset=utf-8",
    ".json": "application/json",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
CHAPTERS_SUFFIX = ".chapters.json"
EMBED_SUFFIX = ".embed.html"
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_CHUNK = 64 * 1024
_MAX_DIGITS = 18  # byte positions beyond 10**18 are past the end of any file
_MAX_NAME_BYTES = 255  # the longest file name Linux, macOS and Windows allow
_DISCONNECTED = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, socket.timeout)
_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
           "media-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
           "form-action 'self'")


def content_type(path: Path) -> str:
    """The Content-Type the server sends for ``path``."""
    if path.name.endswith(CHAPTERS_SUFFIX):
        return "application/json+chapters"
    return MIME_TYPES.get(path.suffix.lower(), "application/octet-stream")


class OutputFolderHandler(SimpleHTTPRequestHandler):
    """Serves one output folder. Construct through ``make_server``."""

    protocol_version = "HTTP/1.1"
    server_version = "audiocast"
    quiet = False

    timeout = 60  # an idle keep-alive connection is closed after this many seconds

    def __init__(self, *args, directory: str, quiet: bool = False,
                 allow_origins: tuple[str, ...] = (), frame_ancestors: tuple[str, ...] = (), **kwargs):
        self.root = Path(directory).resolve()
        self.quiet = quiet
        self.allow_origins = tuple(allow_origins)
        self.frame_ancestors = tuple(frame_ancestors)
        super().__init__(*args, directory=str(self.root), **kwargs)

    def handle(self) -> None:
        # A listener that stops a download half-way is normal, not an error.
        try:
            super().handle()
        except _DISCONNECTED:
            self.close_connection = True

    def send_error(self, code, message=None, explain=None) -> None:
        try:
            super().send_error(code, message, explain)
        except _DISCONNECTED:
            self.close_connection = True

    def end_headers(self) -> None:
        self._security_headers()
        super().end_headers()

    def log_message(self, format: str, *args) -> None:
        if not self.quiet:
            super().log_message(format, *args)

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    # ------------------------------------------------------------------ resolution

    def _resolve(self) -> tuple[Path | None, HTTPStatus | None]:
        raw = urlsplit(self.path).path
        decoded = unquote(raw)
        if "\x00" in decoded or "\\" in decoded:
            return None, HTTPStatus.BAD_REQUEST
        parts = [p for p in decoded.split("/") if p not in ("", ".")]
        if any(p == ".." for p in parts):
            return None, HTTPStatus.FORBIDDEN
        if any(len(p.encode("utf-8", "surrogateescape")) > _MAX_NAME_BYTES for p in parts):
            return None, HTTPStatus.REQUEST_URI_TOO_LONG
        if any(p.startswith(".") for p in parts) or (parts and parts[-1].startswith(DB_NAME)):
            return None, HTTPStatus.NOT_FOUND
        target = self.root.joinpath(*parts)
        try:
            if target.is_dir():
                if not raw.endswith("/"):
                    return target, HTTPStatus.MOVED_PERMANENTLY
                target = target / "index.html"
            real = target.resolve(strict=True)
            if not real.is_relative_to(self.root):
                return None, HTTPStatus.FORBIDDEN
            if not real.is_file():
                return None, HTTPStatus.NOT_FOUND
        except (RuntimeError, OSError, ValueError):  # too long, a loop, a bad name...
            return None, HTTPStatus.NOT_FOUND
        return real, None

    # ------------------------------------------------------------------ response

    def _respond(self, send_body: bool) -> None:
        path, status = self._resolve()
        if status == HTTPStatus.MOVED_PERMANENTLY:
            location = posixpath.join(urlsplit(self.path).path, "")
            self.send_response(status)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path is None:
            self.send_error(status or HTTPStatus.NOT_FOUND)
            return
        try:
            handle = open(path, "rb")
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        with handle:
            stat = os.fstat(handle.fileno())
            size = stat.st_size
            etag = f'"{stat.st_mtime_ns:x}-{size:x}"'
            last_modified = formatdate(stat.st_mtime, usegmt=True)

            if self._not_modified(etag, stat.st_mtime):
                self.send_response(HTTPStatus.NOT_MODIFIED)
                self._common_headers(path, etag, last_modified)
                self.end_headers()
                return

            start, end = 0, size - 1
            status = HTTPStatus.OK
            wanted = self.headers.get("Range")
            if wanted and self._if_range_holds(etag, stat.st_mtime):
                parsed = parse_range(wanted, size)
                if parsed == "unsatisfiable":
                    self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                    self._common_headers(path, etag, last_modified)
                    self.send_header("Content-Range", f"bytes */{size}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if parsed is not None:
                    start, end = parsed
                    status = HTTPStatus.PARTIAL_CONTENT
            length = max(0, end - start + 1)

            self.send_response(status)
            self._common_headers(path, etag, last_modified)
            self.send_header("Content-Type", content_type(path))
            self.send_header("Content-Length", str(length))
            if status == HTTPStatus.PARTIAL_CONTENT:
                self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
            self.end_headers()
            if send_body and length:
                handle.seek(start)
                remaining = length
                while remaining:
                    chunk = handle.read(min(_CHUNK, remaining))
                    if not chunk:
                        break
                    self.wfile.write(chunk)
                    remaining -= len(chunk)

    def _common_headers(self, path: Path, etag: str, last_modified: str) -> None:
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", last_modified)
        if path.suffix in (".xml", ".html"):
            self.send_header("Cache-Control", "no-cache")

    def _security_headers(self) -> None:
        """Same-origin content policy and no MIME sniffing on every response; CORS and
        framing by other sites only where configured."""
        path = urlsplit(self.path).path
        framers = " ".join(("'self'",) + self.frame_ancestors) if path.endswith(EMBED_SUFFIX) else "'self'"
        self.send_header("Content-Security-Policy", f"{_POLICY}; frame-ancestors {framers}")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer-when-downgrade")
        # Web players elsewhere may fetch transcripts and chapters, if allowed to.
        if "*" in self.allow_origins:
            self.send_header("Access-Control-Allow-Origin", "*")
        elif self.allow_origins:
            origin = self.headers.get("Origin") if self.headers else None
            if origin and origin in self.allow_origins:
                self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Vary", "Origin")

    def _not_modified(self, etag: str, mtime: float) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
            return "*" in tags or etag in tags
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                moment = parsedate_to_datetime(since)
            except (TypeError, ValueError):
                return False
            return moment is not None and int(mtime) <= moment.timestamp()
        return False

    def _if_range_holds(self, etag: str, mtime: float) -> bool:
        condition = self.headers.get("If-Range")
        if not condition:
            return True
        if condition.startswith(('"', "W/")):
            return condition == etag
        try:
            return int(mtime) <= parsedate_to_datetime(condition).timestamp()
        except (TypeError, ValueError):
            return False


def parse_range(header: str, size: int) -> tuple[int, int] | str | None:
    """(first, last) byte of a single ``bytes=`` range, "unsatisfiable", or None to
    ignore the header (malformed or several ranges: the whole file is sent)."""
    match = _RANGE.match(header.strip())
    if not match:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    # a position with more digits than any file size is simply "past the end"
    first = first if len(first.lstrip("0")) <= _MAX_DIGITS else str(10 ** _MAX_DIGITS)
    last = last if len(last.lstrip("0")) <= _MAX_DIGITS else str(10 ** _MAX_DIGITS)
    if not first:  # suffix range: the last N bytes
        count = int(last)
        if count == 0 or size == 0:
            return "unsatisfiable"
        return max(0, size - count), size - 1
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        return "unsatisfiable"
    end = min(int(last), size - 1) if last else size - 1
    return start, end


class FolderServer(ThreadingHTTPServer):
    """A thread per connection, and a listen backlog deep enough that a burst of
    clients waits in the kernel's queue instead of retrying connections for seconds."""

    request_queue_size = 1024
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        import sys

        if isinstance(sys.exc_info()[1], _DISCONNECTED):
            return  # the client went away: nothing to report
        super().handle_error(request, client_address)


def make_server(out_dir: str | Path, host: str = "127.0.0.1", port: int = 8000,
                quiet: bool = False, allow_origins: tuple[str, ...] | list[str] = (),
                frame_ancestors: tuple[str, ...] | list[str] = ()) -> ThreadingHTTPServer:
    """An HTTP server for ``out_dir``, bound but not yet serving (port 0 picks a free port).

    ``allow_origins``: origins (or "*") whose pages may read the files (CORS);
    ``frame_ancestors``: origins whose pages may show the embed players in an iframe."""
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise PublishError(f"output folder not found: {out_dir}")
    for origin in (*allow_origins, *frame_ancestors):
        if origin != "*" and not re.fullmatch(r"https?://[^\s/;,'\"]+", origin):
            raise PublishError(f"not an origin (scheme://host[:port]): {origin!r}")
    if "*" in frame_ancestors:
        frame_ancestors = ("*",)
    handler = partial(OutputFolderHandler, directory=str(out_dir), quiet=quiet,
                      allow_origins=tuple(allow_origins), frame_ancestors=tuple(frame_ancestors))
    try:
        server = FolderServer((host, port), handler)
    except OSError as exc:
        raise PublishError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return server


def serve(out_dir: str | Path, host: str = "127.0.0.1", port: int = 8000,
          quiet: bool = False, on_ready=None, allow_origins: tuple[str, ...] | list[str] = (),
          frame_ancestors: tuple[str, ...] | list[str] = ()) -> None:
    """Serve ``out_dir`` until interrupted (Ctrl-C); ``on_ready(url)`` is called once listening."""
    server = make_server(out_dir, host, port, quiet=quiet, allow_origins=allow_origins,
                         frame_ancestors=frame_ancestors)
    if on_ready is not None:
        on_ready(server_url(server))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def server_url(server: ThreadingHTTPServer) -> str:
    """The base URL a running server answers on, with a trailing slash."""
    host, port = server.server_address[:2]
    if ":" in str(host):
        host = f"[{host}]"
    return f"http://{host}:{port}/"

