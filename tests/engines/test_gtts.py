"""gTTS against a fake Google Translate endpoint on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import base64
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from audiocast.audio.decode import run_ffmpeg
from audiocast.engines import VoiceSettings, create_engine
from audiocast.errors import EngineUnavailable, SynthesisError


@pytest.fixture(scope="module")
def tone_mp3() -> bytes:
    return run_ffmpeg(["-f", "lavfi", "-i", "sine=frequency=330:duration=0.6", "-ac", "1",
                       "-ar", "24000", "-b:a", "32k", "-f", "mp3", "pipe:1"])


class FakeTranslate:
    """Answers like translate.google's batchexecute; can fail the first N requests."""

    def __init__(self, mp3: bytes):
        self.mp3 = mp3
        self.fail_with: list[int] = []  # statuses to answer first, in order
        self.requests: list[dict] = []
        self.release = threading.Event()
        self.hang = False
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                rpc = json.loads(urllib.parse.unquote(body.split("f.req=", 1)[1].rstrip("&")))
                text, lang, speed, _ = json.loads(rpc[0][0][1])
                fake.requests.append({"text": text, "lang": lang, "speed": speed})
                if fake.hang:
                    fake.release.wait(5)
                    return
                if fake.fail_with:
                    self.send_response(fake.fail_with.pop(0))
                    self.end_headers()
                    return
                audio = base64.b64encode(fake.mp3).decode()
                payload = f')]}}\'\n\n123\n[["wrb.fr","jQ1olc","[\\"{audio}\\"]",null,null,null,"generic"]]\n'
                data = payload.encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/_/TranslateWebserverUi/data/batchexecute"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake(tone_mp3):
    server = FakeTranslate(tone_mp3)
    yield server
    server.close()


def _engine(fake, **options):
    return create_engine(VoiceSettings(engine="gtts", language="en-GB",
                                       options={"endpoint": fake.url, "backoff": 0.01, **options}))


def test_gtts_decodes_speech_from_the_service(fake):
    clip = _engine(fake, tld="co.uk").synthesize("Good morning.")
    assert clip.sample_rate == 24000
    assert 0.5 < clip.duration_ms / 1000 < 0.8
    assert fake.requests == [{"text": "Good morning.", "lang": "en", "speed": None}]


def test_gtts_slow_mode_is_sent(fake):
    _engine(fake, slow=True).synthesize("Slowly now.")
    assert fake.requests[0]["speed"] is True


def test_gtts_retries_transient_errors(fake):
    fake.fail_with = [503, 429]
    clip = _engine(fake).synthesize("Third time lucky.")
    assert clip.duration_ms > 500
    assert len(fake.requests) == 3


def test_gtts_stops_at_once_on_client_errors(fake):
    fake.fail_with = [403, 403, 403]
    with pytest.raises(SynthesisError, match="403"):
        _engine(fake).synthesize("Forbidden words.")
    assert len(fake.requests) == 1


def test_gtts_gives_up_after_retries(fake):
    fake.fail_with = [500] * 10
    with pytest.raises(SynthesisError, match="500"):
        _engine(fake, retries=2).synthesize("Never works.")
    assert len(fake.requests) == 3


def test_gtts_request_times_out(fake):
    fake.hang = True
    with pytest.raises(SynthesisError):
        _engine(fake, timeout=0.3, retries=0).synthesize("Nobody answers.")


def test_gtts_without_network_fails_when_created():
    # port 9 on loopback: nothing listens, like a machine without network
    with pytest.raises(EngineUnavailable, match="network"):
        create_engine(VoiceSettings(engine="gtts", options={"endpoint": "http://127.0.0.1:9/x"}))
