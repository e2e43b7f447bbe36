"""Kind ``discord`` against a local sink that validates like Discord's execute-webhook."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from syndicator.deliver import discord, discordembed
from syndicator.deliver.outbox import RetryPolicy, drain_all
from syndicator.errors import PermanentDeliveryError, RetryableDeliveryError
from syndicator.store import open_store
from tests.deliver.conftest import MessageFactory, seed
from tests.deliver.discord_sink import (
    WEBHOOK_PATH,
    WEBHOOK_TOKEN,
    DiscordSink,
    config_for,
    error,
    rate_limited,
)


@pytest.fixture
def sink() -> Iterator[DiscordSink]:
    with DiscordSink() as opened:
        yield opened


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


async def test_posts_an_embed_and_returns_the_message_id(
    sink: DiscordSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = config_for(sink.url + WEBHOOK_PATH, color=0x0055AA)
    receipt = await discord.send(config, make_message(config), client)

    [request] = sink.requests
    assert request.problems == [] and request.path == WEBHOOK_PATH + "?wait=true"
    assert receipt.status == 200 and receipt.remote_id == sink.messages[0]["id"]
    body = request.json()
    assert body["allowed_mentions"] == {"parse": []} and body["content"] == "Uusi tiedote"
    [embed] = body["embeds"]
    assert embed["title"] == "Kaupunki avaa uuden uimahallin Hietalahteen"
    assert embed["url"] == "https://www.vaasa.fi/uutiset/kaupunki-avaa-uuden-uimahallin/"
    assert embed["timestamp"] == "2025-03-12T08:00:00+00:00" and embed["color"] == 0x0055AA
    assert embed["image"] == {"url": "https://www.vaasa.fi/kuvat/uimahalli.jpg"}
    assert embed["description"] == (
        "Vaasan uusi uimahalli avataan yleisölle maaliskuussa. Hallissa on 50 metrin allas.\n\n"
        "Julkaistu 12.3.2025 klo 10.00\n"
        "[Lue lisää](https://www.vaasa.fi/uutiset/kaupunki-avaa-uuden-uimahallin/)"
    )
    assert embed["fields"] == [
        {"name": "På svenska", "value": "[Läs mer](https://www.vaasa.fi/sv/nyheter/simhall/)",
         "inline": True},
        {"name": "In English", "value": "[Read more](https://www.vaasa.fi/en/news/swimming-hall/)",
         "inline": True},
    ]  # fmt: skip
    assert "vaasa-fi" not in request.body.decode()  # the internal source name never leaves
    # the organisation (here the host: the sample names none), as the embed's author
    assert embed["author"] == {"name": "www.vaasa.fi"} and "footer" not in embed


async def test_hostile_text_is_escaped_for_discord_markdown(
    sink: DiscordSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = config_for(sink.url + WEBHOOK_PATH, locale="en")
    title = "<b>&\"'*_~|>` @everyone [x](https://evil.example)"
    message = make_message(config, title=title, lead="# Heading\n- item **bold** ||spoiler||")
    await discord.send(config, message, client)
    [embed] = sink.requests[0].json()["embeds"]
    assert embed["title"] == (
        "\\<b\\>&\"'\\*\\_\\~\\|\\>\\` @everyone \\[x\\](https://evil.example)"
    )
    assert _unescape(embed["title"]) == title
    lead = embed["description"].split("\n\n")[0]
    assert lead == "\\# Heading\n\\- item \\*\\*bold\\*\\* \\|\\|spoiler\\|\\|"
    assert sink.requests[0].json()["allowed_mentions"] == {"parse": []}
    assert "[Read more](https://www.vaasa.fi/" in embed["description"]


async def test_a_huge_release_fits_discord_limits_and_keeps_the_link(
    sink: DiscordSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = config_for(sink.url + WEBHOOK_PATH)
    url = "https://www.vaasa.fi/uutiset/pitka_(tiedote)/"
    message = make_message(
        config, url=url, title="Kaupunginvaltuusto_kokoontuu " * 30, lead="Sana *tähti* " * 2000
    )
    await discord.send(config, message, client)
    [request] = sink.requests
    assert request.problems == []
    [embed] = request.json()["embeds"]
    assert len(embed["title"]) <= discordembed.TITLE_MAX and embed["title"].endswith("…")
    description = embed["description"]
    assert len(description) <= discordembed.DESCRIPTION_MAX
    lead, tail = description.split("\n\n")
    assert lead.endswith("\\*tähti\\*…") or lead.endswith("Sana…")
    assert tail.endswith("[Lue lisää](https://www.vaasa.fi/uutiset/pitka_%28tiedote%29/)")
    assert embed["url"] == url


async def test_the_embed_total_stays_under_6000(
    sink: DiscordSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    from syndicator.model import Link

    config = config_for(sink.url + WEBHOOK_PATH)
    alternates = tuple(Link(f"https://x.example/{'a' * 900}/{n}", "L" * 300) for n in range(30))
    organisation = "Vaasan *kaupunki* ja _seutu_ " * 20  # the author counts in the 6000
    message = make_message(
        config, lead="sana " * 3000, alternates=alternates, organisation=organisation
    )
    await discord.send(config, message, client)
    assert sink.requests[0].problems == []
    [embed] = sink.requests[0].json()["embeds"]
    author = embed["author"]["name"]
    assert len(author) <= discordembed.AUTHOR_MAX and author.endswith("…")
    assert author.startswith("Vaasan *kaupunki* ja _seutu_")  # plain text: Discord shows it as is
    assert 0 < len(embed["fields"]) < discordembed.FIELDS_MAX  # dropped, not cut: links stay whole
    assert "[Lue lisää](" in embed["description"]


async def test_429_honours_retry_after_then_5xx_retries_then_delivers(
    sink: DiscordSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = config_for(sink.url + WEBHOOK_PATH)
    sink.respond(rate_limited(2.5, header="3"), 502)
    message = make_message(config)
    with pytest.raises(RetryableDeliveryError) as caught:
        await discord.send(config, message, client)
    assert caught.value.retry_after == 2.5 and caught.value.code == "delivery.discord_429"
    with pytest.raises(RetryableDeliveryError) as caught:
        await discord.send(config, message, client)
    assert caught.value.code == "delivery.discord_502"
    assert (await discord.send(config, message, client)).remote_id == sink.messages[0]["id"]


@pytest.mark.parametrize(
    ("status", "code", "text"),
    [(400, 50035, "Invalid Form Body"), (401, 50027, "Invalid Webhook Token"),
     (403, 50013, "Missing Permissions"), (404, 10015, "Unknown Webhook")],
)  # fmt: skip
async def test_refusals_are_permanent_and_hide_the_token(
    status: int,
    code: int,
    text: str,
    sink: DiscordSink,
    client: httpx.AsyncClient,
    make_message: MessageFactory,
) -> None:
    config = config_for(sink.url + WEBHOOK_PATH)
    sink.respond(error(status, code, text))
    with pytest.raises(PermanentDeliveryError) as caught:
        await discord.send(config, make_message(config), client)
    assert caught.value.code == f"delivery.discord_{status}"
    assert f"{code} {text}" in caught.value.message and WEBHOOK_TOKEN not in caught.value.message


async def test_connection_refused_is_retryable_and_hides_the_token(
    closed_port: int, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = config_for(f"http://127.0.0.1:{closed_port}{WEBHOOK_PATH}")
    with pytest.raises(RetryableDeliveryError) as caught:
        await discord.send(config, make_message(config), client)
    assert caught.value.code == "delivery.connect" and WEBHOOK_TOKEN not in caught.value.message


async def test_end_to_end_through_the_outbox(
    tmp_path: Path, sink: DiscordSink, client: httpx.AsyncClient
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'outbox.sqlite3'}")
    try:
        good = config_for(sink.url + WEBHOOK_PATH, name="discord-desk")
        gone = config_for(sink.url + "/api/webhooks/1/deleted", name="discord-gone")
        seed(store, 1, ("discord-desk", "discord-gone"))
        sink.respond(500)  # the first request (either row) fails once and is retried
        policy = RetryPolicy(base=0.0)
        first = await drain_all(store, [good, gone], client, policy=policy)
        second = await drain_all(store, [good, gone], client, policy=policy)
        rows = {row.destination: row for row in store.list_deliveries()}
    finally:
        store.close()
    assert first.failed + second.failed == 1 and first.delivered + second.delivered == 1
    assert rows["discord-desk"].status == "delivered"
    assert rows["discord-desk"].remote_id == sink.messages[0]["id"]
    assert rows["discord-gone"].status == "failed"
    assert rows["discord-gone"].last_error_code == "delivery.discord_404"
    assert WEBHOOK_TOKEN not in (rows["discord-gone"].last_error or "")
    assert len(sink.messages) == 1 and "vaasa-fi" not in str(sink.messages[0])


def test_redacted_hides_the_token() -> None:
    config = config_for("https://discord.com" + WEBHOOK_PATH)
    assert discord.redacted(config) == "discord https://discord.com/api/webhooks/118…/***"
    assert WEBHOOK_TOKEN not in repr(config) and WEBHOOK_TOKEN not in discord.redacted(config)
