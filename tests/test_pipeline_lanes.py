"""Polling lanes against real local servers: sources on other hosts are not held up by a slow
one, a poll has a deadline, a bug in one source kind stops nobody else, a page whose parse
overruns is remembered, the loop stays responsive, and the metrics tell the truth."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

import httpx
import pytest
import sqlalchemy as sa

from syndicator.config import Config, parse_config
from syndicator.configbase import SourceBase
from syndicator.demo.languages import demo_source
from syndicator.demo.site import SampleSite, SiteHandle
from syndicator.http import Fetcher
from syndicator.parsing import InlineParser, Parser
from syndicator.poller import Poller, validator_lookup
from syndicator.scheduler import run_once
from syndicator.sources import KINDS, Listing
from syndicator.store import Store, open_store
from syndicator.store.schema import page_failures
from syndicator.web import create_app
from tests.hosts import TrickleHost

WEB = "http://t"
# 150,000 paragraphs (1.7 MB): seconds of work for the generic fallback, over a 1 s budget
HEAVY = "<html><body><main>" + "<p>Sana</p>" * 150_000 + "</main></body></html>"


@pytest.fixture
def site() -> Iterator[tuple[SampleSite, SiteHandle]]:
    sample = SampleSite()
    handle = sample.serve()
    yield sample, handle
    handle.stop()


@pytest.fixture
def trickle() -> Iterator[TrickleHost]:
    host = TrickleHost("127.0.0.2")
    yield host
    host.stop()


def _config(tmp_path: Path, sources: str, service: str = "") -> Config:
    text = f"""
[service]
database_url = "sqlite:///{tmp_path / "lanes.sqlite3"}"
allow_fast_polling = true
{service}
[http]
allow_private_networks = true
min_host_delay = "0s"
max_retries = 0
read_timeout = "2s"
request_deadline = "60s"
{sources}
"""
    return parse_config(text, "lanes.toml", {})


def _good(handle: SiteHandle, name: str = "good") -> str:
    return demo_source(name, f"{handle.url}ajankohtaista/tiedotteet/", "fi", catch_up=False)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path / 'lanes.sqlite3'}")
    yield opened
    opened.close()


async def _poller(config: Config, store: Store, parser: Parser | None = None) -> Poller:
    fetcher = Fetcher(config.http, validator_lookup(store))
    return Poller(config, store, fetcher, parser or InlineParser())


@pytest.mark.parametrize("lanes", [16, 1])
async def test_a_trickling_host_does_not_hold_up_another_host(
    site: tuple[SampleSite, SiteHandle],
    trickle: TrickleHost,
    tmp_path: Path,
    store: Store,
    lanes: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    _sample, handle = site
    sources = demo_source("slow", trickle.url + "slow/", "fi", catch_up=False) + _good(handle)
    config = _config(tmp_path, sources, f"poll_concurrency = {lanes}")
    poller = await _poller(config, store)
    slow_source, good_source = config.sources
    slow = asyncio.create_task(poller.poll(slow_source))
    await asyncio.sleep(0.3)  # the slow listing is being read
    good = asyncio.create_task(poller.poll(good_source))
    done, _pending = await asyncio.wait({good}, timeout=5)
    assert bool(done) is (lanes > 1)  # one lane: the good source waits (today's behaviour)
    if lanes > 1:
        assert good.result().created > 0 and not slow.done()
    slow.cancel()  # shutdown: a cancelled poll is no error
    with pytest.raises(asyncio.CancelledError):
        await slow
    good.cancel()
    await asyncio.gather(good, return_exceptions=True)
    await poller.fetcher.aclose()
    said = [r for r in caplog.records if getattr(r, "source", None) == "slow"]
    assert [r.levelname for r in said if r.levelno >= logging.WARNING] == []
    assert [getattr(r, "event", None) for r in said] == ["poll.cancelled"]
    assert all(r.exc_info is None for r in caplog.records)
    # The lease was given back, held for the usual gap: the cut-off poll may have fetched the
    # listing, so no replica fetches it again a moment later.
    assert not store.claim_poll("slow", owner="x", now=_now(), until=_now(), min_gap=0)
    later = _now() + timedelta(seconds=0.8 * slow_source.interval + 1)
    assert store.claim_poll("slow", owner="x", now=later, until=later, min_gap=0)


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


async def test_a_poll_over_its_deadline_is_recorded_logged_once_and_shown(
    site: tuple[SampleSite, SiteHandle],
    trickle: TrickleHost,
    tmp_path: Path,
    store: Store,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _sample, handle = site
    slow = demo_source("slow", trickle.url + "slow/", "fi", catch_up=False, interval="1s")
    config = _config(tmp_path, slow + _good(handle))  # deadline: min(poll_deadline, interval)
    started = time.monotonic()
    results = {r.source: r for r in await run_once(config, store)}
    assert time.monotonic() - started < 5
    assert results["slow"].error_code == "poll.deadline" and not results["slow"].ok
    assert results["good"].ok and results["good"].created > 0
    said = [r for r in caplog.records if getattr(r, "source", None) == "slow" and r.levelno >= 30]
    assert len(said) == 1 and said[0].event == "poll.failed"  # type: ignore[attr-defined]
    assert "slow" in said[0].getMessage() and "deadline" in said[0].getMessage()
    app = create_app(config, store)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as web:
        ready = (await web.get("/readyz")).json()
    state = {s["name"]: s for s in ready["sources"]}
    assert state["slow"]["last_error_code"] == "poll.deadline"
    assert state["slow"]["consecutive_failures"] == 1


class _BuggyConfig(SourceBase):
    kind: Literal["buggy"]


class _BuggyKind:
    async def candidates(self, source: Any, fetcher: Fetcher, parser: Parser) -> Listing:
        raise KeyError("a bug in a source kind")


async def test_a_bug_in_one_source_kind_stops_no_other_source(
    site: tuple[SampleSite, SiteHandle],
    tmp_path: Path,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _sample, handle = site
    monkeypatch.setitem(KINDS, "buggy", _BuggyKind())  # a new kind, through the registry seam
    config = _config(tmp_path, _good(handle))
    buggy = _BuggyConfig(name="buggy", kind="buggy", interval=60)
    config = config.model_copy(update={"sources": (buggy, *config.sources)})
    results = {r.source: r for r in await run_once(config, store)}
    assert results["buggy"].error_code == "poll.internal"
    assert results["good"].ok and results["good"].created > 0
    [line] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert line.source == "buggy" and line.exc_info is not None  # type: ignore[attr-defined]
    state = store.source_state("buggy")
    assert state is not None and state.last_error_code == "poll.internal"


def _listing(*paths: str) -> bytes:
    items = "".join(
        f"<article class='news-item'><h2 class='news-title'><a href='{path}'>{path}</a></h2>"
        "<time datetime='2026-11-27'>27.11.2026</time></article>"
        for path in paths
    )
    return f"<html lang='fi'><body><main>{items}</main></body></html>".encode()


async def test_a_page_over_its_parse_budget_is_remembered_and_the_loop_keeps_ticking(
    site: tuple[SampleSite, SiteHandle], tmp_path: Path, store: Store
) -> None:
    sample, handle = site
    sample.override("/raskas/", _listing("/tiedote/syva/"))
    sample.override("/tiedote/syva/", HEAVY.encode())
    sources = demo_source("heavy", f"{handle.url}raskas/", "fi", catch_up=False)
    config = _config(tmp_path, sources, 'parse_timeout = "1s"\nparse_workers = 1')
    lags: list[float] = []

    async def tick() -> None:
        while True:
            before = time.monotonic()
            await asyncio.sleep(0.01)
            lags.append(time.monotonic() - before - 0.01)

    ticker = asyncio.create_task(tick())
    [result] = await run_once(config, store)
    ticker.cancel()
    assert result.errors == 1 and result.error_code == "parse.timeout"
    assert max(lags) < 0.1, max(lags)
    with store.engine.connect() as connection:
        [row] = connection.execute(sa.select(page_failures)).all()
    assert row.url == f"{handle.url}tiedote/syva/" and row.error_code == "parse.timeout"
    assert row.content_hash and row.failures == 1
    fetched = [r.path for r in sample.requests if r.path == "/tiedote/syva/"]
    await run_once(config, store)
    assert [r.path for r in sample.requests if r.path == "/tiedote/syva/"] == fetched


async def test_last_poll_success_is_served_on_metrics_after_a_real_poll(
    site: tuple[SampleSite, SiteHandle], tmp_path: Path, store: Store
) -> None:
    _sample, handle = site
    config = _config(tmp_path, _good(handle, "metrics-probe"))
    started = time.time()
    await run_once(config, store)
    app = create_app(config, store)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as web:
        page = (await web.get("/metrics")).text
    stamp = re.search(
        r'^syndicator_last_poll_success_timestamp_seconds\{source="metrics-probe"\} (\S+)$',
        page,
        re.MULTILINE,
    )
    assert stamp is not None and float(stamp.group(1)) >= started
    assert 'syndicator_polls_total{result="ok",source="metrics-probe"} 1.0' in page


async def test_a_304_poll_costs_no_count_over_the_store(
    site: tuple[SampleSite, SiteHandle], tmp_path: Path, store: Store
) -> None:
    _sample, handle = site
    config = _config(tmp_path, _good(handle))
    await run_once(config, store)
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement.lower())

    sa.event.listen(store.engine, "before_cursor_execute", seen)
    [result] = await run_once(config, store)
    sa.event.remove(store.engine, "before_cursor_execute", seen)
    assert result.not_modified
    polling = [s for s in statements if "deliveries" not in s]
    assert not [s for s in polling if "group by" in s or "count(" in s], polling
