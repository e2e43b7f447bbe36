"""Kind ``webhook`` against a local Standard Webhooks receiver."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest
from pydantic import ValidationError

from syndicator.deliver import webhook
from syndicator.errors import PermanentDeliveryError, RetryableDeliveryError
from syndicator.model import Attachment, Contact
from tests.deliver.conftest import SECRET, USER_AGENT, MessageFactory
from tests.sinks import WebhookSink


def _config(url: str, **changes: object) -> webhook.Config:
    return webhook.Config.model_validate(
        {"kind": "webhook", "name": "partner", "url": url, "secret": SECRET, **changes}
    )


async def test_posts_signed_release(
    webhook_sink: WebhookSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(webhook_sink.url + "/hooks/releases")
    receipt = await webhook.send(config, make_message(config), client)

    assert receipt.status == 200
    [request] = webhook_sink.requests
    assert request.method == "POST" and request.path == "/hooks/releases"
    assert request.verified is True
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"] == USER_AGENT
    assert request.headers["webhook-id"] == "evt-1"
    body = request.json()
    assert body["type"] == "release.created"
    data = body["data"]
    assert data["release_id"] == 3 and data["event"] == "created" and data["language"] == "fi"
    assert data["title"] == "Kaupunki avaa uuden uimahallin Hietalahteen"
    assert data["url"] == "https://www.vaasa.fi/uutiset/kaupunki-avaa-uuden-uimahallin/"
    assert data["published"] == "2025-03-12T08:00:00+00:00"
    assert data["read_more"] == [
        {"url": "https://www.vaasa.fi/liikunta/uimahallit/", "label": "Uimahallit"}
    ]
    assert data["alternates"][0] == {
        "url": "https://www.vaasa.fi/sv/nyheter/simhall/",
        "lang": "sv",
        "label": "På svenska",
    }
    assert data["image"] == {
        "url": "https://www.vaasa.fi/kuvat/uimahalli.jpg",
        "alt": "Uimahallin allas",
    }
    assert data["organisation"] == "www.vaasa.fi" and "source" not in data
    assert "yleisölle" in request.body.decode("utf-8")  # UTF-8, not \\u escapes


async def test_updated_event_type(
    webhook_sink: WebhookSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(webhook_sink.url)
    await webhook.send(config, make_message(config, event="updated"), client)
    assert webhook_sink.requests[0].json()["type"] == "release.updated"


async def test_webhook_id_is_stable_across_retries(
    webhook_sink: WebhookSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(webhook_sink.url)
    webhook_sink.respond(503)
    message = make_message(config, key="delivery-42")
    with pytest.raises(RetryableDeliveryError):
        await webhook.send(config, message, client)
    await webhook.send(config, message, client)

    ids = [request.headers["webhook-id"] for request in webhook_sink.requests]
    assert ids == ["delivery-42", "delivery-42"]
    assert webhook_sink.verified == [True, True]


async def test_wrong_secret_does_not_verify(
    client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    other = "whsec_" + "b3RoZXIgc2VjcmV0IG9mIDI0IGJ5dGVz"
    with WebhookSink(other) as sink:
        config = _config(sink.url)
        await webhook.send(config, make_message(config), client)
        assert sink.verified == [False]


async def test_server_error_is_retryable(
    webhook_sink: WebhookSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(webhook_sink.url)
    webhook_sink.respond((500, {}, b"database down"))
    with pytest.raises(RetryableDeliveryError) as caught:
        await webhook.send(config, make_message(config), client)
    assert caught.value.code == "delivery.http_500" and caught.value.status == 500
    assert caught.value.retry_after is None
    assert "database down" in caught.value.message
    assert webhook.redacted(config) in caught.value.message


@pytest.mark.parametrize("status", [408, 425, 502, 504])
async def test_transient_statuses_are_retryable(
    status: int, webhook_sink: WebhookSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(webhook_sink.url)
    webhook_sink.respond(status)
    with pytest.raises(RetryableDeliveryError) as caught:
        await webhook.send(config, make_message(config), client)
    assert caught.value.code == f"delivery.http_{status}"


async def test_429_honours_retry_after(
    webhook_sink: WebhookSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(webhook_sink.url)
    webhook_sink.respond((429, {"Retry-After": "2"}))
    with pytest.raises(RetryableDeliveryError) as caught:
        await webhook.send(config, make_message(config), client)
    assert caught.value.code == "delivery.http_429"
    assert caught.value.retry_after == 2


@pytest.mark.parametrize("status", [400, 401, 404, 410, 422])
async def test_client_errors_are_permanent(
    status: int, webhook_sink: WebhookSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(webhook_sink.url)
    webhook_sink.respond(status)
    with pytest.raises(PermanentDeliveryError) as caught:
        await webhook.send(config, make_message(config), client)
    assert caught.value.code == f"delivery.http_{status}" and caught.value.status == status


async def test_connection_refused_is_retryable(
    closed_port: int, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(f"http://127.0.0.1:{closed_port}/hook")
    with pytest.raises(RetryableDeliveryError) as caught:
        await webhook.send(config, make_message(config), client)
    assert caught.value.code == "delivery.connect"
    assert f"127.0.0.1:{closed_port}" in caught.value.message


def test_redacted_hides_secret_and_query() -> None:
    config = _config("https://partner.example/hooks/vaasa?token=abc123")
    shown = webhook.redacted(config)
    assert shown == "webhook https://partner.example/hooks/vaasa?***"
    assert SECRET not in shown and "abc123" not in shown


def test_config_rejects_a_secret_that_is_not_base64() -> None:
    with pytest.raises(ValidationError, match="Standard Webhooks secret"):
        _config("https://partner.example/", secret="whsec_not base64!!")


async def test_timeout_is_retryable(
    webhook_sink: WebhookSink, make_message: MessageFactory
) -> None:
    config = _config(webhook_sink.url)
    webhook_sink.delay = 1.0
    async with httpx.AsyncClient(timeout=0.1) as impatient:
        with pytest.raises(RetryableDeliveryError) as caught:
            await webhook.send(config, make_message(config), impatient)
    assert caught.value.code == "delivery.timeout"
    assert webhook.redacted(config) in caught.value.message


async def test_default_user_agent_is_ours(
    webhook_sink: WebhookSink, make_message: MessageFactory
) -> None:
    config = _config(webhook_sink.url)
    async with httpx.AsyncClient() as plain:
        await webhook.send(config, make_message(config), plain)
    assert webhook_sink.requests[0].headers["user-agent"].startswith("syndicator/")


async def test_payload_carries_version_contacts_attachments_and_changes(
    webhook_sink: WebhookSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(webhook_sink.url)
    contact = Contact("Maija Meikäläinen", "liikuntajohtaja", "040 111 2222", "maija@vaasa.fi")
    attachment = Attachment("https://www.vaasa.fi/a.pdf", "Pohjapiirros", "application/pdf")
    message = replace(
        make_message(config, event="updated", key="evt-2", contacts=(contact,),
                     attachments=(attachment,)),
        version=2, remote_id="evt-1", changes=("Tekstiä muutettiin: + uusi",),
    )  # fmt: skip
    receipt = await webhook.send(config, message, client)

    assert receipt.remote_id == "evt-2"  # the webhook-id the receiver saw
    [request] = webhook_sink.requests
    assert request.verified is True
    data = request.json()["data"]
    assert data["version"] == 2 and data["previous_id"] == "evt-1"
    assert data["contacts"] == [
        {"name": "Maija Meikäläinen", "title": "liikuntajohtaja", "phone": "040 111 2222",
         "email": "maija@vaasa.fi"}
    ]  # fmt: skip
    assert data["attachments"] == [
        {"url": "https://www.vaasa.fi/a.pdf", "title": "Pohjapiirros",
         "mime_type": "application/pdf"}
    ]  # fmt: skip
    assert data["changes"] == ["Tekstiä muutettiin: + uusi"]
    assert [link["lang"] for link in data["alternates"]] == ["sv", "en"]


async def test_withdraw_posts_release_withdrawn(
    webhook_sink: WebhookSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(webhook_sink.url)
    message = replace(make_message(config, event="withdrawn", key="evt-9"), remote_id="evt-1")
    receipt = await webhook.withdraw(config, message, client)

    assert receipt.status == 200 and receipt.remote_id == "evt-9"
    [request] = webhook_sink.requests
    assert request.verified is True and request.headers["webhook-id"] == "evt-9"
    body = request.json()
    assert body["type"] == "release.withdrawn" and body["data"]["event"] == "withdrawn"
    assert body["data"]["previous_id"] == "evt-1" and body["data"]["changes"] == []
