"""Progress bars: the real command line in a new process, its stderr a pseudo-terminal or a
pipe. On the terminal ``poll --once`` (catch-up), ``feeds build`` and ``deliveries retry
--all-failed`` draw a bar with the label and its final counts; on a pipe there is no bar and
no control character, only the JSON log lines as before."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from syndicator.demo.site import SampleSite, SiteHandle
from syndicator.locales import HELSINKI
from syndicator.store import open_store
from tests.e2e.conftest import ARENA, LIBRARY, ROOT, sources_toml, text, write_config
from tests.sinks import WebhookSink

SECRET = "whsec_cHJvZ3Jlc3MtYmFycy1zZWNyZXQtMDEyMzQ1Njc4OQ=="
POOL = {
    "fi": text("uimahalli", "Uimahalli avataan", "Uimahalli avautuu maanantaina.",
               "Allas on remontoitu kesän aikana.", "Aukioloajat ovat ennallaan."),
    "sv": text("simhallen", "Simhallen öppnar", "Simhallen öppnar på måndag.",
               "Bassängen har renoverats under sommaren.", "Öppettiderna är desamma."),
}  # fmt: skip
_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")  # colours, cursor moves, line erases
RELEASES = {"kirjasto": LIBRARY, "jaahalli": ARENA, "uimahalli": POOL}


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def syndicator(*args: str, terminal: bool) -> Run:
    """``python -m syndicator ARGS``; stderr a pseudo-terminal of 120×40 or a pipe, stdout
    always a pipe (so a bar can be seen not to wander onto it)."""
    env = {k: v for k, v in os.environ.items() if k not in ("SYNDICATOR_LOG_FORMAT", "NO_COLOR")}
    env |= {"PYTHONPATH": str(ROOT), "TERM": "xterm-256color", "E2E_WEBHOOK_SECRET": SECRET}
    command = [sys.executable, "-m", "syndicator", *args]
    if not terminal:
        done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT,
                              timeout=120, check=False)  # fmt: skip
        return Run(done.returncode, done.stdout, done.stderr)
    controller, terminal_end = pty.openpty()
    fcntl.ioctl(terminal_end, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=terminal_end,
                                   env=env, cwd=ROOT)  # fmt: skip
    finally:
        os.close(terminal_end)  # only the child holds it now: EIO when it exits
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    stdout, _ = process.communicate(timeout=120)  # a few lines: the pipe never fills
    return Run(process.returncode, stdout.decode(), b"".join(chunks).decode())


def bar_lines(stderr: str, label: str) -> list[str]:
    """The frames of ``label``'s bar that rich drew (each redraw starts after a ``\\r``)."""
    plain = _ESCAPE.sub("", stderr).replace("\r\n", "\n").replace("\r", "\n")
    return [frame.strip() for frame in plain.split("\n") if frame.strip().startswith(label)]


def assert_quiet(stderr: str) -> None:
    """A pipe: no carriage return, no escape, and every line one of the JSON log lines."""
    assert "\r" not in stderr and "\x1b" not in stderr, repr(stderr[:300])
    for line in stderr.splitlines():
        assert json.loads(line)["event"], line
    assert "━" not in stderr and "ETA" not in stderr


@pytest.fixture
def site() -> Iterator[SiteHandle]:
    sample = SampleSite(with_releases=False)
    base = datetime.now(HELSINKI).replace(microsecond=0) - timedelta(days=2)
    for number, (key, texts) in enumerate(RELEASES.items()):
        sample.add_release(key, texts, published=base + timedelta(hours=number),
                           post_id=7001 + number)  # fmt: skip
    handle = sample.serve()
    yield handle
    handle.stop()


def _config(tmp_path: Path, site: SiteHandle, *, catch_up: bool, destinations: str = "") -> Path:
    directory = tmp_path / ("catch-up" if catch_up else "sending")
    directory.mkdir()
    return write_config(directory, sources_toml(site.url, catch_up=catch_up), destinations)


def _polled(run: Run) -> dict[str, int]:
    """Source → its listing's items, from the ``poll.done`` log lines (JSON: a pipe)."""
    lines = [json.loads(line) for line in run.stderr.splitlines()]
    return {line["source"]: line["items"] for line in lines if line["event"] == "poll.done"}


def test_catch_up_and_feeds_build_draw_bars_on_a_terminal_only(
    site: SiteHandle, tmp_path: Path
) -> None:
    piped_config = _config(tmp_path, site, catch_up=True)
    piped = syndicator("poll", "--once", "--config", str(piped_config), terminal=False)
    assert piped.returncode == 0, piped.stderr
    assert_quiet(piped.stderr)
    items = _polled(piped)
    assert items == {"site-fi": len(RELEASES), "site-sv": len(RELEASES)}

    shown_config = write_config(tmp_path, sources_toml(site.url, catch_up=True), "")
    shown = syndicator("poll", "--once", "--config", str(shown_config), terminal=True)
    assert shown.returncode == 0, shown.stderr
    for source, count in items.items():
        frames = bar_lines(shown.stderr, f"catch-up {source}")
        assert frames, shown.stderr
        assert f"{count}/{count}" in frames[-1], frames[-1]
        assert "/s" in frames[-1] and "ETA" in frames[-1]
    assert "catch-up: nothing sent" in shown.stderr  # the log lines still show, above the bars
    assert shown.stdout == piped.stdout

    out = tmp_path / "public-built"
    built_piped = syndicator("feeds", "build", "--out", str(out), "--config", str(piped_config),
                             terminal=False)  # fmt: skip
    assert built_piped.returncode == 0, built_piped.stderr
    assert_quiet(built_piped.stderr)
    built = syndicator("feeds", "build", "--out", str(tmp_path / "public-shown"),
                       "--config", str(shown_config), terminal=True)  # fmt: skip
    assert built.returncode == 0, built.stderr
    documents = len(built.stdout.splitlines())  # one path per document, on stdout alone
    assert documents == len(built_piped.stdout.splitlines()) > 10
    frames = bar_lines(built.stderr, "feeds build")
    assert frames and f"{2 * documents}/{2 * documents}" in frames[-1], frames  # rendered, written


def test_retry_all_failed_draws_a_bar_on_a_terminal_only(site: SiteHandle, tmp_path: Path) -> None:
    with WebhookSink(SECRET) as webhook:
        sends = 2 * len(RELEASES)  # each release in Finnish and in Swedish
        webhook.respond(*[400] * sends)  # permanent: each delivery a dead letter at once
        hook = f"""
[[destinations]]
name = "partner-hook"
kind = "webhook"
url = "{webhook.url}/syndicator"
secret = "${{E2E_WEBHOOK_SECRET}}"
"""
        config = str(_config(tmp_path, site, catch_up=False, destinations=hook))
        polled = syndicator("poll", "--once", "--config", config, terminal=False)
        store = open_store(f"sqlite:///{tmp_path / 'sending' / 'e2e.sqlite3'}")
        failed = len(store.list_deliveries("failed", limit=1000))
        assert failed == len(webhook.requests) == sends, polled.stderr

        shown = syndicator("deliveries", "retry", "--all-failed", "--config", config,
                           terminal=True)  # fmt: skip
        assert shown.returncode == 0, shown.stderr
        assert shown.stdout == f"{failed} deliveries queued again\n"
        frames = bar_lines(shown.stderr, "deliveries retry")
        assert frames and f"{failed}/{failed}" in frames[-1], shown.stderr
        assert not store.list_deliveries("failed", limit=1000)

        webhook.respond(*[400] * sends)
        syndicator("poll", "--once", "--config", config, terminal=False)  # dead letters again
        assert len(store.list_deliveries("failed", limit=1000)) == failed
        piped = syndicator("deliveries", "retry", "--all-failed", "--config", config,
                           terminal=False)  # fmt: skip
        assert piped.returncode == 0 and piped.stdout == shown.stdout
        assert_quiet(piped.stderr)
        store.close()
