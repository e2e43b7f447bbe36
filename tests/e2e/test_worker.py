"""``syndicator run`` as ops run it: a process that serves, polls, delivers and stops cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import feedparser
import httpx

from syndicator.demo.languages import demo_source
from syndicator.demo.site import SampleSite, SiteHandle
from tests.e2e.conftest import (
    ARENA,
    LIBRARY,
    ROOT,
    SECRET,
    Sinks,
    log_lines,
    sources_toml,
    write_config,
)
from tests.hostile.harness import wait_until
from tests.hosts import TrickleHost

WEBHOOK = """
[[destinations]]
name = "partner-hook"
kind = "webhook"
url = "{url}/syndicator"
secret = "${{E2E_WEBHOOK_SECRET}}"
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _configure(
    tmp_path: Path, handle: SiteHandle, sinks: Sinks, port: int, lease: str, extra: str = ""
) -> Path:
    path = write_config(
        tmp_path,
        sources_toml(handle.url, catch_up=False) + extra,
        WEBHOOK.format(url=sinks.webhook.url),
    )
    text = path.read_text(encoding="utf-8").replace(
        'base_url = "http://127.0.0.1:8080/"',
        f'base_url = "http://127.0.0.1:{port}/"\nport = {port}\noutbox_interval = "0.2s"\n'
        f'delivery_lease = "{lease}"',
    )
    path.write_text(text, encoding="utf-8")
    return path


@contextmanager
def _worker(config: Path, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    env = {**os.environ, "E2E_WEBHOOK_SECRET": SECRET}
    with log.open("ab") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "syndicator", "run", "--config", str(config)],
            stdout=sink,
            stderr=sink,
            env=env,
            cwd=ROOT,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def test_run_serves_feeds_delivers_and_stops_on_sigterm(
    site: tuple[SampleSite, SiteHandle], sinks: Sinks, tmp_path: Path
) -> None:
    _sample, handle = site
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    config = _configure(tmp_path, handle, sinks, port, lease="120s")
    with _worker(config, tmp_path / "worker.log") as process:
        wait_until(lambda: httpx.get(base + "healthz").status_code == 200, within_s=20.0)
        wait_until(lambda: len(sinks.webhook.requests) == 4, within_s=20.0)
        ready = httpx.get(base + "readyz").json()
        assert ready["store"] == "ok"
        assert {s["name"] for s in ready["sources"]} == {"site-fi", "site-sv"}
        feed = httpx.get(base + "feeds/fi/atom.xml")
        assert feed.headers["content-type"].startswith("application/atom+xml")
        assert "server" not in feed.headers  # nothing to fingerprint
        parsed = feedparser.parse(feed.content)
        assert {e.title for e in parsed.entries} == {LIBRARY["fi"].title, ARENA["fi"].title}
        again = httpx.get(
            base + "feeds/fi/atom.xml", headers={"If-None-Match": feed.headers["etag"]}
        )
        assert again.status_code == 304 and again.content == b""
        index = httpx.get(base, headers={"Accept-Language": "sv-FI,sv;q=0.9"})
        assert LIBRARY["sv"].title in index.text and 'hreflang="sv"' in index.text

        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        assert time.monotonic() - started < 10
    assert all(sinks.webhook.verified)


def test_kill_9_mid_delivery_loses_nothing(
    site: tuple[SampleSite, SiteHandle], sinks: Sinks, tmp_path: Path
) -> None:
    _sample, handle = site
    port = _free_port()
    config = _configure(tmp_path, handle, sinks, port, lease="3s")
    sinks.webhook.delay = 1.0  # each request hangs a while: time to kill the worker mid-send
    with _worker(config, tmp_path / "worker.log") as process:
        wait_until(lambda: len(sinks.webhook.requests) >= 1, within_s=20.0)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    in_flight = sinks.webhook.requests[0].headers["webhook-id"]
    sinks.webhook.delay = 0.0
    with _worker(config, tmp_path / "worker.log") as process:

        def all_in() -> bool:
            ids = [r.headers["webhook-id"] for r in sinks.webhook.requests]
            return len(set(ids)) == 4 and ids.count(in_flight) == 2

        # A poll cut off by the kill holds its source's lease until the lease runs out
        # (deadline 10 s + margin 10 s): the window covers that, and a loaded machine.
        wait_until(all_in, within_s=60.0)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    ids = [r.headers["webhook-id"] for r in sinks.webhook.requests]
    # At-least-once: the release in flight at the kill came again, with the same id, so the
    # partner can drop the copy; every other release came exactly once.
    assert ids.count(in_flight) == 2
    assert all(ids.count(i) == 1 for i in set(ids) - {in_flight})


def test_sigterm_cuts_off_a_poll_in_flight_without_an_error(
    site: tuple[SampleSite, SiteHandle], sinks: Sinks, tmp_path: Path
) -> None:
    _sample, handle = site
    trickle = TrickleHost("127.0.0.2")
    port = _free_port()
    slow = demo_source("slow", trickle.url + "slow/", "fi", catch_up=False, interval="60s")
    config = _configure(tmp_path, handle, sinks, port, lease="120s", extra=slow)
    log = tmp_path / "worker.log"
    try:
        with _worker(config, log) as process:
            # The healthy host is ingested and delivered while the slow one still trickles.
            wait_until(lambda: len(sinks.webhook.requests) == 4, within_s=20.0)
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=10) == 0
    finally:
        trickle.stop()
    text = log.read_text(encoding="utf-8")
    lines = log_lines(text)
    assert "Traceback" not in text
    assert [line for line in lines if line["level"] == "ERROR"] == []
    cancelled = [line for line in lines if line.get("event") == "poll.cancelled"]
    assert [line["source"] for line in cancelled] == ["slow"]
