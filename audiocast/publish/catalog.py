"""The episode catalog: one SQLite file per output folder (DIR/audiocast.db).

It remembers every published episode so the feed can be rebuilt at any time, and
it keeps each article's identity stable: the guid, slug and first publication
date are fixed the first time an article is converted and kept when the article
is edited and converted again. ``Catalog.lock()`` makes publishing single-writer
across processes.
"""

from __future__ import annotations

import errno
import json
import os
import re
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..errors import PublishError
from ..models import Episode

DB_NAME = "audiocast.db"
LOCK_NAME = ".audiocast.lock"
SLUG_MAX = 60
EPISODES_DIR = "episodes"

# Each entry upgrades the schema by one version (PRAGMA user_version counts them).
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE episodes (
        id INTEGER PRIMARY KEY,
        source_key TEXT NOT NULL UNIQUE,
        guid TEXT NOT NULL UNIQUE,
        slug TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        source TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        duration_s REAL NOT NULL,
        size_bytes INTEGER NOT NULL,
        published TEXT NOT NULL,
        updated TEXT NOT NULL,
        author TEXT,
        description TEXT,
        url TEXT,
        image TEXT,
        language TEXT,
        chapters TEXT NOT NULL DEFAULT '[]'
    );
    CREATE INDEX episodes_published ON episodes (published DESC);
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    # The episode's media type (from its format) and its files' names relative to the
    # output folder; an episode's sentence-level timeline, read only by its own page.
    """
    ALTER TABLE episodes ADD COLUMN media_type TEXT NOT NULL DEFAULT 'audio/mpeg';
    ALTER TABLE episodes ADD COLUMN files TEXT NOT NULL DEFAULT '{}';
    CREATE TABLE timelines (guid TEXT PRIMARY KEY, data TEXT NOT NULL);
    """,
)

_TRACKING_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref)$", re.IGNORECASE)
_REPLACEMENTS = [["&", " and "]]
_COLUMNS = (
    "guid", "slug", "title", "source", "content_hash", "duration_s", "size_bytes", "published",
    "updated", "author", "description", "url", "image", "language", "chapters", "media_type", "files",
)


def normalize_url(url: str) -> str:
    """One spelling per article URL: https, lower-case host, no default port, no
    fragment or tracking parameters, no trailing slash."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    port = parts.port
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    if len(path) > 1:
        path = path.rstrip("/")
    query = urlencode(
        sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
               if not _TRACKING_PARAMS.match(k))
    )
    return urlunsplit(("https", netloc, path, query, ""))


def source_key(source: str, url: str | None = None, title: str | None = None) -> str:
    """The article's identity as a URI: its canonical URL if known, else the source
    URL, else the absolute path of the source file (stdin falls back to the title)."""
    if url and urlsplit(url).scheme in ("http", "https"):
        return normalize_url(url)
    if urlsplit(source).scheme in ("http", "https"):
        return normalize_url(source)
    if source and source != "-":
        return Path(source).expanduser().resolve().as_uri()
    return "urn:audiocast:stdin:" + slugify(title or "untitled")


def canonical_key(key: str) -> str:
    """The one spelling of a source key the catalog stores: URLs normalized, absolute
    file paths as file:// URIs, anything else (e.g. "stdin:Title") as given."""
    key = key.strip()
    if urlsplit(key).scheme in ("http", "https"):
        return normalize_url(key)
    if Path(key).is_absolute():
        return Path(key).as_uri()
    return key


def derive_guid(key: str) -> str:
    """The episode guid for a source key: a UUID5, so the same article always gets the
    same guid, even in a fresh catalog."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, canonical_key(key)))


def slugify(text: str, max_len: int = SLUG_MAX) -> str:
    """ASCII, lower case, hyphen separated, at most ``max_len`` characters, cut at a word.

    Any script is transliterated ("Война и мир" -> "voina-i-mir"), so titles in
    other alphabets give readable slugs rather than all becoming "episode"."""
    from slugify import slugify as transliterated_slug

    slug = transliterated_slug(text, max_length=max_len, word_boundary=True, replacements=_REPLACEMENTS)
    return slug or "episode"


def unique_slug(title: str, taken: set[str] | frozenset[str] | list[str]) -> str:
    """A slug for ``title`` not in ``taken``: "title", else "title-2", "title-3"..."""
    taken = set(taken)
    base = slugify(title)
    if base not in taken:
        return base
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = slugify(base, SLUG_MAX - len(suffix)) + suffix
        if candidate not in taken:
            return candidate
        number += 1


def episode_files(out_dir: str | Path, slug: str) -> dict[str, Path]:
    """Where an episode's files live in the output folder (DESIGN.md contract)."""
    folder = Path(out_dir) / EPISODES_DIR
    return {
        "audio": folder / f"{slug}.mp3",
        "vtt": folder / f"{slug}.vtt",
        "srt": folder / f"{slug}.srt",
        "chapters": folder / f"{slug}.chapters.json",
    }


def delete_episode_files(out_dir: str | Path, slug: str) -> list[Path]:
    """Remove an episode's files (audio, transcripts, chapters, episode art); return those removed."""
    folder = Path(out_dir) / EPISODES_DIR
    paths = list(episode_files(out_dir, slug).values())
    paths += [folder / f"{slug}.jpg", folder / f"{slug}.png"]
    removed = []
    for path in paths:
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        removed.append(path)
    return removed


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc)


class Catalog:
    """The SQLite catalog of one output folder. Use as a context manager::

        with Catalog(out_dir) as catalog, catalog.lock():
            guid, slug = catalog.identity_for(key, title)
            ...
            catalog.upsert(episode)
    """

    def __init__(self, out_dir: str | Path):
        self.out_dir = Path(out_dir)
        self.path = self.out_dir / DB_NAME
        self._conn: sqlite3.Connection | None = None
        self._lock_fd: int | None = None
        self._lock_depth = 0

    # ------------------------------------------------------------------ lifecycle

    def open(self) -> Catalog:
        if self._conn is not None:
            return self
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise PublishError(f"cannot open catalog {self.path}: {exc}") from None
        conn.row_factory = sqlite3.Row
        self._conn = conn
        try:
            # A rollback journal leaves no -wal/-shm files beside the database in a
            # folder that is copied to a web server as it is.
            conn.execute("PRAGMA journal_mode = DELETE")
            conn.execute("PRAGMA synchronous = FULL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self.close()
            raise PublishError(f"{self.path} is not a usable audiocast catalog: {exc}") from None
        except BaseException:
            self.close()
            raise
        return self

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> Catalog:
        return self.open()

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            self.open()
        assert self._conn is not None
        return self._conn

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

    def _migrate(self) -> None:
        with self._transaction() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > len(MIGRATIONS):
                raise PublishError(
                    f"{self.path} was written by a newer audiocast (schema {version}); upgrade audiocast"
                )
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in filter(str.strip, script.split(";")):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number}")

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    # ------------------------------------------------------------------ locking

    @contextmanager
    def lock(self, timeout: float = 120.0) -> Iterator[Catalog]:
        """Hold the folder's publishing lock (an exclusive flock on DIR/.audiocast.lock).

        A second process waits for it up to ``timeout`` seconds, then fails with
        PublishError. Re-entrant within one Catalog object."""
        import fcntl

        if self._lock_depth:
            self._lock_depth += 1
            try:
                yield self
            finally:
                self._lock_depth -= 1
            return
        self.out_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.out_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + timeout
        delay = 0.01
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                        raise PublishError(f"cannot lock {self.out_dir}: {exc}") from None
                    if time.monotonic() >= deadline:
                        raise PublishError(
                            f"another audiocast run is publishing to {self.out_dir}"
                        ) from None
                    time.sleep(delay)
                    delay = min(delay * 2, 0.25)
        except BaseException:
            os.close(fd)
            raise
        self._lock_fd, self._lock_depth = fd, 1
        try:
            yield self
        finally:
            self._lock_depth = 0
            self._lock_fd = None
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    # ------------------------------------------------------------------ queries

    def _row_to_episode(self, row: sqlite3.Row) -> Episode:
        return Episode(
            guid=row["guid"],
            slug=row["slug"],
            title=row["title"],
            source=row["source"],
            content_hash=row["content_hash"],
            duration_s=row["duration_s"],
            size_bytes=row["size_bytes"],
            published=datetime.fromisoformat(row["published"]),
            updated=datetime.fromisoformat(row["updated"]),
            author=row["author"],
            description=row["description"],
            url=row["url"],
            image=row["image"],
            language=row["language"],
            chapters=json.loads(row["chapters"] or "[]"),
            media_type=row["media_type"],
            files=json.loads(row["files"] or "{}"),
        )

    def find_by_source(self, key: str) -> Episode | None:
        """The episode made from the article with this source key, if any."""
        row = self.conn.execute(
            "SELECT * FROM episodes WHERE source_key = ?", (canonical_key(key),)
        ).fetchone()
        return self._row_to_episode(row) if row else None

    def get(self, slug: str) -> Episode | None:
        row = self.conn.execute("SELECT * FROM episodes WHERE slug = ?", (slug,)).fetchone()
        return self._row_to_episode(row) if row else None

    def source_key_of(self, slug: str) -> str | None:
        row = self.conn.execute("SELECT source_key FROM episodes WHERE slug = ?", (slug,)).fetchone()
        return row[0] if row else None

    def episodes(self, limit: int | None = None) -> list[Episode]:
        """All episodes, newest first (by first publication date)."""
        sql = "SELECT * FROM episodes ORDER BY published DESC, id DESC"
        params: tuple = ()
        if limit is not None:
            sql += " LIMIT ?"
            params = (limit,)
        return [self._row_to_episode(row) for row in self.conn.execute(sql, params)]

    def slugs(self) -> set[str]:
        return {row[0] for row in self.conn.execute("SELECT slug FROM episodes")}

    def __len__(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM episodes").fetchone()[0]

    def identity_for(self, key: str, title: str) -> tuple[str, str]:
        """(guid, slug) for the article at ``key``: kept from its row if it was published
        before, else a new guid and a slug no other episode uses."""
        existing = self.find_by_source(key)
        if existing:
            return existing.guid, existing.slug
        return derive_guid(key), unique_slug(title, self.slugs())

    # ------------------------------------------------------------------ writes

    def upsert(self, episode: Episode, key: str | None = None) -> Episode:
        """Insert or update the episode of one article and return it as stored.

        The article is found by ``key`` (default: ``episode.source``, which callers
        set to the article's source key); when it is already in the catalog its guid,
        slug and first publication date are kept whatever ``episode`` says."""
        key = canonical_key(key or episode.source)
        values = {
            "guid": episode.guid,
            "slug": episode.slug,
            "title": episode.title,
            "source": episode.source,
            "content_hash": episode.content_hash,
            "duration_s": float(episode.duration_s),
            "size_bytes": int(episode.size_bytes),
            "published": _utc(episode.published).isoformat(),
            "updated": _utc(episode.updated).isoformat(),
            "author": episode.author,
            "description": episode.description,
            "url": episode.url,
            "image": episode.image,
            "language": episode.language,
            "chapters": json.dumps(episode.chapters, ensure_ascii=False),
            "media_type": episode.media_type,
            "files": json.dumps(episode.files, sort_keys=True),
        }
        try:
            with self._transaction() as conn:
                row = conn.execute(
                    "SELECT guid, slug, published FROM episodes WHERE source_key = ?", (key,)
                ).fetchone()
                if row:
                    values.update(guid=row["guid"], slug=row["slug"], published=row["published"])
                    assignments = ", ".join(f"{c} = :{c}" for c in _COLUMNS)
                    conn.execute(
                        f"UPDATE episodes SET {assignments} WHERE source_key = :source_key",
                        {**values, "source_key": key},
                    )
                else:
                    columns = ", ".join(("source_key",) + _COLUMNS)
                    marks = ", ".join(f":{c}" for c in ("source_key",) + _COLUMNS)
                    conn.execute(
                        f"INSERT INTO episodes ({columns}) VALUES ({marks})",
                        {**values, "source_key": key},
                    )
        except sqlite3.IntegrityError as exc:
            raise PublishError(
                f"episode {episode.slug!r} clashes with another episode in {self.path}: {exc}"
            ) from None
        stored = self.find_by_source(key)
        assert stored is not None
        return stored

    def remove(self, slug: str) -> Episode:
        """Delete the episode's row and return it; PublishError if there is none."""
        with self._transaction() as conn:
            row = conn.execute("SELECT * FROM episodes WHERE slug = ?", (slug,)).fetchone()
            if row is None:
                raise PublishError(f"no episode {slug!r} in {self.out_dir}")
            conn.execute("DELETE FROM episodes WHERE slug = ?", (slug,))
        return self._row_to_episode(row)

    # ------------------------------------------------------------------ show-level values

    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def feed_guid(self, derived: str) -> str:
        """The folder's podcast:guid: the first one ever used here, so it survives a
        change of base URL ("set once; keep it"). ``derived`` is stored the first time."""
        stored = self.get_meta("podcast_guid")
        if stored:
            return stored
        self.set_meta("podcast_guid", derived)
        return derived
