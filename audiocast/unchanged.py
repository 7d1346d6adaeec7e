"""Recognize an unchanged source from its bytes and the settings, before reading it.

A re-convert of a file that has not changed should cost little more than starting
Python: no parsing, normalizing, language detection, voice loading or feed
rendering. After every conversion of a local file the catalog's ``meta`` table
keeps a record for the file's path: a digest of its bytes, a digest of every
setting the episode depends on, and the episode it became (guid and content
hash). A later run whose two digests match, and whose episode is still the
catalog's with all its files present, is unchanged.

Only local files are checked this way; a URL must be fetched to know its bytes,
and standard input has no identity, so both take the full path (the content
hash check in the pipeline). Anything that does not match simply falls back to it.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from . import __version__
from .config import ShowConfig
from .models import Episode

_META_PREFIX = "source-digest:"


def local_source(source: str) -> Path | None:
    """The source as a local file's resolved path, or None (URL, stdin, missing file)."""
    if source == "-" or "://" in source:
        return None
    path = Path(source)
    try:
        return path.resolve() if path.is_file() else None
    except OSError:
        return None


def source_digest(path: Path) -> str:
    """SHA-256 of the file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def digest_of_source(source: str) -> str | None:
    """``source_digest`` of a local file source; None for other sources or an unreadable file."""
    path = local_source(source)
    if path is None:
        return None
    try:
        return source_digest(path)
    except OSError:
        return None


def settings_digest(show: ShowConfig) -> str:
    """A digest of everything besides the source that an episode depends on: the
    program's version, the whole show config (production settings included, after
    command-line overrides) and the files it names (bumpers, lexicon, artwork), and
    the voices folders (presets, Piper models, per-voice lexicons) by name, size and
    modification time. The show's voice follows from these (``pipeline.voice_settings``);
    a conversion with another voice does not use the record."""
    production = show.production
    named = [production.intro_bumper, production.transition_bumper, production.outro_bumper,
             production.lexicon, show.artwork]
    files = [str(show.resolve_path(value)) for value in named if value and value != "none"]
    if show.path:
        files.append(str(Path(show.path).resolve()))
    payload = {
        "v": __version__,
        "show": show.to_dict(),
        "files": [_signature(Path(name)) for name in files],
        "voices": [_signature(path) for folder in [*_voice_dirs(), show.resolve_path("voices")]
                   for path in _listing(folder)],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def unchanged_source(out_dir: Path, source: str, settings: str) -> Episode | None:
    """The published episode of a local file whose bytes and settings match its
    record, with its files present; else None."""
    from .publish.catalog import DB_NAME, Catalog, published_files_exist

    path = local_source(source)
    if path is None or not (Path(out_dir) / DB_NAME).exists():
        return None
    with Catalog(out_dir) as catalog:
        record = _record(catalog, path)
        if record is None or record.get("settings") != settings:
            return None
        episode = _episode_by_guid(catalog, record.get("guid"))
    if episode is None or episode.content_hash != record.get("content_hash"):
        return None
    try:
        if source_digest(path) != record.get("source"):
            return None
    except OSError:
        return None
    return episode if published_files_exist(Path(out_dir), episode) else None


def expected_synthesis(out_dir: Path, source: str, min_bytes: int = 0) -> str | None:
    """What a local file that is not unchanged will most likely have synthesized: "all"
    of it when it is at least ``min_bytes`` and was never converted into ``out_dir``,
    "some" when it was (an edit), None for anything else (a URL, a short new file)."""
    path = local_source(source)
    if path is None:
        return None
    from .publish.catalog import DB_NAME, Catalog

    if (Path(out_dir) / DB_NAME).exists():
        with Catalog(out_dir) as catalog:
            if _record(catalog, path) is not None:
                return "some"
    try:
        return "all" if path.stat().st_size >= min_bytes else None
    except OSError:
        return None


def remember_source(out_dir: Path, source: str, settings: str, episode: Episode,
                    digest: str | None = None) -> None:
    """Record what this local file became, for the next run's ``unchanged_source``.
    ``digest`` is the bytes' digest taken before the file was read (so an edit made
    during the conversion is not recorded as converted); taken now when None."""
    path = local_source(source)
    if path is None:
        return
    from .publish.catalog import Catalog

    try:
        digest = digest or source_digest(path)
    except OSError:
        return
    record = {"source": digest, "settings": settings, "guid": episode.guid,
              "content_hash": episode.content_hash}
    with Catalog(out_dir) as catalog:
        catalog.set_meta(_META_PREFIX + str(path), json.dumps(record, sort_keys=True))


def _record(catalog, path: Path) -> dict | None:
    """What ``remember_source`` kept for this file in the catalog, or None."""
    stored = catalog.get_meta(_META_PREFIX + str(path))
    try:
        record = json.loads(stored) if stored else None
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


def _episode_by_guid(catalog, guid: str | None) -> Episode | None:
    if not guid:
        return None
    for episode in catalog.episodes():
        if episode.guid == guid:
            return episode
    return None


def _voice_dirs() -> list[Path]:
    from .engines.piper import voice_dirs

    return voice_dirs()


def _listing(folder: Path) -> list[Path]:
    try:
        return sorted(entry for entry in folder.iterdir() if entry.is_file())
    except OSError:
        return []


def _signature(path: Path) -> tuple[str, int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return (str(path), -1, -1)
    return (str(path), st.st_size, st.st_mtime_ns)
