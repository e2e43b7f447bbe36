"""Edits, notices and withdrawals through the real outbox, a real store (SQLite and
PostgreSQL) and local receivers: which call each row becomes, what it carries, what the row
keeps, and that a withdrawal is written once."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import httpx
import pytest

from syndicator.configbase import DestinationBase
from syndicator.decide import decide
from syndicator.deliver import slack
from syndicator.deliver.outbox import drain_all
from syndicator.model import Article, Delivery
from syndicator.store import Store, open_store
from tests.deliver.conftest import hook, sample_article
from tests.sinks import SlackSink, WebhookSink


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    opened = open_store(database_url)
    yield opened
    opened.close()


def _save(store: Store, article: Article, names: list[str]) -> int:
    stored = store.find_item(article.url)
    event_id = store.save_article("vaasa-fi", article, decide(stored, article), stored,
                                  destinations=[(n, 0.0) for n in names],
                                  now=datetime.now(UTC))  # fmt: skip
    assert event_id is not None
    return event_id


def _events(caplog: pytest.LogCaptureFixture) -> list[tuple[str, object]]:
    return [
        (str(getattr(r, "event", "")), getattr(r, "destination", None))
        for r in caplog.records
        if str(getattr(r, "event", "")).startswith("delivery.")
    ]


@dataclass
class Sent:
    """A release created and delivered to three destinations: ``partner`` (webhook),
    ``quiet`` (webhook, on_update = ignore) and ``newsroom`` (Slack incoming webhook)."""

    destinations: list[DestinationBase]
    article: Article
    created: dict[str, Delivery]

    @property
    def names(self) -> list[str]:
        return [d.name for d in self.destinations]


@pytest.fixture
async def sent(
    store: Store, webhook_sink: WebhookSink, slack_sink: SlackSink, client: httpx.AsyncClient
) -> Sent:
    destinations: list[DestinationBase] = [
        hook("partner", webhook_sink.url + "/hook"),
        hook("quiet", webhook_sink.url + "/quiet", on_update="ignore"),
        slack.Config(kind="slack", name="newsroom",
                     webhook_url=slack_sink.url + "/services/T0/B0/X"),
    ]  # fmt: skip
    article = sample_article()
    _save(store, article, [d.name for d in destinations])
    assert (await drain_all(store, destinations, client)).delivered == 3
    created = {row.destination: row for row in store.list_deliveries()}
    assert created["partner"].remote_id == created["partner"].idempotency_key
    assert created["newsroom"].remote_id is None  # an incoming webhook answers no id
    return Sent(destinations, article, created)


async def test_an_update_is_a_notice_or_ignored(
    store: Store,
    sent: Sent,
    webhook_sink: WebhookSink,
    slack_sink: SlackSink,
    client: httpx.AsyncClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _save(store, replace(sent.article, title="Kaupunki avaa uuden uimahallin Palosaareen"),
          sent.names)  # fmt: skip
    with caplog.at_level(logging.INFO, logger="syndicator.outbox"):
        result = await drain_all(store, sent.destinations, client)
    assert (result.delivered, result.skipped) == (2, 1)
    notice = webhook_sink.requests[-1].json()
    assert webhook_sink.requests[-1].path == "/hook" and notice["type"] == "release.updated"
    assert notice["data"]["version"] == 2
    assert notice["data"]["previous_id"] == sent.created["partner"].idempotency_key
    assert notice["data"]["changes"] == [
        "Otsikko muuttui: “Kaupunki avaa uuden uimahallin Hietalahteen” → "
        "“Kaupunki avaa uuden uimahallin Palosaareen”"
    ]
    assert len(slack_sink.requests) == 2  # a notice, not an edit: Slack's webhook cannot edit
    updated = {row.destination: row for row in store.list_deliveries() if row.event == "updated"}
    assert updated["quiet"].status == "skipped"
    assert updated["quiet"].last_error_code == "delivery.ignored"
    # The notice row keeps the first message's id: later edits and threads address it.
    assert updated["partner"].remote_id == sent.created["partner"].idempotency_key
    assert ("delivery.notice", "partner") in _events(caplog)
    assert ("delivery.skipped", "quiet") in _events(caplog)


async def test_a_withdrawal_takes_it_back_where_the_kind_can(
    store: Store,
    sent: Sent,
    webhook_sink: WebhookSink,
    slack_sink: SlackSink,
    client: httpx.AsyncClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    item = store.find_item(sent.article.url)
    assert item is not None
    routed = [(name, 0.0) for name in sent.names]
    assert store.withdraw_item(item.item_id, destinations=routed, now=datetime.now(UTC))
    assert store.withdraw_item(item.item_id, destinations=routed, now=datetime.now(UTC)) is None
    with caplog.at_level(logging.INFO, logger="syndicator.outbox"):
        result = await drain_all(store, sent.destinations, client)
    # partner and quiet both take it down (each names its own first message); Slack cannot.
    assert (result.delivered, result.skipped) == (2, 1)
    withdrawn = {r.path: r.json() for r in webhook_sink.requests[-2:]}
    assert {body["type"] for body in withdrawn.values()} == {"release.withdrawn"}
    for path, name in (("/hook", "partner"), ("/quiet", "quiet")):
        assert withdrawn[path]["data"]["previous_id"] == sent.created[name].idempotency_key
    assert len(slack_sink.requests) == 1
    rows = {row.destination: row for row in store.list_deliveries() if row.event == "withdrawn"}
    assert rows["newsroom"].status == "skipped"
    assert rows["newsroom"].last_error_code == "delivery.not_withdrawable"
    assert ("delivery.withdrawn", "partner") in _events(caplog)
    assert store.latest_entries(None, 10) == []  # the feeds drop it


async def test_withdrawal_of_what_was_never_sent_is_skipped(
    store: Store, webhook_sink: WebhookSink, client: httpx.AsyncClient
) -> None:
    partner = hook("partner", webhook_sink.url)
    _save(store, sample_article(), [])  # caught up: stored, sent nowhere
    item = store.find_item(sample_article().url)
    assert item is not None
    store.withdraw_item(item.item_id, destinations=[("partner", 0.0)], now=datetime.now(UTC))
    result = await drain_all(store, [partner], client)
    assert result.skipped == 1 and webhook_sink.requests == []
    [row] = store.list_deliveries()
    assert row.status == "skipped" and row.last_error_code == "delivery.nothing_sent"
