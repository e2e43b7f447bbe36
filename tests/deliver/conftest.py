"""Fixtures of the destination tests: a sample release, an HTTP client, the local sinks."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from syndicator.deliver.render import render_message
from syndicator.model import Article, Entry, EventKind, Image, Link, Message
from tests.sinks import SlackSink, SmtpSink, WebhookSink

SECRET = "whsec_" + base64.b64encode(b"a test secret of 24 bytes").decode()
USER_AGENT = "syndicator-test/1.0"


def sample_article(**changes: Any) -> Article:
    article = Article(
        url="https://www.vaasa.fi/uutiset/kaupunki-avaa-uuden-uimahallin/",
        title="Kaupunki avaa uuden uimahallin Hietalahteen",
        lang="fi",
        published=datetime(2025, 3, 12, 8, 0, tzinfo=UTC),
        updated=None,
        lead="Vaasan uusi uimahalli avataan yleisölle maaliskuussa. Hallissa on 50 metrin allas.",
        body_html="<p>Vaasan uusi uimahalli avataan <strong>yleisölle</strong>.</p>",
        text="Vaasan uusi uimahalli avataan yleisölle maaliskuussa.\n\nLisätietoja antaa...",
        images=(Image("https://www.vaasa.fi/kuvat/uimahalli.jpg", "Uimahallin allas"),),
        read_more=(Link("https://www.vaasa.fi/liikunta/uimahallit/", "Uimahallit"),),
        alternates=(
            Link("https://www.vaasa.fi/sv/nyheter/simhall/", "", "sv"),
            Link("https://www.vaasa.fi/en/news/swimming-hall/", "", "en"),
        ),
    )
    return replace(article, **changes)


def sample_entry(**changes: Any) -> Entry:
    return Entry(
        item_id=7,
        release_id=3,
        source="vaasa-fi",
        article=sample_article(**changes),
        first_seen=datetime(2025, 3, 12, 8, 5, tzinfo=UTC),
        updated=datetime(2025, 3, 12, 8, 5, tzinfo=UTC),
        version=1,
    )


MessageFactory = Callable[..., Message]


@pytest.fixture
def make_message() -> MessageFactory:
    """``make_message(config, event="created", key="evt-1", **article_changes)``."""

    def build(
        config: Any, event: EventKind = "created", key: str = "evt-1", **changes: Any
    ) -> Message:
        return render_message(sample_entry(**changes), event, config, key)

    return build


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        timeout=httpx.Timeout(5.0), headers={"User-Agent": USER_AGENT}, follow_redirects=False
    ) as opened:
        yield opened


@pytest.fixture
def webhook_sink() -> Iterator[WebhookSink]:
    with WebhookSink(SECRET) as sink:
        yield sink


@pytest.fixture
def slack_sink() -> Iterator[SlackSink]:
    with SlackSink() as sink:
        yield sink


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    with SmtpSink() as sink:
        yield sink


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 with nothing listening (connection refused)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
