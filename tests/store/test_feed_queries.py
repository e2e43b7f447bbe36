"""The feeds' "newest N" (of a language, of all, of a source) walks an index on SQLite and
PostgreSQL: the plan names the index and sorts nothing, so the cost stays flat as the store
grows (``make bench-serve`` times it). Also: ``store_version`` moves with every write a page
shows."""

from __future__ import annotations

from datetime import timedelta

import pytest

from syndicator.store import Store
from syndicator.store.schema import items
from tests.publish.samples import T0
from tests.store.plans import plan_of
from tests.web.bulkstore import fill_items

ITEMS = 3_000  # enough that PostgreSQL's planner prefers the index to a scan and a sort
# Finnish most, Swedish and English a few: a small language's feed must not walk every item.
SKEWED = ("fi",) * 8 + ("sv", "en")


def _plan(store: Store, lang: str | None, source: str | None = None) -> str:
    """The plan of the statement ``latest_entries`` (``source_entries`` when ``source`` is
    given) runs."""
    if source is not None:
        return plan_of(store, lambda: store.source_entries(source, 50), 50)
    return plan_of(store, lambda: store.latest_entries(lang, 50), 50)


@pytest.mark.parametrize(
    ("lang", "source", "index"),
    [
        ("en", None, "ix_items_lang_published_id"),
        (None, None, "ix_items_published_id"),
        (None, "vaasa-en", "ix_items_source_published_id"),  # fill_items: source vaasa-{lang}
    ],
)
def test_newest_entries_walk_an_index_without_sorting(
    store: Store, lang: str | None, source: str | None, index: str
) -> None:
    fill_items(store.engine, ITEMS, langs=SKEWED)
    plan = _plan(store, lang, source)
    assert index in plan, plan
    assert "TEMP B-TREE" not in plan, plan  # SQLite's sort
    assert "Sort" not in plan, plan  # PostgreSQL's (Sort, Incremental Sort)
    assert "Seq Scan on items" not in plan and "SCAN items\n" not in plan + "\n", plan


def test_newest_entries_are_newest_first_and_skip_withdrawn(store: Store) -> None:
    fill_items(store.engine, 300)
    with store.engine.begin() as connection:
        connection.execute(
            items.update().where(items.c.id == 300).values(withdrawn_at=T0 + timedelta(days=1))
        )
    fi = store.latest_entries("fi", 5)
    assert [entry.item_id for entry in fi] == [297, 294, 291, 288, 285]  # 300 is withdrawn
    combined = store.latest_entries(None, 4)
    assert [entry.item_id for entry in combined] == [299, 298, 297, 296]
    assert all(entry.article.lang == "fi" for entry in fi)
    assert fi[0].article.title.endswith(" 297")


def test_source_entries_are_that_sources_newest_without_withdrawn(store: Store) -> None:
    fill_items(store.engine, 30)  # fi, sv, en in turn: item n is vaasa-{langs[n % 3]}
    with store.engine.begin() as connection:
        connection.execute(
            items.update().where(items.c.id == 29).values(withdrawn_at=T0 + timedelta(days=1))
        )
    sv = store.source_entries("vaasa-sv", 4)
    assert [entry.item_id for entry in sv] == [28, 25, 22, 19]
    assert {entry.source for entry in sv} == {"vaasa-sv"}
    assert store.source_entries("vaasa-fi", 3)[0].item_id == 30
    assert [e.item_id for e in store.source_entries("vaasa-en", 2)] == [26, 23]  # 29 withdrawn
    assert store.source_entries("nobody", 5) == []


def test_store_version_moves_with_events(store: Store) -> None:
    empty = store.store_version()
    assert (empty.events, empty.polled) == (0, None)
    fill_items(store.engine, 3)
    assert store.store_version().events == 3
    store.record_poll("vaasa-fi", T0)
    later = store.store_version()
    assert (later.events, later.polled) == (3, T0)
    store.record_poll("vaasa-sv", T0 + timedelta(minutes=1))
    assert store.store_version().polled == T0 + timedelta(minutes=1)
