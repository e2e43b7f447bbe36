"""Remote ids, previous versions, strikes and withdrawals in the store (SQLite and
PostgreSQL): what an edit targets, what a notice compares, and a withdrawal written once."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from syndicator.decide import decide
from syndicator.model import Article, Receipt
from syndicator.store import Store
from syndicator.store.withdrawals import GONE_CODE
from tests.store.test_store import FI, NOW, SV

OWNER = "test-worker"


def _save(store: Store, article: Article, destinations: tuple[str, ...] = ("hook",),
          now: datetime = NOW) -> int | None:  # fmt: skip
    stored = store.find_item(article.url)
    routed = [(name, 0.0) for name in destinations]
    return store.save_article("vaasa", article, decide(stored, article), stored,
                              destinations=routed, now=now)  # fmt: skip


def _deliver(store: Store, destination: str, remote_id: str | None, now: datetime) -> None:
    claimed = store.claim_next(destination, owner=OWNER, now=now, lease=120.0)
    assert claimed is not None
    assert store.mark_delivered(claimed.id, Receipt(remote_id=remote_id), now, owner=OWNER)


def _item_id(store: Store, url: str) -> int:
    item = store.find_item(url)
    assert item is not None
    return item.item_id


def test_remote_id_is_the_newest_delivered_one_of_the_same_item_and_destination(
    store: Store,
) -> None:
    _save(store, FI, ("hook", "chat"))
    _save(store, SV, ("chat",))
    fi, sv = _item_id(store, FI.url), _item_id(store, SV.url)
    assert store.remote_id_for(fi, "chat") is None  # nothing delivered yet
    _deliver(store, "chat", "msg-fi-1", NOW)
    _deliver(store, "chat", "msg-sv-1", NOW)
    _deliver(store, "hook", None, NOW)  # a destination that answers no id
    assert store.remote_id_for(fi, "chat") == "msg-fi-1"
    assert store.remote_id_for(sv, "chat") == "msg-sv-1"  # the other language: its own
    assert store.remote_id_for(fi, "hook") is None
    later = NOW + timedelta(minutes=5)
    _save(store, replace(FI, title="Kirjasto avaa osaston jo marraskuussa"), ("chat",), later)
    assert store.remote_id_for(fi, "chat") == "msg-fi-1"  # the update is not delivered yet
    _deliver(store, "chat", "msg-fi-2", later)
    assert store.remote_id_for(fi, "chat") == "msg-fi-2"


def test_previous_article_is_version_n_minus_one(store: Store) -> None:
    _save(store, FI)
    edited = replace(FI, title="Kirjasto avaa osaston jo marraskuussa")
    _save(store, edited, now=NOW + timedelta(minutes=1))
    item = _item_id(store, FI.url)
    assert store.previous_article(item, 1) is None
    previous = store.previous_article(item, 2)
    assert previous is not None and previous.title == FI.title and previous == FI


def test_withdrawal_is_written_once_and_drops_the_item_from_the_feeds(store: Store) -> None:
    _save(store, FI, ())
    _save(store, SV, ())
    fi = _item_id(store, FI.url)
    later = NOW + timedelta(hours=1)
    store.record_gone(FI.url, source="vaasa", status=404, now=NOW, confirm_at=later)
    assert [i.url for i in store.gone_due("vaasa", NOW)] == []  # not before confirm_at
    assert [i.url for i in store.gone_due("vaasa", later)] == [FI.url]
    strike = store.page_failure(FI.url)
    assert strike is not None and strike.error_code == GONE_CODE and strike.retry_at == later

    event_id = store.withdraw_item(fi, destinations=[("hook", 0.0), ("chat", 30.0)], now=later)
    assert event_id is not None
    assert store.withdraw_item(fi, destinations=[("hook", 0.0)], now=later) is None
    [event] = [e for e in store.events_after(0) if e.kind == "withdrawn"]
    assert event.id == event_id and event.url == FI.url and event.version == 1
    rows = sorted(store.list_deliveries(), key=lambda row: row.destination)
    assert [(r.destination, r.event, r.status) for r in rows] == [
        ("chat", "withdrawn", "pending"), ("hook", "withdrawn", "pending"),
    ]  # fmt: skip
    assert store.page_failure(FI.url) is None  # the strike is spent
    assert store.gone_due("vaasa", later) == []
    stored = store.find_item(FI.url)
    assert stored is not None and stored.withdrawn_at == later
    assert [e.article.url for e in store.latest_entries(None, 10)] == [SV.url]
    assert store.latest_entries("fi", 10) == []


def test_a_withdrawn_page_that_comes_back_is_a_new_version(store: Store) -> None:
    _save(store, FI, ())
    store.withdraw_item(_item_id(store, FI.url), destinations=[], now=NOW)
    back = NOW + timedelta(hours=2)
    event_id = _save(store, FI, ("hook",), back)  # the same content, answering again
    assert event_id is not None
    [event] = [e for e in store.events_after(0) if e.id == event_id]
    assert event.kind == "updated" and event.version == 2
    stored = store.find_item(FI.url)
    assert stored is not None and stored.withdrawn_at is None
    assert [e.article.url for e in store.latest_entries(None, 10)] == [FI.url]


def test_vanished_items_are_those_a_listing_left_out_between_older_ones(store: Store) -> None:
    urls = [f"https://www.vaasa.fi/tiedote/{n}/" for n in range(4)]
    for n, url in enumerate(urls):  # published a day apart, oldest first
        published = datetime(2026, 11, 20 + n, 8, tzinfo=UTC)
        _save(store, replace(FI, url=url, title=f"Tiedote {n}", alternates=(),
                             published=published), ())  # fmt: skip
    since = NOW - timedelta(days=14)
    # the listing shows 1 and 3: 2 was taken out; 0 scrolled off the end
    vanished = store.vanished_items("vaasa", {urls[1], urls[3]}, since=since)
    assert [item.url for item in vanished] == [urls[2]]
    assert store.vanished_items("vaasa", set(), since=since) == []  # empty proves nothing
    assert store.vanished_items("other", {urls[1]}, since=since) == []
    assert store.vanished_items("vaasa", {urls[0]}, since=NOW) == []  # too old to ask
    # the oldest taken out looks scrolled off, unless it is young
    assert store.vanished_items("vaasa", {urls[2], urls[3]}, since=since) == []
    young = store.vanished_items("vaasa", {urls[2], urls[3]}, since=since,
                                 young_since=datetime(2026, 11, 21, tzinfo=UTC))  # fmt: skip
    assert [item.url for item in young] == [urls[1]]
    store.withdraw_item(vanished[0].item_id, destinations=[], now=NOW)
    assert store.vanished_items("vaasa", {urls[1], urls[3]}, since=since) == []
