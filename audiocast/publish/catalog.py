"""The episode catalog: one SQLite file per output folder (DIR/audiocast.db).

It remembers every published episode so the feed can be rebuilt at any time, and
it keeps each article's identity stable: the guid, slug and first publication
date are fixed the first time an article is converted and kept when the article
is edited and converted again. ``Catalog.lock()`` makes publishing single-writer
across processes.
"""

from __future__ import annotations

import json
import re
import sqlite3
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

_URI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")
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
    """The article's identity as a URI, the one spelling the catalog stores: its
    canonical URL if known, else the source URL, else the absolute path of the source
    file as a file:// URI, else a source that is already a URI (a feed item's
    ``tag:`` guid), else for standard input a URN made from the title."""
    if url and urlsplit(url).scheme in ("http", "https"):
        return normalize_url(url)
    if urlsplit(source).scheme in ("http", "https"):
        return normalize_url(source)
    if source and source != "-":
        path = Path(source).expanduser()
        if _URI_SCHEME.match(source) and not path.exists():
            return source
        return path.resolve().as_uri()
    return "urn:audiocast:stdin:" + slugify(title or "untitled")


def article_key(article) -> str:
    """``source_key`` of an Article (what identifies it across edits)."""
    return source_key(article.source or "-", article.url, article.title)


def _legacy_keys(article) -> list[str]:
    """Keys earlier versions stored for this article (raw sources, "stdin:Title")."""
    if not article.source or article.source == "-":
        return ["stdin:" + article.title]
    return [article.source]


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


AUDIO_EXTENSION = "mp3"
#: the kinds of file an episode has besides its page; "art" only when it has its own artwork
FILE_KINDS = ("audio", "vtt", "srt", "chapters", "art")
#: what a version looks like in a file name: episodes/<slug>.<version>.<ext>
VERSION_LENGTH = 10
_OWNED_FILE = re.compile(
    r"^(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)(?:\.(?P<version>[0-9a-f]{%d}))?"
    r"\.(?P<kind>mp3|m4b|m4a|mp4|vtt|srt|chapters\.json|jpg|png|html|embed\.html)$" % VERSION_LENGTH
)


def episode_files(out_dir: str | Path, episode: Episode | str, *, audio_ext: str = AUDIO_EXTENSION,
                  version: str | None = None) -> dict[str, Path]:
    """The one naming of an episode's files, as absolute paths keyed by kind.

    Given an Episode whose row lists its files (``Episode.files``), those; given a
    slug (or an older row without file names), the names an episode with that slug
    gets: ``episodes/<slug>[.<version>].<audio_ext>``, ``.vtt``, ``.srt``,
    ``.chapters.json`` and ``.jpg`` (its own artwork). A re-rendered episode is
    written under a new ``version`` (a short hash of its content), so the files
    the feed points at are never overwritten in place. "page" is the episode's
    page, ``episodes/<slug>.html``, and "embed" its compact player page,
    ``episodes/<slug>.embed.html``; their names never change.
    """
    out_dir = Path(out_dir)
    folder = out_dir / EPISODES_DIR
    slug = episode if isinstance(episode, str) else episode.slug
    pages = {"page": folder / f"{slug}.html", "embed": folder / f"{slug}.embed.html"}
    if not isinstance(episode, str) and episode.files:
        named = {kind: out_dir / Path(rel) for kind, rel in episode.files.items()}
        return {**named, **pages}
    stem = f"{slug}.{version}" if version else slug
    return {
        "audio": folder / f"{stem}.{audio_ext.lstrip('.')}",
        "vtt": folder / f"{stem}.vtt",
        "srt": folder / f"{stem}.srt",
        "chapters": folder / f"{stem}.chapters.json",
        "art": folder / f"{stem}.jpg",
        **pages,
    }


def published_files_exist(out_dir: str | Path, episode: Episode) -> bool:
    """Whether the files the feed points at (audio, transcripts, chapters) are in the folder."""
    files = episode_files(Path(out_dir), episode)
    return all(path.exists() for kind, path in files.items() if kind in ("audio", "vtt", "srt", "chapters"))


def relative_files(out_dir: str | Path, files: dict[str, Path]) -> dict[str, str]:
    """``files`` as Episode.files stores them: POSIX paths relative to the output folder."""
    out_dir = Path(out_dir)
    return {kind: path.relative_to(out_dir).as_posix() for kind, path in files.items()
            if kind not in ("page", "embed")}


def delete_episode_files(out_dir: str | Path, episode: Episode | str) -> list[Path]:
    """Remove every file of an episode (audio, transcripts, chapters, artwork, page,
    whatever version); return those removed. The one removal path."""
    out_dir = Path(out_dir)
    slug = episode if isinstance(episode, str) else episode.slug
    paths = set(episode_files(out_dir, episode).values()) | set(episode_files(out_dir, slug).values())
    paths.add(out_dir / EPISODES_DIR / f"{slug}.png")
    folder = out_dir / EPISODES_DIR
    if folder.is_dir():
        for path in folder.iterdir():
            match = _OWNED_FILE.match(path.name)
            if match and match["slug"] == slug and match["version"]:
                paths.add(path)
    return _unlink(sorted(paths))


def remove_unreferenced_files(out_dir: str | Path, episodes: list[Episode]) -> list[Path]:
    """Delete files in episodes/ that look like an episode's but no episode uses:
    earlier versions of re-rendered episodes and files of removed ones. Call it
    holding the lock, after the feed and site were rewritten from ``episodes``."""
    out_dir = Path(out_dir)
    folder = out_dir / EPISODES_DIR
    if not folder.is_dir():
        return []
    used = {path.name for episode in episodes for path in episode_files(out_dir, episode).values()}
    used |= {f"{episode.slug}.png" for episode in episodes if not episode.files}
    return _unlink([path for path in folder.iterdir()
                    if path.name not in used and _OWNED_FILE.match(path.name) and path.is_file()])


def _unlink(paths: list[Path]) -> list[Path]:
    """Delete ``paths``; return those that were there."""
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
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise PublishError(f"cannot write the catalog {self.path}: {exc}") from None
        try:
            yield conn
        except sqlite3.OperationalError as exc:  # e.g. "database or disk is full"
            conn.execute("ROLLBACK")
            raise PublishError(f"cannot write the catalog {self.path}: {exc}") from None
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            try:
                conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                conn.execute("ROLLBACK")
                raise PublishError(f"cannot write the catalog {self.path}: {exc}") from None

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version == len(MIGRATIONS):
            return  # up to date: nothing to write (the folder may be read-only)
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
        """Hold the folder's publishing lock (DIR/.audiocast.lock, through ``filelock``).

        A second process waits for it up to ``timeout`` seconds, then fails with
        PublishError saying another run holds it. Re-entrant within one Catalog object."""
        from filelock import FileLock, Timeout

        if self._lock_depth:
            self._lock_depth += 1
            try:
                yield self
            finally:
                self._lock_depth -= 1
            return
        lock_path = self.out_dir / LOCK_NAME
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            file_lock = FileLock(lock_path, timeout=timeout, mode=0o644)
            file_lock.acquire()
        except Timeout:
            raise PublishError(
                f"another audiocast run is publishing to {self.out_dir} (it holds {lock_path}); "
                f"waited {timeout:g} s"
            ) from None
        except OSError as exc:
            from ..fsutil import describe_os_error

            raise PublishError(f"cannot lock {self.out_dir}: {describe_os_error(exc, lock_path)}") from None
        self._lock_fd, self._lock_depth = file_lock, 1
        try:
            yield self
        finally:
            self._lock_depth = 0
            self._lock_fd = None
            file_lock.release()

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

    def find_article(self, article) -> tuple[str, Episode | None]:
        """(the key the article's row is stored under, its episode) for an Article; the
        key is ``article_key(article)`` unless an earlier version stored another spelling."""
        key = article_key(article)
        found = self.find_by_source(key)
        if found is None:
            for legacy in _legacy_keys(article):
                if canonical_key(legacy) != key:
                    found = self.find_by_source(legacy)
                    if found is not None:
                        return canonical_key(legacy), found
        return key, found

    def find_by_source(self, key: str) -> Episode | None:
        """The episode made from the article with this source key, if any."""
        row = self.conn.execute(
            "SELECT * FROM episodes WHERE source_key = ?", (canonical_key(key),)
        ).fetchone()
        return self._row_to_episode(row) if row else None

    def get(self, slug: str) -> Episode | None:
        row = self.conn.execute("SELECT * FROM episodes WHERE slug = ?", (slug,)).fetchone()
        return self._row_to_episode(row) if row else None

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
            conn.execute("DELETE FROM timelines WHERE guid = ?", (row["guid"],))
        return self._row_to_episode(row)

    # ------------------------------------------------------------------ episode pages

    def save_timeline(self, guid: str, data: dict) -> None:
        """Store what the episode's page needs (``site.page_data``: its text with every
        sentence's timing, and its chapters), so pages can be rebuilt without rendering."""
        blob = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO timelines (guid, data) VALUES (?, ?) "
                "ON CONFLICT(guid) DO UPDATE SET data = excluded.data",
                (guid, blob),
            )

    def timeline(self, guid: str) -> dict | None:
        """The page data saved for the episode with this guid, if any."""
        row = self.conn.execute("SELECT data FROM timelines WHERE guid = ?", (guid,)).fetchone()
        if row is None:
            return None
        try:
            data = json.loads(row[0])
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

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
