"""One poller per source across replicas (the lease on ``source_state``) and remembered parse
failures, on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from syndicator.store import Store, open_store

NOW = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
LEASE = NOW + timedelta(minutes=10)


def _claim(store: Store, owner: str, now: datetime = NOW, gap: float = 720.0) -> bool:
    return store.claim_poll(
        "vaasa", owner=owner, now=now, until=now + timedelta(minutes=10), min_gap=gap
    )


def test_a_live_lease_keeps_a_second_poller_out_until_released(store: Store) -> None:
    assert _claim(store, "a")  # the state row did not exist: it is created
    assert not _claim(store, "b")
    assert not _claim(store, "a")  # not re-entrant either: one poll at a time
    store.release_poll("vaasa", "b")  # not b's lease: a no-op
    assert not _claim(store, "b")
    store.release_poll("vaasa", "a")
    assert _claim(store, "b", gap=0)


def test_an_expired_lease_is_taken_over(store: Store) -> None:
    assert _claim(store, "a")  # a crashed: never released
    assert not _claim(store, "b", now=NOW + timedelta(minutes=9))
    assert _claim(store, "b", now=NOW + timedelta(minutes=11))


def test_no_second_poll_within_the_gap_unless_the_last_one_failed(store: Store) -> None:
    assert _claim(store, "a")
    store.record_poll("vaasa", NOW)
    store.release_poll("vaasa", "a")
    assert not _claim(store, "b", now=NOW + timedelta(minutes=5))  # 0.8 × 15 min = 12 min
    assert _claim(store, "b", now=NOW + timedelta(minutes=5), gap=0)  # poll --once
    store.record_poll("vaasa", NOW + timedelta(minutes=5), error_code="fetch.timeout")
    store.release_poll("vaasa", "b")
    assert _claim(store, "a", now=NOW + timedelta(minutes=6))  # failing: retried on backoff


def test_a_poll_cut_off_by_shutdown_holds_the_source_for_the_gap(store: Store) -> None:
    """The cut-off poll may have fetched the listing already: another replica must not fetch
    it again a moment later (the replica suite saw it 0.1 s later)."""
    assert _claim(store, "a")
    store.release_poll("vaasa", "a", hold=NOW + timedelta(minutes=12))
    assert not _claim(store, "b", now=NOW + timedelta(seconds=1), gap=0)  # even poll --once
    assert _claim(store, "b", now=NOW + timedelta(minutes=12))


def test_two_stores_racing_for_one_source_let_exactly_one_win(database_url: str) -> None:
    stores = [open_store(database_url) for _ in range(2)]
    stores[0].record_poll("other", NOW)  # the schema exists; "vaasa" has no row yet
    try:
        for round_ in range(5):
            start = threading.Barrier(8)

            def claim(index: int, round_: int = round_, start: threading.Barrier = start) -> bool:
                start.wait()
                return _claim(stores[index % 2], f"r{round_}-{index}", gap=0)

            with ThreadPoolExecutor(8) as pool:
                won = [owner for owner, ok in enumerate(pool.map(claim, range(8))) if ok]
            assert len(won) == 1, won
            stores[won[0] % 2].release_poll("vaasa", f"r{round_}-{won[0]}")
    finally:
        for opened in stores:
            opened.close()


def test_page_failures_back_off_from_an_hour_to_a_day(store: Store) -> None:
    url = "https://www.vaasa.fi/tiedote/raskas/"
    assert store.page_failure(url) is None
    waits = []
    for _ in range(7):
        failure = store.record_page_failure(
            url, source="vaasa", error_code="parse.timeout", error="cut off",
            content_hash="abc", validators=('"e1"', None), now=NOW,
        )  # fmt: skip
        waits.append((failure.retry_at - NOW) / timedelta(hours=1))
    assert waits == [1, 2, 4, 8, 16, 24, 24]
    stored = store.page_failure(url)
    assert stored is not None and (stored.failures, stored.error_code) == (7, "parse.timeout")
    assert stored.content_hash == "abc"
    store.clear_page_failure(url)
    assert store.page_failure(url) is None
