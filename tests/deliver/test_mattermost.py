"""Kind ``mattermost`` against a local sink that checks an incoming-webhook request like
Mattermost does (attachments, 16,383 characters) and answers ``200 ok``."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from syndicator.deliver import mattermost
from syndicator.deliver.outbox import RetryPolicy, drain_all
from syndicator.errors import PermanentDeliveryError, RetryableDeliveryError
from syndicator.store import open_store
from tests.deliver.conftest import MessageFactory, seed
from tests.deliver.mattermost_api_sink import attachment_problems
from tests.sinks import Answer, HttpSink, Recorded

HOOK_PATH = "/hooks/xjd7SECRETkey93mq1pzh6oa"


class MattermostSink(HttpSink):
    """``POST /hooks/<key>``: ``200 ok``; ``400`` when the JSON is not a webhook payload
    or the post is longer than Mattermost's 16,383 characters."""

    default_body = b"ok"

    def inspect(self, request: Recorded) -> Answer | None:
        request.problems.extend(_problems(request))
        if request.problems:
            return (400, {}, b'{"id":"api.webhook.incoming.error","status_code":400}')
        return None


def _problems(request: Recorded) -> list[str]:
    if request.method != "POST" or request.path != HOOK_PATH:
        return [f"{request.method} {request.path}: no such hook"]
    try:
        payload = json.loads(request.body)
        attachments = payload.get("attachments", [])
    except (ValueError, AttributeError):
        return ["not a JSON object"]
    if not payload.get("text") and not attachments:
        return ["neither text nor attachments"]
    return attachment_problems(payload.get("text", ""), attachments)


@pytest.fixture
def sink() -> Iterator[MattermostSink]:
    with MattermostSink() as opened:
        yield opened


def _config(url: str, **changes: object) -> mattermost.Config:
    data = {"kind": "mattermost", "name": "toimitus", "webhook_url": url + HOOK_PATH}
    return mattermost.Config.model_validate({**data, **changes})


def _attachment(request: Recorded) -> dict[str, Any]:
    [attachment] = request.json()["attachments"]
    assert isinstance(attachment, dict)
    return attachment


async def test_posts_an_attachment(
    sink: MattermostSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(sink.url, username="Vaasan kaupunki")
    message = replace(make_message(config), organisation="Vaasan kaupunki")
    receipt = await mattermost.send(config, message, client)

    assert (receipt.remote_id, receipt.status, receipt.detail) == (None, 200, "ok")
    [request] = sink.requests
    assert request.problems == [] and request.json()["username"] == "Vaasan kaupunki"
    url = "https://www.vaasa.fi/uutiset/kaupunki-avaa-uuden-uimahallin/"
    assert _attachment(request) == {
        "fallback": f"Uusi tiedote: Kaupunki avaa uuden uimahallin Hietalahteen {url}",
        "author_name": "Vaasan kaupunki",
        "title": "Kaupunki avaa uuden uimahallin Hietalahteen",
        "title_link": url,
        "text": "Vaasan uusi uimahalli avataan yleisölle maaliskuussa. Hallissa on 50 metrin "
        f"allas.\n\n[Lue lisää]({url})",
        "fields": [
            {"short": True, "title": "Uusi tiedote", "value": "Julkaistu 12.3.2025 klo 10.00"},
            {
                "short": False,
                "title": "Muilla kielillä",
                "value": "[På svenska](https://www.vaasa.fi/sv/nyheter/simhall/)"
                " · [In English](https://www.vaasa.fi/en/news/swimming-hall/)",
            },
        ],
        "ts": 1741766400,
        "image_url": "https://www.vaasa.fi/kuvat/uimahalli.jpg",
    }
    assert b"vaasa-fi" not in request.body  # the source name never leaves


async def test_english_locale_updated_event(
    sink: MattermostSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(sink.url, locale="en")
    await mattermost.send(config, make_message(config, event="updated", images=()), client)
    attachment = _attachment(sink.requests[0])
    assert "image_url" not in attachment and "username" not in sink.requests[0].json()
    assert attachment["fields"][0]["title"] == "Updated press release"
    assert attachment["text"].endswith(")") and "[Read more](" in attachment["text"]


async def test_hostile_text_is_literal_markdown(
    sink: MattermostSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(sink.url)
    message = make_message(config, lead="<b>&\"'*_~ [x](javascript:alert(1)) #h\n- no list")
    await mattermost.send(config, message, client)
    text = _attachment(sink.requests[0])["text"]
    assert text.startswith(
        r"""\<b\>&"'\*\_\~ \[x\]\(javascript:alert\(1\)\) \#h""" + "\n\\- no list\n\n"
    )
    assert "](javascript" not in text


async def test_a_huge_lead_is_cut_keeping_the_link(
    sink: MattermostSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(sink.url)
    message = make_message(config, lead="Kokous_pöytäkirja [liite] " * 2000)
    await mattermost.send(config, message, client)

    [request] = sink.requests
    assert request.problems == []  # the sink counted ≤ 16,383 characters
    text = _attachment(request)["text"]
    lead, link = text.rsplit("\n\n", 1)
    assert link == f"[Lue lisää]({message.url})"
    assert lead.endswith("\\[liite\\]…") and len(text) > mattermost.MESSAGE_MAX - 600


async def test_rate_limits_are_honoured(
    sink: MattermostSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(sink.url)
    sink.respond(
        (429, {"Retry-After": "3", "X-Ratelimit-Reset": "9"}, b"too many"),
        (429, {"X-Ratelimit-Reset": "4"}, b""),
        (429, {"X-Ratelimit-Reset": str(int(time.time()) + 60)}, b""),
        503,
    )
    message = make_message(config)
    waits = []
    for _ in range(3):
        with pytest.raises(RetryableDeliveryError) as caught:
            await mattermost.send(config, message, client)
        assert caught.value.code == "delivery.mattermost_429"
        waits.append(caught.value.retry_after)
    assert waits[:2] == [3, 4] and waits[2] is not None and 55 <= waits[2] <= 60
    with pytest.raises(RetryableDeliveryError) as caught:
        await mattermost.send(config, message, client)
    assert caught.value.code == "delivery.mattermost_503"
    assert (await mattermost.send(config, message, client)).status == 200


@pytest.mark.parametrize("status", [400, 403, 404])
async def test_refusals_are_permanent_and_hide_the_key(
    status: int, sink: MattermostSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(sink.url)
    sink.respond((status, {}, b'{"id":"web.incoming_webhook.invalid.app_error"}'))
    with pytest.raises(PermanentDeliveryError) as caught:
        await mattermost.send(config, make_message(config), client)
    assert caught.value.code == f"delivery.mattermost_{status}"
    assert "SECRETkey" not in caught.value.message and "invalid.app_error" in caught.value.message


async def test_transport_failures(
    closed_port: int, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(f"http://127.0.0.1:{closed_port}")
    with pytest.raises(RetryableDeliveryError) as caught:
        await mattermost.send(config, make_message(config), client)
    assert caught.value.code == "delivery.connect" and "SECRETkey" not in caught.value.message
    with MattermostSink() as slow:
        slow.delay = 1.0
        config = _config(slow.url)
        async with httpx.AsyncClient(timeout=0.2) as impatient:
            with pytest.raises(RetryableDeliveryError) as caught:
                await mattermost.send(config, make_message(config), impatient)
    assert caught.value.code == "delivery.timeout" and "SECRETkey" not in caught.value.message


async def test_end_to_end_through_the_outbox(tmp_path: Path, sink: MattermostSink) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'outbox.sqlite3'}")
    try:
        config = _config(sink.url)
        seed(store, 2, (config.name,))
        sink.respond(500)
        async with httpx.AsyncClient(timeout=5.0) as client:
            first = await drain_all(store, [config], client, policy=RetryPolicy(base=0.0))
            second = await drain_all(store, [config], client, policy=RetryPolicy(base=0.0))
            assert (first.retry, first.delivered + second.delivered) == (1, 2)
            sink.respond((403, {}, b""))
            seed(store, 1, (config.name,))
            third = await drain_all(store, [config], client, policy=RetryPolicy(base=0.0))
        assert third.failed == 1
        rows = {row.status: row for row in store.list_deliveries()}
        assert rows["failed"].last_error_code == "delivery.mattermost_403"
        assert rows["delivered"].remote_id is None
    finally:
        store.close()
    titles = [_attachment(request)["title"] for request in sink.requests]
    assert len(titles) == 4 and len(set(titles)) == 3
    assert all(b"vaasa-fi" not in request.body for request in sink.requests)


def test_redacted_hides_the_hook_key() -> None:
    config = _config("https://chat.example.org")
    assert mattermost.redacted(config) == "mattermost https://chat.example.org/hooks/xjd…/***"
    assert "SECRETkey" not in repr(config) and "SECRETkey" not in str(config.model_dump())


def test_config_rejects_a_non_url_without_echoing_it() -> None:
    with pytest.raises(ValidationError) as caught:
        mattermost.Config.model_validate(
            {"kind": "mattermost", "name": "m", "webhook_url": "hooks/secretv"}
        )
    assert "secretv" not in str(caught.value)
