"""Faults a cron job meets: a run killed mid-publish, a full disk, a read-only folder,
a killed parent with synthesis workers, Ctrl-C, bad config and input, odd feeds.

After each fault the published folder is consistent: `feed --check` passes, every
file the feed names exists with the stated size, `episodes` lists the right
episodes, and no process the test started is left running.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from audiocast.publish.catalog import episode_files

BASE_URL = "http://localhost:8000/"
TITLE = "Tide Tables for the Estuary"
FIRST = f"# {TITLE}\n\n![The pier at dawn](pier.jpg)\n\nThe ferry leaves at dawn when the tide is high.\n\n" \
        "Gulls follow the wake past the old pier.\n"
EDITED = FIRST.replace("at dawn when", "an hour after")
OTHER = "# Lamps Along the Quay\n\nThe lamps were lit at dusk. Nobody saw who lit them.\n"
INTERRUPTED = "error: interrupted; finished episodes are published, the rest resume from the cache"


def cli(*args: str, cwd: Path, env: dict | None = None, stdin: bytes | None = None,
        timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "audiocast.cli", *args], cwd=cwd, input=stdin,
                          capture_output=True, env={**os.environ, **(env or {})}, timeout=timeout)


def text(done: subprocess.CompletedProcess) -> str:
    return done.stderr.decode(errors="replace").strip()


def one_error_line(done: subprocess.CompletedProcess) -> str:
    lines = text(done).splitlines()
    assert done.returncode == 1, text(done)
    assert len(lines) == 1 and lines[0].startswith("error: "), text(done)
    assert "Traceback" not in text(done) and "unexpected" not in text(done)
    return lines[0]


def feed_files(out: Path) -> dict[str, int | None]:
    """Every local file the feed names -> the length the feed states (None: none stated)."""
    root = ET.fromstring((out / "feed.xml").read_bytes())
    named: dict[str, int | None] = {}
    for element in root.iter():
        for attribute in ("url", "href"):
            value = element.get(attribute, "")
            if value.startswith(BASE_URL) and value != BASE_URL:
                length = element.get("length")
                named[value[len(BASE_URL):]] = int(length) if length else None
    return named


def listed_episodes(out: Path) -> list:
    from audiocast.publish.catalog import Catalog

    with Catalog(out) as catalog:
        return catalog.episodes()


def assert_consistent(out: Path, titles: set[str]) -> None:
    """What `feed --check` checks, every file the feed names exists with the stated
    size, and the catalog (what `episodes` lists) holds exactly ``titles``."""
    from audiocast.publish.feedcheck import check_feed

    assert check_feed((out / "feed.xml").read_bytes(), out) == []
    for name, length in feed_files(out).items():
        path = out / name
        assert path.is_file(), f"the feed names {name}, which is missing"
        if length is not None:
            assert path.stat().st_size == length, f"{name}: feed says {length} bytes"
    assert {e.title for e in listed_episodes(out)} == titles


def catalog_files(out: Path) -> set[str]:
    names = set()
    for episode in listed_episodes(out):
        names |= {path.name for path in episode_files(out, episode).values()}  # files and pages
    return names


def assert_no_leftovers(out: Path) -> None:
    """Only the catalog's files (and pages) are in episodes/; no hidden temporaries anywhere."""
    present = {p.name for p in (out / "episodes").iterdir()}
    assert present <= catalog_files(out), present - catalog_files(out)
    hidden = [p.name for p in out.rglob(".*") if p.name != ".audiocast.lock"]
    assert hidden == []


def descendants(pid: int) -> set[int]:
    """Live (non-zombie) processes below ``pid``."""
    found: set[int] = set()
    todo = [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                if child not in found:
                    found.add(child)
                    todo.append(child)
    return {p for p in found if alive(p)}


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def wait_for(condition, timeout: float, what: str):
    """Poll ``condition`` until it holds (returns its value) or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def kill_all(pids) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def write_article(folder: Path, body: str = FIRST) -> Path:
    from PIL import Image

    if not (folder / "pier.jpg").exists():
        Image.new("RGB", (1400, 1400), (40, 80, 120)).save(folder / "pier.jpg")
    (folder / "tides.md").write_text(body)
    return folder / "tides.md"


SHOW = '[show]\ntitle = "Estuary Notes"\nemail = "notes@example.org"\n'


def show_folder(folder: Path) -> Path:
    """A show's working folder: its audiocast.toml and the two articles."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "audiocast.toml").write_text(SHOW)
    (folder / "other.md").write_text(OTHER)
    write_article(folder)
    return folder


def needs_espeak() -> None:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")


@pytest.fixture
def site(tmp_path) -> Path:
    """A folder with one espeak episode that has its own artwork."""
    needs_espeak()
    work = show_folder(tmp_path / "site")
    done = cli("convert", "tides.md", "-o", "out", "--engine", "espeak", cwd=work)
    assert done.returncode == 0, text(done)
    return work


# --------------------------------------------------------------------------- 1. kills mid-publish


@pytest.mark.parametrize("moment", ["files-written", "catalog-written", "feed-written", "first-change",
                                    "published-file-changed"])
def test_a_kill_during_a_reconvert_leaves_a_consistent_feed_and_a_rerun_cleans_up(site, moment):
    out = site / "out"
    write_article(site, EDITED)
    args = [sys.executable, "-m", "audiocast.cli", "convert", "tides.md", "-o", "out", "--engine", "espeak"]
    if moment in ("first-change", "published-file-changed"):
        # SIGKILL the moment anything in episodes/ changes (a new or replaced file), or the
        # moment a file that was published before the run is replaced or deleted
        def state():
            return {(p.name, p.stat().st_mtime_ns, p.stat().st_size)
                    for p in (out / "episodes").iterdir() if p.exists()}

        before = state()

        def changed() -> bool:
            now = state()
            return now != before if moment == "first-change" else not before <= now

        child = subprocess.Popen(args, cwd=site, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while child.poll() is None:
                try:
                    if changed():
                        child.kill()
                        break
                except FileNotFoundError:  # a file renamed or deleted while listing: a change
                    child.kill()
                    break
        finally:
            child.wait(timeout=120)
    else:
        child = subprocess.run(args, cwd=site, capture_output=True, timeout=300,
                               env={**os.environ, "AUDIOCAST_FAULT_AT": moment})
        assert child.returncode == -signal.SIGKILL, text(child)
    assert_consistent(out, {TITLE})

    again = cli("convert", "tides.md", "-o", "out", "--engine", "espeak", cwd=site)
    assert again.returncode == 0, text(again)
    assert_consistent(out, {TITLE})
    assert_no_leftovers(out)
    # the feed now carries the edited episode, under its new file names
    audio = listed_episodes(out)[0].files["audio"]
    assert audio != "episodes/tide-tables-for-the-estuary.mp3" and audio in feed_files(out)


def test_remove_leaves_no_file_of_the_episode(site):
    out = site / "out"
    first = {p.name for p in (out / "episodes").iterdir()}  # a first publish has plain names
    assert {"tide-tables-for-the-estuary.mp3", "tide-tables-for-the-estuary.jpg",
            "tide-tables-for-the-estuary.vtt"} <= first
    write_article(site, EDITED)
    assert cli("convert", "tides.md", "-o", "out", "--engine", "espeak", cwd=site).returncode == 0
    assert cli("convert", "other.md", "-o", "out", "--engine", "espeak", cwd=site).returncode == 0
    slug = "tide-tables-for-the-estuary"
    assert (out / "episodes" / f"{slug}.jpg").exists() is False  # moved to the new version's name
    assert any(p.suffix == ".jpg" for p in (out / "episodes").iterdir())
    done = cli("remove", slug, "-o", "out", cwd=site)
    assert done.returncode == 0, text(done)
    assert list((out / "episodes").glob(f"{slug}*")) == []
    assert_consistent(out, {"Lamps Along the Quay"})


# --------------------------------------------------------------------------- 2. leftovers


def test_temporaries_a_killed_run_left_are_removed_by_the_next_run(site):
    out = site / "out"
    write_article(site, EDITED)
    # read it once, so the run's first atomic write is a published file, not the cache of
    # the article's detected language
    assert cli("script", "tides.md", cwd=site).returncode == 0
    killed = cli("convert", "tides.md", "-o", "out", "--engine", "espeak", cwd=site,
                 env={"AUDIOCAST_FAULT_AT": "temporary-written"})
    assert killed.returncode == -signal.SIGKILL
    left = [p.name for p in (out / "episodes").glob(".*.tmp")]
    assert left, "the kill should have left a temporary file"
    assert_consistent(out, {TITLE})

    again = cli("convert", "tides.md", "-o", "out", "--engine", "espeak", cwd=site)
    assert again.returncode == 0, text(again)
    assert list((out / "episodes").glob(".*.tmp")) == []
    assert_no_leftovers(out)
    assert_consistent(out, {TITLE})


def test_a_live_runs_temporaries_are_kept(tmp_path):
    from audiocast.fsutil import remove_stale_temporaries

    mine = tmp_path / f".feed.xml.{os.getpid()}.abcd1234.tmp"
    dead = tmp_path / ".feed.xml.999999999.abcd1234.tmp"
    other = tmp_path / ".notes.txt"
    for path in (mine, dead, other):
        path.write_text("x")
    assert remove_stale_temporaries([tmp_path]) == [dead]
    assert mine.exists() and other.exists()


# --------------------------------------------------------------------------- 8. disk full, read-only


@pytest.fixture
def small_disk(tmp_path):
    """A 2 MB tmpfs (needs root); skips when it cannot be mounted here."""
    mount = tmp_path / "small"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if made.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_full_disk_is_named_and_leaves_the_published_episode_intact(small_disk, tmp_path):
    needs_espeak()
    show_folder(tmp_path)
    out = small_disk / "out"
    assert cli("convert", "tides.md", "-o", str(out), "--engine", "espeak", cwd=tmp_path).returncode == 0
    stats = os.statvfs(small_disk)
    filler = small_disk / "filler"
    filler.write_bytes(b"\0" * max(0, stats.f_bavail * stats.f_frsize - 12_000))

    done = cli("convert", "other.md", "-o", str(out), "--engine", "espeak", cwd=tmp_path)
    line = one_error_line(done)
    assert line.startswith("error: no space left on device: ") and str(out / "episodes") in line
    assert [p.name for p in out.rglob(".*") if p.name != ".audiocast.lock"] == []
    assert_consistent(out, {TITLE})

    filler.unlink()
    done = cli("convert", "other.md", "-o", str(out), "--engine", "espeak", cwd=tmp_path)
    assert done.returncode == 0, text(done)
    assert_consistent(out, {TITLE, "Lamps Along the Quay"})


def test_a_read_only_folder_fails_before_synthesis_with_one_line(small_disk, tmp_path):
    needs_espeak()
    show_folder(tmp_path)
    out = small_disk / "out"
    assert cli("convert", "tides.md", "-o", str(out), "--engine", "espeak", cwd=tmp_path).returncode == 0
    remount = subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], capture_output=True, text=True)
    if remount.returncode:
        pytest.skip(f"cannot remount read-only: {remount.stderr.strip()}")
    cache = tmp_path / "fresh-cache"
    done = cli("convert", "other.md", "-o", str(out), "--engine", "espeak", cwd=tmp_path,
               env={"AUDIOCAST_CACHE_DIR": str(cache)})
    line = one_error_line(done)
    assert "read-only file system" in line and ".audiocast.lock" in line
    assert not list(cache.rglob("*.pcm"))  # nothing was synthesized
    assert_consistent(out, {TITLE})  # a read-only folder still lists and checks


def test_one_sources_os_error_does_not_stop_the_batch(tmp_path):
    needs_espeak()
    show_folder(tmp_path)
    too_long = "n" * 300 + ".md"  # the file system refuses the name (ENAMETOOLONG)
    done = cli("convert", too_long, "other.md", "-o", "out", "--engine", "espeak", cwd=tmp_path)
    assert done.returncode == 1
    assert "file name too long" in text(done) and "1 of 2 sources failed" in text(done)
    assert "unexpected" not in text(done)
    assert_consistent(tmp_path / "out", {"Lamps Along the Quay"})


def test_the_catalog_lock_times_out_with_a_clear_message(tmp_path):
    from audiocast.errors import PublishError
    from audiocast.publish.catalog import Catalog

    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; from filelock import FileLock; lock = FileLock(sys.argv[1]); "
         "lock.acquire(); print('held', flush=True); sys.stdin.read()", str(tmp_path / ".audiocast.lock")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with Catalog(tmp_path) as catalog:
            with pytest.raises(PublishError, match="another audiocast run is publishing to .* waited 0.3 s"):
                with catalog.lock(timeout=0.3):
                    pass
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    with Catalog(tmp_path) as catalog, catalog.lock(timeout=5):
        pass  # free again once the other process let go


# --------------------------------------------------------------------------- 8. config and input


@pytest.mark.parametrize("content, expected", [
    (b'[production]\nloudness_lufs = "loud"\nintro_template = 5\nvoice = 3\n',
     ['production.loudness_lufs must be a number, not "loud"',
      "production.intro_template must be a string, not 5", "production.voice must be a string, not 3"]),
    (b'[show]\ntitle = "Caf\xe9 Hours"\n', ["not UTF-8 (byte 0xe9 at offset 19); save it as UTF-8"]),
    (None, ["is a directory, not a file"]),
])
def test_bad_config_is_named_before_synthesis(tmp_path, content, expected):
    config = tmp_path / "show.toml"
    if content is None:
        config.mkdir()
    else:
        config.write_bytes(content)
    (tmp_path / "other.md").write_text(OTHER)
    cache = tmp_path / "fresh-cache"
    done = cli("convert", "other.md", "-c", str(config), "-o", "out", "--engine", "espeak", cwd=tmp_path,
               env={"AUDIOCAST_CACHE_DIR": str(cache)})
    line = one_error_line(done)
    for part in expected:
        assert part in line
    assert not (tmp_path / "out").exists() and not list(cache.rglob("*.pcm"))


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "Caf\xe9 au lait at noon.".encode("latin-1")])
def test_binary_or_invalid_utf8_on_stdin_reads_like_the_file_case(tmp_path, data):
    (tmp_path / "input.txt").write_bytes(data)
    from_file = one_error_line(cli("convert", "input.txt", "-o", "out", "--engine", "espeak", cwd=tmp_path))
    from_stdin = one_error_line(cli("convert", "-", "-o", "out", "--engine", "espeak", cwd=tmp_path,
                                    stdin=data))
    assert from_stdin == from_file.replace("input.txt", "standard input")


# --------------------------------------------------------------------------- 4. input limit


def test_an_article_over_the_word_limit_is_refused_before_synthesis(tmp_path):
    (tmp_path / "long.md").write_text("# A Long Walk\n\n" + "We walked on past the mill. " * 30 + "\n")
    cache = tmp_path / "fresh-cache"
    env = {"AUDIOCAST_CACHE_DIR": str(cache)}
    done = cli("convert", "long.md", "-o", "out", "--engine", "espeak", "--max-words", "100", cwd=tmp_path, env=env)
    line = one_error_line(done)
    assert "long.md has 1" in line and "more than the limit of 100" in line and "--max-words" in line
    (tmp_path / "audiocast.toml").write_text("[show]\nmax_words = 50\n")
    line = one_error_line(cli("convert", "long.md", "-o", "out", "--engine", "espeak", cwd=tmp_path, env=env))
    assert "more than the limit of 50" in line and "max_words in audiocast.toml" in line
    assert not list(cache.rglob("*.pcm")) and not (tmp_path / "out" / "feed.xml").exists()


# --------------------------------------------------------------------------- 9. odd feeds


class FeedServer:
    def __init__(self, body: bytes):
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/feed.xml"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


EMPTY_FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Quiet Blog</title><link>http://127.0.0.1/</link>
<description>Nothing yet</description></channel></rss>"""
MALFORMED_FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Harbour & Quay</title><link>http://127.0.0.1/</link><description>Notes</description>
<item><title>Lamps Along the Quay</title><link>http://127.0.0.1/lamps</link>
<guid isPermaLink="false">tag:quay,2024:lamps</guid>
<content:encoded><![CDATA[<p>The lamps were lit at dusk. Nobody saw who lit them.</p>]]></content:encoded>
</item></channel></rss>"""


def test_sync_of_a_feed_without_items_says_so(tmp_path):
    server = FeedServer(EMPTY_FEED)
    try:
        done = cli("sync", server.url, "-o", "out", "--engine", "espeak", cwd=tmp_path)
    finally:
        server.close()
    assert done.returncode == 0, text(done)
    assert f"note: the feed {server.url} has no items; nothing to convert" in text(done)


def test_sync_of_a_malformed_feed_says_it_was_read_leniently(tmp_path):
    needs_espeak()
    show_folder(tmp_path)
    server = FeedServer(MALFORMED_FEED)
    try:
        done = cli("sync", server.url, "-o", "out", "--engine", "espeak", cwd=tmp_path)
    finally:
        server.close()
    assert done.returncode == 0, text(done)
    assert f"note: the feed {server.url} is malformed (" in text(done) and "read it leniently" in text(done)
    assert_consistent(tmp_path / "out", {"Lamps Along the Quay"})


# --------------------------------------------------------------------------- 3. workers and Ctrl-C


def _many_sentences() -> str:
    places = ["mill", "pier", "bridge", "chapel", "market", "school", "harbour", "station", "orchard", "quarry"]
    hours = ["dawn", "noon", "dusk", "midnight"]
    lines = [f"The walk to the {p} at {h} took longer than we thought." for p in places for h in hours]
    return "# Walks Around Town\n\n" + " ".join(lines) + "\n"


def _interruptible() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start_piper_convert(tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    from audiocast.engines.piper import PiperEngine

    if PiperEngine.check_available():
        pytest.skip(PiperEngine.check_available())
    (tmp_path / "walks.md").write_text(_many_sentences())
    cache = tmp_path / "fresh-cache"
    child = subprocess.Popen(
        [sys.executable, "-m", "audiocast.cli", "convert", "walks.md", "-o", "out", "--jobs", "2"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
        env={**os.environ, "AUDIOCAST_CACHE_DIR": str(cache)},
        # as from a terminal: a test run started in the background (nohup, `&`) has Ctrl-C
        # ignored, and a child would inherit that
        preexec_fn=_interruptible)
    return child, cache


def _workers_once_synthesizing(child: subprocess.Popen, cache: Path) -> set[int]:
    """The run's worker processes, once the first clip is in the cache (they are working)."""
    wait_for(lambda: any(cache.rglob("*.pcm")) or child.poll() is not None, 240, "the first clip")
    assert child.poll() is None, "the run ended before the test could stop it"
    workers = descendants(child.pid)
    assert len(workers) >= 2
    return workers


def test_synthesis_workers_exit_when_the_run_is_killed(tmp_path):
    child, cache = _start_piper_convert(tmp_path)
    workers: set[int] = set()
    try:
        workers = _workers_once_synthesizing(child, cache)
        child.kill()
        child.wait(timeout=30)
        wait_for(lambda: not any(alive(p) for p in workers), 20, "the workers to exit after the kill")
    finally:
        kill_all(workers | descendants(child.pid))
        if child.poll() is None:
            child.kill()
        child.communicate(timeout=30)


def test_ctrl_c_prints_the_documented_line_and_leaves_no_process(tmp_path):
    child, cache = _start_piper_convert(tmp_path)
    workers: set[int] = set()
    try:
        workers = _workers_once_synthesizing(child, cache)
        os.killpg(child.pid, signal.SIGINT)  # what a terminal sends the whole foreground group
        _, stderr = child.communicate(timeout=120)
        assert child.returncode == 130
        assert stderr.decode(errors="replace").strip() == INTERRUPTED
        wait_for(lambda: not any(alive(p) for p in workers), 20, "the workers to exit")
    finally:
        kill_all(workers | descendants(child.pid))
        if child.poll() is None:
            child.kill()
            child.communicate(timeout=30)
