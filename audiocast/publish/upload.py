"""Upload an output folder to where listeners reach it: a local folder, SFTP or S3.

The order is what a podcast host guarantees: media, transcripts, chapters and art
first; then pages, assets and the index; ``feed.xml`` last, so the feed never lists
a file that is not there yet. Files that left the local folder are deleted remotely
only after the feed that no longer lists them is up. Every file is written under a
temporary name and renamed where the target can rename (local folders, SFTP's
posix-rename); an S3 PUT replaces an object atomically.

The destination keeps a manifest (``.audiocast-manifest.json``: path, size, sha256
of every file audiocast put there). A file is uploaded again only when its local
size or hash differs from the manifest's, or when the destination no longer holds
it at that size, so publishing an unchanged folder uploads nothing and an
interrupted run is finished by the next one.

Transports: paramiko for SFTP (known_hosts checking, the SSH agent and ~/.ssh keys,
posix-rename) and boto3 for S3 (ContentType/CacheControl per object, endpoint URLs
for S3-compatible hosts, the usual credential chain); both are optional extras.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import secrets
import shutil
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from ..errors import ConfigError, PublishError
from .catalog import DB_NAME

MANIFEST_NAME = ".audiocast-manifest.json"
SNAPSHOT_PREFIX = ".audiocast-publish-"
FEED_PATH = "feed.xml"
INDEX_PATH = "index.html"

# Publishing stages, in upload order.
MEDIA, PAGES, FEED = 0, 1, 2
STAGE_NAMES = {MEDIA: "media", PAGES: "pages", FEED: "feed"}

CONTENT_TYPES = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/x-m4a",
    ".m4b": "audio/x-m4b",
    ".xml": "application/rss+xml; charset=utf-8",
    ".vtt": "text/vtt; charset=utf-8",
    ".srt": "application/x-subrip; charset=utf-8",
    ".json": "application/json",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
    ".css": "text/css; charset=utf-8",
    ".js": "application/javascript; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".woff2": "font/woff2",
}
# The feed and pages change with every episode; media files are written once per edit.
SHORT_CACHE = "public, max-age=300"
ASSET_CACHE = "public, max-age=3600"
LONG_CACHE = "public, max-age=604800"
NO_CACHE = "no-cache"

_DB_FILES = re.compile(rf"^{re.escape(DB_NAME)}(-wal|-shm|-journal)?$")
_NEVER_SUFFIXES = (".tmp", ".part", ".partial", ".lock", ".pyc", "~")
_TEMP_NAME = re.compile(r"^\..+\.[0-9a-f]{12}\.tmp$")
_CHUNK = 1024 * 1024

OnBytes = Callable[[int], None]


# --------------------------------------------------------------------------- which files, in which order


def is_published(relpath: str) -> bool:
    """Whether a file of the output folder belongs at the destination. Never: the
    catalog database and its journals, lock files, temporary files, caches, and any
    name (file or folder) starting with '.'."""
    parts = PurePosixPath(relpath).parts
    if not parts or any(part.startswith(".") or part == "__pycache__" for part in parts):
        return False
    name = parts[-1]
    if _DB_FILES.match(name) or name.endswith(_NEVER_SUFFIXES):
        return False
    return True


def publish_stage(relpath: str) -> int:
    """MEDIA (audio, transcripts, chapters, art, covers, anything else the feed may
    point at), PAGES (HTML pages and assets/), or FEED (feed.xml)."""
    if relpath == FEED_PATH:
        return FEED
    path = PurePosixPath(relpath)
    if path.parts[0] == "assets" or path.suffix.lower() in (".html", ".htm", ".css", ".js"):
        return PAGES
    return MEDIA


def _upload_order(relpath: str) -> tuple:
    """Within the pages stage: assets, then episode pages, then the index they link from."""
    stage = publish_stage(relpath)
    rank = 0
    if stage == PAGES:
        rank = 2 if relpath == INDEX_PATH else (0 if relpath.startswith("assets/") else 1)
    return (stage, rank, relpath)


def content_type(relpath: str, enclosure_types: dict[str, str] | None = None) -> str:
    """The Content-Type to store with a file: the feed's enclosure type for episode
    media (so the two always agree), else by suffix."""
    if enclosure_types and relpath in enclosure_types:
        return enclosure_types[relpath]
    return CONTENT_TYPES.get(PurePosixPath(relpath).suffix.lower(), "application/octet-stream")


def cache_control(relpath: str) -> str:
    stage = publish_stage(relpath)
    if stage == FEED or relpath.endswith((".html", ".htm")):
        return SHORT_CACHE
    if stage == PAGES:
        return ASSET_CACHE
    return LONG_CACHE


@dataclass(frozen=True)
class LocalFile:
    """One file to publish: its path relative to the output folder, size and sha256."""

    path: str
    size: int
    sha256: str

    @property
    def stage(self) -> int:
        return publish_stage(self.path)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def scan_folder(out_dir: str | Path) -> list[LocalFile]:
    """Every file of ``out_dir`` that is published, in upload order."""
    out_dir = Path(out_dir)
    found = []
    for folder, dirs, names in os.walk(out_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        for name in names:
            path = Path(folder) / name
            relpath = path.relative_to(out_dir).as_posix()
            if not is_published(relpath) or not path.is_file():
                continue
            found.append(LocalFile(relpath, path.stat().st_size, file_sha256(path)))
    return sorted(found, key=lambda f: _upload_order(f.path))


def enclosure_types(feed_path: Path) -> tuple[dict[str, str], list[str]]:
    """({relative path: type} for each enclosure of the local feed, [enclosure URLs that
    match no file of the folder]). Files are matched by the end of the URL's path."""
    from lxml import etree

    try:
        root = etree.parse(str(feed_path), etree.XMLParser(resolve_entities=False, no_network=True))
    except (OSError, etree.XMLSyntaxError) as exc:
        raise PublishError(f"{feed_path} is not a readable feed: {exc}") from None
    out_dir = feed_path.parent
    types, missing = {}, []
    for enclosure in root.iter("enclosure"):
        url, kind = enclosure.get("url"), enclosure.get("type")
        if not url:
            continue
        parts = unquote(urlsplit(url).path).lstrip("/").split("/")
        for start in range(len(parts)):
            candidate = "/".join(parts[start:])
            if candidate and is_published(candidate) and (out_dir / candidate).is_file():
                if kind:
                    types[candidate] = kind
                break
        else:
            missing.append(url)
    return types, missing


# --------------------------------------------------------------------------- destinations


@dataclass(frozen=True)
class DestinationSpec:
    """A parsed DEST: kind is "local", "sftp" or "s3"."""

    kind: str
    path: str = ""  # local folder, remote folder, or S3 key prefix
    host: str = ""
    port: int | None = None
    user: str | None = None
    bucket: str = ""

    def __str__(self) -> str:
        if self.kind == "sftp":
            user = f"{self.user}@" if self.user else ""
            port = f":{self.port}" if self.port else ""
            return f"sftp://{user}{self.host}{port}{self.path}"
        if self.kind == "s3":
            return f"s3://{self.bucket}/{self.path}".rstrip("/")
        return self.path


def parse_destination(text: str) -> DestinationSpec:
    """A local folder, ``sftp://[user@]host[:port]/path`` or ``s3://bucket[/prefix]``."""
    text = (text or "").strip()
    if not text:
        raise ConfigError("no destination given")
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme in ("", "file") or (len(scheme) == 1 and text[1:2] == ":"):
        path = unquote(parts.path) if scheme == "file" else text
        return DestinationSpec("local", path=str(Path(path).expanduser()))
    if scheme == "sftp":
        if not parts.hostname:
            raise ConfigError(f"destination {text!r} names no host: use sftp://user@host/path")
        try:
            port = parts.port
        except ValueError:
            raise ConfigError(f"destination {text!r} has an invalid port") from None
        path = unquote(parts.path) or "/"
        if path.startswith("/~/") or path == "/~":
            path = path[3:] or "."  # relative to the login folder
        return DestinationSpec("sftp", path=path, host=parts.hostname, port=port,
                               user=unquote(parts.username) if parts.username else None)
    if scheme == "s3":
        if not parts.netloc:
            raise ConfigError(f"destination {text!r} names no bucket: use s3://bucket/prefix")
        return DestinationSpec("s3", path=unquote(parts.path).strip("/"), bucket=parts.netloc)
    raise ConfigError(f"destination {text!r}: use a folder, sftp://user@host/path or s3://bucket/prefix")


class Destination:
    """What a publish target can do. Paths are relative to the target's root, '/'-separated."""

    name = ""

    def list_files(self) -> dict[str, int]:
        """{path: size} of every file under the root."""
        raise NotImplementedError

    def read(self, relpath: str) -> bytes | None:
        raise NotImplementedError

    def sha256(self, relpath: str) -> str | None:
        """The hex sha256 of a file's content as the destination holds it (None: absent)."""
        data = self.read(relpath)
        return None if data is None else hashlib.sha256(data).hexdigest()

    def upload(self, local: Path, relpath: str, *, content_type: str, cache_control: str,
               on_bytes: OnBytes | None = None) -> None:
        raise NotImplementedError

    def write(self, relpath: str, data: bytes, *, content_type: str, cache_control: str) -> None:
        raise NotImplementedError

    def delete(self, relpath: str) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass


def _temp_name(relpath: str) -> str:
    folder, name = posixpath.split(relpath)
    return posixpath.join(folder, f".{name}.{secrets.token_hex(6)}.tmp")


class LocalDestination(Destination):
    """A folder on this machine (or a mounted share): copy to a temporary name, fsync, rename."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.name = str(self.root)
        if self.root.exists() and not self.root.is_dir():
            raise PublishError(f"{self.root} is not a folder")

    def list_files(self) -> dict[str, int]:
        found = {}
        for folder, _dirs, names in os.walk(self.root):
            for name in names:
                path = Path(folder) / name
                found[path.relative_to(self.root).as_posix()] = path.stat().st_size
        return found

    def read(self, relpath: str) -> bytes | None:
        try:
            return (self.root / relpath).read_bytes()
        except FileNotFoundError:
            return None

    def sha256(self, relpath: str) -> str | None:
        try:
            return file_sha256(self.root / relpath)
        except FileNotFoundError:
            return None

    def _replace(self, relpath: str, fill: Callable[[object], None]) -> None:
        target = self.root / relpath
        temp = self.root / _temp_name(relpath)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(temp, "wb") as handle:
                fill(handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temp, 0o644)
            os.replace(temp, target)
        except OSError as exc:
            temp.unlink(missing_ok=True)
            raise PublishError(f"cannot write {target}: {exc.strerror or exc}") from None
        except BaseException:
            temp.unlink(missing_ok=True)
            raise

    def upload(self, local, relpath, *, content_type, cache_control, on_bytes=None) -> None:
        def fill(handle) -> None:
            with open(local, "rb") as source:
                for block in iter(lambda: source.read(_CHUNK), b""):
                    handle.write(block)
                    if on_bytes:
                        on_bytes(len(block))

        self._replace(relpath, fill)

    def write(self, relpath, data, *, content_type, cache_control) -> None:
        self._replace(relpath, lambda handle: handle.write(data))

    def delete(self, relpath: str) -> None:
        (self.root / relpath).unlink(missing_ok=True)


def _missing_extra(extra: str, package: str) -> PublishError:
    return PublishError(f"publishing to {extra} needs {package}: pip install 'audiocast[{extra}]'")


class SftpDestination(Destination):
    """A folder on an SSH server. Host keys must be in ~/.ssh/known_hosts (or the
    system's ssh_known_hosts); keys come from the SSH agent, ~/.ssh, and ~/.ssh/config."""

    def __init__(self, spec: DestinationSpec, timeout: float = 20.0):
        try:
            import paramiko
        except ImportError:
            raise _missing_extra("sftp", "paramiko") from None
        import socket

        host, port, user, identities = _ssh_settings(spec)
        self.where = host if port == 22 else f"{host}:{port}"
        self.name = str(spec)
        client = paramiko.SSHClient()
        for known in ("/etc/ssh/ssh_known_hosts", "~/.ssh/known_hosts"):
            path = Path(known).expanduser()
            if path.is_file():
                client.load_system_host_keys(str(path))
        client.set_missing_host_key_policy(paramiko.RejectPolicy())
        try:
            client.connect(host, port=port, username=user, key_filename=identities or None,
                           allow_agent=True, look_for_keys=True, timeout=timeout,
                           banner_timeout=timeout, auth_timeout=timeout)
            self.sftp = client.open_sftp()
        except paramiko.BadHostKeyException:
            client.close()
            raise PublishError(f"{self.where}: the host key does not match ~/.ssh/known_hosts; "
                               f"refusing to connect") from None
        except paramiko.SSHException as exc:
            client.close()
            if isinstance(exc, paramiko.AuthenticationException) or "authentication" in str(exc).lower():
                raise PublishError(f"{self.where}: SSH authentication failed for user {user} "
                                   f"(tried the SSH agent and keys in ~/.ssh)") from None
            if "known_hosts" in str(exc):
                raise PublishError(f"{self.where}: unknown SSH host key; check the host's key "
                                   f"fingerprint and add it to ~/.ssh/known_hosts "
                                   f"(e.g. by connecting once with ssh)") from None
            raise PublishError(f"{self.where}: SSH failed: {exc}") from None
        except (OSError, EOFError, socket.timeout) as exc:
            client.close()
            reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            raise PublishError(f"cannot reach {self.where}: {reason}") from None
        self.client = client
        self.root = spec.path.rstrip("/") or "/"
        self._dirs: set[str] = set()

    def _guard(self, action, *args):
        """Run an SFTP call; a dropped connection or server error becomes one line."""
        try:
            return action(*args)
        except PublishError:
            raise
        except (OSError, EOFError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            raise PublishError(f"{self.where}: SFTP failed: {reason}") from None
        except Exception as exc:  # paramiko.SSHException and friends
            raise PublishError(f"{self.where}: SFTP failed: {exc or type(exc).__name__}") from None

    def _remote(self, relpath: str) -> str:
        return posixpath.join(self.root, relpath)

    def _makedirs(self, folder: str) -> None:
        if folder in self._dirs or folder in ("", "/", "."):
            return
        try:
            if stat.S_ISDIR(self.sftp.stat(folder).st_mode):
                self._dirs.add(folder)
                return
        except FileNotFoundError:
            pass
        self._makedirs(posixpath.dirname(folder.rstrip("/")))
        try:
            self.sftp.mkdir(folder)
        except OSError:
            if not stat.S_ISDIR(self.sftp.stat(folder).st_mode):
                raise
        self._dirs.add(folder)

    def list_files(self) -> dict[str, int]:
        def walk(folder: str, prefix: str, found: dict[str, int]) -> None:
            try:
                entries = self.sftp.listdir_attr(folder)
            except FileNotFoundError:
                return  # created by the first upload
            for entry in entries:
                relpath = f"{prefix}{entry.filename}"
                if stat.S_ISDIR(entry.st_mode or 0):
                    walk(posixpath.join(folder, entry.filename), relpath + "/", found)
                elif stat.S_ISREG(entry.st_mode or 0):
                    found[relpath] = entry.st_size or 0

        found: dict[str, int] = {}
        self._guard(walk, self.root, "", found)
        return found

    def read(self, relpath: str) -> bytes | None:
        def fetch() -> bytes | None:
            try:
                with self.sftp.open(self._remote(relpath), "rb") as handle:
                    return handle.read()
            except FileNotFoundError:
                return None

        return self._guard(fetch)

    def sha256(self, relpath: str) -> str | None:
        def digest() -> str | None:
            hasher = hashlib.sha256()
            try:
                with self.sftp.open(self._remote(relpath), "rb") as handle:
                    handle.prefetch()
                    for block in iter(lambda: handle.read(_CHUNK), b""):
                        hasher.update(block)
            except FileNotFoundError:
                return None
            return hasher.hexdigest()

        return self._guard(digest)

    def _put(self, relpath: str, send: Callable[[str], None]) -> None:
        target = self._remote(relpath)
        temp = self._remote(_temp_name(relpath))
        self._makedirs(posixpath.dirname(target))
        try:
            send(temp)
            self.sftp.chmod(temp, 0o644)
            try:
                self.sftp.posix_rename(temp, target)
            except OSError:  # servers without the posix-rename extension
                try:
                    self.sftp.remove(target)
                except FileNotFoundError:
                    pass
                self.sftp.rename(temp, target)
        except BaseException:
            try:
                self.sftp.remove(temp)
            except Exception:
                pass  # the connection may be gone; the next run removes leftovers
            raise

    def upload(self, local, relpath, *, content_type, cache_control, on_bytes=None) -> None:
        sent = [0]

        def progress(done: int, _total: int) -> None:
            if on_bytes:
                on_bytes(done - sent[0])
            sent[0] = done

        self._guard(self._put, relpath, lambda temp: self.sftp.put(str(local), temp, callback=progress))

    def write(self, relpath, data, *, content_type, cache_control) -> None:
        import io

        self._guard(self._put, relpath, lambda temp: self.sftp.putfo(io.BytesIO(data), temp))

    def delete(self, relpath: str) -> None:
        def remove() -> None:
            try:
                self.sftp.remove(self._remote(relpath))
            except FileNotFoundError:
                pass

        self._guard(remove)

    def close(self) -> None:
        try:
            self.client.close()
        except Exception:
            pass


def _ssh_settings(spec: DestinationSpec) -> tuple[str, int, str, list[str]]:
    """Host, port, user and identity files, with ~/.ssh/config filling what DEST leaves out."""
    import getpass

    import paramiko

    host, port, user, identities = spec.host, spec.port, spec.user, []
    config_path = Path("~/.ssh/config").expanduser()
    if config_path.is_file():
        try:
            found = paramiko.SSHConfig.from_path(str(config_path)).lookup(spec.host)
        except Exception:
            found = {}
        host = found.get("hostname", host)
        port = port or (int(found["port"]) if "port" in found else None)
        user = user or found.get("user")
        identities = [str(Path(p).expanduser()) for p in found.get("identityfile", [])
                      if Path(p).expanduser().is_file()]
    return host, port or 22, user or getpass.getuser(), identities


class S3Destination(Destination):
    """A bucket and key prefix on S3 or an S3-compatible host (R2, B2, Spaces, MinIO).
    Credentials come from boto3's usual chain (environment, ~/.aws, AWS_PROFILE); the
    endpoint from ``endpoint_url`` or AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL."""

    def __init__(self, spec: DestinationSpec, endpoint_url: str | None = None):
        try:
            import boto3
            from boto3.s3.transfer import TransferConfig
            from botocore.config import Config
        except ImportError:
            raise _missing_extra("s3", "boto3") from None

        self.bucket = spec.bucket
        self.prefix = spec.path.strip("/")
        self.name = str(spec)
        try:
            self.client = boto3.session.Session().client(
                "s3", endpoint_url=endpoint_url or None,
                config=Config(retries={"max_attempts": 3, "mode": "standard"},
                              connect_timeout=10, read_timeout=60),
            )
        except Exception as exc:
            raise PublishError(f"s3://{self.bucket}: {exc}") from None
        host = urlsplit(self.client.meta.endpoint_url).netloc
        self.where = f"s3://{self.bucket} at {host}"
        self.transfer = TransferConfig(multipart_threshold=64 * 1024 * 1024, use_threads=False)
        self._guard(self.client.head_bucket, Bucket=self.bucket)

    def _guard(self, action, *args, **kwargs):
        from boto3.exceptions import Boto3Error
        from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

        try:
            return action(*args, **kwargs)
        except NoCredentialsError:
            raise PublishError(f"{self.where}: no AWS credentials found (set AWS_ACCESS_KEY_ID and "
                               f"AWS_SECRET_ACCESS_KEY, ~/.aws/credentials, or AWS_PROFILE)") from None
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code = error.get("Code", "error")
            if code in ("404", "NoSuchBucket"):
                raise PublishError(f"{self.where}: no such bucket") from None
            if code in ("403", "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"):
                raise PublishError(f"{self.where}: access denied ({code})") from None
            raise PublishError(f"{self.where}: {code}: {error.get('Message', '')}".rstrip(": ")) from None
        except (BotoCoreError, Boto3Error, OSError) as exc:
            raise PublishError(f"{self.where}: {_first_line(exc)}") from None

    def _key(self, relpath: str) -> str:
        return f"{self.prefix}/{relpath}" if self.prefix else relpath

    def list_files(self) -> dict[str, int]:
        def collect() -> dict[str, int]:
            found = {}
            start = f"{self.prefix}/" if self.prefix else ""
            for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket,
                                                                                Prefix=start):
                for item in page.get("Contents", []):
                    found[item["Key"][len(start):]] = item["Size"]
            return found

        return self._guard(collect)

    def read(self, relpath: str) -> bytes | None:
        def fetch() -> bytes | None:
            try:
                return self.client.get_object(Bucket=self.bucket, Key=self._key(relpath))["Body"].read()
            except self.client.exceptions.NoSuchKey:
                return None

        return self._guard(fetch)

    def sha256(self, relpath: str) -> str | None:
        def digest() -> str | None:
            hasher = hashlib.sha256()
            try:
                body = self.client.get_object(Bucket=self.bucket, Key=self._key(relpath))["Body"]
            except self.client.exceptions.NoSuchKey:
                return None
            for block in body.iter_chunks(_CHUNK):
                hasher.update(block)
            return hasher.hexdigest()

        return self._guard(digest)

    def upload(self, local, relpath, *, content_type, cache_control, on_bytes=None) -> None:
        self._guard(self.client.upload_file, str(local), self.bucket, self._key(relpath),
                    ExtraArgs={"ContentType": content_type, "CacheControl": cache_control},
                    Callback=on_bytes, Config=self.transfer)

    def write(self, relpath, data, *, content_type, cache_control) -> None:
        self._guard(self.client.put_object, Bucket=self.bucket, Key=self._key(relpath), Body=data,
                    ContentType=content_type, CacheControl=cache_control)

    def delete(self, relpath: str) -> None:
        self._guard(self.client.delete_object, Bucket=self.bucket, Key=self._key(relpath))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


@contextmanager
def open_destination(spec: DestinationSpec, endpoint_url: str | None = None) -> Iterator[Destination]:
    """Connect to the destination; closed on exit."""
    if spec.kind == "sftp":
        target: Destination = SftpDestination(spec)
    elif spec.kind == "s3":
        target = S3Destination(spec, endpoint_url)
    else:
        target = LocalDestination(Path(spec.path))
    try:
        yield target
    finally:
        target.close()


# --------------------------------------------------------------------------- the manifest


def read_manifest(target: Destination) -> dict[str, dict]:
    """{path: {"size", "sha256"}} from the destination's manifest; empty if absent or unreadable."""
    data = target.read(MANIFEST_NAME)
    if not data:
        return {}
    try:
        files = json.loads(data.decode("utf-8")).get("files", {})
        return {path: {"size": int(entry["size"]), "sha256": str(entry["sha256"])}
                for path, entry in files.items() if _safe_relpath(path)}
    except (ValueError, TypeError, KeyError, AttributeError):
        return {}


def manifest_bytes(files: dict[str, dict]) -> bytes:
    body = {"version": 1, "generator": "audiocast",
            "files": {path: files[path] for path in sorted(files)}}
    return (json.dumps(body, indent=1) + "\n").encode("utf-8")


def _safe_relpath(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return bool(parts) and not path.startswith("/") and ".." not in parts and "\\" not in path


def held_files(manifest: dict[str, dict], listing: dict[str, int],
               target: Destination | None = None) -> dict[str, dict]:
    """The manifest's entries that the destination still holds at the recorded size (and,
    given ``target``, whose content there still has the recorded sha256)."""
    return {path: entry for path, entry in manifest.items()
            if listing.get(path) == entry["size"]
            and (target is None or target.sha256(path) == entry["sha256"])}


# --------------------------------------------------------------------------- publishing


@dataclass
class PublishPlan:
    """What a run will do: files to upload (in order), files already there, paths to delete."""

    uploads: list[LocalFile] = field(default_factory=list)
    skipped: list[LocalFile] = field(default_factory=list)
    deletions: list[str] = field(default_factory=list)

    @property
    def upload_bytes(self) -> int:
        return sum(f.size for f in self.uploads)


@dataclass
class PublishReport:
    """What a publish run did (or, with dry_run, would do)."""

    destination: str
    uploaded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    bytes_uploaded: int = 0
    dry_run: bool = False


def plan_publish(local: list[LocalFile], held: dict[str, dict]) -> PublishPlan:
    """Upload what the destination does not hold as it is here; delete what audiocast
    put there that the folder no longer has."""
    plan = PublishPlan()
    for item in local:
        entry = held.get(item.path)
        if entry and entry["size"] == item.size and entry["sha256"] == item.sha256:
            plan.skipped.append(item)
        else:
            plan.uploads.append(item)
    wanted = {item.path for item in local}
    plan.deletions = sorted(path for path in held if path not in wanted)
    return plan


def upload_folder(
    out_dir: str | Path,
    destination: str,
    *,
    endpoint_url: str | None = None,
    dry_run: bool = False,
    verify: bool = False,
    on_plan: Callable[[PublishPlan], None] | None = None,
    on_bytes: OnBytes | None = None,
    on_file: Callable[[str, str, int], None] | None = None,
) -> PublishReport:
    """Publish ``out_dir`` to ``destination``: changed media first, then pages and the
    index, the feed last, then deletions; the manifest records each file once it is in
    place. ``verify`` re-reads every file the manifest lists and uploads again any whose
    content differs. ``on_file(action, path, size)`` is called after each upload or
    deletion ("uploaded", "deleted"), ``on_bytes(n)`` as bytes go out.

    The catalog's lock is held only while the folder is read: the files are then
    hard-linked into a hidden snapshot folder, so conversions can go on publishing
    locally while the snapshot uploads."""
    out_dir = Path(out_dir)
    if not (out_dir / FEED_PATH).is_file():
        raise PublishError(f"no {FEED_PATH} in {out_dir}; convert an article first")
    spec = parse_destination(destination)
    if spec.kind == "local":
        _check_not_inside(out_dir, Path(spec.path))
    with _folder_lock(out_dir):
        local = scan_folder(out_dir)
        types, missing = enclosure_types(out_dir / FEED_PATH)
        if missing:
            raise PublishError(f"{out_dir / FEED_PATH} lists {missing[0]}, which is not in {out_dir}; "
                               f"nothing uploaded (convert that article again or remove its episode)")
        snapshot = None if dry_run else _snapshot(out_dir, local)
    try:
        with open_destination(spec, endpoint_url) as target:
            listing = target.list_files()
            recorded = read_manifest(target)
            held = held_files(recorded, listing, target if verify else None)
            plan = plan_publish(local, held)
            report = PublishReport(str(spec), skipped=[f.path for f in plan.skipped], dry_run=dry_run)
            if on_plan:
                on_plan(plan)
            if dry_run:
                report.uploaded = [f.path for f in plan.uploads]
                report.deleted = list(plan.deletions)
                report.bytes_uploaded = plan.upload_bytes
                return report
            manifest = dict(held)
            for item in plan.uploads:
                target.upload(Path(snapshot.name) / item.path, item.path,
                              content_type=content_type(item.path, types),
                              cache_control=cache_control(item.path), on_bytes=on_bytes)
                manifest[item.path] = {"size": item.size, "sha256": item.sha256}
                _write_manifest(target, manifest)
                report.uploaded.append(item.path)
                report.bytes_uploaded += item.size
                if on_file:
                    on_file("uploaded", item.path, item.size)
            # The feed that no longer lists them is up: now the old files can go.
            for path in plan.deletions:
                target.delete(path)
                manifest.pop(path, None)
                report.deleted.append(path)
                if on_file:
                    on_file("deleted", path, 0)
            if plan.deletions or (not plan.uploads and manifest != recorded):
                _write_manifest(target, manifest)
            for path in listing:
                if _TEMP_NAME.match(posixpath.basename(path)):
                    target.delete(path)  # left behind by an interrupted upload
    finally:
        if snapshot is not None:
            snapshot.cleanup()
    return report


def _snapshot(out_dir: Path, files: list[LocalFile]):
    """A hidden folder in ``out_dir`` holding hard links (else copies) of ``files``, so
    the upload sends exactly what was scanned even if a conversion replaces a file."""
    import tempfile
    import time

    for stale in out_dir.glob(f"{SNAPSHOT_PREFIX}*"):  # left by a run that was killed
        if stale.is_dir() and time.time() - stale.stat().st_mtime > 86400:
            shutil.rmtree(stale, ignore_errors=True)
    folder = tempfile.TemporaryDirectory(prefix=SNAPSHOT_PREFIX, dir=out_dir)
    root = Path(folder.name)
    try:
        for item in files:
            link = root / item.path
            link.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(out_dir / item.path, link)
            except OSError:
                shutil.copy2(out_dir / item.path, link)
    except BaseException:
        folder.cleanup()
        raise
    return folder


def _write_manifest(target: Destination, manifest: dict[str, dict]) -> None:
    target.write(MANIFEST_NAME, manifest_bytes(manifest), content_type="application/json",
                 cache_control=NO_CACHE)


def _check_not_inside(out_dir: Path, dest: Path) -> None:
    source, target = out_dir.resolve(), dest.expanduser().resolve()
    if target == source or source in target.parents or target in source.parents:
        raise ConfigError(f"destination {dest} overlaps the output folder {out_dir}")


@contextmanager
def _folder_lock(out_dir: Path) -> Iterator[None]:
    """Hold the catalog's publishing lock, so no conversion changes files mid-upload."""
    if not (out_dir / DB_NAME).exists():
        yield
        return
    from .catalog import Catalog

    with Catalog(out_dir) as catalog, catalog.lock():
        yield
