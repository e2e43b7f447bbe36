"""The worker's PID file, so that ``syndicator reload`` can send it ``SIGHUP``.

``syndicator run`` writes its PID to ``--pid-file`` (default ``$SYNDICATOR_PID_FILE``, else
``syndicator.pid`` next to a SQLite store, else in the working directory) and removes it on
exit. ``reload`` reads it and signals only a live process that is a syndicator: a stale
file whose PID was reused by something else is refused, not signalled.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.engine import make_url

from syndicator.config import Config

__all__ = ["PidFileError", "default_pid_file", "pid_file", "signal_worker"]

PID_FILE_VARIABLE = "SYNDICATOR_PID_FILE"
_NAME = "syndicator.pid"


class PidFileError(Exception):
    """No running worker to signal; the message says why."""


def default_pid_file(config: Config) -> Path:
    configured = os.environ.get(PID_FILE_VARIABLE, "").strip()
    if configured:
        return Path(configured)
    url = make_url(config.service.database_url)
    database = url.database or ""
    if url.get_backend_name() == "sqlite" and database and database != ":memory:":
        return Path(database).parent / _NAME
    return Path(_NAME)


@contextlib.contextmanager
def pid_file(path: Path) -> Iterator[None]:
    """Our PID in ``path`` while the block runs; removed after unless another took it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mine = f"{os.getpid()}\n"
    path.write_text(mine, encoding="ascii")
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            if path.read_text(encoding="ascii") == mine:
                path.unlink()


def _is_syndicator(pid: int) -> bool:
    cmdline = Path(f"/proc/{pid}/cmdline")
    try:
        return b"syndicator" in cmdline.read_bytes()
    except FileNotFoundError:
        return not Path("/proc/self").exists()  # no procfs (macOS): trust the live PID
    except OSError:
        return True


def signal_worker(path: Path) -> int:
    """Send ``SIGHUP`` to the worker named in ``path``; its PID."""
    try:
        text = path.read_text(encoding="ascii").strip()
    except OSError as exc:
        raise PidFileError(f"{path}: no running worker ({exc.strerror or exc})") from None
    if not text.isdigit():
        raise PidFileError(f"{path}: not a PID file (it holds {text[:20]!r})")
    pid = int(text)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        raise PidFileError(f"{path}: the worker {pid} is not running (a stale PID file)") from None
    except PermissionError:
        raise PidFileError(f"{path}: not allowed to signal process {pid}") from None
    if not _is_syndicator(pid):
        raise PidFileError(f"{path}: process {pid} is not a syndicator (a stale PID file)")
    os.kill(pid, signal.SIGHUP)
    return pid
