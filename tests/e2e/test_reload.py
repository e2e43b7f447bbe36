"""Live reload on a real ``syndicator run``: SIGHUP adds a source, refuses a broken file and
removes a source, without a restart; ``syndicator reload`` signals it through its PID file."""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import Any

import httpx

from syndicator.demo.languages import LANGUAGES, demo_source
from syndicator.demo.site import SampleSite, SiteHandle
from tests.e2e.conftest import ARENA, LIBRARY, Sinks, log_lines, syndicator, write_config
from tests.e2e.test_worker import WEBHOOK, _free_port, _worker
from tests.hostile.harness import wait_until


def _write(tmp_path: Path, handle: SiteHandle, sinks: Sinks, port: int, *langs: str) -> Path:
    sources = "\n".join(
        demo_source(f"site-{code}", f"{handle.url}{LANGUAGES[code].listing}", code,
                    catch_up=False, interval="2s")
        for code in langs
    )  # fmt: skip
    path = write_config(tmp_path, sources, WEBHOOK.format(url=sinks.webhook.url))
    text = path.read_text(encoding="utf-8").replace(
        'base_url = "http://127.0.0.1:8080/"',
        f'base_url = "http://127.0.0.1:{port}/"\nport = {port}\noutbox_interval = "0.2s"',
    )
    path.write_text(text, encoding="utf-8")
    return path


def _events(log: Path, event: str) -> list[dict[str, Any]]:
    return [
        line for line in log_lines(log.read_text(encoding="utf-8")) if line.get("event") == event
    ]


def _listing_hits(sample: SampleSite, code: str, since: float = 0.0) -> int:
    path = "/" + LANGUAGES[code].listing
    return sum(1 for r in list(sample.requests) if r.path.startswith(path) and r.at >= since)


def test_sighup_adds_refuses_and_removes_sources_without_a_restart(
    site: tuple[SampleSite, SiteHandle], sinks: Sinks, tmp_path: Path
) -> None:
    sample, handle = site
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    config = _write(tmp_path, handle, sinks, port, "fi")
    log = tmp_path / "worker.log"
    with _worker(config, log) as process:
        wait_until(lambda: len(sinks.webhook.requests) == 2, within_s=30.0)  # the fi releases
        assert _listing_hits(sample, "sv") == 0

        # 1. A second source: polled, stored, delivered; the reloaded line names it.
        _write(tmp_path, handle, sinks, port, "fi", "sv")
        process.send_signal(signal.SIGHUP)
        wait_until(lambda: len(_events(log, "config.reloaded")) == 1, within_s=20.0)
        assert _events(log, "config.reloaded")[0]["message"] == "sources +site-sv"
        wait_until(lambda: len(sinks.webhook.requests) == 4, within_s=30.0)
        feed = httpx.get(base + "feeds/sv/atom.xml").text
        assert LIBRARY["sv"].title in feed and ARENA["sv"].title in feed
        assert {s["name"] for s in httpx.get(base + "readyz").json()["sources"]} == {
            "site-fi",
            "site-sv",
        }

        # 2. A broken file: refused with check-config's words, the running config stays.
        good = config.read_text(encoding="utf-8")
        config.write_text(good.replace('interval = "2s"', 'interval = "often"', 1), "utf-8")
        checked = syndicator("check-config", str(config), check=False)
        assert checked.returncode == 2
        process.send_signal(signal.SIGHUP)
        wait_until(lambda: len(_events(log, "config.reload_refused")) >= 1, within_s=20.0)
        refused = [line["message"] for line in _events(log, "config.reload_refused")]
        assert refused == checked.stderr.strip().splitlines()
        assert any("expected a duration" in line for line in refused)
        after = time.monotonic()
        wait_until(lambda: _listing_hits(sample, "fi", after) >= 1, within_s=20.0)
        wait_until(lambda: _listing_hits(sample, "sv", after) >= 1, within_s=20.0)

        # 3. A source removed: it is polled no more; `syndicator reload` finds the worker.
        _write(tmp_path, handle, sinks, port, "fi")
        reload = syndicator("reload", "--config", str(config))
        assert f"sent SIGHUP to worker {process.pid}" in reload.stdout
        wait_until(lambda: len(_events(log, "config.reloaded")) == 2, within_s=20.0)
        assert _events(log, "config.reloaded")[1]["message"] == "sources -site-sv"
        time.sleep(0.5)  # a poll of site-sv already under way may finish
        removed = time.monotonic()
        wait_until(lambda: _listing_hits(sample, "fi", removed) >= 2, within_s=20.0)
        assert _listing_hits(sample, "sv", removed) == 0
        assert process.poll() is None  # the same process all along

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    assert len(sinks.webhook.requests) == 4  # nothing sent twice
    assert "Traceback" not in log.read_text(encoding="utf-8")
    assert not (tmp_path / "syndicator.pid").exists()  # removed on a clean stop
