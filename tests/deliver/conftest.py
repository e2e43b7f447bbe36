"""Fixtures of the destination tests: a sample release, an HTTP client, the local sinks;
for the outbox tests a real store (SQLite file or PostgreSQL) and a way to fill it."""

from __future__ import annotations

import base64
import itertools
import os
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from syndicator.decide import decide
from syndicator.deliver import webhook
from syndicator.deliver.render import render_message
from syndicator.model import Article, Entry, EventKind, Image, Link, Message
from syndicator.store import Store
from tests.postgres import postgres_server
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


def hook(name: str, url: str, **changes: object) -> webhook.Config:
    """A webhook destination signed with ``SECRET``."""
    return webhook.Config.model_validate(
        {"kind": "webhook", "name": name, "url": url, "secret": SECRET, **changes}
    )


_articles = itertools.count()


def seed(store: Store, count: int, destinations: Sequence[str], *, hold: float = 0.0) -> list[str]:
    """Store ``count`` new releases routed to ``destinations`` (held ``hold`` seconds), as
    a poll would; returns their URLs, oldest first."""
    urls: list[str] = []
    for _ in range(count):
        number = next(_articles)
        article = sample_article(
            url=f"https://www.vaasa.fi/uutiset/tiedote-{number}/", title=f"Tiedote {number}"
        )
        routed = [(name, hold) for name in destinations]
        store.save_article(
            "vaasa-fi", article, decide(None, article), None, destinations=routed,
            now=datetime.now(UTC),
        )  # fmt: skip
        urls.append(article.url)
    return urls


_databases = itertools.count()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with postgres_server() as url:
        if url is None:
            if os.environ.get("CI"):
                pytest.fail("CI must test PostgreSQL: install Debian's postgresql package")
            pytest.skip("no PostgreSQL server binaries here (apt-get install postgresql)")
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database, one SQLite file or one PostgreSQL database per test."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'outbox.sqlite3'}"
    server: str = request.getfixturevalue("postgres_url")
    name = f"syndicator_outbox_{os.getpid()}_{next(_databases)}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server.rsplit("/", 1)[0] + f"/{name}"
