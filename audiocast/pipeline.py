"""convert, sync and remove: orchestration of ingest -> render -> publish, nothing else.

Rendering one episode (``render.render_episode``) is a function of serializable
inputs that returns the finished files as bytes; only ``publish_episode`` writes
the output folder, the catalog and the feed, under the catalog's lock. A failed
conversion therefore leaves everything already published as it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .config import ShowConfig
from .engines.base import VoiceSettings
from .errors import AudiocastError, IngestError
from .models import Article, Episode, Script
from .render import RenderedEpisode, RenderJob, build_script_for, content_hash, script_options


@dataclass
class ConvertResult:
    """What a convert run did, source by source."""

    published: list[Episode] = field(default_factory=list)
    unchanged: list[Episode] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (source, one-line error)
    notes: list[str] = field(default_factory=list)  # things the user should know, e.g. voice choice


# --------------------------------------------------------------------------- publish


def file_version(rendered: RenderedEpisode) -> str:
    """A short hash of the episode's file contents: the version in a re-rendered
    episode's file names, so identical contents get identical names."""
    import hashlib

    from .publish.catalog import VERSION_LENGTH

    digest = hashlib.sha256()
    for part in (rendered.audio, rendered.vtt.encode(), rendered.srt.encode(),
                 rendered.chapters_json.encode(), rendered.art or b""):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()[:VERSION_LENGTH]


def publish_episode(out_dir: Path, show: ShowConfig, article: Article, rendered: RenderedEpisode,
                    *, published: datetime | None = None, feed: bool = True) -> Episode:
    """Write the episode's files, its catalog row, the feed and the site.

    The published state moves from one complete version to the next: a re-rendered
    episode's files get new names (``episode_files`` with a version), the catalog
    row and then the feed switch to them, and only then are the old files deleted
    (by ``republish``). A kill at any moment leaves the old episode or the new one,
    each complete and matching the feed; the next run removes what is left over."""
    from .fsutil import atomic_write_bytes, atomic_write_text, fault_point
    from .publish.catalog import Catalog, derive_guid, episode_files, relative_files, unique_slug
    from .publish.site import page_data

    out_dir = Path(out_dir)
    now = datetime.now(timezone.utc)
    with Catalog(out_dir) as catalog, catalog.lock():
        key, existing = catalog.find_article(article)
        if existing:
            guid, slug, first_published = existing.guid, existing.slug, existing.published
        else:
            guid = derive_guid(key)
            slug = unique_slug(article.title, {e.slug for e in catalog.episodes()})
            first_published = published or article.date or now
        # a new episode gets plain names; a re-rendered one names its version
        files = episode_files(out_dir, slug, audio_ext=rendered.extension,
                              version=file_version(rendered) if existing else None)
        del files["page"], files["embed"]
        fault_point("before-files")
        atomic_write_bytes(files["audio"], rendered.audio)
        atomic_write_text(files["vtt"], rendered.vtt)
        atomic_write_text(files["srt"], rendered.srt)
        atomic_write_text(files["chapters"], rendered.chapters_json)
        if rendered.art:
            atomic_write_bytes(files["art"], rendered.art)
        else:
            del files["art"]
        fault_point("files-written")
        episode = Episode(
            guid=guid,
            slug=slug,
            title=article.title,
            source=key,
            content_hash=rendered.content_hash,
            duration_s=round(rendered.duration_ms / 1000, 3),
            size_bytes=len(rendered.audio),
            published=first_published,
            updated=now,
            author=article.author,
            description=article.description or _summary(rendered.script),
            url=article.url,
            image=article.image,
            language=article.language,
            chapters=rendered.timeline.chapter_rows(),
            media_type=rendered.media_type,
            files=relative_files(out_dir, files),
        )
        episode = catalog.upsert(episode, key)
        catalog.save_timeline(episode.guid, page_data(rendered.script, rendered.timeline))
        if rendered.mastering:
            catalog.set_meta(MASTERING_PREFIX + episode.guid, json.dumps(rendered.mastering, sort_keys=True))
        fault_point("catalog-written")
        if feed:
            republish(out_dir, show, catalog)
    return episode


def republish(out_dir: Path, show: ShowConfig, catalog=None) -> Path:
    """Rewrite the cover, feed.xml and index.html from the catalog, then delete what
    no episode uses any more (older versions' files, a killed run's temporaries);
    returns the feed's path."""
    from .publish.catalog import Catalog

    if catalog is None:
        with Catalog(Path(out_dir)) as owned, owned.lock():
            return _republish_locked(Path(out_dir), show, owned)
    with catalog.lock():
        return _republish_locked(Path(out_dir), show, catalog)


def _republish_locked(out_dir: Path, show: ShowConfig, catalog) -> Path:
    from .fsutil import fault_point, remove_stale_temporaries
    from .publish.catalog import EPISODES_DIR, remove_unreferenced_files
    from .publish.site import publish_folder

    feed = publish_folder(catalog, show)["feed"]
    fault_point("feed-written")
    remove_unreferenced_files(out_dir, catalog.episodes())
    remove_stale_temporaries([out_dir, out_dir / EPISODES_DIR])
    return feed


def _summary(script: Script, limit: int = 600) -> str:
    words: list[str] = []
    for segment in script.segments():
        if segment.kind == "sentence":
            words.append(segment.written)
        if sum(len(w) + 1 for w in words) > limit:
            break
    return " ".join(words)[:limit].strip()


# --------------------------------------------------------------------------- convert


#: catalog meta key (+ episode guid) of the mastering an episode was last rendered with
MASTERING_PREFIX = "mastering:"


def published_state(out_dir: Path, article: Article) -> tuple[Episode | None, dict | None]:
    """This article's published episode, if any, and how it was mastered (gain, bumper
    level), so a re-render can keep that and re-encode only the pieces that changed."""
    from .publish.catalog import DB_NAME, Catalog

    if not (Path(out_dir) / DB_NAME).exists():
        return None, None
    with Catalog(out_dir) as catalog:
        _, existing = catalog.find_article(article)
        raw = catalog.get_meta(MASTERING_PREFIX + existing.guid) if existing else None
    try:
        mastering = json.loads(raw) if raw else None
    except ValueError:
        mastering = None
    return existing, mastering if isinstance(mastering, dict) else None


def unchanged_episode(existing: Episode | None, out_dir: Path, digest: str) -> Episode | None:
    """The published episode if its content hash matches and its files exist."""
    from .publish.catalog import published_files_exist

    if existing is None or existing.content_hash != digest:
        return None
    return existing if published_files_exist(Path(out_dir), existing) else None


def with_resolved_paths(show: ShowConfig) -> ShowConfig:
    """The show with custom bumper files made absolute against its config file's folder,
    so a render job finds them wherever it runs."""
    from dataclasses import replace

    changes = {}
    for name in ("intro_bumper", "transition_bumper", "outro_bumper"):
        value = getattr(show.production, name)
        if value and value != "none":
            changes[name] = str(show.resolve_path(value))
    if not changes:
        return show
    return replace(show, production=replace(show.production, **changes))


def voice_for_article(article: Article, voice: VoiceSettings, show: ShowConfig) -> tuple[VoiceSettings, str | None]:
    """The voice for this article: ``voice`` when it speaks the article's language, else
    an installed voice that does (with a note), else ``voice`` with a note that none does."""
    from .languages import primary_language
    from .voices import voice_for_language

    wanted = primary_language(article.language)
    have = primary_language(voice.language)
    if not wanted or not have or wanted == have:
        return voice, None
    other = voice_for_language(wanted)
    if other is None:
        return voice, (f"the article is in {article.language!r} but no voice for that language is "
                       f"installed; reading it with {_voice_label(voice)} ({voice.language}). Add a "
                       f"Piper model for it to voices/ or pick one with --voice")
    lexicon = script_options(show).lexicon
    if lexicon is not None:
        other.lexicon = lexicon.phonemes()
    return other, f"the article is in {article.language!r}; reading it with {_voice_label(other)}"


def _voice_label(voice: VoiceSettings) -> str:
    return f"the {voice.engine} voice {voice.name}" if voice.name else f"{voice.engine}'s default voice"


def voice_settings(show: ShowConfig, engine: str | None = None, voice: str | None = None) -> VoiceSettings:
    """The voice to use: a preset from voices/*.toml, else the engine's default voice."""
    from .voices import resolve_voice

    settings = resolve_voice(engine or show.production.engine, voice or show.production.voice,
                             language=show.language)
    lexicon = script_options(show).lexicon
    if lexicon is not None:
        settings.lexicon = lexicon.phonemes()  # engines that read phonemes apply these
    return settings


def convert(
    sources: Iterable[str],
    out_dir: Path,
    show: ShowConfig,
    *,
    executor,
    force: bool = False,
    on_start: Callable[[str, int], None] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    on_done: Callable[..., None] | None = None,
    stdin_text: str | None = None,
    loader: Callable[[str], Article] | None = None,
    defer_publish: bool = False,
    on_note: Callable[[str, str], None] | None = None,
    verify: bool = False,
) -> ConvertResult:
    """Convert each source and publish it; a failed source is recorded and the rest go on.

    Sources are read and scripted here; rendering goes to ``executor`` (local or
    Dask, see executors.py); each finished episode is published as it arrives.
    ``loader`` turns a source into an Article (default: ingest.load_article).
    With ``defer_publish`` the feed and site are written once at the end instead
    of after every episode (episode files and catalog rows are still written as
    each episode finishes, so an interrupted run loses nothing). With ``verify``
    every clip is heard by the recognizer first (see listening.py).
    """
    from .unchanged import digest_of_source, expected_synthesis, remember_source, unchanged_source

    def load_article(source: str) -> Article:
        from .ingest import load_article

        return load_article(source, stdin_text=stdin_text)

    load = loader or load_article
    show = with_resolved_paths(show)
    result = ConvertResult()
    articles: dict[str, Article] = {}
    check_writable(out_dir)  # a read-only or unlockable folder fails before any synthesis
    # a local file's bytes and the settings decide "unchanged" before anything is parsed
    # (when the executor reads with the show's own voice, the one the settings digest stands for)
    quick = loader is None and executor.voice.to_dict() == voice_settings(show).to_dict()
    settings = settings_digest_of(show) if quick else ""
    read_digests: dict[str, str] = {}

    def prepared() -> Iterator[tuple[str, RenderJob, Script]]:
        """Each source read and scripted, in order, as the executor asks for the next."""
        warm_up = getattr(executor, "warm_up", None)
        for source in sources:
            try:
                existing = None if force or not quick else unchanged_source(out_dir, source, settings)
                if existing is not None:
                    result.unchanged.append(existing)
                    if on_done:
                        on_done(source, existing, None)
                    continue
                expected = expected_synthesis(out_dir, source, WARM_UP_MIN_BYTES) \
                    if warm_up is not None and quick else None
                if expected is not None:
                    # the voice loads (in the workers for a new article, here for an
                    # edit's few sentences) while this article is read and scripted
                    warm_up(many=expected == "all")
                    warm_up = None
                try:
                    digest_read = digest_of_source(source) if quick else None
                    if digest_read:
                        read_digests[source] = digest_read
                    article = load(source)
                except OSError as exc:  # one unreadable source does not stop the batch
                    from .fsutil import describe_os_error

                    raise IngestError(f"cannot read {source}: {describe_os_error(exc)}") from None
                check_length(article, show)
                script = build_script_for(article, show)
                voice, note = voice_for_article(article, executor.voice, show)
                if note:
                    result.notes.append(f"{source}: {note}")
                    if on_note:
                        on_note(source, note)
                digest = content_hash(script, voice.to_dict(), show, article)
                published, mastering = (None, None) if force else published_state(out_dir, article)
                existing = unchanged_episode(published, out_dir, digest)
            except AudiocastError as exc:
                _record_failure(result, source, exc, on_done)
                continue
            if existing is not None:
                if source in read_digests:
                    remember_source(out_dir, source, settings, existing, read_digests[source])
                result.unchanged.append(existing)
                if on_done:
                    on_done(source, existing, None)
                continue
            art, art_note = lead_image_art(article)
            if art_note:
                result.notes.append(f"{source}: {art_note}")
                if on_note:
                    on_note(source, art_note)
            cover = (art, "image/jpeg") if art else _episode_cover(out_dir, show)
            job = RenderJob(article=article, show=show, voice=voice, cover=cover[0], cover_mime=cover[1],
                            episode_art=art is not None, verify=verify,
                            mastering=mastering)
            articles[source] = article
            if on_start:
                on_start(source, len(script.sections))
            yield source, job, script
        from .ingest.language import release_language_model

        release_language_model()  # every source is read

    # the local executor reads the next source while this one is synthesized (a blog's
    # posts are scripted behind the first one's synthesis); Dask takes them all at once
    work = prepared() if getattr(executor, "streams_work", False) else list(prepared())
    try:
        for source, outcome in executor.render(work, progress):
            if isinstance(outcome, AudiocastError):
                _record_failure(result, source, outcome, on_done)
                continue
            for note in verify_notes(outcome):
                result.notes.append(f"{source}: {note}")
                if on_note:
                    on_note(source, note)
            try:
                episode = publish_episode(out_dir, show, articles[source], outcome, feed=not defer_publish)
            except AudiocastError as exc:
                _record_failure(result, source, exc, on_done)
                continue
            if source in read_digests:
                remember_source(out_dir, source, settings, episode, read_digests[source])
            result.published.append(episode)
            if on_done:
                on_done(source, episode, None, synthesized=outcome.synthesized)
    finally:
        if defer_publish and result.published:
            republish(out_dir, show)
    if not result.published and (result.unchanged or not result.failed):
        republish(out_dir, show)
    return result


#: a new local file at least this long (about a dozen sentences: the synthesis pool's
#: threshold) starts the synthesis workers before it is read
WARM_UP_MIN_BYTES = 1500


def settings_digest_of(show: ShowConfig) -> str:
    """The settings digest ``unchanged_source`` compares (see unchanged.py)."""
    from .unchanged import settings_digest

    return settings_digest(show)


def all_unchanged(sources: list[str], out_dir: Path, show: ShowConfig) -> list[Episode] | None:
    """The episodes of ``sources`` when every one is a local file unchanged since it was
    converted (its bytes and the settings, see unchanged.py), else None. Decided without
    parsing a source or loading a voice, so a re-run of an unchanged batch costs little
    more than start-up; the feed and site are rewritten only if one is missing."""
    from .unchanged import unchanged_source

    show = with_resolved_paths(show)
    settings = settings_digest_of(show)
    episodes = []
    for source in sources:
        episode = unchanged_source(out_dir, source, settings)
        if episode is None:
            return None
        episodes.append(episode)
    if not ((Path(out_dir) / "feed.xml").exists() and (Path(out_dir) / "index.html").exists()):
        republish(out_dir, show)
    return episodes


def check_length(article: Article, show: ShowConfig) -> None:
    """Refuse an article longer than ``show.max_words`` (0: no limit), before any synthesis."""
    limit = show.max_words
    if not limit:
        return
    words = len(article.plain_text().split())
    if words > limit:
        raise IngestError(
            f"{article.source or 'the article'} has {words:,} words, more than the limit of "
            f"{limit:,} (about {limit / WORDS_PER_MINUTE / 60:.1f} hours of audio); raise max_words "
            f"in audiocast.toml or pass --max-words"
        )


#: speaking rate used to express the word limit as audio time
WORDS_PER_MINUTE = 150


def check_writable(out_dir: Path) -> None:
    """Fail with one line when the output folder cannot be written (its lock file is
    the first thing publishing writes), so a read-only folder is found before synthesis."""
    import os

    from .errors import PublishError
    from .fsutil import describe_os_error
    from .publish.catalog import LOCK_NAME

    import errno

    out_dir = Path(out_dir)
    lock = out_dir / LOCK_NAME
    try:
        if lock.exists():
            os.close(os.open(lock, os.O_RDWR))
            return
        folder = out_dir  # nothing is created here: a failed run leaves no trace
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        if not folder.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "not a directory", str(folder))
        if not os.access(folder, os.W_OK):
            read_only = bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
            raise OSError(errno.EROFS if read_only else errno.EACCES, "not writable", str(lock))
    except OSError as exc:
        raise PublishError(f"cannot write to {out_dir}: {describe_os_error(exc, lock)}") from None


def verify_notes(rendered: RenderedEpisode) -> list[str]:
    """What ``--verify`` did to an episode, as lines for the user."""
    report = rendered.verify_report
    if report is None:
        return []
    notes = [f"listening check: {report.checked} clips heard, {len(report.retried)} synthesized again "
             f"more slowly, {len(report.failed)} still not heard as written"]
    for check in report.failed:
        notes.append(f"not heard as written ({check.agreement:.0%}): {check.text!r}, heard {check.heard!r}")
    return notes


def _record_failure(result: ConvertResult, source: str, exc: AudiocastError, on_done) -> None:
    if _is_engine_unavailable(exc):
        raise exc
    result.failed.append((source, str(exc)))
    if on_done:
        on_done(source, None, str(exc))


def remove_episode(out_dir: Path, show: ShowConfig, slug: str) -> Episode:
    """Delete an episode's catalog row, republish the feed and site without it, then
    delete every file of it (audio, transcripts, chapters, artwork, page)."""
    from .errors import PublishError
    from .publish.catalog import Catalog, delete_episode_files

    out_dir = Path(out_dir)
    if not (out_dir / "audiocast.db").exists():
        raise PublishError(f"no catalog in {out_dir}")
    with Catalog(out_dir) as catalog, catalog.lock():
        episode = catalog.remove(slug)
        republish(out_dir, show, catalog)
        delete_episode_files(out_dir, episode)
    return episode


def sync_feed(feed_url: str, out_dir: Path, show: ShowConfig, *, limit: int | None = None,
              jobs: int | None = None, scheduler: str | None = None, runner=None,
              on_note: Callable[[str], None] | None = None) -> ConvertResult:
    """Convert a blog's posts that are new or changed since the last sync; publish once.

    Unchanged posts are recognized by their content hash and never synthesized.
    ``runner`` is the conversion driver (the CLI passes one with progress bars).
    ``on_note`` hears about the feed itself: that it has no items, or that it was
    malformed and read leniently.
    """
    from .ingest import article_from_post, read_blog_feed

    feed_notes: list[str] = []
    posts = read_blog_feed(feed_url, notes=feed_notes)
    if not posts:
        feed_notes.append(f"the feed {feed_url} has no items; nothing to convert")
    for note in feed_notes:
        if on_note:
            on_note(note)
    if limit:
        posts = posts[:limit]
    by_key = {post.url or post.guid: post for post in posts}

    def load(key: str) -> Article:
        post = by_key[key]
        article = article_from_post(post)
        article.url = article.url or post.url or None
        return article

    if runner is None:
        result = convert_with_executor(list(by_key), out_dir, show, jobs=jobs, loader=load,
                                       defer_publish=True, scheduler=scheduler)
    else:
        result = runner(list(by_key), out_dir, show, jobs=jobs, force=False, loader=load,
                        defer_publish=True, label="posts", scheduler=scheduler)
    result.notes[:0] = feed_notes
    return result


def convert_with_executor(sources: list[str], out_dir: Path, show: ShowConfig, *,
                          jobs: int | None = None, scheduler: str | None = None,
                          **options) -> ConvertResult:
    """convert() with an executor made for this show's voice and closed afterwards."""
    from .executors import make_executor

    with make_executor(voice_settings(show), jobs=jobs, scheduler=scheduler) as executor:
        return convert(sources, out_dir, show, executor=executor, **options)


def _is_engine_unavailable(exc: Exception) -> bool:
    from .errors import EngineUnavailable

    return isinstance(exc, EngineUnavailable)


def lead_image_art(article: Article) -> tuple[bytes | None, str | None]:
    """Episode artwork from the article's lead image (a URL or a file), or (None, why not)."""
    from .errors import IngestError, PublishError
    from .publish.artwork import square_episode_art

    image = article.image
    if not image:
        return None, None
    try:
        if image.startswith(("http://", "https://")):
            from .ingest.web import download_bytes

            data = download_bytes(image, timeout=15, max_bytes=15_000_000, max_redirects=5,
                                  accept="image/*").content
        else:
            path = Path(image)
            if not path.is_absolute() and article.source and article.source != "-":
                path = Path(article.source).parent / path
            data = path.read_bytes()
        return square_episode_art(data), None
    except (IngestError, PublishError, OSError) as exc:
        return None, f"lead image not used as episode art ({exc}); using the show's cover"


def _episode_cover(out_dir: Path, show: ShowConfig) -> tuple[bytes, str]:
    """The show's cover for the MP3's APIC frame; nothing is written until publishing."""
    from .publish.artwork import cover_image

    data, name = cover_image(Path(out_dir), show)
    return data, "image/png" if name.endswith(".png") else "image/jpeg"
