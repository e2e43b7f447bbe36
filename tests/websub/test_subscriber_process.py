"""A real subscriber process against a running ``syndicator run``: it subscribes to the
Finnish Atom feed, is verified, and receives a new release of the sample site, signed."""

from __future__ import annotations

import json
import os
import queue
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qsl

import feedparser
import httpx

from syndicator.demo.site import SampleSite
from syndicator.locales import HELSINKI
from tests.e2e.conftest import ARENA, LIBRARY, ROOT, log_lines, sources_toml, write_config
from tests.hostile.harness import events, wait_until
from tests.sinks import HttpSink

SECRET = "tilaajan-salaisuus"
_WAIT_S = 60.0  # generous: the machine is shared; the latency is measured, not asserted


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _configure(tmp_path: Path, site_url: str, port: int, hub: str) -> Path:
    path = write_config(tmp_path, sources_toml(site_url, catch_up=True, langs=("fi",)), "")
    text = path.read_text(encoding="utf-8").replace(
        'base_url = "http://127.0.0.1:8080/"',
        f'base_url = "http://127.0.0.1:{port}/"\nport = {port}\noutbox_interval = "0.2s"',
    )
    text = text.replace('interval = "10s"', 'interval = "1s"')
    text += f'\n[websub]\nlease_default = "1h"\nlease_max = "2h"\npublish_to = ["{hub}"]\n'
    path.write_text(text, encoding="utf-8")
    return path


@contextmanager
def _process(args: list[str], **kwargs: Any) -> Iterator[subprocess.Popen[str]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(args, cwd=ROOT, env=env, text=True, **kwargs)
    try:
        yield process
    finally:
        if process.stdin:
            process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _lines(stream: IO[str]) -> tuple[queue.Queue[dict[str, Any]], threading.Thread]:
    """The JSON lines of ``stream`` as they come; the reader closes it at its end."""
    found: queue.Queue[dict[str, Any]] = queue.Queue()

    def read() -> None:
        with stream:
            for line in stream:
                found.put(json.loads(line))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return found, reader


def _next(lines: queue.Queue[dict[str, Any]], wanted: Callable[[dict[str, Any]], bool]) -> Any:
    while True:
        line = lines.get(timeout=_WAIT_S)
        if wanted(line):
            return line


def test_a_subscriber_process_is_verified_and_gets_the_new_release_signed(
    tmp_path: Path,
) -> None:
    sample = SampleSite(with_releases=False)
    start = datetime.now(HELSINKI).replace(microsecond=0) - timedelta(days=1)
    sample.add_release("kirjasto", {"fi": LIBRARY["fi"]}, published=start, post_id=5001)
    handle = sample.serve()
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    topic = base + "feeds/fi/atom.xml"
    log = tmp_path / "worker.log"
    external = HttpSink()  # an external hub (websub.publish_to): pinged after each change
    config = _configure(tmp_path, handle.url, port, external.url + "/")
    run = [sys.executable, "-m", "syndicator", "run", "--config", str(config)]
    try:
        with log.open("w") as sink, _process(run, stdout=sink, stderr=sink) as worker:
            wait_until(lambda: LIBRARY["fi"].title in httpx.get(topic).text)  # caught up
            subscriber = [sys.executable, "-m", "tests.websub.subscriber", "--hub",
                          base + "websub", "--topic", topic, "--secret", SECRET]  # fmt: skip
            with _process(subscriber, stdin=subprocess.PIPE, stdout=subprocess.PIPE) as sub:
                assert sub.stdout is not None
                lines, reader = _lines(sub.stdout)
                requested = _next(lines, lambda line: line["event"] == "requested")
                assert requested["status"] == 202
                verification = _next(lines, lambda line: line["event"] == "verification")
                assert (verification["hub.mode"], verification["hub.topic"]) == ("subscribe", topic)
                assert verification["hub.lease_seconds"] == "3600"
                wait_until(lambda: bool(events(log, "websub.subscribed")))

                sample.add_release(
                    "jaahalli", {"fi": ARENA["fi"]}, published=start + timedelta(hours=1)
                )
                pushed = _next(lines, lambda line: line["event"] == "distribution"
                               and ARENA["fi"].title in line["body"])  # fmt: skip
            reader.join(timeout=10)  # the subscriber has exited: its output ended
            worker.terminate()
    finally:
        handle.stop()
        external.close()
    assert pushed["verified"] is True, "X-Hub-Signature did not match the body"
    assert pushed["problems"] == []
    assert pushed["content_type"].startswith("application/atom+xml")
    titles = [entry.title for entry in feedparser.parse(pushed["body"]).entries]
    assert ARENA["fi"].title in titles and LIBRARY["fi"].title in titles
    found = [line for line in events(log, "poll.done") if line.get("new")]
    polled = datetime.fromisoformat(found[-1]["time"]).timestamp()
    # The figure for the closing note (not asserted: timing depends on the machine).
    print(f"websub: pushed {pushed['at'] - polled:.3f} s after the poll that found it")
    pinged = [dict(parse_qsl(r.body.decode())) for r in external.requests]
    assert {"hub.mode": "publish", "hub.url": topic} in pinged
    assert [line for line in log_lines(log.read_text("utf-8")) if line["level"] == "ERROR"] == []
