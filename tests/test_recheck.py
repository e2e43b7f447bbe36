"""The re-check rule, table-driven: which known pages a changed listing costs."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from syndicator.model import StoredItem
from syndicator.recheck import (
    content_digest,
    gone_confirmed,
    old_news,
    parked,
    worth_fetching,
)
from syndicator.store.sources import PageFailure
from syndicator.store.withdrawals import GONE_CODE

NOW = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)


def _item(age: timedelta, checked: timedelta | None) -> StoredItem:
    return StoredItem(
        item_id=1, release_id=1, url="https://x/a/", version=1, content_hash="h",
        published=NOW - age, checked_at=None if checked is None else NOW - checked,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("age_h", "checked_h", "listed_shift_d", "conditional", "expected"),
    [
        (5, 0.1, None, True, True),  # young and answers 304s: cheap, edits likely
        (5, 0.1, None, False, False),  # young without validators: waits for its schedule
        (5, 1.0, None, False, True),  # its re-check is due (age / 8 = 37 min)
        (120, 1.0, None, True, False),  # 5 days old, checked an hour ago: not asked for
        (120, 16.0, None, True, True),  # 5 days old: re-checked every 15 h
        (120, 1.0, 1, False, True),  # the listing shows another day
        (120, 1.0, 0, True, False),  # the listing shows the same day
        (24 * 15, 48.0, 1, True, False),  # past recheck_days: never
    ],
)
def test_worth_fetching(
    age_h: float,
    checked_h: float,
    listed_shift_d: int | None,
    conditional: bool,
    expected: bool,
) -> None:
    item = _item(timedelta(hours=age_h), timedelta(hours=checked_h))
    listed = None if listed_shift_d is None else item.published + timedelta(days=listed_shift_d)
    assert worth_fetching(listed, item, NOW, 14, conditional=conditional) is expected


@pytest.mark.parametrize(
    ("age_h", "checked_h", "modified_h", "expected"),
    [
        (24 * 30, 0.1, 0.05, True),  # edited after our last look: now, past recheck_days too
        (72, 0.01, 0.05, True),  # edited just before our look: within the clock skew
        (72, 0.01, 1.0, False),  # no edit since: its schedule (hours away) decides
        (24 * 30, 0.1, 24 * 29, False),  # an old edit: past recheck_days, never
        (72, None, 71.0, True),  # never checked
    ],
)
def test_a_change_the_source_stamps_is_read_at_once(
    age_h: float, checked_h: float | None, modified_h: float, expected: bool
) -> None:
    item = _item(timedelta(hours=age_h), None if checked_h is None else timedelta(hours=checked_h))
    modified = NOW - timedelta(hours=modified_h)
    assert worth_fetching(None, item, NOW, 14, conditional=False, modified=modified) is expected


@pytest.mark.parametrize(
    ("age_d", "edited_after_min", "expected"),
    [
        (30, 60 * 24, True),  # an old post listed because it was edited: stored, not sent
        (30, 0, False),  # never edited: a first poll of an archive is no edit
        (3, 60 * 24, False),  # inside the re-check window: news
    ],
)
def test_old_news(age_d: int, edited_after_min: int, expected: bool) -> None:
    published = NOW - timedelta(days=age_d)
    modified = published + timedelta(minutes=edited_after_min)
    assert old_news(published, modified, NOW, 14) is expected
    assert not old_news(published, None, NOW, 14) and not old_news(None, modified, NOW, 14)


def test_a_parked_page_waits_unless_its_inline_content_changed() -> None:
    failure = PageFailure("https://x/a/", "parse.timeout", content_digest("<p>a</p>"), 1,
                          NOW + timedelta(hours=1))  # fmt: skip
    assert parked(failure, None, NOW)
    assert parked(failure, "<p>a</p>", NOW)
    assert not parked(failure, "<p>b</p>", NOW)
    assert not parked(failure, None, NOW + timedelta(hours=2))


def test_a_withdrawn_item_listed_again_is_always_fetched() -> None:
    item = replace(_item(timedelta(days=30), timedelta(minutes=1)), withdrawn_at=NOW)
    assert worth_fetching(None, item, NOW, 14, conditional=False)  # even past recheck_days


@pytest.mark.parametrize(
    ("code", "due_in", "confirmed"),
    [
        (None, None, False),  # no strike: this 404 is the first
        (GONE_CODE, timedelta(minutes=5), False),  # struck, not a re-check apart yet
        (GONE_CODE, timedelta(0), True),  # the confirming re-check
        (GONE_CODE, -timedelta(hours=3), True),
        ("parse.timeout", -timedelta(hours=3), False),  # a parse failure is no strike
    ],
)
def test_gone_confirmed(code: str | None, due_in: timedelta | None, confirmed: bool) -> None:
    strike = None
    if code is not None and due_in is not None:
        strike = PageFailure("https://x/a/", code, None, 1, NOW + due_in)
    assert gone_confirmed(strike, NOW) is confirmed
