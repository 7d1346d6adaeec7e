"""The episode pages and the index in a real browser: headless Chromium (Selenium) over
the real server, axe-core for accessibility, one small real episode synthesized once."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest
from browser import axe_violations, chromium, emulate, require_browser, screenshot, wait_for
from folder_fixtures import make_mp3

from audiocast.models import Episode
from audiocast.publish.catalog import Catalog, episode_files
from audiocast.publish.serve import make_server, server_url

ARTICLE = """# Harbour Mornings

The harbour opened in 1887 with 3 piers. Today 42 boats use it every day.

## Tides

The tide rises 4.5 metres twice a day. Fishermen leave at 5 am.

### Nets and ropes

Every net is mended by hand. A rope lasts about 2 years.

## The market

Fish is sold on the quay at 7 o'clock. Visitors buy it before 9.
"""
HOSTILE = '<img src=x onerror="window.pwned=1"></script><script>window.pwned=2</script>'
PAGE = "episodes/harbour-mornings.html"
EVIL_PAGE = "episodes/evil-episode.html"


def audiocast(*args: str, cwd: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "audiocast.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=600)
    assert done.returncode == 0, done.stderr


def add_hostile_episode(out: Path) -> None:
    """An episode whose every field (title, description, link, headings, text) is markup."""
    with Catalog(out) as catalog, catalog.lock():
        files = episode_files(out, "evil-episode")
        make_mp3(files["audio"], 330, seconds=3)
        moment = datetime(2020, 1, 1, tzinfo=timezone.utc)
        episode = Episode(guid="evil-guid", slug="evil-episode", title="Evil " + HOSTILE, source="urn:evil",
                          content_hash="x", duration_s=3.0, size_bytes=files["audio"].stat().st_size,
                          published=moment, updated=moment, author=HOSTILE, description=HOSTILE,
                          url="javascript:window.pwned=3", chapters=[])
        catalog.upsert(episode, "urn:evil")
        catalog.save_timeline("evil-guid", {
            "version": 1, "duration_ms": 3000,
            "chapters": [{"title": HOSTILE, "level": 1, "start_ms": 0, "end_ms": 3000}],
            "sections": [{"title": HOSTILE, "level": 1, "heading": [0, 500, HOSTILE],
                          "paragraphs": [[[600, 1500, "Sentence " + HOSTILE, "sentence"],
                                          [1600, 2500, "<!-- </script> --> & &amp;", "sentence"]]]}],
        })


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A served folder with one real short episode and one hostile catalog-only episode."""
    require_browser()
    root = tmp_path_factory.mktemp("pages")
    out = root / "out"
    out.mkdir()
    server = make_server(out, port=0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    base = server_url(server)
    try:
        audiocast("init", "--title", "Harbour Radio", "--author", "Quay Desk", "--email", "desk@example.org",
                  "--base-url", base, cwd=root)
        (root / "harbour.md").write_text(ARTICLE)
        engine = ["--engine", "espeak"] if shutil.which("espeak-ng") else []
        add_hostile_episode(out)
        audiocast("convert", "harbour.md", "-o", str(out), *engine, cwd=root)
        with Catalog(out) as catalog:
            episode = catalog.get("harbour-mornings")
            data = catalog.timeline(episode.guid)
        yield {"out": out, "base": base, "data": data, "episode": episode}
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser(site):
    with chromium() as driver:
        yield driver


def sentences(data: dict) -> list[list]:
    """[start_ms, end_ms, text] of every sentence element, in page order (headings included)."""
    found = []
    for section in data["sections"]:
        if section["heading"]:
            found.append(section["heading"])
        found += [entry for paragraph in section["paragraphs"] for entry in paragraph]
    return found


def open_page(driver, site, page: str = PAGE, width: int = 1280, scheme: str = "light") -> None:
    emulate(driver, width, scheme)
    driver.get(site["base"] + page)
    driver.execute_script("localStorage.clear()")
    driver.get(site["base"] + page)
    wait_for(driver, "var a = document.querySelector('audio[preload=metadata]');"
                     "return document.readyState === 'complete' && (!a || a.readyState >= 1);")


def state(driver) -> dict:
    return driver.execute_script(
        "var a = document.getElementById('audio'), c = document.querySelector('.s.current');"
        "var box = c && c.getBoundingClientRect();"
        "return {t: a.currentTime, paused: a.paused, current: c ? parseInt(c.dataset.i, 10) : -1,"
        " visible: !!box && box.top >= 0 && box.bottom <= window.innerHeight,"
        " announced: document.getElementById('announce').textContent};")


def expected_sentence(cues: list[list], t: float) -> int:
    """The sentence being spoken at ``t`` (or, in a pause, the one just spoken)."""
    started = [i for i, (start, _end, *_rest) in enumerate(cues) if start / 1000 <= t + 0.001]
    return started[-1] if started else -1


# --------------------------------------------------------------------------- accessibility


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations(site, browser, width, scheme):
    for page in ("index.html", PAGE, EVIL_PAGE, "episodes/harbour-mornings.embed.html"):
        open_page(browser, site, page, width, scheme)
        if page == PAGE:  # with a sentence highlighted, so its contrast is checked too
            browser.execute_script("document.getElementById('audio').currentTime = 5;")
            wait_for(browser, "return document.querySelector('.s.current');")
        violations = axe_violations(browser)
        screenshot(browser, f"{Path(page).stem}-{width}-{scheme}")
        assert violations == [], (page, width, scheme, violations)
        # nothing wider than the screen, even the hostile episode's long unbroken words
        assert browser.execute_script(
            "return document.documentElement.scrollWidth <= window.innerWidth"), (page, width)


# --------------------------------------------------------------------------- read-along


def test_the_highlighted_sentence_is_the_one_being_spoken(site, browser):
    cues = sentences(site["data"])
    open_page(browser, site, PAGE, 375, "light")
    browser.execute_script("var a = document.getElementById('audio'); a.playbackRate = 2; a.play();")
    checked = 0
    for index in (1, 4, 7, len(cues) - 2):
        moment = cues[index][0] / 1000 + 0.2
        wait_for(browser, "return document.getElementById('audio').currentTime >= arguments[0];", 60, moment)
        now = state(browser)
        # the page follows the audio while it plays; a paused check compares exact values
        browser.execute_script("document.getElementById('audio').pause();")
        paused = wait_for(browser, "var a = document.getElementById('audio');"
                                   "return a.paused && document.querySelector('.s.current') && a.currentTime;")
        now = state(browser)
        assert now["t"] == pytest.approx(paused)
        assert now["current"] == expected_sentence(cues, now["t"]), now
        assert now["visible"], "the sentence being read is kept in view"
        checked += 1
        browser.execute_script("document.getElementById('audio').play();")
    assert checked == 4
    style = browser.execute_script(
        "var s = getComputedStyle(document.querySelector('.s.current'));"
        "return [s.outlineStyle, s.textDecorationLine];")
    assert style[0] == "solid" and "underline" in style[1]  # not by colour alone
    browser.execute_script("document.getElementById('audio').pause();")


def test_chapter_changes_are_announced_and_marked_current(site, browser):
    data = site["data"]
    open_page(browser, site)
    second = data["chapters"][1]
    browser.execute_script("var a = document.getElementById('audio');"
                           "a.currentTime = arguments[0]; a.playbackRate = 2; a.play();",
                           second["start_ms"] / 1000 - 0.5)
    announced = wait_for(browser, "return document.getElementById('announce').textContent;")
    assert announced == f"Chapter: {second['title']}"
    current = browser.execute_script(
        "return Array.from(document.querySelectorAll('ol.chapters a[aria-current]')).map(a => a.textContent)")
    assert len(current) == 1 and current[0].endswith(second["title"])
    # the next sentences change nothing in the live region
    wait_for(browser, "return document.getElementById('audio').currentTime >= arguments[0];", 30,
             second["start_ms"] / 1000 + 2.5)
    browser.execute_script("document.getElementById('audio').pause();")
    assert state(browser)["announced"] == announced


def test_the_page_stops_following_when_the_reader_scrolls_away(site, browser):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.support.ui import WebDriverWait

    cues = sentences(site["data"])
    open_page(browser, site, PAGE, 375, "light")
    browser.execute_script("var a = document.getElementById('audio');"
                           "a.currentTime = arguments[0]; a.playbackRate = 2; a.play();", cues[6][0] / 1000)
    wait_for(browser, "var c = document.querySelector('.s.current'); return c && c.dataset.i === '6' && "
                      "window.scrollY > 0 && c.getBoundingClientRect().bottom <= window.innerHeight;")
    # the reader scrolls back to the top (mouse wheel): the page lets them stay there
    def wheel_up(driver):
        ActionChains(driver).scroll_by_amount(0, -5000).perform()
        return driver.execute_script("return window.scrollY === 0 && !document.getElementById('follow').hidden;")

    WebDriverWait(browser, 30, poll_frequency=0.1).until(wheel_up)
    wait_for(browser, "return parseInt(document.querySelector('.s.current').dataset.i, 10) >= 8;")
    assert browser.execute_script("return window.scrollY") == 0
    browser.find_element("id", "follow").click()
    wait_for(browser, "var c = document.querySelector('.s.current').getBoundingClientRect();"
                      "return c.top >= 0 && c.bottom <= window.innerHeight;")
    browser.execute_script("document.getElementById('audio').pause()")


def test_with_reduced_motion_the_page_does_not_scroll_by_itself(site, browser):
    cues = sentences(site["data"])
    open_page(browser, site, PAGE, 375, "light")
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {
        "features": [{"name": "prefers-reduced-motion", "value": "reduce"}]})
    browser.get(site["base"] + PAGE)
    wait_for(browser, "return document.getElementById('audio').readyState >= 1;")
    browser.execute_script("var a = document.getElementById('audio');"
                           "a.currentTime = arguments[0]; a.playbackRate = 2; a.play();", cues[7][0] / 1000 - 0.3)
    wait_for(browser, "return document.querySelector('.s.current') && "
                      "parseInt(document.querySelector('.s.current').dataset.i, 10) >= 8;")
    browser.execute_script("document.getElementById('audio').pause()")
    assert browser.execute_script("return window.scrollY") == 0
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


def test_clicking_a_sentence_plays_from_its_start(site, browser):
    cues = sentences(site["data"])
    open_page(browser, site)
    browser.execute_script("document.getElementById('s6').scrollIntoView({block: 'center', behavior: 'instant'})")
    browser.find_element("id", "s6").click()
    t = wait_for(browser, "var a = document.getElementById('audio');"
                          "if (a.paused || a.seeking) return false; a.pause(); return a.currentTime + 1e-9;")
    assert abs(t - cues[6][0] / 1000) <= 0.3


def test_every_control_is_reachable_and_works_from_the_keyboard(site, browser):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    cues = sentences(site["data"])
    open_page(browser, site)
    browser.execute_script("document.activeElement.blur(); window.scrollTo(0, 0);")
    reached = []
    for _ in range(60):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        reached.append(browser.execute_script(
            "var e = document.activeElement;"
            "return e.id || e.getAttribute('data-action') || e.textContent.trim().slice(0, 40);"))
    expected = {"audio", "play", "back", "forward", "previous", "next", "speed", "copy-embed", "s0"}
    assert expected <= set(reached), reached
    chapter_titles = [c["title"] for c in site["data"]["chapters"]]
    assert all(any(title in r for r in reached) for title in chapter_titles), reached
    assert len({r for r in reached if r.startswith("s") and r[1:].isdigit()}) == 1  # the text is one stop

    # on the text: arrows move between sentences, Enter plays from the focused one
    browser.execute_script("document.getElementById('s0').focus()")
    ActionChains(browser).send_keys(Keys.ARROW_DOWN, Keys.ARROW_DOWN, Keys.ARROW_DOWN).perform()
    assert browser.execute_script("return document.activeElement.id") == "s3"
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    t = wait_for(browser, "var a = document.getElementById('audio');"
                          "if (a.paused || a.seeking) return false; return a.currentTime + 1e-9;")
    assert abs(t - cues[3][0] / 1000) <= 0.3
    ActionChains(browser).send_keys("k").perform()  # shortcut: pause
    wait_for(browser, "return document.getElementById('audio').paused;")

    # buttons: forward 30 s, back 15 s, next chapter, all by Enter on the focused button
    def press(action: str) -> float:
        browser.execute_script(f"document.querySelector('[data-action={action}]').focus()")
        ActionChains(browser).send_keys(Keys.ENTER).perform()
        return browser.execute_script("return document.getElementById('audio').currentTime")

    browser.execute_script("document.getElementById('audio').currentTime = 2")
    assert press("next") == pytest.approx(site["data"]["chapters"][1]["start_ms"] / 1000, abs=0.01)
    before = press("forward")
    assert before == pytest.approx(min(site["episode"].duration_s, 2 + 30), abs=0.5) or before > 2
    after = press("back")
    assert after == pytest.approx(max(0, before - 15), abs=0.01)


def test_speed_and_position_are_remembered(site, browser):
    from selenium.webdriver.support.ui import Select

    open_page(browser, site)
    Select(browser.find_element("id", "speed")).select_by_value("1.5")
    browser.execute_script("var a = document.getElementById('audio'); a.currentTime = 9.6; a.play();")
    wait_for(browser, "var a = document.getElementById('audio'); return !a.seeking && a.currentTime > 9.7;")
    browser.execute_script("document.getElementById('audio').pause();")
    wait_for(browser, "return document.getElementById('audio').paused;")
    browser.get(site["base"] + PAGE)  # reload, keeping localStorage
    wait_for(browser, "var a = document.getElementById('audio'); return a && a.readyState >= 1;")
    assert browser.execute_script("return document.getElementById('audio').playbackRate") == 1.5
    assert browser.find_element("id", "speed").get_attribute("value") == "1.5"
    resume = browser.find_element("id", "resume")
    assert resume.is_displayed() and resume.text == "Resume from 0:09"
    resume.click()
    t = wait_for(browser, "var a = document.getElementById('audio');"
                          "if (a.paused || a.seeking) return false; a.pause(); return a.currentTime;")
    assert 9.5 <= t <= 10.5
    assert not browser.find_element("id", "resume").is_displayed()
    browser.execute_script("localStorage.clear()")


def test_starting_one_episode_pauses_the_other(site, browser):
    open_page(browser, site, "index.html")
    players = browser.find_elements("css selector", "audio")
    assert len(players) == 2
    browser.execute_script("arguments[0].play()", players[0])
    wait_for(browser, "return !arguments[0].paused;", 30, players[0])
    browser.execute_script("arguments[0].play()", players[1])
    wait_for(browser, "return arguments[0].paused && !arguments[1].paused;", 30, players[0], players[1])
    browser.execute_script("arguments[0].pause()", players[1])


def test_the_embed_player_plays_inside_an_iframe(site, browser):
    open_page(browser, site)
    snippet = browser.find_element("id", "embed-code").text
    browser.execute_script("document.getElementById('copy-embed').scrollIntoView({block: 'center', behavior: 'instant'})")
    browser.find_element("id", "copy-embed").click()
    assert wait_for(browser, "return document.getElementById('copied').textContent;")
    assert snippet.startswith("<iframe ") and "harbour-mornings.embed.html" in snippet
    (site["out"] / "host-article.html").write_text(
        f"<!doctype html><html lang='en'><title>Article</title><h1>Article</h1>{snippet}</html>")
    browser.get(site["base"] + "host-article.html")
    frame = browser.find_element("tag name", "iframe")
    assert frame.get_attribute("title") == "Listen: Harbour Mornings"
    browser.switch_to.frame(frame)
    try:
        audio = wait_for(browser, "var a = document.querySelector('audio'); return a && a.play().then(() => a);")
        assert audio is not None
        wait_for(browser, "return !document.querySelector('audio').paused;")
    finally:
        browser.switch_to.default_content()


# --------------------------------------------------------------------------- no script, no injection


def test_without_javascript_the_text_and_chapter_links_work(site):
    data = site["data"]
    with chromium(javascript=False) as driver:
        emulate(driver, 375)
        driver.get(site["base"] + PAGE)
        body = driver.find_element("tag name", "body").text
        for entry in sentences(data):
            assert entry[2] in body
        assert not driver.find_element("id", "controls").is_displayed()
        assert driver.find_element("id", "audio").get_attribute("controls") is not None
        links = driver.find_elements("css selector", "ol.chapters a")
        assert [link.text.split(" ", 1)[1] for link in links] == [c["title"] for c in data["chapters"]]
        link = links[1]
        start = data["chapters"][1]["start_ms"] / 1000
        assert link.get_attribute("href").endswith(f".mp3#t={start:g}")
        link.click()
        # the browser opens the audio itself at the chapter (a media fragment)
        wait_for(driver, "return location.hash === arguments[0];", 30, f"#t={start:g}")
        t = wait_for(driver, "var m = document.querySelector('video, audio');"
                             "return m && m.readyState >= 1 && m.currentTime + 1e-9;")
        assert abs(t - start) <= 0.3


def test_nothing_an_article_wrote_runs_or_becomes_markup(site, browser):
    open_page(browser, site, EVIL_PAGE)
    # only our two script elements: the shared script and the JSON data block
    kinds = browser.execute_script(
        "return Array.from(document.scripts).map(s => s.type || s.src.split('/').pop())")
    assert kinds == ["audiocast.js", "application/json"]
    assert browser.execute_script("return window.pwned === undefined && !document.querySelector('img[src=x]')")
    text = browser.find_element("id", "text").text
    assert "Sentence " + HOSTILE in text and "<!-- </script> --> & &amp;" in text
    assert browser.find_element("tag name", "h1").text == "Evil " + HOSTILE
    assert not browser.find_elements("css selector", "a[href^='javascript']")
    timeline = browser.execute_script("return JSON.parse(document.getElementById('timeline').textContent)")
    assert timeline["titles"] == [HOSTILE]
    browser.execute_script("document.getElementById('s1').scrollIntoView({block: 'center', behavior: 'instant'})")
    browser.find_element("id", "s1").click()  # the page still works
    wait_for(browser, "return !document.getElementById('audio').paused;")
    browser.execute_script("document.getElementById('audio').pause()")
    open_page(browser, site, "index.html")
    assert browser.execute_script("return window.pwned === undefined && !document.querySelector('img[src=x]')")
    assert "Evil " + HOSTILE in browser.find_element("tag name", "main").text
