"""One real ``syndicator run`` against hostile sources and healthy ones at the same time.

Each hostile server has its own loopback address (its own lane); the sample site is the
healthy source, and gets new releases while the worker runs. The worker must survive,
say each failure once with a cause code, keep ``/healthz`` under 100 ms, keep the feeds
well-formed, stay under 300 MB per process, and ingest the healthy releases within
interval + 5 s. Figures go to ``build/hostile-figures.txt`` (and the worker's log to
``build/hostile-worker.log``) as well as stdout. Run: ``pytest tests/hostile -s`` (~70 s).
"""

from __future__ import annotations

import subprocess
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from syndicator.demo.languages import demo_sources
from syndicator.demo.releases import HELSINKI
from syndicator.demo.site import SampleSite
from tests.e2e.conftest import ARENA, LIBRARY, text
from tests.hostile.cases import INTERVAL_S, Case, hostile_cases
from tests.hostile.harness import (
    ROOT,
    HealthProbe,
    RssSampler,
    free_port,
    json_lines,
    raw_lines,
    stop_worker,
    worker,
)
from tests.hostile.report import LAG_LIMIT_S, failures_of, repeats
from tests.hostile.report import report as make_report
from tests.hostile.servers import HostileServer, gzip_bomb

RUN_S = 52.0  # the worker's whole run after it first answers /healthz
HEALTHZ_LIMIT_S = 0.1
RSS_LIMIT_MB = 300
# poll.deadline too: the poll's own deadline naming the source is a clear cause as well.
CAUSES = ("fetch.", "parse.", "extract.", "source.", "poll.deadline")
FIGURES = ROOT / "build" / "hostile-figures.txt"


@pytest.fixture(scope="session")
def bomb() -> bytes:
    return gzip_bomb(1)


@pytest.fixture
def hostile(bomb: bytes) -> Iterator[list[tuple[Case, HostileServer]]]:
    with ExitStack() as stack:
        served = []
        for index, case in enumerate(hostile_cases(bomb)):
            host = f"127.0.0.{index + 2}"
            server = HostileServer(host, {})
            server.routes.update(case.routes(server.url))
            served.append((case, stack.enter_context(server)))
        yield served


def _config(tmp_path: Path, port: int, sources: str) -> Path:
    path = tmp_path / "feeds.toml"
    path.write_text(
        f"""
[service]
database_url = "sqlite:///{tmp_path / "hostile.sqlite3"}"
base_url = "http://127.0.0.1:{port}/"
port = {port}
outbox_interval = "1s"
allow_fast_polling = true
parse_timeout = "2s"
parse_memory_mb = 128  # on top of the worker's own ~170 MB: every process stays < 300 MB

[http]
allow_private_networks = true
min_host_delay = "0.05s"
request_deadline = "2s"
read_timeout = "2s"
max_retries = 1
backoff_base = "0.1s"

[feeds]
max_entries = 200
{sources}
""",
        encoding="utf-8",
    )
    return path


def _wait_healthy(url: str, within_s: float = 20.0) -> None:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} never answered")


def _feed_titles(base: str, bad: list[str]) -> set[str]:
    body = httpx.get(base + "feeds/atom.xml", timeout=5).content
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        bad.append(f"feeds/atom.xml is not well-formed: {exc}")
        return set()
    ns = "{http://www.w3.org/2005/Atom}"
    return {entry.findtext(f"{ns}title") or "" for entry in root.iter(f"{ns}entry")}


def _publish_and_time(sample: SampleSite, base: str, number: int, bad: list[str]) -> float | None:
    """Add a release to the healthy site; seconds until it is in the worker's feed."""
    title = f"Uusi tiedote {number}: kaupunki tiedottaa"
    texts = {
        "fi": text(f"uusi-{number}", title, "Ingressi.", "Kaupunki tiedottaa asukkaille."),
        "sv": text(f"ny-{number}", f"Nytt meddelande {number}", "Ingress.", "Staden meddelar."),
    }
    sample.add_release(f"uusi-{number}", texts, post_id=6000 + number)
    started = time.monotonic()
    while time.monotonic() - started < LAG_LIMIT_S + 7:
        try:
            if title in _feed_titles(base, bad):
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    return None


@dataclass
class _Run:
    """What was seen from outside the worker while it ran."""

    probe: HealthProbe
    sampler: RssSampler
    lags: list[float | None]
    bad: list[str]  # malformed feeds seen on the way
    alive: bool
    exit_code: int | None


def _healthy_site() -> SampleSite:
    sample = SampleSite(with_releases=False)
    first = datetime.now(HELSINKI).replace(microsecond=0) - timedelta(days=1)
    sample.add_release("kirjasto", LIBRARY, published=first, post_id=5001)
    sample.add_release("jaahalli", ARENA, published=first + timedelta(hours=1), post_id=5002)
    return sample


def _watch(process: subprocess.Popen[bytes], sample: SampleSite, base: str) -> _Run:
    """Probe, sample and publish for RUN_S seconds; then check the feeds and SIGTERM."""
    _wait_healthy(base + "healthz")
    started, bad = time.monotonic(), list[str]()
    probe, sampler = HealthProbe(base + "healthz"), RssSampler(process.pid)
    probe.start()
    sampler.start()
    lags: list[float | None] = []
    for number in range(4):
        time.sleep(max(0.0, started + 4 + 12 * number - time.monotonic()))
        lags.append(_publish_and_time(sample, base, number, bad))
        if process.poll() is not None:
            break
    time.sleep(max(0.0, started + RUN_S - time.monotonic()))
    alive = process.poll() is None
    _feed_titles(base, bad)
    for extra in ("feeds/rss.xml", "feeds/fi/atom.xml"):
        try:
            ET.fromstring(httpx.get(base + extra, timeout=5).content)
        except (ET.ParseError, httpx.HTTPError) as exc:
            bad.append(f"{extra}: {exc}")
    probe.halt()
    sampler.halt()
    return _Run(probe, sampler, lags, bad, alive, stop_worker(process))


def test_hostile_sources_never_stall_the_worker(
    hostile: list[tuple[Case, HostileServer]], tmp_path: Path
) -> None:
    sample = _healthy_site()
    port = free_port()
    base, log = f"http://127.0.0.1:{port}/", tmp_path / "worker.log"
    with sample.serve() as site:
        healthy = demo_sources(
            site.url, interval=f"{INTERVAL_S}s", languages=("fi", "sv"), prefix="healthy"
        )
        sources = healthy + "".join(case.source(server.url) for case, server in hostile)
        with worker(_config(tmp_path, port, sources), log) as process:
            run = _watch(process, sample, base)
    lines = json_lines(log)
    report = make_report(hostile, lines, run.probe, run.sampler, run.lags, process.pid)
    FIGURES.parent.mkdir(exist_ok=True)
    FIGURES.write_text(report, encoding="utf-8")
    FIGURES.with_name("hostile-worker.log").write_bytes(log.read_bytes())
    print("\n" + report)

    assert run.alive, f"the worker died: exit {process.returncode}\n{log.read_text()[-3000:]}"
    problems = run.bad + _case_problems(hostile, lines) + _run_problems(run)
    problems += [f"not a JSON log line: {line[:160]}" for line in raw_lines(log)[:5]]
    assert not problems, "\n".join(problems)


def _case_problems(
    hostile: list[tuple[Case, HostileServer]], lines: list[dict[str, Any]]
) -> list[str]:
    problems = []
    for case, _server in hostile:
        failures = failures_of(lines, case.name)
        if case.must_fail and not failures:
            problems.append(f"{case.name}: no line names the source with a cause")
        problems += [
            f"{case.name}: cause {f.get('error_code')!r} is not one of {CAUSES}"
            for f in failures
            if not str(f.get("error_code", "")).startswith(CAUSES)
        ]
        problems += [f"{case.name}: {p}" for p in repeats(failures)]
    return problems


def _run_problems(run: _Run) -> list[str]:
    problems = []
    latencies = run.probe.latencies
    worst = max(latencies, default=float("inf"))
    if worst > HEALTHZ_LIMIT_S:
        slow = sum(1 for latency in latencies if latency > HEALTHZ_LIMIT_S)
        problems.append(f"/healthz: {slow}/{len(latencies)} probes over 100 ms (max {worst:.3f} s)")
    problems += [
        f"healthy release {n}: lag {lag} s"
        for n, lag in enumerate(run.lags)
        if lag is None or lag > LAG_LIMIT_S
    ]
    problems += [
        f"pid {pid}: VmHWM {kb / 1024:.0f} MB"
        for pid, kb in run.sampler.hwm_kb.items()
        if kb / 1024 >= RSS_LIMIT_MB
    ]
    if run.exit_code != 0:
        problems.append(f"SIGTERM: exit {run.exit_code} (None: still running after 10 s)")
    return problems
