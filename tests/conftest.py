"""Shared test fixtures. The reference article lives in ../shared/seed/ beside the
repository; tests that use it skip when it is absent (a user's clone)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = ROOT.parent / "shared" / "seed" / "ukraine-peace-talks.txt"


@pytest.fixture
def seed_article() -> Path:
    if not SEED.exists():
        pytest.skip("reference article ../shared/seed/ is not beside this clone")
    return SEED


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory):
    """The test session gets its own segment cache, never the user's. Session-scoped
    so that it is in place before any module-scoped fixture converts an article."""
    cache = tmp_path_factory.getbasetemp() / "segment-cache"
    previous = os.environ.get("AUDIOCAST_CACHE_DIR")
    os.environ["AUDIOCAST_CACHE_DIR"] = str(cache)
    yield cache
    if previous is None:
        os.environ.pop("AUDIOCAST_CACHE_DIR", None)
    else:
        os.environ["AUDIOCAST_CACHE_DIR"] = previous


@pytest.fixture
def fresh_python():
    """Runs code in a new interpreter, as a command's own process would start, and
    returns what it printed (for what a process imports and keeps)."""
    def run(code: str) -> str:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    return run


@pytest.fixture
def engine_plugin(tmp_path, monkeypatch):
    """Installs a third-party engine into a folder on sys.path (which spawned workers
    inherit): ``engine_plugin(name, synthesize_body, imports)`` makes an engine of 16 kHz
    clips whose ``synthesize(self, text)`` runs the body; without a body, the entry
    point names a module that does not exist."""
    def install(name: str, synthesize: str | None, imports: str = "") -> None:
        module = f"{name}_plugin"
        dist = tmp_path / f"{module}-1.0.dist-info"
        dist.mkdir()
        (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}-plugin\nVersion: 1.0\n")
        target = f"{module}:PluginEngine" if synthesize is not None else f"{module}_missing:PluginEngine"
        (dist / "entry_points.txt").write_text(f"[audiocast.engines]\n{name} = {target}\n")
        if synthesize is not None:
            body = textwrap.indent(textwrap.dedent(synthesize).strip(), " " * 8)
            (tmp_path / f"{module}.py").write_text(
                f"{textwrap.dedent(imports).strip()}\n"
                "from audiocast.engines.base import Engine\nfrom audiocast.models import Clip\n\n\n"
                f"class PluginEngine(Engine):\n    name = {name!r}\n    sample_rate = 16000\n\n"
                f"    def synthesize(self, text):\n{body}\n")
        monkeypatch.syspath_prepend(str(tmp_path))

    return install
