"""The SQLite catalog: stable identities, schema versions, and the publishing lock."""

from __future__ import annotations

import multiprocessing
import sqlite3
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from audiocast.errors import PublishError
from audiocast.models import Episode
from audiocast.publish.catalog import (
    DB_NAME,
    MIGRATIONS,
    Catalog,
    delete_episode_files,
    derive_guid,
    episode_files,
    normalize_url,
    slugify,
    source_key,
    unique_slug,
)

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=timezone.utc)


def make_episode(key: str, title: str, catalog: Catalog, published: datetime = T0, **extra) -> Episode:
    guid, slug = catalog.identity_for(key, title)
    values = dict(guid=guid, slug=slug, title=title, source=key, content_hash="h1", duration_s=61.5,
                  size_bytes=4096, published=published, updated=published,
                  chapters=[{"startTime": 0, "title": title}])
    values.update(extra)
    return Episode(**values)


def test_guid_is_a_uuid_derived_from_the_source_key():
    key = "https://blog.example.org/posts/eelgrass"
    assert derive_guid(key) == derive_guid(key)
    assert uuid.UUID(derive_guid(key)).version == 5
    assert derive_guid(key) != derive_guid(key + "-2")


@pytest.mark.parametrize("spelling", [
    "http://blog.example.org/posts/eelgrass",
    "https://www.blog.example.org/posts/eelgrass/",
    "https://BLOG.example.org:443/posts/eelgrass#comments",
    "https://blog.example.org/posts/eelgrass?utm_source=feed&utm_medium=rss",
])
def test_spellings_of_one_article_url_share_a_key(spelling):
    assert normalize_url(spelling) == "https://blog.example.org/posts/eelgrass"
    assert source_key("article.md", url=spelling) == "https://blog.example.org/posts/eelgrass"


def test_source_key_for_files_is_the_absolute_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert source_key("post.md") == source_key(str(tmp_path / "post.md"))
    assert source_key("post.md").startswith("file://")
    assert source_key("-", title="Stdin Story") == "urn:audiocast:stdin:stdin-story"
    assert source_key("https://example.org/a?id=3") == "https://example.org/a?id=3"


@pytest.mark.parametrize("title, slug", [
    ("Tidal Gardens & Salt Marshes", "tidal-gardens-and-salt-marshes"),
    ("Café über Straße: Ørsted's 10% plan?", "cafe-uber-strasse-orsted-s-10-plan"),
    ("   ", "episode"),
    ("!!!", "episode"),
    ("Война и мир", "voina-i-mir"),
    ("Ελληνικά νέα", "ellenika-nea"),
])
def test_slugify(title, slug):
    assert slugify(title) == slug


def test_titles_in_other_scripts_get_distinct_readable_slugs():
    titles = ["Война и мир", "東京の夜", "日本語のタイトル", "مرحبا بالعالم", "서울의 봄"]
    slugs = [unique_slug(title, set()) for title in titles]
    assert len(set(slugs)) == len(titles)
    assert all(slug != "episode" and slug.isascii() and slug.replace("-", "").isalnum() for slug in slugs)


def test_unique_slug_is_short_ascii_and_unique():
    title = "An unusually long title about the migration of eels across the Sargasso Sea"
    first = unique_slug(title, set())
    assert len(first) <= 60 and first.isascii() and first == first.lower()
    assert not first.endswith("-")
    second = unique_slug(title, {first})
    third = unique_slug(title, {first, second})
    assert len({first, second, third}) == 3
    assert second.endswith("-2") and third.endswith("-3") and len(third) <= 60


def test_schema_is_versioned_and_reopened_without_migrating_again(tmp_path):
    with Catalog(tmp_path) as catalog:
        assert catalog.schema_version == len(MIGRATIONS)
        catalog.upsert(make_episode("urn:a", "Alpha", catalog))
    with Catalog(tmp_path) as catalog:
        assert catalog.schema_version == len(MIGRATIONS)
        assert [e.title for e in catalog.episodes()] == ["Alpha"]
    # A rollback journal: nothing but the database is left beside it.
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(DB_NAME)) == [DB_NAME]


def test_a_first_version_catalog_is_upgraded_keeping_its_episodes(tmp_path):
    with sqlite3.connect(tmp_path / DB_NAME) as conn:
        conn.executescript(MIGRATIONS[0])
        conn.execute(
            "INSERT INTO episodes (source_key, guid, slug, title, source, content_hash, duration_s,"
            " size_bytes, published, updated) VALUES ('urn:old', 'g-old', 'old', 'Old', 'urn:old',"
            " 'h', 12.5, 100, ?, ?)", (T0.isoformat(), T0.isoformat()))
        conn.execute("PRAGMA user_version = 1")
    with Catalog(tmp_path) as catalog:
        assert catalog.schema_version == len(MIGRATIONS)
        (old,) = catalog.episodes()
        assert (old.slug, old.media_type, old.files) == ("old", "audio/mpeg", {})
        catalog.upsert(make_episode("urn:new", "New", catalog, media_type="audio/x-m4a",
                                    files={"audio": "episodes/new.m4b"}))
        new = catalog.find_by_source("urn:new")
        assert (new.media_type, new.files) == ("audio/x-m4a", {"audio": "episodes/new.m4b"})


def test_a_newer_schema_is_refused(tmp_path):
    Catalog(tmp_path).open().close()
    with sqlite3.connect(tmp_path / DB_NAME) as conn:
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(PublishError, match="newer audiocast"):
        Catalog(tmp_path).open()


def test_a_file_that_is_not_a_catalog_is_reported(tmp_path):
    (tmp_path / DB_NAME).write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(PublishError, match="not a usable audiocast catalog"):
        Catalog(tmp_path).open()


def test_reconverting_an_edited_article_keeps_guid_slug_and_first_date(tmp_path):
    key = "https://blog.example.org/posts/eelgrass"
    with Catalog(tmp_path) as catalog:
        first = catalog.upsert(make_episode(key, "Eelgrass Meadows", catalog))
    later = T0 + timedelta(days=30)
    with Catalog(tmp_path) as catalog:
        guid, slug = catalog.identity_for(key, "Eelgrass Meadows, Updated")
        assert (guid, slug) == (first.guid, first.slug)
        edited = make_episode(key, "Eelgrass Meadows, Updated", catalog, published=later,
                              content_hash="h2", duration_s=75.0)
        # Even an episode claiming another identity keeps the stored one.
        edited.guid, edited.slug = "something-else", "something-else"
        stored = catalog.upsert(edited)
        assert len(catalog) == 1
    assert (stored.guid, stored.slug, stored.published) == (first.guid, "eelgrass-meadows", T0)
    assert (stored.title, stored.content_hash, stored.duration_s) == (
        "Eelgrass Meadows, Updated", "h2", 75.0)
    assert stored.updated == later
    assert stored.chapters == [{"startTime": 0, "title": "Eelgrass Meadows, Updated"}]


def test_two_articles_with_one_title_get_distinct_slugs(tmp_path):
    with Catalog(tmp_path) as catalog:
        a = catalog.upsert(make_episode("urn:one", "Weekly Notes", catalog))
        b = catalog.upsert(make_episode("urn:two", "Weekly Notes", catalog))
    assert (a.slug, b.slug) == ("weekly-notes", "weekly-notes-2")
    assert a.guid != b.guid


def test_episodes_newest_first_get_and_remove(tmp_path):
    with Catalog(tmp_path) as catalog:
        for number in range(3):
            catalog.upsert(make_episode(f"urn:{number}", f"Note {number}", catalog,
                                        published=T0 + timedelta(days=number)))
        assert [e.title for e in catalog.episodes()] == ["Note 2", "Note 1", "Note 0"]
        assert [e.title for e in catalog.episodes(limit=1)] == ["Note 2"]
        assert catalog.get("note-1").title == "Note 1"
        removed = catalog.remove("note-1")
        assert removed.title == "Note 1" and catalog.get("note-1") is None
        with pytest.raises(PublishError, match="no episode 'note-1'"):
            catalog.remove("note-1")
        assert catalog.slugs() == {"note-0", "note-2"}


def test_delete_episode_files_removes_only_that_episode(tmp_path):
    for slug in ("keep", "drop"):
        for path in episode_files(tmp_path, slug).values():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(slug)
    removed = delete_episode_files(tmp_path, "drop")
    assert sorted(removed) == sorted(episode_files(tmp_path, "drop").values())
    assert sorted(p.name for p in (tmp_path / "episodes").iterdir()) == [
        "keep.chapters.json", "keep.embed.html", "keep.html", "keep.jpg", "keep.mp3", "keep.srt", "keep.vtt"]


def test_feed_guid_is_set_once(tmp_path):
    with Catalog(tmp_path) as catalog:
        assert catalog.feed_guid("first") == "first"
    with Catalog(tmp_path) as catalog:
        assert catalog.feed_guid("second") == "first"


def test_a_second_locker_times_out_with_a_clear_error(tmp_path):
    holder, waiter = Catalog(tmp_path), Catalog(tmp_path)
    with holder.lock():
        with pytest.raises(PublishError, match="another audiocast run is publishing to"):
            with waiter.lock(timeout=0.05):
                pass
        with holder.lock():  # re-entrant for the holder
            pass
    with waiter.lock(timeout=0.05):
        pass


def _publish_many(out_dir: str, worker: int, rounds: int, log: str) -> None:
    """One `convert` run: read-modify-write the catalog and a shared file under the lock."""
    for number in range(rounds):
        with Catalog(out_dir) as catalog, catalog.lock(timeout=60):
            with open(log, "a") as handle:
                handle.write(f"start {worker}\n")
            count = len(catalog)
            title = f"Episode from worker {worker} round {number}"
            catalog.upsert(make_episode(f"urn:{worker}:{number}", title, catalog,
                                        published=T0 + timedelta(minutes=count)))
            counter = Path(out_dir) / "counter.txt"
            value = int(counter.read_text()) if counter.exists() else 0
            counter.write_text(str(value + 1))
            with open(log, "a") as handle:
                handle.write(f"end {worker}\n")


def test_two_processes_publishing_to_one_folder_take_turns(tmp_path):
    out_dir, log, rounds = tmp_path / "out", tmp_path / "log.txt", 15
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_publish_many, args=(str(out_dir), w, rounds, str(log)))
               for w in (1, 2)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=120)
        assert process.exitcode == 0
    lines = log.read_text().splitlines()
    assert len(lines) == 4 * rounds
    # Every critical section ran whole: "start N" is always followed by "end N".
    for start, end in zip(lines[::2], lines[1::2]):
        assert start.startswith("start ") and end == "end " + start.split()[1]
    assert (out_dir / "counter.txt").read_text() == str(2 * rounds)
    with Catalog(out_dir) as catalog:
        episodes = catalog.episodes()
    assert len(episodes) == 2 * rounds
    assert len({e.slug for e in episodes}) == 2 * rounds
    # Each episode saw the count left by the one before it: the read-modify-writes did not overlap.
    assert sorted(e.published for e in episodes) == [T0 + timedelta(minutes=n) for n in range(2 * rounds)]


def test_keys_are_found_whatever_their_spelling(tmp_path):
    """Callers may pass a raw URL or a plain absolute path; the catalog stores one spelling."""
    with Catalog(tmp_path) as catalog:
        url = "http://www.blog.example.org/posts/eelgrass/?utm_source=rss"
        stored = catalog.upsert(make_episode(url, "Eelgrass", catalog))
        assert catalog.find_by_source("https://blog.example.org/posts/eelgrass").guid == stored.guid
        assert derive_guid(url) == stored.guid
        path = str(tmp_path / "notes" / "marsh.md")
        marsh = catalog.upsert(make_episode(path, "Marsh", catalog))
        assert catalog.find_by_source(Path(path).as_uri()).slug == marsh.slug
        assert catalog.identity_for(path, "Marsh renamed") == (marsh.guid, "marsh")
        stdin = catalog.upsert(make_episode("stdin:Pasted", "Pasted", catalog))
        assert catalog.find_by_source("stdin:Pasted").guid == stdin.guid
