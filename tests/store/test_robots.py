"""Stored robots.txt copies: read back as saved, replaced in place, concurrent saves agree."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from syndicator.store import RobotsCopy, Store

_ORIGIN = "https://www.vaasa.fi"
_AT = datetime(2026, 3, 12, 9, 30, tzinfo=UTC)


def test_a_copy_is_read_back_as_saved_and_replaced_in_place(store: Store) -> None:
    assert store.robots_copy(_ORIGIN) is None
    first = RobotsCopy(200, b"User-agent: *\nDisallow: /x/\n\xff", '"v1"', None, _AT)
    store.save_robots(_ORIGIN, first)
    assert store.robots_copy(_ORIGIN) == first
    gone = RobotsCopy(404, b"", None, None, _AT + timedelta(days=1))
    store.save_robots(_ORIGIN, gone)
    assert store.robots_copy(_ORIGIN) == gone
    assert store.robots_copy("https://vaasa.fi") is None  # keyed by the exact origin


def test_replicas_saving_the_same_host_at_once_both_succeed(store: Store) -> None:
    copies = [RobotsCopy(200, f"# {n}\n".encode(), None, None, _AT) for n in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda copy: store.save_robots(_ORIGIN, copy), copies))
    assert store.robots_copy(_ORIGIN) in copies
