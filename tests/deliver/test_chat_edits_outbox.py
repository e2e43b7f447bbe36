"""Discord, Telegram and Matrix through the real outbox and store: a release edited at the
source becomes exactly one edit against the id each destination returned (no second
message), an update notice threads under the first message, a withdrawal marks it.

Needs the dispatch of the edit/notify/withdraw seam (``deliver/dispatch.py``, lane core):
skipped on a branch that does not have it yet."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from syndicator.configbase import DestinationBase
from syndicator.decide import decide
from syndicator.deliver.outbox import drain_all
from syndicator.model import Article
from syndicator.store import Store, open_store
from tests.deliver import discord_sink, matrix_sink, telegram_sink
from tests.deliver.conftest import sample_article

pytest.importorskip("syndicator.deliver.dispatch")

NAMES = ("desk-discord", "desk-telegram", "desk-matrix")
PALOSAARI = "Kaupunki avaa uuden uimahallin Palosaareen"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path / 'outbox.sqlite3'}")
    yield opened
    opened.close()


@pytest.fixture
def sinks() -> Iterator[tuple[Any, Any, Any]]:
    with (
        discord_sink.DiscordSink() as discord,
        telegram_sink.TelegramSink() as telegram,
        matrix_sink.MatrixSink(matrix_sink.ROOM, matrix_sink.TOKEN) as matrix,
    ):
        yield discord, telegram, matrix


def _destinations(sinks: tuple[Any, Any, Any], **settings: object) -> list[DestinationBase]:
    discord, telegram, matrix = sinks
    return [
        discord_sink.config_for(discord.url + discord_sink.WEBHOOK_PATH, name=NAMES[0], **settings),
        telegram_sink.config_for(telegram.url, name=NAMES[1], **settings),
        matrix_sink.config_for(matrix.url, name=NAMES[2], **settings),
    ]


def _save(store: Store, article: Article) -> None:
    stored = store.find_item(article.url)
    store.save_article("vaasa-fi", article, decide(stored, article), stored,
                       destinations=[(name, 0.0) for name in NAMES],
                       now=datetime.now(UTC))  # fmt: skip


def _rows(store: Store, event: str) -> dict[str, Any]:
    return {row.destination: row for row in store.list_deliveries() if row.event == event}


async def test_an_edit_at_the_source_is_one_edit_per_destination_and_no_new_message(
    store: Store, sinks: tuple[Any, Any, Any], client: httpx.AsyncClient
) -> None:
    discord, telegram, matrix = sinks
    destinations = _destinations(sinks)
    first = sample_article()
    _save(store, first)
    assert (await drain_all(store, destinations, client)).delivered == 3
    sent = {name: row.remote_id for name, row in _rows(store, "created").items()}
    assert sent == {
        NAMES[0]: discord.messages[0]["id"],
        NAMES[1]: f"{telegram_sink.CHAT}:1:photo",
        NAMES[2]: "$event1:example.org",
    }

    _save(store, replace(first, title=PALOSAARI))
    assert (await drain_all(store, destinations, client)).delivered == 3

    assert [(r.method, r.path.split("?")[0]) for r in discord.requests[1:]] == [
        ("PATCH", f"{discord_sink.WEBHOOK_PATH}/messages/{sent[NAMES[0]]}")
    ]
    assert len(discord.messages) == 1
    assert discord.messages[0]["embeds"][0]["title"] == PALOSAARI
    assert [r.path.rsplit("/", 1)[1] for r in telegram.requests] == [
        "sendPhoto",
        "editMessageCaption",
    ]
    assert len(telegram.messages) == 1
    assert telegram.messages[(str(telegram_sink.CHAT), 1)]["markup"].startswith(
        f"<b>{PALOSAARI}</b>"
    )
    assert len(matrix.requests) == 2 and len(matrix.events) == 2
    assert matrix.shown("$event1:example.org")["body"].startswith(PALOSAARI)
    assert all(not r.problems for sink in sinks for r in sink.requests)
    updated = _rows(store, "updated")
    assert {name: row.remote_id for name, row in updated.items()} == sent  # still the first


async def test_notices_thread_under_the_first_message_and_withdrawal_marks_it(
    store: Store, sinks: tuple[Any, Any, Any], client: httpx.AsyncClient
) -> None:
    discord, telegram, matrix = sinks
    first = sample_article()
    _save(store, first)
    await drain_all(store, _destinations(sinks), client)
    _save(store, replace(first, title=PALOSAARI))
    assert (await drain_all(store, _destinations(sinks, on_update="notify"), client)).delivered == 3

    notice = discord.requests[-1].json()
    assert notice["content"] == "Päivitetty tiedote" and len(discord.messages) == 2
    assert "Otsikko muuttui" in notice["embeds"][0]["description"]
    reply = telegram.requests[-1].json()
    assert reply["reply_parameters"]["message_id"] == 1 and "Otsikko muuttui" in reply["text"]
    relates = matrix.events[-1][1]["m.relates_to"]
    assert relates == {"m.in_reply_to": {"event_id": "$event1:example.org"}}

    item = store.find_item(first.url)
    assert item is not None
    store.withdraw_item(item.item_id, destinations=[(n, 0.0) for n in NAMES], now=datetime.now(UTC))
    assert (await drain_all(store, _destinations(sinks), client)).delivered == 3
    assert discord.requests[-1].method == "PATCH"
    assert discord.messages[0]["content"] == "Tiedote peruttu"
    assert telegram.messages[(str(telegram_sink.CHAT), 1)]["markup"].startswith(
        "<b>Tiedote peruttu</b>"
    )
    assert matrix.shown("$event1:example.org")["body"].startswith("Tiedote peruttu: ")
    assert all(not r.problems for sink in sinks for r in sink.requests)
