"""Worker processes that die with their parent.

A synthesis worker holds a loaded voice model (a few hundred MB). When the run that
started it is killed (``kill -9``, ``timeout -s KILL``, the OOM killer), nothing
would tell the worker to stop, so each worker arranges its own end: on Linux the
kernel sends it SIGKILL when its parent dies (``PR_SET_PDEATHSIG``), and everywhere
a watcher thread polls the parent's pid and exits the worker when it changes.
Workers also ignore Ctrl-C: the terminal sends SIGINT to the whole process group,
and the parent alone decides what an interruption means.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

PR_SET_PDEATHSIG = 1
#: how often the fallback watcher checks the parent is still there
POLL_INTERVAL_S = 0.5


def exit_with_parent(parent_pid: int | None = None, *, kernel_signal: bool = True) -> None:
    """Make this process end promptly when ``parent_pid`` (default: its parent) dies.

    ``kernel_signal`` asks Linux for SIGKILL on the parent's death; Linux sends it
    when the parent *thread* that started this process ends, so pass False when
    that thread may end before the parent does. The pid poll runs either way."""
    if parent_pid is None:
        parent_pid = _parent_pid()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if kernel_signal and sys.platform.startswith("linux"):
        _set_parent_death_signal(signal.SIGKILL)
    if os.getppid() != parent_pid:  # the parent died before we could ask
        os._exit(1)
    watcher = threading.Thread(target=_watch_parent, args=(parent_pid,), name="parent-watch",
                               daemon=True)
    watcher.start()


def _parent_pid() -> int:
    import multiprocessing

    parent = multiprocessing.parent_process()
    return parent.pid if parent is not None and parent.pid else os.getppid()


def _set_parent_death_signal(signum: int) -> bool:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signum), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent_pid: int) -> None:
    import time

    while os.getppid() == parent_pid:
        time.sleep(POLL_INTERVAL_S)
    os._exit(1)
