"""Archive pages' reads (``store.archive``) on SQLite and PostgreSQL: a page is a block of
ids that never shifts, withdrawn items keep their place unseen, and a page walks an index
in id order without sorting (the plan shows it, as ``test_feed_queries`` does for feeds)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from syndicator.store import Store
from syndicator.store.schema import items
from tests.publish.samples import T0
from tests.store.plans import plan_of
from tests.web.bulkstore import fill_items

ITEMS = 3_000  # enough that PostgreSQL's planner prefers the index to a scan and a sort
SKEWED = ("fi",) * 8 + ("sv", "en")


# An early page of the largest language (or source). PostgreSQL may walk the primary key and
# filter (most items are Finnish), and on the last pages of a small language it rightly
# prefers reading that language whole (a bitmap scan) and sorting those few hundred ids.
@pytest.mark.parametrize(
    ("lang", "source", "index"),
    [
        ("fi", None, "ix_items_lang_id"),
        (None, "vaasa-fi", "ix_items_source_id"),  # fill_items: source vaasa-{lang}
        (None, None, "SCAN items"),  # SQLite's rowid table: the id order itself
    ],
)
def test_an_archive_page_walks_an_index_in_id_order(
    store: Store, lang: str | None, source: str | None, index: str
) -> None:
    fill_items(store.engine, ITEMS, langs=SKEWED)
    plan = plan_of(store, lambda: store.archive_entries(lang, 2, 100, source), 100)
    if store.engine.dialect.name == "sqlite":
        assert index in plan, plan
    else:
        assert index in plan or "items_pkey" in plan, plan
        assert "Seq Scan on items" not in plan, plan
    assert "TEMP B-TREE" not in plan, plan  # SQLite's sort
    assert "Sort" not in plan, plan  # PostgreSQL's (Sort, Incremental Sort)


def test_pages_are_blocks_of_ids_newest_first_without_the_withdrawn(store: Store) -> None:
    fill_items(store.engine, 30)  # item n is langs[n % 3]: fi 3, 6, …; sv 1, 4, …; en 2, 5, …
    _withdraw(store, 6)
    assert store.archive_count("fi") == 10  # the withdrawn one still counts
    assert store.archive_count(None) == 30
    assert [entry.item_id for entry in store.archive_entries("fi", 1, 4)] == [12, 9, 3]
    assert [entry.item_id for entry in store.archive_entries("fi", 3, 4)] == [30, 27]
    assert store.archive_entries("fi", 4, 4) == []
    assert [e.item_id for e in store.archive_entries(None, 2, 7)] == list(range(14, 7, -1))
    assert store.archive_count(None, "vaasa-en") == 10
    assert [e.item_id for e in store.archive_entries(None, 2, 3, "vaasa-en")] == [17, 14, 11]
    entry = store.archive_entries("sv", 1, 1)[0]
    assert (entry.item_id, entry.article.lang, entry.source) == (1, "sv", "vaasa-sv")
    assert entry.article.title.endswith(" 1")


def test_a_backdated_item_does_not_move_earlier_pages(store: Store) -> None:
    fill_items(store.engine, 30)
    before = {page: _ids(store, page) for page in (1, 2, 3)}
    fill_items(store.engine, 1, start=31)  # then published before every other item
    with store.engine.begin() as connection:
        connection.execute(
            items.update().where(items.c.id == 31).values(published=T0 - timedelta(days=365))
        )
    assert {page: _ids(store, page) for page in (1, 2, 3)} == before
    assert _ids(store, 4) == {31}


def test_an_empty_store_has_no_items_to_archive(store: Store) -> None:
    assert store.archive_count(None) == store.archive_count("fi") == 0
    assert store.archive_entries(None, 1, 100) == []
    with pytest.raises(ValueError):
        store.archive_entries(None, 0, 100)


def _ids(store: Store, page: int) -> set[int]:
    return {entry.item_id for entry in store.archive_entries(None, page, 10)}


def _withdraw(store: Store, item_id: int) -> None:
    with store.engine.begin() as connection:
        connection.execute(
            items.update().where(items.c.id == item_id).values(withdrawn_at=T0 + timedelta(days=1))
        )
