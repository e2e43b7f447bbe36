"""Adaptive polling's worker side (``syndicator.adaptive``) on a real SQLite store: the
first-seen moments it learns from, catch-up left out, the Decision kept where the status page
reads it, the job moved, and ``poll.interval`` logged once per change."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from syndicator.adaptive import BURST_GAP, BURST_MAX, HISTORY, AdaptivePolling, drop_bursts
from syndicator.configbase import SourceBase
from syndicator.decide import decide
from syndicator.locales import HELSINKI
from syndicator.model import Article, Link
from syndicator.rhythm import MIN_EVIDENCE, slot_of
from syndicator.store import Store, open_store

# A Tuesday 09:30 in Helsinki: the clock of every test here.
NOW = datetime(2026, 3, 10, 9, 30, tzinfo=HELSINKI).astimezone(UTC)
SOURCE = SourceBase(name="vaasa", adaptive=True, min_interval=120.0, max_interval=3600.0,
                    interval=900.0, jitter=0.0)  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path / 'adaptive.sqlite3'}")
    yield opened
    opened.close()


def article(slug: str, lang: str = "fi", alternates: tuple[str, ...] = ()) -> Article:
    return Article(
        url=f"https://www.vaasa.fi/{lang}/{slug}/", title=f"Tiedote {slug}", lang=lang,
        published=None, updated=None, lead="", body_html="<p>x</p>", text=f"x {slug}",
        alternates=tuple(Link(url, "", None) for url in alternates),
    )  # fmt: skip


def save(store: Store, item: Article, when: datetime, source: str = "vaasa") -> None:
    store.save_article(source, item, decide(None, item), None, destinations=[], now=when)


def weekly(
    store: Store, local: datetime, weeks: int, per_week: int = 3, source: str = "vaasa"
) -> list[datetime]:
    """``per_week`` releases 20 min apart at ``local``'s weekday and hour, ``weeks`` back."""
    moments = []
    for week in range(1, weeks + 1):
        for n in range(per_week):
            start = local.replace(minute=1) - timedelta(weeks=week)
            moment = (start + timedelta(minutes=20 * n)).astimezone(UTC)
            save(store, article(f"{source}-w{week}-{n}-{local:%H}"), moment, source)
            moments.append(moment)
    return moments


@pytest.fixture
async def scheduler() -> AsyncIterator[AsyncIOScheduler]:
    running = AsyncIOScheduler(timezone="Europe/Helsinki")
    running.add_job(lambda: None, IntervalTrigger(seconds=900), id="poll:vaasa",
                    next_run_time=NOW + timedelta(seconds=900))  # fmt: skip
    running.start(paused=True)  # the job is moved, never run
    yield running
    running.shutdown(wait=False)


def test_a_catch_up_run_is_dropped_and_a_few_releases_at_once_are_kept() -> None:
    catch_up = [NOW + timedelta(seconds=3 * n) for n in range(BURST_MAX + 1)]
    few = [NOW + timedelta(hours=1, seconds=n) for n in range(BURST_MAX)]
    lone = [NOW - timedelta(days=1), NOW + timedelta(hours=2)]
    assert drop_bursts([*catch_up, *lone, *few]) == sorted([*lone, *few])
    # Polls just over the gap apart are separate polls, each of a few releases: all kept.
    spaced = [NOW + n * (BURST_GAP + timedelta(seconds=1)) for n in range(3 * BURST_MAX)]
    assert drop_bursts(spaced) == spaced


def test_first_seen_times_count_a_release_once_at_its_first_language(store: Store) -> None:
    fi_url, sv_url = "https://www.vaasa.fi/fi/uimahalli/", "https://www.vaasa.fi/sv/simhall/"
    fi = article("uimahalli", alternates=(sv_url,))
    sv = article("simhall", "sv", alternates=(fi_url,))
    assert (fi.url, sv.url) == (fi_url, sv_url)
    save(store, fi, NOW - timedelta(days=1))
    save(store, sv, NOW - timedelta(hours=1))  # the Swedish page appears a day later
    save(store, article("kirjasto"), NOW - timedelta(hours=2))
    save(store, article("muu"), NOW - timedelta(hours=3), source="other")
    since = NOW - timedelta(days=2)
    assert store.first_seen_times("vaasa", since) == [
        NOW - timedelta(days=1),
        NOW - timedelta(hours=2),
    ]
    # Looking from after the Finnish page: the Swedish one is no new release.
    assert store.first_seen_times("vaasa", NOW - timedelta(hours=12)) == [NOW - timedelta(hours=2)]


async def test_releases_at_this_hour_poll_at_the_minimum_and_move_the_job(
    store: Store, scheduler: AsyncIOScheduler, caplog: pytest.LogCaptureFixture
) -> None:
    weekly(store, NOW.astimezone(HELSINKI), weeks=10)
    store.record_poll("vaasa", NOW)  # the source's row, as the poll before wrote it
    adaptive = AdaptivePolling(store, clock=lambda: NOW)
    with caplog.at_level(logging.INFO, logger="syndicator.adaptive"):
        decision = await adaptive.after_poll(SOURCE, scheduler)
        assert await adaptive.after_poll(SOURCE, scheduler) == decision
    assert decision.interval == SOURCE.min_interval
    assert decision.slot == slot_of(NOW)
    job = scheduler.get_job("poll:vaasa")
    assert job.next_run_time == NOW + timedelta(seconds=SOURCE.min_interval)
    [state] = store.source_states()
    assert state.rhythm == decision
    assert state.next_poll_at == job.next_run_time
    [line] = [r for r in caplog.records if getattr(r, "event", "") == "poll.interval"]
    assert line.getMessage() == "vaasa: polled every 2 min (Tue 09–10: 100 % of releases)"
    assert line.__dict__["interval_s"] == 120


async def test_releases_only_at_night_poll_rarely(
    store: Store, scheduler: AsyncIOScheduler
) -> None:
    night = NOW.astimezone(HELSINKI).replace(hour=2)
    weekly(store, night, weeks=10)
    store.record_poll("vaasa", NOW)
    decision = await AdaptivePolling(store, clock=lambda: NOW).after_poll(SOURCE, scheduler)
    assert decision.interval == SOURCE.max_interval
    assert decision.slot is not None and decision.share == 0.0
    assert scheduler.get_job("poll:vaasa").next_run_time == NOW + timedelta(hours=1)


async def test_a_catch_up_alone_teaches_nothing(store: Store, scheduler: AsyncIOScheduler) -> None:
    for n in range(30):  # the first poll stored 30 releases, seconds apart, an hour ago
        save(store, article(f"vanha-{n}"), NOW - timedelta(hours=1) + timedelta(seconds=2 * n))
    store.record_poll("vaasa", NOW)
    decision = await AdaptivePolling(store, clock=lambda: NOW).after_poll(SOURCE, scheduler)
    assert (decision.slot, decision.seen) == (None, 0.0)  # learning: the fixed interval
    assert decision.interval == SOURCE.interval
    assert store.source_states()[0].rhythm == decision


async def test_new_releases_are_learnt_incrementally(store: Store) -> None:
    clock = [NOW]
    adaptive = AdaptivePolling(store, clock=lambda: clock[0])
    history = weekly(store, NOW.astimezone(HELSINKI), weeks=10)
    first = await adaptive.rhythm_of("vaasa")
    assert first.as_of == max(history)
    assert first.evidence(NOW) > MIN_EVIDENCE
    save(store, article("uusi"), NOW + timedelta(minutes=1))
    for n in range(20):  # another replica's catch-up of an old archive
        save(store, article(f"arkisto-{n}"), NOW + timedelta(minutes=3, seconds=n))
    clock[0] = NOW + timedelta(minutes=4)
    later = await adaptive.rhythm_of("vaasa")
    assert later.as_of == NOW + timedelta(minutes=1)
    assert later.evidence(later.as_of) == pytest.approx(first.evidence(later.as_of) + 1.0)
    assert await adaptive.rhythm_of("vaasa") == later  # nothing new: nothing counted twice


def test_history_reaches_back_six_half_lives() -> None:
    assert 0.5 ** (HISTORY / timedelta(weeks=4)) < 0.02
    assert asyncio.iscoroutinefunction(AdaptivePolling.after_poll)
