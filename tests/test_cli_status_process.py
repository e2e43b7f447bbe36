"""``syndicator status`` as a process: piped, plain whole lines; on a terminal, rich's
colours. The store is filled as in ``test_cli_status``."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from tests.test_cli_status import Setup, setup, table

__all__ = ["setup"]  # the fixture, shared

ROOT = Path(__file__).resolve().parents[1]


def test_piped_process_prints_whole_plain_lines(setup: Setup) -> None:
    setup.store.record_poll("vaasa-sv", datetime.now(UTC), error_code="fetch.http_503",
                            error="HTTP 503 " + "x" * 200)  # fmt: skip
    environ = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    environ |= {"PYTHONPATH": str(ROOT), "COLUMNS": "40"}
    done = subprocess.run(
        [sys.executable, "-m", "syndicator", "status", "--config", str(setup.config)],
        capture_output=True, text=True, env=environ, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "\x1b" not in done.stdout
    assert all(line == line.rstrip() for line in done.stdout.splitlines())
    sv = table(done.stdout, "Sources")["vaasa-sv"]  # one line per row, though wider than 40
    assert sv["RESULT"] == "fetch.http_503: HTTP 503 " + "x" * 50 + "…"
    assert sv["ITEMS"] == "0"


def test_on_a_terminal_rich_colours_the_problems(setup: Setup) -> None:
    setup.store.record_poll("vaasa-sv", datetime.now(UTC), error_code="fetch.http_503", error="x")
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TTY_COMPATIBLE")}
    environ |= {"PYTHONPATH": str(ROOT), "TERM": "xterm-256color", "COLUMNS": "250"}
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "syndicator", "status", "--config", str(setup.config)],
            stdout=follower, stderr=subprocess.PIPE, env=environ, timeout=60, check=False,
        )  # fmt: skip
        os.close(follower)
        shown = b""
        while chunk := _read(leader):
            shown += chunk
    finally:
        os.close(leader)
    assert done.returncode == 1, done.stderr
    assert b"\x1b[31mfetch.http_503" in shown  # red, as the terminal shows it


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 65536)
    except OSError:  # EIO: the writer closed the terminal
        return b""
