"""Three ``syndicator run`` replicas on one real PostgreSQL, started at the same moment on
an empty database; one is SIGKILLed mid-delivery.

100 html sources on 10 loopback hosts, 10 webhook sinks (two answer in 1.5 s; they follow
the first ten sources, so the run stays bounded), ``delivery_lease = 10s``. Every sink must
get every release; a ``webhook-id`` twice only for a request in flight at the kill; no
listing fetched twice within one interval; the survivors stop with exit 0 on SIGTERM.
Figures: ``build/replica-figures.txt``, logs ``build/replica{0,1,2}.log``.
Run: ``pytest tests/replicas -s`` (needs Debian's postgresql; no skip without it).
"""

from __future__ import annotations

import base64
import itertools
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from tests.hostile.harness import ROOT, free_port, json_lines, start_worker, stop_worker
from tests.postgres import create_database, postgres_server
from tests.replicas.site import ListingSite
from tests.sinks import WebhookSink

SECRET = "whsec_" + base64.b64encode(b"syndicator-replicas-secret-01234").decode()
HOSTS = tuple(f"127.0.3.{n}" for n in range(1, 11))
SOURCES, SINKS, SLOW_SINKS, SLOW_SOURCES = 100, 10, 2, 10
INTERVAL_S = 20.0
SLOW_S = 1.5
NEW_RELEASES = (0, 3, 5, 42, 77)  # sources that publish once more after the kill
BUDGET_S = 150.0  # from the simultaneous start to the last release at every sink
FIGURES = ROOT / "build" / "replica-figures.txt"


@pytest.fixture
def database() -> Iterator[str]:
    with postgres_server() as server:
        if server is None:
            pytest.fail("PostgreSQL is required: install Debian's postgresql (CI does)")
        yield create_database(server)


def _destinations(sinks: list[WebhookSink]) -> str:
    out = ""
    for index, sink in enumerate(sinks):
        only = ""
        if index < SLOW_SINKS:
            only = "sources = [" + ", ".join(f'"s{n}"' for n in range(SLOW_SOURCES)) + "]\n"
        out += (
            f'[[destinations]]\nname = "hook{index}"\nkind = "webhook"\n'
            f'url = "{sink.url}/hook{index}"\nsecret = "{SECRET}"\n{only}'
        )
    return out


def _config(tmp_path: Path, index: int, url: str, port: int, body: str) -> Path:
    path = tmp_path / f"replica{index}.toml"
    path.write_text(
        f"""
[service]
database_url = "{url}"
base_url = "http://127.0.0.1:{port}/"
port = {port}
outbox_interval = "0.5s"
delivery_lease = "10s"
retry_base = "1s"
retry_max = "5s"
allow_fast_polling = true

[http]
allow_private_networks = true
min_host_delay = "0.05s"
max_retries = 1
backoff_base = "0.1s"
{body}""",
        encoding="utf-8",
    )
    return path


def _wait(condition: Callable[[], bool], within_s: float, what: str) -> None:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what}: not within {within_s:.0f} s")


def _healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _expected(site: ListingSite, index: int) -> set[str]:
    """Titles hook ``index`` must receive."""
    wanted = range(SLOW_SOURCES) if index < SLOW_SINKS else range(SOURCES)
    return {site.title(n, k) for n in wanted for k in range(2 + (n in NEW_RELEASES))}


def _received(sink: WebhookSink) -> set[str]:
    return {
        r.json()["data"]["title"]
        for r in list(sink.requests)
        if r.json()["type"] == "release.created"
    }


@pytest.mark.timeout(200)  # the run itself is bounded at BUDGET_S; the rest is setup
def test_three_replicas_one_killed_deliver_everything_once(database: str, tmp_path: Path) -> None:
    with ExitStack() as stack:
        site = stack.enter_context(ListingSite(HOSTS, SOURCES))
        sinks = [stack.enter_context(WebhookSink(SECRET)) for _ in range(SINKS)]
        for sink in sinks[:SLOW_SINKS]:
            sink.delay = SLOW_S
        body = site.sources_toml(interval=f"{INTERVAL_S:.0f}s", catch_up=False)
        body += _destinations(sinks)
        ports = [free_port() for _ in range(3)]
        configs = [_config(tmp_path, i, database, port, body) for i, port in enumerate(ports)]
        logs = [tmp_path / f"replica{i}.log" for i in range(3)]
        replicas = [start_worker(config, log) for config, log in zip(configs, logs, strict=True)]
        stack.callback(_keep_logs, logs)
        stack.callback(_kill_all, replicas)
        started = time.monotonic()

        def up() -> bool:
            crashed = [i for i, p in enumerate(replicas) if p.poll() is not None]
            if crashed:
                text = logs[crashed[0]].read_text().strip()
                last = text.splitlines()[-1] if text else "(no output)"
                raise AssertionError(f"replica {crashed[0]} exited: {last}\n{text[-3000:]}")
            return all(_healthy(port) for port in ports)

        _wait(up, 40, "three replicas on /healthz (simultaneous start, empty database)")
        _wait(lambda: sum(len(s.requests) for s in sinks) >= 30, 60, "first deliveries")
        kill_at = time.time()
        replicas[1].kill()
        replicas[1].wait(timeout=10)
        for n in NEW_RELEASES:
            site.publish(n)

        def complete() -> bool:
            return all(_expected(site, i) <= _received(s) for i, s in enumerate(sinks))

        try:
            _wait(complete, BUDGET_S - (time.monotonic() - started), "every sink has every release")
        finally:
            codes = [stop_worker(replicas[i]) for i in (0, 2)]
        elapsed = time.monotonic() - started
        _check(site, sinks, kill_at, codes, logs, elapsed)


def _check(
    site: ListingSite,
    sinks: list[WebhookSink],
    kill_at: float,
    codes: list[int | None],
    logs: list[Path],
    elapsed: float,
) -> None:
    problems: list[str] = []
    duplicates: list[tuple[int, str, float]] = []
    for index, sink in enumerate(sinks):
        seen: dict[str, float] = {}
        for request in sink.requests:
            key = request.headers["webhook-id"]
            if key in seen:
                duplicates.append((index, key, seen[key]))
            seen.setdefault(key, request.at)
        if not all(sink.verified):
            problems.append(f"hook{index}: a signature did not verify")
    late = [d for d in duplicates if not kill_at - SLOW_S - 1.0 <= d[2] <= kill_at + 0.5]
    if len(duplicates) > SINKS or late:
        problems.append(
            f"{len(duplicates)} duplicates, {len(late)} not in flight at the kill: {late[:5]}"
        )
    twice = _listings_twice(site, kill_at)
    if twice:
        shown = ", ".join(f"{path} after {gap:.1f} s" for path, gap in twice[:5])
        problems.append(f"{len(twice)} listings fetched twice within an interval: {shown} …")
    if codes != [0, 0]:
        problems.append(f"survivors' exit codes on SIGTERM: {codes} (None: had to be killed)")
    polls = [len([x for x in json_lines(log) if x.get("event") == "poll.done"]) for log in logs]
    figures = (
        f"replicas: {elapsed:.0f} s; webhook requests {sum(len(s.requests) for s in sinks)}; "
        f"duplicates {len(duplicates)} (in flight at the kill: {len(duplicates) - len(late)}); "
        f"listing requests {sum(len(v) for v in site.listing_hits().values())}; "
        f"polls per replica {polls}; listings fetched twice in a window {len(twice)}\n"
    )
    FIGURES.write_text(figures, encoding="utf-8")
    print("\n" + figures)
    assert not problems, "\n".join(problems)


def _listings_twice(site: ListingSite, kill_at: float) -> list[tuple[str, float]]:
    """Listing requests closer than the interval (a poll cut off by the kill excepted)."""
    monotonic_kill = time.monotonic() - (time.time() - kill_at)
    out = []
    for path, times in site.listing_hits().items():
        for before, after in itertools.pairwise(times):
            cut_off = monotonic_kill - 5 <= before <= monotonic_kill
            if after - before < 0.75 * INTERVAL_S and not cut_off:
                out.append((path, after - before))
    return out


def _keep_logs(logs: list[Path]) -> None:
    FIGURES.parent.mkdir(exist_ok=True)
    for log in logs:
        FIGURES.with_name(log.name).write_bytes(log.read_bytes())


def _kill_all(replicas: list[subprocess.Popen[bytes]]) -> None:
    for process in replicas:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
