"""The delivery transcript: exact bodies, masked targets, nothing recorded outside an attempt."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from pydantic import SecretStr

from syndicator.configbase import DestinationBase
from syndicator.deliver import telegram, transcript
from syndicator.deliver.transcript import BODY_MAX, redact_url, secrets_of
from tests.deliver.conftest import MessageFactory
from tests.deliver.telegram_sink import TOKEN, TelegramSink

T0 = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)


@pytest.fixture
def sink() -> Iterator[TelegramSink]:
    with TelegramSink() as opened:
        yield opened


async def test_a_real_send_is_recorded_with_its_body_and_the_token_masked(
    sink: TelegramSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = telegram.Config.model_validate(
        {
            "kind": "telegram",
            "name": "tg",
            "bot_token": TOKEN,
            "chat_id": -100,
            "api_base": sink.url,
        }
    )
    transcript.begin(config, client, T0)
    await telegram.send(config, make_message(config), client)
    record = transcript.finish("delivered", T0, status=200)
    assert record.payload is not None
    (sent,) = json.loads(record.payload)
    (received,) = sink.requests
    assert sent["body"] == received.body.decode("utf-8")
    assert sent["url"] == f"{sink.url}/bot***/sendPhoto" and sent["status"] == 200
    assert TOKEN not in record.payload and received.path == f"/bot{TOKEN}/sendPhoto"
    assert (record.started_at, record.outcome, record.status_code) == (T0, "delivered", 200)


async def test_requests_outside_an_attempt_or_in_another_task_are_not_recorded(
    sink: TelegramSink, client: httpx.AsyncClient
) -> None:
    config = DestinationBase(name="d")

    async def other_lane() -> None:  # a lane of its own: another task, its own context
        await client.post(f"{sink.url}/elsewhere", content=b"{}")

    sent = transcript.begin(config, client, T0)
    await asyncio.create_task(_begin_elsewhere(config, client, other_lane))
    await client.post(f"{sink.url}/mine", content=b'{"a": 1}')
    transcript.finish("delivered", T0)
    await client.post(f"{sink.url}/after", content=b"{}")
    assert [r["url"] for r in sent.requests] == [f"{sink.url}/mine"]


async def _begin_elsewhere(
    config: DestinationBase, client: httpx.AsyncClient, work: object
) -> None:
    transcript.begin(config, client, T0)  # its own transcript, set in its own context
    await work()  # type: ignore[operator]
    transcript.finish("delivered", T0)


def test_finish_without_begin_records_an_empty_attempt() -> None:
    record = transcript.finish("failed", T0, code="delivery.no_event", error="event vanished")
    assert (record.started_at, record.finished_at, record.payload) == (T0, T0, None)
    assert (record.error_code, record.error) == ("delivery.no_event", "event vanished")


class _Secrets(DestinationBase):
    token: SecretStr
    url: SecretStr
    plain: str = "not-a-secret-value"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # a secret inside the URL (a bot token in the path)
        ("https://api.example/botTOKEN1234567/send", "https://api.example/bot***/send"),
        # the whole URL is the secret (a Slack webhook): scheme, host and a hint only
        ("https://hooks.example/services/T0123ABCD/B0456/XXXXXXXXXXXXXXXX",
         "https://hooks.example/ser…/***"),
        # built from the secret URL (an edit appends a message id): its long parts go
        ("https://hooks.example/services/T0123ABCD/B0456/XXXXXXXXXXXXXXXX/messages/9",
         "https://hooks.example/ser…/***/messages/9"),
        # credentials in query and user info, whatever the config says
        ("https://flow.example/run?api-version=1&sig=abcdef&sp=x",
         "https://flow.example/run?api-version=1&sig=***&sp=x"),
        ("https://user:pw@host.example/a?access_token=zzz", "https://***@host.example/a?access_token=***"),
        ("https://plain.example/not-a-secret-value", "https://plain.example/not-a-secret-value"),
    ],
)  # fmt: skip
def test_redact_url(url: str, expected: str) -> None:
    config = _Secrets(
        name="d",
        token=SecretStr("TOKEN1234567"),
        url=SecretStr("https://hooks.example/services/T0123ABCD/B0456/XXXXXXXXXXXXXXXX"),
    )
    assert redact_url(url, secrets_of(config)) == expected


def test_bodies_that_are_not_text_or_too_long_are_described(
    sink: TelegramSink, client: httpx.AsyncClient
) -> None:
    async def run() -> list[str]:
        sent = transcript.begin(DestinationBase(name="d"), client, T0)
        headers = {"content-type": "image/png"}
        await client.post(f"{sink.url}/upload", content=b"\x89PNG\xff\x00", headers=headers)
        await client.post(f"{sink.url}/long", content=("x" * (BODY_MAX + 5)).encode())
        transcript.finish("delivered", T0)
        return [r["body"] for r in sent.requests]

    binary, long = asyncio.run(run())
    assert binary == "<6 bytes of image/png>"
    assert long.endswith(f"<cut: {BODY_MAX + 5} characters in all>")
    assert len(long) < BODY_MAX + 60


def test_a_send_without_http_is_noted_with_its_secrets_masked() -> None:
    class _Smtp(DestinationBase):
        password: SecretStr

    config = _Smtp(name="mail", password=SecretStr("hunter2hunter2"))

    async def run() -> str | None:
        async with httpx.AsyncClient() as client:
            transcript.begin(config, client, T0)
        transcript.note(
            "SMTP", "smtp.example:587", "Subject: x\n\nhunter2hunter2", "message/rfc822"
        )
        return transcript.finish("delivered", T0).payload

    payload = asyncio.run(run())
    assert payload is not None
    assert json.loads(payload) == [
        {
            "method": "SMTP",
            "url": "smtp.example:587",
            "content_type": "message/rfc822",
            "body": "Subject: x\n\n***",
        }
    ]
    transcript.note("SMTP", "elsewhere", "outside an attempt: not recorded")  # no error
