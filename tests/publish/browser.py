"""Headless Chromium driven by Selenium, and axe-core, for the page tests."""

from __future__ import annotations

import importlib.util
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", "--autoplay-policy=no-user-gesture-required", "--mute-audio")


def require_browser() -> None:
    if not CHROMIUM or not CHROMEDRIVER:
        pytest.skip("Chromium and chromedriver are not installed (.ci/run installs them)")
    pytest.importorskip("selenium", reason="Selenium is in the test extra")


@contextmanager
def chromium(javascript: bool = True):
    """A fresh headless Chromium with its own profile, closed afterwards."""
    require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    with tempfile.TemporaryDirectory(prefix="audiocast-chromium-") as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={profile}")
        options.add_argument("--window-size=1280,900")
        if not javascript:
            options.add_experimental_option(
                "prefs", {"profile.managed_default_content_settings.javascript": 2})
        driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
        try:
            yield driver
        finally:
            driver.quit()


def emulate(driver, width: int, scheme: str = "light", height: int = 900) -> None:
    """Viewport width and prefers-color-scheme, as a phone or a desktop in either scheme."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
        "features": [{"name": "prefers-color-scheme", "value": scheme}]})


def axe_source() -> str:
    spec = importlib.util.find_spec("axe_playwright_python")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("axe-core is not installed (axe-playwright-python in the test extra ships it)")
    return (Path(list(spec.submodule_search_locations)[0]) / "axe.min.js").read_text(encoding="utf-8")


def axe_violations(driver) -> list[dict]:
    """axe-core's violations on the page as loaded (all WCAG A/AA and best-practice rules)."""
    driver.execute_script(axe_source())
    return driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(function (r) { done(r.violations.map(function (v) { return {id: v.id, help: v.help,"
        " nodes: v.nodes.map(function (n) { return n.target.join(' ') + ': ' + n.failureSummary; })}; })); })"
        ".catch(function (e) { done([{id: 'axe-error', help: String(e), nodes: []}]); });")


def wait_for(driver, script: str, timeout: float = 30, *args):
    """Poll ``script`` (JavaScript returning a value) until it is truthy; return that value."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(
        lambda d: d.execute_script(script, *args))


def screenshot(driver, name: str) -> Path:
    """A full-page PNG under /tmp/shots/ (for looking at the pages, not for assertions)."""
    import base64

    folder = Path(tempfile.gettempdir()) / "shots"
    folder.mkdir(exist_ok=True)
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"captureBeyondViewport": True, "format": "png"})
    path = folder / f"{name}.png"
    path.write_bytes(base64.b64decode(shot["data"]))
    return path
