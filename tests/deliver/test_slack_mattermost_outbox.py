"""Slack and Mattermost bots through the real outbox and store: a release edited at the
source becomes exactly one edit of the message each returned, never a second message; a
withdrawal changes that message again."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from syndicator.configbase import DestinationBase
from syndicator.decide import decide
from syndicator.deliver import mattermost, slack
from syndicator.deliver.outbox import drain_all
from syndicator.model import Article
from syndicator.store import Store, open_store
from tests.deliver.conftest import sample_article
from tests.deliver.mattermost_api_sink import CHANNEL_ID, MattermostApiSink
from tests.deliver.mattermost_api_sink import TOKEN as MATTERMOST_TOKEN
from tests.deliver.slack_api_sink import TOKEN as SLACK_TOKEN
from tests.deliver.slack_api_sink import SlackApiSink


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path / 'outbox.sqlite3'}")
    yield opened
    opened.close()


def _save(store: Store, article: Article, names: list[str]) -> None:
    stored = store.find_item(article.url)
    routed = [(name, 0.0) for name in names]
    store.save_article("vaasa-fi", article, decide(stored, article), stored,
                       destinations=routed, now=datetime.now(UTC))  # fmt: skip


def _bots(slack_api: SlackApiSink, mattermost_api: MattermostApiSink) -> list[DestinationBase]:
    return [
        slack.Config(kind="slack", name="slack-bot", token=SLACK_TOKEN, channel="#toimitus",
                     api_url=f"{slack_api.url}/api"),
        mattermost.Config(kind="mattermost", name="mm-bot", url=mattermost_api.url,
                          token=MATTERMOST_TOKEN, channel_id=CHANNEL_ID),
    ]  # fmt: skip


@pytest.fixture
def slack_api() -> Iterator[SlackApiSink]:
    with SlackApiSink() as sink:
        yield sink


@pytest.fixture
def mattermost_api() -> Iterator[MattermostApiSink]:
    with MattermostApiSink() as sink:
        yield sink


async def test_an_edit_at_the_source_edits_each_bot_message_once(
    store: Store,
    slack_api: SlackApiSink,
    mattermost_api: MattermostApiSink,
    client: httpx.AsyncClient,
) -> None:
    bots = _bots(slack_api, mattermost_api)
    names = [bot.name for bot in bots]
    first = sample_article()
    _save(store, first, names)
    assert (await drain_all(store, bots, client)).delivered == 2
    sent = {row.destination: row.remote_id for row in store.list_deliveries()}
    assert sent["slack-bot"] == "C0TOIMITUS:1741766400.000100"
    assert sent["mm-bot"] in mattermost_api.posts

    slack_api.reset()
    mattermost_api.reset()
    _save(store, replace(first, title="Kaupunki avaa uuden uimahallin Palosaareen"), names)
    assert (await drain_all(store, bots, client)).delivered == 2

    # Slack: the update in place; anything more is a reply in its thread (what changed,
    # when the dispatch passes the changes to edits too), never a second message.
    update, *replies = slack_api.requests
    assert (update.path, update.json()["ts"]) == ("/api/chat.update", "1741766400.000100")
    assert "Palosaareen" in update.body.decode()
    assert all(r.json()["thread_ts"] == "1741766400.000100" for r in replies)
    [top] = [message for message in slack_api.messages.values() if "thread_ts" not in message]
    assert top["edited"] == 1
    # Mattermost: one PUT of the post it returned, no second post.
    [put] = mattermost_api.requests
    assert (put.method, put.path) == ("PUT", f"/api/v4/posts/{sent['mm-bot']}")
    assert len(mattermost_api.posts) == 1
    edited = {row.destination: row.remote_id for row in store.list_deliveries()
              if row.event == "updated"}  # fmt: skip
    assert edited == sent  # the ids stay: later edits address the same messages

    item = store.find_item(first.url)
    assert item is not None
    store.withdraw_item(item.item_id, destinations=[(name, 0.0) for name in names],
                        now=datetime.now(UTC))  # fmt: skip
    assert (await drain_all(store, bots, client)).delivered == 2
    [post] = mattermost_api.posts.values()
    assert post["props"]["attachments"][0]["title"] == "Tiedote peruttu"
    parent = slack_api.messages[("C0TOIMITUS", "1741766400.000100")]
    assert parent["blocks"][0]["text"]["text"] == "Tiedote peruttu"
