"""The worker's PID file: written and removed by ``run``; ``reload`` signals only a live
syndicator, never a stale PID reused by another program."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from syndicator.config import parse_config
from syndicator.pidfile import PidFileError, default_pid_file, pid_file, signal_worker

SOURCE = '[[sources]]\nname = "a"\nkind = "html"\nurls = ["https://www.vaasa.fi/"]\n'


def test_the_default_sits_beside_a_sqlite_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SYNDICATOR_PID_FILE", raising=False)
    sqlite = parse_config('[service]\ndatabase_url = "sqlite:///var/x/s.db"\n' + SOURCE, "f", {})
    assert default_pid_file(sqlite) == Path("var/x/syndicator.pid")
    monkeypatch.setenv("SYNDICATOR_PID_FILE", "/run/syndicator/worker.pid")
    assert default_pid_file(sqlite) == Path("/run/syndicator/worker.pid")


def test_the_file_holds_our_pid_while_running_and_is_removed_after(tmp_path: Path) -> None:
    path = tmp_path / "run" / "syndicator.pid"
    with pid_file(path):
        assert path.read_text(encoding="ascii") == f"{os.getpid()}\n"
    assert not path.exists()


def test_a_stale_or_foreign_pid_is_refused_not_signalled(tmp_path: Path) -> None:
    path = tmp_path / "syndicator.pid"
    with pytest.raises(PidFileError, match="no running worker"):
        signal_worker(path)
    other = subprocess.Popen(["sleep", "30"])  # a live process that is not a syndicator
    try:
        path.write_text(f"{other.pid}\n", encoding="ascii")
        with pytest.raises(PidFileError, match="is not a syndicator"):
            signal_worker(path)
        assert other.poll() is None  # SIGHUP would have ended it
    finally:
        other.kill()
        other.wait()
    path.write_text(f"{other.pid}\n", encoding="ascii")  # now gone
    with pytest.raises(PidFileError, match="not running"):
        signal_worker(path)
