"""The command line: documented commands, one-line errors, exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from audiocast.cli import app

ROOT = Path(__file__).resolve().parents[1]


def _commands() -> dict:
    import typer.main

    group = typer.main.get_command(app)
    return dict(group.commands)


def run(*args: str, stdin: str | None = None, cwd: Path | None = None, env: dict | None = None):
    return subprocess.run([sys.executable, "-m", "audiocast.cli", *args], input=stdin, text=True,
                          capture_output=True, cwd=cwd, env=env, timeout=300)


def test_every_command_has_help_text_and_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    commands = _commands()
    expected = {"convert", "script", "say", "feed", "episodes", "remove", "serve", "sync",
                "voices", "demo", "init", "cache"}
    assert expected <= set(commands)
    for name, command in commands.items():
        assert (command.help or "").strip(), f"{name} has no help text"
        assert f"### {name}" in readme, f"{name} is not documented in README.md"
        assert f"audiocast {name}" in readme


@pytest.mark.parametrize("args, expected", [
    (["convert", "no/such/article.md"], "no/such/article.md"),
    (["convert", "x.md", "--engine", "festival"], "festival"),
    (["script", "ftp://example.com/post"], "ftp"),
    (["episodes", "-o", "/nonexistent-dir"], "no catalog"),
])
def test_errors_are_one_line_with_nonzero_exit(tmp_path, args, expected):
    if args[0] == "convert" and args[1] == "x.md":
        (tmp_path / "x.md").write_text("# Title\n\nA sentence.\n")
    done = run(*args, cwd=tmp_path)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: ") and expected in lines[0]
    assert "Traceback" not in done.stderr


def test_debug_shows_the_traceback(tmp_path):
    done = run("--debug", "convert", "missing.md", cwd=tmp_path)
    assert done.returncode != 0 and "Traceback" in done.stderr


def test_unknown_engine_fails_before_any_output_is_written(tmp_path):
    article = tmp_path / "a.md"
    article.write_text("# A Title\n\nOne sentence here.\n")
    done = run("convert", str(article), "-o", str(tmp_path / "out"), "--engine", "nope")
    assert done.returncode == 1
    assert "piper" in done.stderr and "espeak" in done.stderr and "gtts" in done.stderr
    assert not (tmp_path / "out").exists()


def test_gtts_without_network_leaves_published_files_untouched(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "feed.xml").write_text("<rss/>")
    article = tmp_path / "a.md"
    article.write_text("# A Title\n\nOne sentence here.\n")
    env = {**__import__("os").environ, "AUDIOCAST_GTTS_ENDPOINT": "http://127.0.0.1:9/batchexecute"}
    done = run("convert", str(article), "-o", str(out), "--engine", "gtts", env=env)
    assert done.returncode == 1
    assert "network" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in out.iterdir()) == ["feed.xml"]
    assert (out / "feed.xml").read_text() == "<rss/>"


def test_script_json_reads_stdin(tmp_path):
    import json

    done = run("script", "-", "--json", stdin="# Tide Tables\n\nThe tide turns at noon.\n\n## Later\n\nIt turns back at night.\n")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["title"] == "Tide Tables"
    assert [s["title"] for s in data["sections"]] == [None, "Later"]
    assert all(s["level"] in (1, 2) for s in data["sections"])


def test_voices_lists_presets_models_and_engines():
    done = run("voices", cwd=ROOT)
    assert done.returncode == 0, done.stderr
    for name in ("joe", "en_US-joe-medium", "piper", "gtts", "espeak"):
        assert name in done.stdout


def test_a_failed_conversion_writes_nothing(tmp_path):
    """Synthesis fails midway (the speech service refuses): no feed, cover, catalog or episode."""
    import os
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Refuse(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            self.send_response(403)
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Refuse)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        article = tmp_path / "a.md"
        article.write_text("# A Title\n\nOne sentence here.\n")
        env = {**os.environ, "AUDIOCAST_GTTS_ENDPOINT": f"http://127.0.0.1:{server.server_address[1]}/x"}
        done = run("convert", str(article), "-o", str(tmp_path / "out"), "--engine", "gtts", env=env)
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == 1
    assert "403" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    out = tmp_path / "out"
    assert not out.exists() or not [p for p in out.rglob("*") if p.is_file()]


@pytest.mark.skipif(__import__("shutil").which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_a_batch_reports_the_clips_each_article_needed(tmp_path):
    # the sources are read ahead of synthesis, so the count must come with each episode
    (tmp_path / "ferry.md").write_text("# The Ferry\n\nIt leaves at seven. It returns at noon.\n")
    (tmp_path / "mill.md").write_text("# The Mill\n\nThe wheel turns. The stones grind. The flour is white.\n")
    first = run("convert", "ferry.md", "mill.md", "-o", "out", "--engine", "espeak", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    said = first.stdout + first.stderr
    ferry = next(line for line in said.splitlines() if line.startswith("published ferry.md"))
    mill = next(line for line in said.splitlines() if line.startswith("published mill.md"))
    made = [int(line.rsplit("chapters, ", 1)[1].split()[0]) for line in (ferry, mill)]
    assert made[1] == made[0] + 1  # one more sentence, one more clip (title, intro and outro alike)
    (tmp_path / "mill.md").write_text("# The Mill\n\nThe wheel turns. The stones grind. The flour is fine.\n")
    again = run("convert", "ferry.md", "mill.md", "-o", "out", "--engine", "espeak", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    said = again.stdout + again.stderr
    assert "unchanged ferry.md" in said
    assert "1 clip synthesized" in said
