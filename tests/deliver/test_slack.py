"""Kind ``slack`` against a local sink that checks Block Kit like Slack does."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest
from pydantic import ValidationError

from syndicator.deliver import slack
from syndicator.errors import PermanentDeliveryError, RetryableDeliveryError
from syndicator.model import Link
from tests.deliver.conftest import MessageFactory
from tests.sinks import SlackSink

HOOK_PATH = "/services/T0123ABCD/B0456EFGH/abcdefSECRETtoken42"


def _config(url: str, **changes: object) -> slack.Config:
    return slack.Config.model_validate(
        {"kind": "slack", "name": "newsroom", "webhook_url": url, **changes}
    )


def _types(payload: dict[str, object]) -> list[object]:
    blocks = payload["blocks"]
    assert isinstance(blocks, list)
    return [block["type"] for block in blocks]


async def test_posts_block_kit_message(
    slack_sink: SlackSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(slack_sink.url + HOOK_PATH)
    receipt = await slack.send(config, make_message(config), client)

    assert receipt.status == 200 and receipt.detail == "ok"
    [request] = slack_sink.requests
    assert request.path == HOOK_PATH and request.problems == []
    payload = request.json()
    assert payload["text"].startswith("Uusi tiedote: Kaupunki avaa uuden uimahallin")
    assert _types(payload) == [
        "header",
        "section",
        "context",
        "section",
        "context",
        "actions",
        "image",
    ]
    header, lead, facts, links, others, actions, image = payload["blocks"]
    assert header["text"] == {
        "type": "plain_text",
        "text": "Kaupunki avaa uuden uimahallin Hietalahteen",
        "emoji": True,
    }
    assert lead["text"]["type"] == "mrkdwn" and "50 metrin allas" in lead["text"]["text"]
    assert facts["elements"][0]["text"] == (
        "*Uusi tiedote* · Julkaistu 12.3.2025 klo 10.00 · Lähde: www.vaasa.fi"
    )
    assert links["text"]["text"] == "• <https://www.vaasa.fi/liikunta/uimahallit/|Uimahallit>"
    assert "<https://www.vaasa.fi/sv/nyheter/simhall/|På svenska>" in others["elements"][0]["text"]
    button = actions["elements"][0]
    assert button["text"]["text"] == "Lue lisää"
    assert button["url"] == "https://www.vaasa.fi/uutiset/kaupunki-avaa-uuden-uimahallin/"
    assert image["image_url"].endswith("uimahalli.jpg") and image["alt_text"] == "Uimahallin allas"


@pytest.mark.parametrize(
    ("locale", "label", "headline"),
    [("sv", "Läs mer", "Nytt pressmeddelande"), ("en", "Read more", "New press release")],
)
async def test_labels_follow_the_destination_locale(
    locale: str,
    label: str,
    headline: str,
    slack_sink: SlackSink,
    client: httpx.AsyncClient,
    make_message: MessageFactory,
) -> None:
    config = _config(slack_sink.url + HOOK_PATH, locale=locale)
    await slack.send(config, make_message(config), client)
    payload = slack_sink.requests[0].json()
    assert payload["blocks"][-2]["elements"][0]["text"]["text"] == label
    assert payload["text"].startswith(f"{headline}: ")


async def test_long_and_hostile_text_fits_slack_limits(
    slack_sink: SlackSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(slack_sink.url + HOOK_PATH)
    message = make_message(
        config,
        title="Vaasan kaupunginvaltuusto " * 20,
        lead="Tiedote <b>&</b> muuta " * 400,
        images=(),
        read_more=tuple(
            Link(f"https://www.vaasa.fi/a/{n}?x=1&y=<2>", "Lisää | tietoa") for n in range(200)
        ),
    )
    await slack.send(config, message, client)

    [request] = slack_sink.requests
    assert request.problems == []
    blocks = request.json()["blocks"]
    assert len(blocks[0]["text"]["text"]) <= slack.HEADER_MAX
    assert blocks[0]["text"]["text"].endswith(" Vaasan…")
    lead = blocks[1]["text"]["text"]
    assert len(lead) <= slack.TEXT_MAX and "<b>" not in lead and "&lt;b&gt;&amp;&lt;/b&gt;" in lead
    assert len(blocks[3]["text"]["text"]) <= slack.TEXT_MAX
    assert "|Lisää ¦ tietoa>" in blocks[3]["text"]["text"]
    assert "y=&lt;2&gt;" not in blocks[3]["text"]["text"]  # < > in a URL are percent-encoded


async def test_sink_rejects_a_bad_payload(slack_sink: SlackSink, client: httpx.AsyncClient) -> None:
    response = await client.post(slack_sink.url + HOOK_PATH, json={"blocks": [{"type": "bogus"}]})
    assert response.status_code == 400 and response.text == "invalid_payload"


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (400, b"invalid_payload"),
        (403, b"action_prohibited"),
        (404, b"no_service"),
        (410, b"channel_is_archived"),
    ],
)
async def test_slack_refusals_are_permanent(
    status: int,
    body: bytes,
    slack_sink: SlackSink,
    client: httpx.AsyncClient,
    make_message: MessageFactory,
) -> None:
    config = _config(slack_sink.url + HOOK_PATH)
    slack_sink.respond((status, {}, body))
    with pytest.raises(PermanentDeliveryError) as caught:
        await slack.send(config, make_message(config), client)
    assert caught.value.code == f"delivery.http_{status}"
    assert body.decode() in caught.value.message
    assert "SECRETtoken" not in caught.value.message


async def test_rate_limit_is_retryable_with_retry_after(
    slack_sink: SlackSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(slack_sink.url + HOOK_PATH)
    slack_sink.respond((429, {"Retry-After": "2"}, b"rate_limited"), 500)
    message = make_message(config)
    with pytest.raises(RetryableDeliveryError) as caught:
        await slack.send(config, message, client)
    assert caught.value.retry_after == 2 and caught.value.code == "delivery.http_429"
    with pytest.raises(RetryableDeliveryError) as caught:
        await slack.send(config, message, client)
    assert caught.value.code == "delivery.http_500"
    assert (await slack.send(config, message, client)).status == 200


async def test_connection_refused_is_retryable_and_hides_the_url(
    closed_port: int, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(f"http://127.0.0.1:{closed_port}{HOOK_PATH}")
    with pytest.raises(RetryableDeliveryError) as caught:
        await slack.send(config, make_message(config), client)
    assert caught.value.code == "delivery.connect"
    assert "SECRETtoken" not in caught.value.message and "B0456" not in caught.value.message


def test_redacted_masks_the_webhook_path() -> None:
    config = _config("https://hooks.slack.com" + HOOK_PATH)
    assert slack.redacted(config) == "slack https://hooks.slack.com/services/T01…/***"
    assert "SECRETtoken" not in repr(config)


def test_config_rejects_a_non_url_without_echoing_it() -> None:
    with pytest.raises(ValidationError) as caught:
        _config("hooks.slack.com/services/secretvalue")
    assert "secretvalue" not in str(caught.value)


async def test_an_update_through_a_webhook_says_what_changed(
    slack_sink: SlackSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(slack_sink.url + HOOK_PATH)
    notice = replace(
        make_message(config, event="updated"), changes=("Otsikko muuttui", "+ <uusi> kappale")
    )
    await slack.send(config, notice, client)
    [request] = slack_sink.requests
    assert request.problems == []
    blocks = request.json()["blocks"]
    assert blocks[2]["elements"][0]["text"].startswith("*Päivitetty tiedote* · Päivitetty")
    assert blocks[3]["text"]["text"] == "• Otsikko muuttui\n• + &lt;uusi&gt; kappale"


async def test_the_organisation_is_named_never_the_source(
    slack_sink: SlackSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(slack_sink.url + HOOK_PATH, locale="sv")
    message = replace(make_message(config), organisation="Vasa stad <info>")
    await slack.send(config, message, client)
    [request] = slack_sink.requests
    facts = request.json()["blocks"][2]["elements"][0]["text"]
    assert facts.endswith(" · Källa: Vasa stad &lt;info&gt;")
    assert b"vaasa-fi" not in request.body  # our internal source name never leaves
