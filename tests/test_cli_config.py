"""``check-config`` and ``run`` share one loader: on every broken config both exit 2 with the
same message, before anything starts; a config that passes the check starts the worker."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

BASE = """
[service]
database_url = "sqlite:///{tmp}/db.sqlite3"
port = {port}
allow_fast_polling = true

[http]
allow_private_networks = true
max_retries = 0

[[sources]]
name = "local"
kind = "feed"
url = "http://127.0.0.1:9/feed.xml"
interval = "60s"

[[destinations]]
name = "console"
kind = "console"
"""

_DB = 'database_url = "sqlite:///{tmp}/db.sqlite3"'
_INTERVAL = 'interval = "60s"'

# case → (what replaces what in BASE, or the whole text; a line the message must hold)
BROKEN: dict[str, tuple[tuple[str, str] | str, str]] = {
    "interval nan": ((_INTERVAL, "interval = nan"), "sources[0].interval: expected a duration"),
    "interval inf": ((_INTERVAL, "interval = inf"), "sources[0].interval: inf is too long"),
    "interval 1e308": ((_INTERVAL, "interval = 1e308"), "1e+308 is too long"),
    "interval in days overflows": (
        (_INTERVAL, 'interval = "99999999999999999999d"'),
        "sources[0].interval: '99999999999999999999d' is too long",
    ),
    "interval zero": (
        (_INTERVAL, 'interval = "0s"'),
        "sources[0].interval: must be longer than 0 s",
    ),
    "fast polling not allowed": (
        ("allow_fast_polling = true", "allow_fast_polling = false"),
        "sources[0].interval: 60 s",  # replaced below by a 10 s interval
    ),
    "lease zero": (
        ("allow_fast_polling = true", 'allow_fast_polling = true\ndelivery_lease = "0s"'),
        "service.delivery_lease: must be longer than 0 s",
    ),
    "request deadline inf": (
        ("max_retries = 0", "max_retries = 0\nrequest_deadline = inf"),
        "http.request_deadline: inf is too long",
    ),
    "unknown database driver": (
        (_DB, 'database_url = "foo://x"'),
        "service.database_url: database 'foo' is not supported",
    ),
    "database port out of range": (
        (_DB, 'database_url = "postgresql://u@h:99999/db"'),
        "service.database_url: port 99999 is out of range",
    ),
    "database port not a number": (
        (_DB, 'database_url = "postgresql://u@h:abc/db"'),
        "service.database_url: the port is not a number",
    ),
    "database driver not installed": (
        (_DB, 'database_url = "postgresql+psycopg2://u@h/db"'),
        "service.database_url: the database driver 'psycopg2' is not installed",
    ),
    "malformed reference": (
        (_DB, 'database_url = "${DATABASE_URL"'),
        "service.database_url: malformed reference '${DATABASE_URL'",
    ),
    "empty file": ("", "no sources configured"),
    "only comments": ("# feeds.toml\n# nothing yet\n", "no sources configured"),
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _write(tmp_path: Path, case: str | None) -> Path:
    text = BASE
    if case is not None:
        edit, _ = BROKEN[case]
        text = edit if isinstance(edit, str) else text.replace(*edit)
        if case == "fast polling not allowed":
            text = text.replace(_INTERVAL, 'interval = "10s"')
    text = text.replace("{tmp}", str(tmp_path)).replace("{port}", str(_free_port()))
    path = tmp_path / "feeds.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _syndicator(*args: str) -> subprocess.Popen[str]:
    env = {key: value for key, value in os.environ.items() if key != "SYNDICATOR_LOG_FORMAT"}
    return subprocess.Popen(
        [sys.executable, "-m", "syndicator", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )


def _finish(process: subprocess.Popen[str], timeout: float = 20.0) -> tuple[int, str]:
    try:
        _out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        _out, err = process.communicate()
        return -1, f"still running after {timeout} s\n{err}"
    return process.returncode, err


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_check_config_and_run_refuse_alike(case: str, tmp_path: Path) -> None:
    path = _write(tmp_path, case)
    check = _syndicator("check-config", str(path))
    run = _syndicator("run", "--config", str(path))
    (check_rc, check_err), (run_rc, run_err) = _finish(check), _finish(run)
    expected = BROKEN[case][1].replace("60 s", "10 s is under the 30 s minimum")
    assert (check_rc, run_rc) == (2, 2), (check_err, run_err)
    assert expected in check_err
    assert run_err == check_err
    assert check_err.startswith(f"{path}: ") and "Traceback" not in check_err
    assert not (tmp_path / "db.sqlite3").exists()  # refused before anything started


_AT_THE_BOUNDS = {  # every duration as long as the check allows
    "allow_fast_polling = true": "\n".join(
        f'{key} = "30d"'
        for key in (
            "outbox_interval",
            "retry_base",
            "retry_max",
            "delivery_lease",
            "poll_deadline",
            "parse_timeout",
        )
    ),
    "max_retries = 0": 'max_retries = 10\nconnect_timeout = "30d"\nread_timeout = "30d"\n'
    'request_deadline = "30d"\nmin_host_delay = "30d"\nbackoff_max = "30d"',
    _INTERVAL: 'interval = "30d"\njitter = "30d"',
}


@pytest.mark.parametrize("bounds", [False, True], ids=["defaults", "every duration 30 days"])
def test_a_config_that_passes_the_check_starts_the_worker(bounds: bool, tmp_path: Path) -> None:
    path = _write(tmp_path, None)
    if bounds:
        text = path.read_text(encoding="utf-8")
        for old, new in _AT_THE_BOUNDS.items():
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
    check = _syndicator("check-config", str(path))
    assert _finish(check) == (0, "")
    run = _syndicator("run", "--config", str(path))
    assert run.stderr is not None
    deadline = time.monotonic() + 30
    started = ""
    while time.monotonic() < deadline and '"worker.started"' not in started:
        started = run.stderr.readline()
        assert started or run.poll() is None, "run exited before it started"
    assert '"worker.started"' in started
    run.send_signal(signal.SIGTERM)
    rc, rest = _finish(run)
    assert rc == 0, rest
    assert '"worker.stopped"' in rest
