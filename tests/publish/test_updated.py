"""When an entry was updated, as the feeds say it: the release's own time, never a crawl second."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from lxml import etree

from syndicator.model import Entry
from syndicator.publish.channel import (
    EMPTY_FEED_UPDATED,
    PLAUSIBLE_FROM,
    entry_published,
    entry_updated,
    feed_changed,
    feed_updated,
)
from tests.publish.conftest import Documents
from tests.publish.samples import make_entry

A = "{http://www.w3.org/2005/Atom}"
STORED = datetime(2026, 11, 27, 12, 0, 5, 987654, tzinfo=UTC)  # when the version was stored
FIRST = datetime(2026, 11, 27, 11, 0, tzinfo=UTC)  # when we first saw the item
PAGE_PUBLISHED = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
PAGE_MODIFIED = datetime(2026, 11, 27, 11, 30, tzinfo=UTC)


def _entry(
    *,
    published: datetime | None = PAGE_PUBLISHED,
    modified: datetime | None = None,
    version: int = 1,
    item_id: int = 7,
) -> Entry:
    entry = make_entry("fi", item_id)
    article = replace(
        entry.article,
        published=published or FIRST,
        updated=modified,
        date_from_first_seen=published is None and modified is None,
    )
    return replace(entry, article=article, first_seen=FIRST, updated=STORED, version=version)


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (_entry(), PAGE_PUBLISHED),  # the page's published time
        (_entry(modified=PAGE_MODIFIED), PAGE_MODIFIED),  # its modified time first
        (_entry(published=None), STORED),  # no time on the page: when we detected it
        (_entry(version=2), STORED),  # an edit the page does not date: when we saw it
        (_entry(modified=PAGE_MODIFIED, version=2), PAGE_MODIFIED),  # an edit it dates
        (_entry(modified=STORED + timedelta(days=9)), STORED),  # the future is not believed
        (_entry(published=datetime(1970, 1, 1, tzinfo=UTC)), STORED),  # nor 1970
    ],
)
def test_entry_updated(entry: Entry, expected: datetime) -> None:
    assert entry_updated(entry) == expected.replace(microsecond=7)  # item 7: the fraction


def test_published_is_believed_only_when_plausible() -> None:
    assert entry_published(_entry()) == PAGE_PUBLISHED
    assert entry_published(_entry(published=STORED + timedelta(days=1))) == FIRST
    assert entry_published(_entry(published=PLAUSIBLE_FROM - timedelta(days=1))) == FIRST


def test_the_languages_of_one_release_never_share_updated() -> None:
    """They share the page's time; W3C warns ``DuplicateUpdated`` on equal values."""
    entries = [_entry(item_id=number) for number in (1, 2, 3)]
    assert len({entry_updated(entry) for entry in entries}) == 3
    assert entry_updated(entries[0]) == entry_updated(_entry(item_id=1))  # stable


def test_feed_updated_is_the_newest_entry_and_empty_is_plausible() -> None:
    older, newer = _entry(item_id=1), _entry(modified=PAGE_MODIFIED, item_id=2)
    assert feed_updated([older, newer]) == entry_updated(newer)
    assert feed_updated([]) == EMPTY_FEED_UPDATED
    assert EMPTY_FEED_UPDATED.year >= 2026  # not 1970 (W3C ImplausibleDate)


def test_a_first_poll_of_the_demo_gives_every_entry_its_own_updated(
    demo_documents: Documents,
) -> None:
    for path, (data, _content_type) in demo_documents.items():
        if not path.endswith("atom.xml"):
            continue
        root = etree.fromstring(data)
        values = [entry.findtext(f"{A}updated") for entry in root.findall(f"{A}entry")]
        assert len(values) > 1, path
        assert len(values) == len(set(values)), f"{path}: DuplicateUpdated"
        assert root.findtext(f"{A}updated") == max(values), path


def test_an_edit_the_page_does_not_date_moves_updated_to_its_detection() -> None:
    published_later = _entry(published=FIRST + timedelta(minutes=5), version=2)
    assert entry_updated(published_later) == STORED.replace(microsecond=7)
    stale_modified = _entry(modified=FIRST - timedelta(hours=1), version=2)
    assert entry_updated(stale_modified) == STORED.replace(microsecond=7)


def test_naive_times_are_taken_as_utc() -> None:
    naive = _entry(modified=PAGE_MODIFIED.replace(tzinfo=None), version=2)
    naive = replace(naive, first_seen=FIRST.replace(tzinfo=None))
    assert entry_updated(naive) == PAGE_MODIFIED.replace(microsecond=7)
    assert entry_published(naive) == PAGE_PUBLISHED


def test_last_modified_moves_when_a_backdated_release_is_stored() -> None:
    """A release stored now whose page says last week changes the document: Last-Modified
    (``feed_changed``) is the storing time, so If-Modified-Since alone cannot hide it."""
    known = _entry(item_id=1)
    backdated = replace(
        _entry(published=PAGE_PUBLISHED - timedelta(days=7), item_id=2),
        updated=STORED + timedelta(hours=2),
    )
    assert feed_updated([known, backdated]) < backdated.updated  # the entries' own times
    assert feed_changed([known, backdated]) == backdated.updated
    assert feed_changed([]) == EMPTY_FEED_UPDATED
