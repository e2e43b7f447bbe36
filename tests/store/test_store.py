"""The store on a real SQLite file: transactions, versions, releases, outbox leases."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from syndicator.decide import decide
from syndicator.errors import StoreError
from syndicator.model import Article, Link, Receipt
from syndicator.store import Store, open_store
from syndicator.store.schema import deliveries, items

NOW = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)

FI = Article(
    url="https://www.vaasa.fi/tiedote/kirjasto/",
    title="Kirjasto avaa uuden osaston",
    lang="fi",
    published=datetime(2026, 11, 27, 8, 15, tzinfo=UTC),
    updated=None,
    lead="Pääkirjasto avaa lastenosaston.",
    body_html="<p>Pääkirjasto avaa lastenosaston.</p>",
    text="Pääkirjasto avaa lastenosaston.",
    alternates=(Link("https://www.vaasa.fi/sv/tiedote/biblioteket/", "På svenska", "sv"),),
    post_id="101",
)
SV = replace(
    FI,
    url="https://www.vaasa.fi/sv/tiedote/biblioteket/",
    title="Biblioteket öppnar",
    lang="sv",
    alternates=(Link(FI.url, "Suomeksi", "fi"),),
)


def _save(
    store: Store, article: Article, destinations: tuple[str, ...] = ("hook",), now: datetime = NOW
) -> int | None:
    stored = store.find_item(article.url)
    routed = [(name, 0.0) for name in destinations]
    return store.save_article(
        "vaasa", article, decide(stored, article), stored, destinations=routed, now=now
    )


def test_language_versions_join_one_release(store: Store) -> None:
    _save(store, FI)
    _save(store, SV)
    fi, sv = store.latest_entries("fi", 10), store.latest_entries("sv", 10)
    assert fi[0].release_id == sv[0].release_id
    assert [entry.article.title for entry in store.latest_entries(None, 10)] == [SV.title, FI.title]


def test_edit_makes_a_version_and_an_updated_event(store: Store) -> None:
    _save(store, FI)
    assert _save(store, FI) is None  # unchanged: nothing written
    _save(
        store,
        replace(FI, text="Pääkirjasto avaa lastenosaston ja kahvilan."),
        now=NOW + timedelta(hours=1),
    )
    events = store.events_after(0)
    assert [(e.kind, e.version) for e in events] == [("created", 1), ("updated", 2)]
    entry = store.latest_entries("fi", 1)[0]
    assert entry.version == 2 and entry.updated == NOW + timedelta(hours=1)
    kind, at_event = store.entry_for_event(events[0].id) or ("", None)
    assert kind == "created" and at_event is not None
    assert at_event.article.text == FI.text  # the message renders the event's own version


def test_item_and_outbox_rows_commit_together(store: Store) -> None:
    _save(store, FI, destinations=("hook",))
    edited = replace(FI, title="Muutettu otsikko")
    stored = store.find_item(FI.url)
    # The same destination twice violates the outbox's unique (event, destination): the
    # whole save must roll back — no new version, no event, no half-written item.
    with pytest.raises(StoreError) as caught:
        store.save_article(
            "vaasa",
            edited,
            decide(stored, edited),
            stored,
            destinations=[("hook", 0.0), ("hook", 0.0)],
            now=NOW,
        )
    assert caught.value.code == "store.conflict"
    with store.engine.connect() as connection:
        assert connection.execute(sa.select(items.c.version)).scalar_one() == 1
        assert connection.execute(sa.select(sa.func.count()).select_from(deliveries)).scalar() == 1
    assert [e.kind for e in store.events_after(0)] == ["created"]
    assert store.latest_entries("fi", 1)[0].article.title == FI.title


def test_claim_lease_and_outcomes(store: Store) -> None:
    _save(store, FI, destinations=("a", "b"))
    a = store.claim_next("a", owner="w1", now=NOW, lease=60)
    b = store.claim_next("b", owner="w1", now=NOW, lease=60)
    assert a is not None and b is not None
    assert store.claim_next("b", owner="w2", now=NOW + timedelta(seconds=30), lease=60) is None
    assert store.mark_delivered(a.id, Receipt(remote_id="r1", status=200), NOW, owner="w1")
    # b's worker died mid-send: after the lease it is due again, same idempotency key
    again = store.claim_next("b", owner="w2", now=NOW + timedelta(seconds=61), lease=60)
    assert again is not None and again.idempotency_key == b.idempotency_key
    # the first worker's late outcome is fenced off: w2 holds the row now
    assert not store.mark_failed(b.id, owner="w1", code="x", error="late", now=NOW)
    assert store.mark_retry(
        again.id,
        owner="w2",
        next_attempt_at=NOW + timedelta(minutes=5),
        code="delivery.http_503",
        error="503",
        now=NOW,
    )
    assert store.claim_next("b", owner="w2", now=NOW + timedelta(minutes=4), lease=60) is None
    retried = store.claim_next("b", owner="w2", now=NOW + timedelta(minutes=5), lease=60)
    assert retried is not None and retried.attempts == 1
    store.mark_failed(retried.id, owner="w2", code="delivery.http_400", error="bad", now=NOW)
    assert [d.destination for d in store.list_deliveries("failed")] == ["b"]
    assert store.retry_deliveries(None, NOW) == 1
    assert store.count_deliveries() == {"delivered": 1, "pending": 1}
    assert store.count_pending() == 1


def test_source_state_and_validators(store: Store) -> None:
    assert not store.is_caught_up("vaasa")
    store.record_poll("vaasa", NOW, error_code="fetch.timeout", error="timed out")
    assert not store.is_caught_up("vaasa")
    state = store.source_states()[0]
    assert (state.last_error_code, state.consecutive_failures) == ("fetch.timeout", 1)
    store.record_poll("vaasa", NOW)
    assert store.is_caught_up("vaasa")
    assert store.source_states()[0].consecutive_failures == 0
    store.save_validators({"https://x/": ('"abc"', None)}, NOW)
    assert store.get_validators("https://x/") == ('"abc"', None)
    assert store.get_validators("https://y/") is None


def test_reopen_keeps_everything(database_url: str) -> None:
    url = database_url
    first = open_store(url)
    _save(first, FI)
    first.close()
    second = open_store(url)  # migrations are idempotent
    try:
        assert second.latest_entries(None, 5)[0].article == FI
        second.check()
    finally:
        second.close()


def test_release_languages_and_skipped_rows(store: Store) -> None:
    _save(store, FI, destinations=("sv-desk",))
    _save(store, SV, destinations=("sv-desk",))
    release_id = store.latest_entries("fi", 1)[0].release_id
    assert store.release_languages(release_id) == ["fi", "sv"]
    fi_row = store.claim_next("sv-desk", owner="w1", now=NOW, lease=60)
    assert fi_row is not None
    store.mark_skipped(fi_row.id, owner="w1", reason="release exists in ['sv']", now=NOW)
    assert store.count_deliveries() == {"skipped": 1, "pending": 1}
    assert store.list_deliveries("skipped")[0].last_error_code == "delivery.superseded"


def test_url_spellings_and_post_ids_find_the_same_item(store: Store) -> None:
    _save(store, FI)  # https://www.vaasa.fi/tiedote/kirjasto/
    for spelling in (
        "http://www.vaasa.fi/tiedote/kirjasto/",
        "https://www.vaasa.fi/tiedote/kirjasto",
        "http://www.vaasa.fi/tiedote/kirjasto",
    ):
        found = store.find_item(spelling)
        assert found is not None and found.url == FI.url
    assert store.find_item("https://www.vaasa.fi/tiedote/kirjasto-2/") is None
    moved = store.find_item(
        "https://www.vaasa.fi/tiedote/uusi-osoite/", source="vaasa", post_id="101"
    )
    assert moved is not None and moved.url == FI.url  # same WordPress post, new slug
    assert store.find_item("https://www.vaasa.fi/x/", source="other", post_id="101") is None


def test_one_source_state_matches_the_list(store: Store) -> None:
    _save(store, FI)
    store.record_poll("vaasa", NOW, error_code="fetch.http_503", error="503")
    store.record_poll("other", NOW)
    assert store.source_state("vaasa") == next(
        s for s in store.source_states() if s.name == "vaasa"
    )
    state = store.source_state("vaasa")
    assert state is not None and (state.items, state.consecutive_failures) == (1, 1)
    assert store.source_state("absent") is None
