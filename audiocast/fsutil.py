"""Atomic file replacement: readers see the old file or the new one, never half of one.

Temporary files are written beside their target as ``.<name>.<pid>.<random>.tmp``;
the pid names the run writing them, so a later run can tell a live run's
temporaries from those a killed run left behind (``remove_stale_temporaries``).
"""

from __future__ import annotations

import errno
import os
import re
import tempfile
import time
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path

#: a temporary file of this module: .<target name>.<pid>.<random>.<suffix>
_TEMPORARY = re.compile(r"^\.(?P<target>.+)\.(?P<pid>\d+)\.[A-Za-z0-9_]{8}\.[A-Za-z0-9]+$")
#: one written before temporaries carried their run's pid
_OLD_TEMPORARY = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")
#: temporaries of a live run older than this are stale too (the pid was reused)
STALE_AFTER_S = 24 * 3600
#: pid-less temporaries older than this are taken to be a dead run's
OLD_STALE_AFTER_S = 3600


def describe_os_error(exc: OSError, path: str | Path | None = None) -> str:
    """One line naming the cause and the path: "no space left on device: PATH"."""
    where = path or exc.filename or ""
    causes = {
        errno.ENOSPC: "no space left on device",
        errno.EDQUOT: "disk quota exceeded",
        errno.EROFS: "read-only file system",
        errno.EACCES: "permission denied",
        errno.EPERM: "operation not permitted",
        errno.EISDIR: "is a directory",
        errno.ENOTDIR: "not a directory",
        errno.ENOENT: "no such file or directory",
    }
    cause = causes.get(exc.errno) or (exc.strerror or str(exc)).lower()
    return f"{cause}: {where}" if where else cause


#: fault injection for tests: AUDIOCAST_FAULT_AT=<point> kills the process with SIGKILL there
FAULT_ENV = "AUDIOCAST_FAULT_AT"


def fault_point(name: str) -> None:
    """Die here, as ``kill -9`` would, when AUDIOCAST_FAULT_AT names this point: how the
    tests stop a run at an exact moment of publishing. Does nothing otherwise."""
    if os.environ.get(FAULT_ENV) == name:
        import signal

        os.kill(os.getpid(), signal.SIGKILL)


def _temporary(path: Path, suffix: str) -> tuple[int, str]:
    return tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=suffix, dir=path.parent)


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    An OSError (disk full, read-only folder) becomes a PublishError naming the cause
    and the path; the temporary file is removed, so nothing half-written is left."""
    from .errors import PublishError

    path = Path(path)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = _temporary(path, ".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        fault_point("temporary-written")
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        _discard(tmp)
        raise PublishError(describe_os_error(exc, path)) from exc
    except BaseException:
        _discard(tmp)
        raise
    return path


def atomic_write_text(path: str | Path, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))


@contextmanager
def atomic_path(path: str | Path):
    """Yield a temporary path beside ``path``; on success it replaces ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _temporary(path, path.suffix or ".tmp")
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        _discard(tmp)
        raise


def _discard(tmp: str | None) -> None:
    if tmp:
        try:
            Path(tmp).unlink(missing_ok=True)
        except OSError:
            pass


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def remove_stale_temporaries(folders: Iterable[str | Path]) -> list[Path]:
    """Delete this module's temporary files in ``folders`` whose run is gone (its pid
    is not running, or they are older than a day); return those removed."""
    removed = []
    now = time.time()
    for folder in folders:
        try:
            names = list(Path(folder).iterdir())
        except OSError:
            continue
        for path in names:
            match = _TEMPORARY.match(path.name)
            if not match and not _OLD_TEMPORARY.match(path.name):
                continue
            try:
                age = now - path.stat().st_mtime
            except OSError:
                continue
            if match and _alive(int(match["pid"])) and age < STALE_AFTER_S:
                continue
            if not match and age < OLD_STALE_AFTER_S:
                continue
            try:
                path.unlink()
            except OSError:
                continue
            removed.append(path)
    return removed


#: moves the segment cache (and what is cached beside it) elsewhere
CACHE_ENV = "AUDIOCAST_CACHE_DIR"


def default_cache_dir() -> Path:
    """The segment cache's folder: AUDIOCAST_CACHE_DIR, else the user's cache folder."""
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("audiocast")) / "segments"
