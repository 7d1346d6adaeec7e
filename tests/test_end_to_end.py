"""End to end through the real command: an article becomes a published, chaptered episode.

The reference article (../shared/seed) is converted once per test session and
shared; these tests skip in a user's clone where it is absent.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import feedparser
import podcastparser
import pytest
from mutagen.id3 import ID3, CTOCFlags
from mutagen.mp3 import MP3

pytestmark = pytest.mark.slow

LEVEL1 = [
    "Introduction",
    "US Position on Ukraine Peace Talks: Context and Overview",
    "Why the US Has Low Expectations for Peace Breakthroughs",
    "The Impacts of Low US Expectations on the Ukraine Conflict",
    "Global Perspectives and Expert Opinions",
    "Strategic Recommendations for Moving Forward",
    "Conclusion",
]
SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "ukraine-peace-talks.txt"
TITLE = "US Signals Low Expectations for Ukraine Peace Talks Amid Ongoing Conflict"


def audiocast(*args: str, cwd: Path | None = None, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "audiocast.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=900)
    if check:
        assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def converted(tmp_path_factory, seed_article_path):
    work = tmp_path_factory.mktemp("seed")
    article = work / "ukraine-peace-talks.txt"
    shutil.copy(seed_article_path, article)
    out = work / "out"
    done = audiocast("convert", str(article), "-o", str(out), "--base-url", "http://127.0.0.1:8765/")
    mp3s = list((out / "episodes").glob("*.mp3"))
    assert len(mp3s) == 1
    return {"article": article, "out": out, "mp3": mp3s[0], "stdout": done.stdout + done.stderr}


@pytest.fixture(scope="module")
def seed_article_path():
    if not SEED.exists():
        pytest.skip("reference article ../shared/seed/ is not beside this clone")
    return SEED


def clips_synthesized(done: subprocess.CompletedProcess) -> int:
    match = re.search(r"(\d+) clips? synthesized", done.stdout + done.stderr)
    assert match, done.stdout + done.stderr
    return int(match.group(1))


def _id3_chapters(path: Path) -> list[tuple[str, int, int]]:
    tags = ID3(path)
    chapters = [(f.sub_frames["TIT2"].text[0], f.start_time, f.end_time) for f in tags.getall("CHAP")]
    return sorted(chapters, key=lambda c: c[1])


def test_episode_has_the_articles_chapters_in_id3(converted):
    mp3 = converted["mp3"]
    audio = MP3(mp3)
    duration_ms = audio.info.length * 1000
    assert 5 * 60 <= audio.info.length <= 9 * 60
    assert audio.info.sample_rate == 44100 and audio.info.channels == 1
    tags = ID3(mp3)
    assert tags.version[:2] == (2, 3)
    assert tags["TIT2"].text[0] == TITLE
    assert tags["TCON"].text[0] == "Podcast"
    assert tags.getall("APIC")

    tocs = tags.getall("CTOC")
    top = [t for t in tocs if t.flags & CTOCFlags.TOP_LEVEL]
    assert len(top) == 1
    ids = {f.element_id: f for f in tags.getall("CHAP")}
    level1 = [ids[i] for i in top[0].child_element_ids if i in ids]
    assert [c.sub_frames["TIT2"].text[0] for c in level1] == LEVEL1
    starts = [c.start_time for c in level1]
    assert starts[0] == 0 and starts == sorted(set(starts))
    for before, after in zip(level1, level1[1:]):
        assert before.end_time == after.start_time
    assert abs(level1[-1].end_time - duration_ms) < 1500

    titles = [c[0] for c in _id3_chapters(mp3)]
    for subsection in ("US Involvement in Ukraine's Defense Efforts", "Continued Battlefield Stalemate",
                       "For the Public and Media"):
        assert subsection in titles


@pytest.mark.skipif(shutil.which("ffprobe") is None, reason="ffprobe is not installed")
def test_ffprobe_reads_the_chapters(converted):
    probe = subprocess.run(["ffprobe", "-v", "error", "-show_chapters", "-show_format", "-of", "json",
                            str(converted["mp3"])], capture_output=True, text=True, check=True)
    data = json.loads(probe.stdout)
    chapters = data["chapters"]
    titles = [c["tags"]["title"] for c in chapters]
    assert [t for t in titles if t in LEVEL1] == LEVEL1
    assert "Rubio and Other US Officials Express Doubt" in titles
    starts = [float(c["start_time"]) for c in chapters]
    assert starts[0] == 0 and starts == sorted(starts)
    duration = float(data["format"]["duration"])
    assert max(float(c["end_time"]) for c in chapters) == pytest.approx(duration, abs=1.5)


def test_feed_is_read_by_feedparser_and_podcastparser(converted):
    out, mp3 = converted["out"], converted["mp3"]
    feed_bytes = (out / "feed.xml").read_bytes()
    parsed = feedparser.parse(feed_bytes)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert len(parsed.entries) == 1
    entry = parsed.entries[0]
    assert entry.title == TITLE
    enclosure = entry.enclosures[0]
    assert int(enclosure["length"]) == mp3.stat().st_size
    assert enclosure["href"] == "http://127.0.0.1:8765/episodes/" + mp3.name

    from io import BytesIO

    podcast = podcastparser.parse("http://127.0.0.1:8765/feed.xml", BytesIO(feed_bytes))
    episodes = podcast["episodes"]
    assert len(episodes) == 1
    assert episodes[0]["enclosures"][0]["file_size"] == mp3.stat().st_size
    assert episodes[0]["total_time"] == pytest.approx(MP3(mp3).info.length, abs=1.5)


def test_script_json_speaks_the_title_once_and_drops_the_appeal(converted):
    done = audiocast("script", str(converted["article"]), "--json")
    data = json.loads(done.stdout)
    assert data["title"] == TITLE
    sections = data["sections"]
    assert sections[0]["title"] is None and sections[0]["level"] == 1
    assert [s["title"] for s in sections if s["level"] == 1][1:] == LEVEL1[1:]
    spoken = [line for s in sections for line in s["spoken"]]
    assert sum("Low Expectations for Ukraine Peace Talks" in line for line in spoken) == 1
    text = " ".join(spoken).lower()
    assert "comments" not in text and "follow the blog" not in text
    assert "read more on" not in text
    assert not any(ch.isdigit() for ch in text)


def test_reconverting_keeps_one_episode_with_the_same_guid(converted):
    out, article = converted["out"], converted["article"]
    before = feedparser.parse((out / "feed.xml").read_bytes()).entries[0]
    start = time.perf_counter()
    done = audiocast("convert", str(article), "-o", str(out), "--base-url", "http://127.0.0.1:8765/")
    assert "unchanged" in done.stdout + done.stderr
    assert time.perf_counter() - start < 60  # nothing re-rendered (generous bound; speed is in the benchmark)

    text = article.read_text()
    article.write_text(text.replace("the risk of escalation remains high", "the risk of escalation stays high"))
    done = audiocast("convert", str(article), "-o", str(out), "--base-url", "http://127.0.0.1:8765/")
    assert "published" in done.stdout + done.stderr
    assert 1 <= clips_synthesized(done) <= 2  # only the edited sentence
    entries = feedparser.parse((out / "feed.xml").read_bytes()).entries
    assert len(entries) == 1
    assert entries[0].id == before.id
    assert entries[0].published == before.published
    listing = audiocast("episodes", "-o", str(out), "--json")
    assert len(json.loads(listing.stdout)) == 1


def test_interrupted_conversion_resumes_and_the_feed_stays_valid(tmp_path):
    """Kill a conversion midway; the published feed stays valid and the rerun reuses the cache."""
    out = tmp_path / "out"
    first = tmp_path / "first.md"
    first.write_text("# Harbor Notes\n\nThe harbor is quiet this week.\n")
    audiocast("convert", str(first), "-o", str(out))
    feed_before = (out / "feed.xml").read_bytes()

    article = tmp_path / "long.md"
    paragraphs = [f"Boat number {word} came in late with a full hold and a tired crew. "
                  f"The skipper of boat {word} said the fog had been thick since dawn."
                  for word in ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                               "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen")]
    article.write_text("# The Fleet Returns\n\n" + "\n\n".join(paragraphs) + "\n")
    cache = Path(os.environ["AUDIOCAST_CACHE_DIR"])
    before = len(list(cache.rglob("*.pcm")))
    proc = subprocess.Popen([sys.executable, "-m", "audiocast.cli", "convert", str(article), "-o", str(out),
                             "--jobs", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 240
    while len(list(cache.rglob("*.pcm"))) < before + 8 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)  # polling for progress, not timing anything
    assert proc.poll() is None, "conversion finished before it could be interrupted"
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    assert (out / "feed.xml").read_bytes() == feed_before
    assert feedparser.parse(feed_before).entries[0].title == "Harbor Notes"
    assert not list((out / "episodes").glob("*fleet*"))
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]

    done = audiocast("convert", str(article), "-o", str(out), "--jobs", "1")
    made = clips_synthesized(done)
    total = 1 + 1 + 2 * len(paragraphs)  # title, heading-free lede sentences
    assert made <= total - 8
    entries = feedparser.parse((out / "feed.xml").read_bytes()).entries
    assert sorted(e.title for e in entries) == ["Harbor Notes", "The Fleet Returns"]


def test_site_lists_subsections_inside_their_sections(converted):
    import lxml.html

    page = lxml.html.parse(str(converted["out"] / "index.html")).getroot()
    assert page.get("lang")
    top = page.xpath("//nav/ol/li")
    assert top[0].xpath("string(./a)").endswith("Introduction")
    section = next(li for li in top if "Why the US Has Low Expectations" in li.xpath("string(./a)"))
    nested = [a.xpath("string()") for a in section.xpath("./ol/li/a")]
    assert any("Continued Battlefield Stalemate" in text for text in nested)
    assert any("Historical Lessons from Previous Conflicts" in text for text in nested)
    assert len(top) == len(LEVEL1)


def test_episode_page_shows_every_sentence_and_section_title_as_written(converted):
    import lxml.html

    from audiocast.config import load_config
    from audiocast.ingest import load_article
    from audiocast.render import build_script_for

    script = build_script_for(load_article(str(converted["article"])), load_config(None))
    pages = [p for p in (converted["out"] / "episodes").glob("*.html") if not p.name.endswith(".embed.html")]
    assert len(pages) == 1
    text = lxml.html.parse(str(pages[0])).getroot().xpath("//article[@id='text']")[0]
    shown = [" ".join(span.text_content().split()) for span in text.xpath(".//span[@data-start]")]
    written = [" ".join(s.written.split()) for s in script.segments() if s.written.strip()]
    assert shown == written
    assert any(ch.isdigit() for ch in " ".join(shown))  # as written: digits, not spoken words
    for span in text.xpath(".//span[@data-start]"):
        assert float(span.get("data-start")) < float(span.get("data-end"))
    headings = [(h.tag, " ".join(h.text_content().split())) for h in text.xpath("h2 | h3")]
    expected = [("h2" if s.level <= 1 else "h3", s.title) for s in script.sections if s.title]
    assert headings == expected
    assert {"h2", "h3"} <= {tag for tag, _ in headings}


def test_listening_check_of_the_reference_episode_reports_a_score_and_its_flags(converted):
    """An independent recognizer hears the episode; the report has a score and every flagged
    sentence with its timestamp and what was heard instead."""
    done = audiocast("check", converted["mp3"].stem, "-o", str(converted["out"]), "--json")
    report = json.loads(done.stdout)
    assert report["sentences"] >= 60  # title, headings and the 55 spoken sentences
    assert report["score"] >= 80, report
    assert len(report["flagged"]) <= report["sentences"] // 10, report["flagged"]
    for flagged in report["flagged"]:
        assert 0 <= flagged["start"] < flagged["end"] and flagged["text"] and flagged["agreement"] < 0.7
