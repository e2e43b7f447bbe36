"""Logs are JSON lines on a pipe and readable lines on a terminal; the environment overrides."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

_LOG_ONE_EVENT = """
import logging
from syndicator.logs import configure_logging, log_event
configure_logging("INFO")
log_event(logging.getLogger("syndicator.pipeline"), logging.INFO, "poll.done",
          "vaasa-fi: 2 new", source="vaasa-fi", new=2, duration_s=0.25, title="Uusi tiedote")
"""


def _stderr_of(*, terminal: bool, log_format: str | None) -> str:
    env = {key: value for key, value in os.environ.items() if key != "SYNDICATOR_LOG_FORMAT"}
    if log_format is not None:
        env["SYNDICATOR_LOG_FORMAT"] = log_format
    command = [sys.executable, "-c", _LOG_ONE_EVENT]
    if not terminal:
        run = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, check=True)
        return run.stderr
    controller, terminal_end = pty.openpty()
    try:
        process = subprocess.Popen(command, stderr=terminal_end, env=env, cwd=ROOT)
    finally:
        os.close(terminal_end)  # only the child holds it now: EOF when it exits
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # EIO: the child's end is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    assert process.wait(timeout=30) == 0
    return b"".join(chunks).decode().replace("\r\n", "\n")


def _is_json(text: str) -> bool:
    payload = json.loads(text.strip())
    return bool(payload["event"] == "poll.done" and payload["source"] == "vaasa-fi")


@pytest.mark.parametrize(
    ("terminal", "log_format", "readable"),
    [
        (True, None, True),
        (False, None, False),
        (True, "json", False),
        (False, "console", True),
    ],
)
def test_format_follows_the_terminal_unless_told(
    terminal: bool, log_format: str | None, readable: bool
) -> None:
    text = _stderr_of(terminal=terminal, log_format=log_format)
    if readable:
        line = text.strip()
        assert " INFO " in line and " poll.done " in line and "vaasa-fi: 2 new" in line, line
        assert line.endswith('source=vaasa-fi new=2 title="Uusi tiedote" duration_s=0.25'), line
        assert not line.startswith("{")
    else:
        assert _is_json(text), text


def test_unknown_format_is_said_once_and_guessed() -> None:
    text = _stderr_of(terminal=False, log_format="yaml")
    first, second = text.strip().splitlines()
    assert json.loads(first)["event"] == "log.format_unknown"
    assert _is_json(second)
