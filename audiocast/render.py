"""Rendering one episode: a serializable job in, finished bytes and metadata out.

``render_episode`` never writes the output folder, the catalog or the feed; the
caller (the pipeline, locally or with episodes rendered on Dask workers) does.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from . import __version__
from .config import ShowConfig
from .engines.base import VoiceSettings
from .models import Article, Clip, Script, Timeline
from .synth import Progress, Synthesizer

if TYPE_CHECKING:
    from .listening import VerifyReport


@dataclass
class RenderJob:
    """Everything needed to render one episode; plain data, so it can go to another process."""

    article: Article
    show: ShowConfig
    voice: VoiceSettings
    published: datetime | None = None
    cover: bytes | None = None
    cover_mime: str = "image/jpeg"
    episode_art: bool = False  # the cover is this episode's own art (from the article)
    verify: bool = False  # check every clip with the recognizer; re-synthesize those heard wrongly
    #: the mastering of this episode's last render (audio/pieces.py Mastering.to_dict), whose
    #: gain a re-render keeps while the loudness stays in tolerance; None renders afresh
    mastering: dict | None = None


@dataclass
class RenderedEpisode:
    """A finished episode: file contents plus the metadata the catalog and feed need."""

    title: str
    audio: bytes  # the finished episode file, in the show's format
    vtt: str
    srt: str
    chapters_json: str
    duration_ms: int
    timeline: Timeline
    script: Script
    content_hash: str
    synthesized: int = 0  # clips made by the engine rather than found in the cache
    art: bytes | None = None  # episode artwork (JPEG) made from the article's lead image
    extension: str = "mp3"  # the episode file's, from its format (audio/formats.py)
    media_type: str = "audio/mpeg"
    verify_report: VerifyReport | None = None  # what --verify found, when it was asked for
    mastering: dict | None = None  # how it was mastered, for the next render (RenderJob.mastering)


def script_options(show: ShowConfig, article: Article | None = None):
    """Script settings for this show (lexicon files included) and, if given, this article."""
    from .speech import ScriptOptions

    options = ScriptOptions.from_config(show)
    language = (article.language if article and article.language else show.language) or "en"
    options.language = language.split("-")[0].lower()
    if article is not None and article.author:
        options.author = article.author
    return options


def build_script_for(article: Article, show: ShowConfig) -> Script:
    from .speech import build_script

    return build_script(article, script_options(show, article))


def content_hash(script: Script, voice_identity: dict, show: ShowConfig, article: Article) -> str:
    """Changes whenever the episode's audio, tags or transcript would change."""
    payload = {
        "v": __version__,
        "script": [(s.title, s.level, [(g.kind, g.spoken, g.written, g.pause_after) for g in s.segments])
                   for s in script.sections],
        "voice": voice_identity,  # VoiceSettings.to_dict() of the voice that reads it
        "production": show.production.to_dict(),
        "tags": [show.title, article.author or show.author, article.description, article.url, article.image],
    }
    if article.album:
        payload["album"] = article.album
    blob = json.dumps(payload, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()


def spoken_texts(script: Script) -> list[str]:
    """What the engine reads for each segment of the script, in order."""
    return [segment.spoken for segment in script.segments()]


def render_episode(job: RenderJob, synthesizer: Synthesizer, progress: Progress | None = None,
                   script: Script | None = None, clips: list[Clip] | None = None,
                   synthesized: int = 0) -> RenderedEpisode:
    """Script -> synthesized, assembled, normalized, encoded and tagged audio, plus transcripts.

    With ``clips`` (one per ``spoken_texts(script)``, made earlier, e.g. while the
    previous episode was being encoded) nothing is synthesized; ``synthesized`` then
    says how many of them the engine made."""
    from .audio import assemble, normalize_loudness
    from .audio.formats import get_format
    from .audio.pieces import Mastering, PieceStore, cut_granularity, render_pieces
    from .synth import default_jobs
    from .publish.tags import EpisodeTags
    from .publish.transcript import to_chapters_json, to_srt, to_vtt

    article, show = job.article, job.show
    production = show.production
    episode_format = get_format(production.format)
    script = script or build_script_for(article, show)
    segments = list(script.segments())
    if clips is None:
        before = synthesizer.synthesized
        clips = synthesizer.render([segment.spoken for segment in segments], progress)
        synthesized = synthesizer.synthesized - before
    verify_report = None
    if job.verify:
        clips, verify_report = verify_episode_clips(job, segments, clips)
    prior = Mastering.from_dict(job.mastering)
    rate = max(clip.sample_rate for clip in clips) if clips else 0
    pieces = episode_format.name == "mp3" and cut_granularity(rate) is not None
    if prior is not None and not (pieces and prior.fits(production.loudness_lufs, production.true_peak_db,
                                                         rate, production.bitrate_kbps)):
        prior = None
    # work at the voice's own rate; the encoder resamples to 44.1 kHz (half the memory)
    assembled = assemble(script, clips, production, sample_rate=None,
                         voice_lufs=prior.voice_lufs if prior else None)
    del clips  # laid out in the track: an hour of speech need not be held twice
    tags = EpisodeTags(
        title=article.title,
        author=article.author or show.author,
        show=article.album or show.title,
        date=job.published or article.date or datetime.now(timezone.utc),
        description=article.description or "",
        source_url=article.url,
        cover=job.cover,
        cover_mime=job.cover_mime,
        language=article.language or show.language,
    )
    mastering = None
    if pieces:
        result = render_pieces(assembled.samples, assembled.sample_rate, assembled.cuts,
                               target_lufs=production.loudness_lufs, true_peak_db=production.true_peak_db,
                               bitrate_kbps=production.bitrate_kbps, voice_lufs=assembled.voice_lufs,
                               prior=prior, store=PieceStore(synthesizer.cache.root),
                               jobs=getattr(synthesizer, "jobs", None) or default_jobs())
        audio = episode_format.tag(result.mp3, tags, assembled.timeline)
        mastering = result.mastering.to_dict() if result.mastering else None
    else:
        samples = normalize_loudness(assembled.samples, assembled.sample_rate, production.loudness_lufs,
                                     production.true_peak_db, out=assembled.samples)
        audio = episode_format.render(samples, assembled.sample_rate, production.bitrate_kbps,
                                      assembled.timeline, tags)
    timeline = assembled.timeline
    language = article.language or show.language
    return RenderedEpisode(
        title=article.title,
        audio=audio,
        vtt=to_vtt(timeline, language=language),
        srt=to_srt(timeline),
        chapters_json=to_chapters_json(timeline),
        duration_ms=timeline.duration_ms,
        timeline=timeline,
        script=script,
        content_hash=content_hash(script, job.voice.to_dict(), show, article),
        synthesized=synthesized,
        art=job.cover if job.episode_art else None,
        extension=episode_format.extension,
        media_type=episode_format.media_type,
        verify_report=verify_report,
        mastering=mastering,
    )


def verify_episode_clips(job: RenderJob, segments: list, clips: list) -> tuple[list, VerifyReport]:
    """Every clip heard by the recognizer; those heard wrongly are synthesized again more slowly."""
    from .listening import slower_voice, verify_clips

    slower = slower_voice(job.voice)
    helper: list[Synthesizer] = []

    def resynthesize(texts: list[str]) -> list:
        helper.append(Synthesizer(slower, jobs=1))
        return helper[-1].render(texts)

    language = job.article.language or job.show.language or "en"
    try:
        return verify_clips([segment.spoken for segment in segments], clips, language,
                            resynthesize if slower is not None else None)
    finally:
        for synthesizer in helper:
            synthesizer.close()
