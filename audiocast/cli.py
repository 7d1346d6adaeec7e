"""The audiocast command line: options, progress display, and errors -> exit codes.

Everything else lives in the library; this module only translates between a
terminal and it. Library errors (AudiocastError) become one line on stderr and
exit code 1; a traceback is shown only with --debug.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from . import __version__
from .errors import AudiocastError, ConfigError

app = typer.Typer(
    help="Turn written articles into chaptered podcast episodes and a podcast feed.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
cache_app = typer.Typer(help="Show or clear the segment cache.", no_args_is_help=False)
app.add_typer(cache_app, name="cache")

err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)

OutputOpt = typer.Option(Path("output"), "--output", "-o", help="Output folder (feed, site, episodes).")
ConfigOpt = typer.Option(None, "--config", "-c", help="Show config file (default: ./audiocast.toml).")
FormatOpt = typer.Option(None, "--format", "-f",
                         help="Episode file: mp3 (default), m4a or m4b (AAC with MP4 chapters).")
EngineOpt = typer.Option(None, "--engine", "-e", help="Speech engine: piper (default), gtts, espeak, or a plugin.")
VoiceOpt = typer.Option(None, "--voice", "-v", help="Voice preset from voices/*.toml, or the engine's voice name.")
BaseUrlOpt = typer.Option(None, "--base-url", help="Public URL of the output folder, used in the feed.")
SchedulerOpt = typer.Option(
    None, "--scheduler", envvar="AUDIOCAST_SCHEDULER",
    help="Render on a Dask cluster, e.g. tcp://host:8786 (needs audiocast[dask]).",
)
PublishOpt = typer.Option(False, "--publish", help="Then upload the folder to publish_to (see `audiocast publish`).")

_state = {"debug": False}
#: the one line Ctrl-C prints (README: Limits and failures)
INTERRUPTED = "error: interrupted; finished episodes are published, the rest resume from the cache"


def _version(value: bool) -> None:
    if value:
        out.print(f"audiocast {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for errors."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    _state["debug"] = debug


def _show(config: Path | None, base_url: str | None = None, engine: str | None = None,
          voice: str | None = None, episode_format: str | None = None):
    from .audio.formats import get_format
    from .config import load_config

    show = load_config(config)
    if episode_format:
        show.production.format = episode_format
    show.production.format = get_format(show.production.format).name  # unknown: lists the valid ones
    if base_url:
        show.base_url = base_url
    if engine:
        show.production.engine = engine
    if voice:
        show.production.voice = voice
    if hasattr(show, "validate"):
        show.validate()
    return show


def _read_stdin_if_needed(sources: list[str]) -> str | bytes | None:
    if "-" in sources:
        if sys.stdin.isatty():
            raise ConfigError("source '-' reads the article from standard input, but nothing was piped in")
        buffer = getattr(sys.stdin, "buffer", None)  # bytes: a PDF or EPUB may be piped in too
        return buffer.read() if buffer is not None else sys.stdin.read()
    return None


MaxWordsOpt = typer.Option(None, "--max-words", min=0,
                           help="Refuse articles longer than this many words (0: no limit; "
                                "default: max_words in audiocast.toml, else 50000).")


# --------------------------------------------------------------------------- convert


@app.command()
def convert(
    sources: list[str] = typer.Argument(
        ..., help="Article files (text, Markdown, HTML, PDF, EPUB, .docx, .eml), http(s) URLs, or - for stdin."),
    output: Path = OutputOpt,
    engine: Optional[str] = EngineOpt,
    voice: Optional[str] = VoiceOpt,
    base_url: Optional[str] = BaseUrlOpt,
    config: Optional[Path] = ConfigOpt,
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Synthesis processes (default: one per core)."),
    force: bool = typer.Option(False, "--force", help="Re-render even if the article has not changed."),
    scheduler: Optional[str] = SchedulerOpt,
    episode_format: Optional[str] = FormatOpt,
    max_words: Optional[int] = MaxWordsOpt,
    verify: bool = typer.Option(False, "--verify", help="Check every clip with a speech recognizer and "
                                "re-synthesize those not heard as written (needs audiocast[check])."),
    split_chapters: bool = typer.Option(
        False, "--split-chapters", help="One episode per chapter (e.g. of an EPUB), in order."),
    publish_after: bool = PublishOpt,
) -> None:
    """Convert articles into episodes and publish them to the output folder's feed."""
    show = _show(config, base_url, engine, voice, episode_format)
    if max_words is not None:
        show.max_words = max_words
    destination = _destination(None, show) if publish_after else None
    stdin_text = _read_stdin_if_needed(sources)
    if verify:
        from .listening import recognizer_for

        recognizer_for(show.language or "en")  # a missing extra fails here, before any synthesis
    loader = None
    if split_chapters:
        from .ingest import load_article, split_chapters as chapters_of

        chapters = {chapter.source: chapter for source in sources
                    for chapter in chapters_of(load_article(source, stdin_text=stdin_text))}
        sources, loader = list(chapters), chapters.__getitem__
    result = _run_conversion(sources, output, show, jobs=jobs, force=force, stdin_text=stdin_text,
                             scheduler=scheduler, verify=verify, loader=loader)
    _finish(result, output, show, destination)


def _run_conversion(sources, output: Path, show, *, jobs, force, stdin_text=None, label=None,
                    loader=None, defer_publish=False, scheduler=None, verify=False):
    from .pipeline import ConvertResult, all_unchanged

    unchanged = None if force or verify or loader or stdin_text is not None else all_unchanged(sources, output, show)
    if unchanged is not None:  # decided from the files' bytes: no voice, no pool, no parsing
        for source, episode in zip(sources, unchanged):
            err.print(f"unchanged {source} -> {_audio_name(episode)}", markup=False, highlight=False)
        return ConvertResult(unchanged=unchanged)

    from .executors import make_executor
    from .pipeline import convert as run_convert
    from .pipeline import voice_settings

    settings = voice_settings(show)
    with make_executor(settings, jobs=jobs, scheduler=scheduler) as executor, _progress() as bars:
        if executor.dashboard_link:
            bars.console.print(f"Dask dashboard: {executor.dashboard_link}")
        overall = bars.add_task(label or "episodes", total=len(sources))
        tasks: dict[str, int] = {}
        started: set[str] = set()
        local = executor.dashboard_link is None

        def on_start(source: str, _sections: int) -> None:
            if local:
                tasks[source] = bars.add_task(_short(source), total=None)
            started.add(source)

        def on_progress(source: str, done: int, total: int) -> None:
            if source in tasks:
                bars.update(tasks[source], completed=done, total=total)

        def on_done(source: str, episode, error: str | None, synthesized: int | None = None) -> None:
            bars.advance(overall)
            if source in tasks:
                bars.remove_task(tasks[source])
            if error:
                if len(sources) > 1:  # a single source's error is the run's one-line error
                    bars.console.print(f"failed {source}: {error}", markup=False, highlight=False)
            elif source not in started:
                bars.console.print(f"unchanged {source} -> {_audio_name(episode)}")
            else:
                made = synthesized if local else None
                made_text = f", {made} clip{'' if made == 1 else 's'} synthesized" if made is not None else ""
                bars.console.print(
                    f"published {source} -> {_audio_name(episode)} "
                    f"({_duration(episode.duration_s)}, {len(episode.chapters)} chapters{made_text})",
                    markup=False, highlight=False,
                )

        def on_note(source: str, note: str) -> None:
            bars.console.print(f"note: {source}: {note}", markup=False, highlight=False)

        return run_convert(sources, output, show, executor=executor, force=force,
                           on_start=on_start, progress=on_progress, on_done=on_done, on_note=on_note,
                           stdin_text=stdin_text, loader=loader, defer_publish=defer_publish,
                           verify=verify)


def _audio_name(episode) -> str:
    """The episode file's path inside the output folder."""
    return episode.files.get("audio") or f"episodes/{episode.slug}.mp3"


def _finish(result, output: Path, show, destination: str | None = None) -> None:
    done = len(result.published) + len(result.unchanged)
    if result.failed and not done and len(result.failed) == 1:
        raise AudiocastError(result.failed[0][1])
    if done:
        err.print(f"feed: {output / 'feed.xml'}  ({show.feed_url})")
    if destination and (output / "feed.xml").exists():
        _upload(output, destination, show.publish_endpoint_url, dry_run=False)
    if result.failed:
        err.print(f"error: {len(result.failed)} of {done + len(result.failed)} sources failed")
        raise typer.Exit(1)


def _audio_name(episode) -> str:
    """The episode's audio file, relative to the output folder, as the catalog names it."""
    from .publish.catalog import episode_files

    return episode.files.get("audio") or episode_files(".", episode.slug)["audio"].as_posix()


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


def _short(source: str, width: int = 40) -> str:
    return source if len(source) <= width else "..." + source[-(width - 3):]


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes}:{secs:02d}"


# --------------------------------------------------------------------------- script / say


@app.command()
def script(
    source: str = typer.Argument(..., help="Article file, URL, or - for stdin."),
    as_json: bool = typer.Option(False, "--json", help="Print the JSON contract instead of text."),
    config: Optional[Path] = ConfigOpt,
) -> None:
    """Print the speakable script of an article without synthesizing it."""
    from .ingest import load_article
    from .render import build_script_for

    show = _show(config)
    article = load_article(source, stdin_text=_read_stdin_if_needed([source]))
    result = build_script_for(article, show)
    if as_json:
        out.print_json(data=result.to_json()) if out.is_terminal else print(
            json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return
    for section in result.sections:
        marker = "#" if section.level == 1 else "##"
        print(f"{marker} {section.title or '(introduction)'}")
        for segment in section.segments:
            prefix = "  [heading] " if segment.kind == "heading" else "  "
            print(prefix + segment.spoken)
        print()


@app.command()
def say(
    text: str = typer.Argument(..., help="The text to speak, as it would appear in an article."),
    output: Path = typer.Option(Path("say.mp3"), "--output", "-o", help="Where to write the audio (.mp3 or .wav)."),
    engine: Optional[str] = EngineOpt,
    voice: Optional[str] = VoiceOpt,
    config: Optional[Path] = ConfigOpt,
) -> None:
    """Speak one line to a file, to check how a word or number is pronounced."""
    from .audio.decode import run_ffmpeg
    from .pipeline import voice_settings
    from .render import script_options
    from .speech import speak
    from .synth import Synthesizer

    show = _show(config, engine=engine, voice=voice)
    spoken = speak(text, script_options(show))
    settings = voice_settings(show)
    with Synthesizer(settings, jobs=1) as synthesizer:
        clip = synthesizer.render([spoken])[0]
    fmt = ["-f", "wav"] if output.suffix.lower() == ".wav" else ["-f", "mp3", "-b:a", "96k"]
    data = run_ffmpeg(["-f", "s16le", "-ar", str(clip.sample_rate), "-ac", "1", "-i", "pipe:0",
                       "-ar", "44100", *fmt, "pipe:1"], clip.pcm)
    from .fsutil import atomic_write_bytes

    atomic_write_bytes(output, data)
    out.print(f"said: {spoken}")
    err.print(f"wrote {output} ({clip.duration_ms / 1000:.1f} s)")


@app.command()
def check(
    episode: str = typer.Argument(..., help="An episode's slug in the output folder, or an episode "
                                  "file (.mp3, .m4b) with its .vtt transcript beside it."),
    output: Path = OutputOpt,
    threshold: float = typer.Option(0.7, "--threshold", min=0.0, max=1.0,
                                    help="Report sentences heard with less word agreement than this."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    fail_under: Optional[float] = typer.Option(None, "--fail-under", min=0.0, max=100.0,
                                               help="Exit with code 3 when the score is below this."),
) -> None:
    """Transcribe an episode with an independent recognizer and report sentences not heard as written."""
    from .listening import check_episode_file, locate_episode

    audio, transcript, language = locate_episode(episode, output)
    with _progress() as bars:
        task = bars.add_task("listening", total=None)
        report = check_episode_file(audio, transcript, language, threshold=threshold,
                                    progress=lambda done, total: bars.update(task, completed=done, total=total))
    if as_json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        flagged = report.flagged
        print(f"{audio.name}: score {report.score:.1f}/100 over {len(report.sentences)} sentences; "
              f"{len(flagged)} not heard as written")
        for sentence in flagged:
            print(f"  {_clock(sentence.start_ms)}  ({sentence.agreement:.0%})  {sentence.text}")
            print(f"           heard: {sentence.heard or '(nothing)'}")
    if fail_under is not None and report.score < fail_under:
        raise typer.Exit(3)


def _clock(ms: int) -> str:
    minutes, seconds = divmod(ms / 1000, 60)
    return f"{int(minutes)}:{seconds:04.1f}"


# --------------------------------------------------------------------------- feed and episodes


@app.command()
def feed(
    output: Path = OutputOpt,
    check: bool = typer.Option(False, "--check", help="Validate the feed against podcast directory rules."),
    base_url: Optional[str] = BaseUrlOpt,
    config: Optional[Path] = ConfigOpt,
) -> None:
    """Rebuild the feed and site from the catalog, or check the feed with --check."""
    from .pipeline import republish

    path = output / "feed.xml"
    if check:
        from .publish.feedcheck import check_feed

        if not path.exists():
            raise ConfigError(f"no feed at {path}; convert an article first")
        problems = check_feed(path.read_bytes(), output)
        for problem in problems:
            print(f"problem: {problem}")
        if problems:
            raise typer.Exit(1)
        out.print(f"{path}: no problems found")
        return
    show = _show(config, base_url)
    out.print(str(republish(output, show)))


@app.command()
def episodes(
    output: Path = OutputOpt,
    as_json: bool = typer.Option(False, "--json", help="Print the catalog as JSON."),
) -> None:
    """List the published episodes, newest first."""
    from .publish.catalog import Catalog

    if not (output / "audiocast.db").exists():
        raise ConfigError(f"no catalog in {output}; convert an article first")
    with Catalog(output) as catalog:
        items = catalog.episodes()
    if as_json:
        print(json.dumps([e.to_dict() for e in items], indent=2, ensure_ascii=False))
        return
    table = Table("slug", "title", "duration", "published", "chapters")
    for e in items:
        table.add_row(e.slug, e.title, _duration(e.duration_s), e.published.strftime("%Y-%m-%d"), str(len(e.chapters)))
    out.print(table)


@app.command()
def remove(
    slug: str = typer.Argument(..., help="The episode's slug (see `audiocast episodes`)."),
    output: Path = OutputOpt,
    config: Optional[Path] = ConfigOpt,
) -> None:
    """Delete an episode and its files, and republish the feed."""
    from .pipeline import remove_episode

    show = _show(config)
    episode = remove_episode(output, show, slug)
    out.print(f"removed {episode.slug}: {episode.title}")


@app.command()
def serve(
    output: Path = OutputOpt,
    port: int = typer.Option(8000, "--port", "-p", help="Port to listen on."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    allow_origin: list[str] = typer.Option(
        [], "--allow-origin", metavar="<origin>", help="An origin (https://host) whose pages may fetch the files (CORS); '*' for any. Repeatable."),
    frame_ancestor: list[str] = typer.Option(
        [], "--frame-ancestor", metavar="<origin>", help="An origin whose pages may show the embed players in an iframe. Repeatable."),
) -> None:
    """Serve the output folder over HTTP (HEAD, byte ranges, ETag), like a podcast host."""
    from .publish.serve import serve as serve_folder

    serve_folder(output, host=host, port=port, allow_origins=allow_origin, frame_ancestors=frame_ancestor,
                 on_ready=lambda url: err.print(f"serving {output} at {url}  (feed: {url}feed.xml; Ctrl-C stops)"))


@app.command()
def sync(
    feed_url: str = typer.Argument(
        ..., help="A blog's RSS or Atom feed, a read-later feed, or an OPML list of feeds (URL or file)."),
    output: Path = OutputOpt,
    limit: Optional[int] = typer.Option(None, "--limit", "-n", min=1, help="Convert at most N newest posts."),
    engine: Optional[str] = EngineOpt,
    voice: Optional[str] = VoiceOpt,
    base_url: Optional[str] = BaseUrlOpt,
    config: Optional[Path] = ConfigOpt,
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Synthesis processes (default: one per core)."),
    scheduler: Optional[str] = SchedulerOpt,
    episode_format: Optional[str] = FormatOpt,
    max_words: Optional[int] = MaxWordsOpt,
    publish_after: bool = PublishOpt,
) -> None:
    """Convert a blog's new and changed posts from its feed, then publish once."""
    from .pipeline import sync_feed

    show = _show(config, base_url, engine, voice, episode_format)
    if max_words is not None:
        show.max_words = max_words
    destination = _destination(None, show) if publish_after else None
    result = sync_feed(feed_url, output, show, limit=limit, jobs=jobs, scheduler=scheduler,
                       runner=_run_conversion,
                       on_note=lambda note: err.print(f"note: {note}", markup=False, highlight=False))
    _finish(result, output, show, destination)


# --------------------------------------------------------------------------- publish


@app.command()
def publish(
    destination: Optional[str] = typer.Argument(
        None, help="A folder, sftp://user@host[:port]/path or s3://bucket/prefix (default: publish_to)."),
    output: Path = OutputOpt,
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would be uploaded and deleted; change nothing."),
    verify: bool = typer.Option(False, "--verify", help="Re-read the destination's files and re-upload any that differ."),
    endpoint_url: Optional[str] = typer.Option(
        None, "--endpoint-url", help="S3-compatible endpoint (default: publish_endpoint_url, AWS_ENDPOINT_URL_S3)."),
    config: Optional[Path] = ConfigOpt,
) -> None:
    """Upload the output folder: changed media first, the feed last, removed episodes after."""
    show = _show(config)
    _upload(output, _destination(destination, show), endpoint_url or show.publish_endpoint_url,
            dry_run=dry_run, verify=verify)


def _destination(given: str | None, show) -> str:
    from .publish.upload import parse_destination

    destination = given or show.publish_to
    if not destination:
        raise ConfigError("no destination: give one (e.g. `audiocast publish sftp://user@host/path`) "
                          "or set publish_to in audiocast.toml")
    if parse_destination(destination).kind == "local" and not given:
        destination = str(show.resolve_path(destination))  # relative to the config file's folder
    return destination


def _upload(output: Path, destination: str, endpoint_url: str | None, *, dry_run: bool,
            verify: bool = False) -> None:
    from rich.progress import DownloadColumn, TransferSpeedColumn

    from .publish.upload import upload_folder

    bars = Progress(TextColumn("uploading"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                    TimeRemainingColumn(), console=err, transient=True, disable=not err.is_terminal)
    task = bars.add_task("upload", total=None)

    def on_plan(plan) -> None:
        bars.update(task, total=plan.upload_bytes)

    def on_file(action: str, path: str, size: int) -> None:
        bars.console.print(f"{action} {path}" + (f" ({_size(size)})" if size else ""),
                           markup=False, highlight=False)

    with bars:
        report = upload_folder(output, destination, endpoint_url=endpoint_url, dry_run=dry_run,
                               verify=verify, on_plan=on_plan, on_bytes=lambda n: bars.advance(task, n),
                               on_file=on_file)
    if report.dry_run:
        for path in report.uploaded:
            out.print(f"would upload {path}", markup=False, highlight=False)
        for path in report.deleted:
            out.print(f"would delete {path}", markup=False, highlight=False)
    verb = "would upload" if report.dry_run else "uploaded"
    out.print(f"{report.destination}: {verb} {len(report.uploaded)} files ({_size(report.bytes_uploaded)}), "
              f"skipped {len(report.skipped)} unchanged, "
              f"{'would delete' if report.dry_run else 'deleted'} {len(report.deleted)}",
              markup=False, highlight=False)


def _size(count: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1000
    return f"{count} B"


# --------------------------------------------------------------------------- voices, demo, init, cache


@app.command()
def voices() -> None:
    """List voice presets, Piper models and engines, and whether each works here."""
    from .voices import list_voices

    table = Table("kind", "name", "engine", "language", "usable", "note")
    for row in list_voices():
        table.add_row(row.kind, row.name, row.engine, row.language, "yes" if row.usable else "no", row.note)
    out.print(table)


@app.command()
def demo(
    output: Path = OutputOpt,
    engine: Optional[str] = EngineOpt,
    voice: Optional[str] = VoiceOpt,
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Synthesis processes."),
) -> None:
    """Convert the bundled sample article into the output folder."""
    from .samples import sample_article_path

    show = _show(None, engine=engine, voice=voice)
    result = _run_conversion([str(sample_article_path())], output, show, jobs=jobs, force=False)
    _finish(result, output, show)
    out.print(f"Listen: {output / 'episodes'}/*.mp3   Site: {output / 'index.html'}   "
              f"Serve: audiocast serve -o {output}")


@app.command()
def init(
    path: Path = typer.Argument(Path("audiocast.toml"), help="Where to write the show config."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
    title: Optional[str] = typer.Option(None, help="Show title."),
    author: Optional[str] = typer.Option(None, help="Show author."),
    email: Optional[str] = typer.Option(None, help="Owner e-mail for directories."),
    base_url: Optional[str] = BaseUrlOpt,
) -> None:
    """Write a commented audiocast.toml to start a show."""
    from .config import init_config

    values = {k: v for k, v in {"title": title, "author": author, "email": email, "base_url": base_url}.items() if v}
    written = init_config(path, force=force, **values)
    out.print(f"wrote {written}; edit it, then run `audiocast convert ARTICLE`")


@cache_app.callback(invoke_without_command=True)
def cache(
    ctx: typer.Context,
    clear: bool = typer.Option(False, "--clear", help="Delete every cached clip."),
) -> None:
    """Show the segment cache's size, or clear it."""
    if ctx.invoked_subcommand:
        return
    from .synth import SegmentCache

    store = SegmentCache()
    if clear:
        removed = store.clear()
        out.print(f"removed {removed} clips from {store.root}")
        return
    stats = store.stats()
    out.print(f"{stats.root}: {stats.entries} clips, {stats.size_bytes / 1024**2:.1f} MiB "
              f"(limit {stats.max_bytes / 1024**2:.0f} MiB; set AUDIOCAST_CACHE_MAX_MB to change)")


# --------------------------------------------------------------------------- entry point


def main(argv: list[str] | None = None) -> int:
    """Console entry point: one handler turns errors into one line and an exit code."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args or os.environ.get("AUDIOCAST_DEBUG") == "1"
    try:
        result = app(args=args, prog_name="audiocast", standalone_mode=False)
        if result == 130:  # Typer turns Ctrl-C (KeyboardInterrupt) into exit code 130
            raise KeyboardInterrupt
        return result if isinstance(result, int) else 0
    except typer.Exit as exc:
        if exc.exit_code == 130 and isinstance(exc.__cause__, KeyboardInterrupt):
            sys.stderr.write(INTERRUPTED + "\n")
            return 130
        return exc.exit_code
    except (typer.Abort, KeyboardInterrupt):
        # written directly: an interrupted progress display may still be buffering the console
        sys.stderr.write(INTERRUPTED + "\n")
        sys.stderr.flush()
        return 130
    except AudiocastError as exc:
        if debug:
            raise
        err.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        return 1
    except OSError as exc:  # disk full, read-only folder: the cause and the path, one line
        if debug:
            raise
        from .fsutil import describe_os_error

        err.print(f"error: {describe_os_error(exc)}", markup=False, highlight=False, soft_wrap=True)
        return 1
    except Exception as exc:  # an unexpected failure is still one line without --debug
        if _is_usage_error(exc):  # a bad option or argument: the parser's own message and code
            exc.show()
            return exc.exit_code
        if debug:
            raise
        err.print(f"error: unexpected {type(exc).__name__}: {exc} (run with --debug for details)",
                  markup=False, highlight=False, soft_wrap=True)
        return 1


def _is_usage_error(exc: Exception) -> bool:
    """The command-line parser's errors (typer's ClickException family, whichever click it uses)."""
    return any(cls.__name__ == "ClickException" for cls in type(exc).__mro__) and hasattr(exc, "show")


if __name__ == "__main__":
    sys.exit(main())
