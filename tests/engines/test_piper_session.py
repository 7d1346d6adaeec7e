"""Piper's optimized voice graph is kept in the cache folder and used by later loads."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytest.importorskip("piper")

LOAD = """
import sys
from audiocast.engines import create_engine
from audiocast.engines.base import VoiceSettings
clip = create_engine(VoiceSettings()).synthesize("The lighthouse keeper lit the lamp.")
assert clip.duration_ms > 1000, clip.duration_ms
print("ok")
"""


def load(cache) -> subprocess.CompletedProcess:
    env = dict(os.environ, AUDIOCAST_CACHE_DIR=str(cache))
    return subprocess.run([sys.executable, "-c", LOAD], capture_output=True, text=True, env=env, timeout=300)


def test_the_optimized_graph_is_kept_and_a_damaged_one_is_made_again(tmp_path):
    first = load(tmp_path)
    assert first.returncode == 0 and "ok" in first.stdout, first.stderr
    assert "onnxruntime" not in first.stderr  # no note about the saved graph for the listener
    kept = list((tmp_path / "voices-optimized").glob("*.onnx"))
    assert len(kept) == 1 and kept[0].stat().st_size > 1_000_000
    assert not list((tmp_path / "voices-optimized").glob("*.tmp"))
    kept[0].write_bytes(b"not a model")
    again = load(tmp_path)
    assert again.returncode == 0 and "ok" in again.stdout, again.stderr
    assert kept[0].stat().st_size > 1_000_000  # optimized afresh
    third = load(tmp_path)
    assert third.returncode == 0, third.stderr


def test_a_process_that_only_hands_out_sentences_never_loads_piper(fresh_python):
    # the main process of a pooled conversion: its memory sits beside every worker's
    printed = fresh_python("import sys\n"
            "from audiocast.engines.base import VoiceSettings\n"
            "from audiocast.synth import Synthesizer\n"
            "Synthesizer(VoiceSettings(), jobs=2)\n"
            "print(sorted(m for m in ('piper', 'onnxruntime', 'scipy.signal') if m in sys.modules))\n")
    assert printed.strip() == "[]"

