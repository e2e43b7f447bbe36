"""Kind ``teams`` against a local sink that checks a Workflows webhook request like Teams
does (an Adaptive Card message under 28 KB) and answers ``202 Accepted``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from syndicator.deliver import teams
from syndicator.deliver.outbox import RetryPolicy, drain_all
from syndicator.errors import PermanentDeliveryError, RetryableDeliveryError
from syndicator.store import open_store
from tests.deliver.conftest import MessageFactory, seed
from tests.sinks import Answer, HttpSink, Recorded

HOOK_PATH = "/workflows/0123abcd4567/triggers/manual/paths/invoke"
QUERY = "?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=SECRETsig42"
_ELEMENTS = frozenset({"TextBlock", "Image", "FactSet", "ColumnSet", "Container", "ActionSet"})


class TeamsSink(HttpSink):
    """A Workflows "When a Teams webhook request is received" trigger: 202 with an empty
    body; 400 when the message is not an Adaptive Card message, 413 over 28 KB."""

    def inspect(self, request: Recorded) -> Answer | None:
        if len(request.body) > teams.PAYLOAD_MAX:
            request.problems.append(f"{len(request.body)} bytes > 28 KB")
            return (413, {}, b'{"error":{"code":"MessageSizeLimitExceeded"}}')
        request.problems.extend(_problems(request))
        return (
            (400, {}, b'{"error":{"code":"InvalidRequestContent"}}') if request.problems else None
        )

    def _answer(self, request: Recorded) -> tuple[int, dict[str, str], bytes]:
        status, headers, body = super()._answer(request)
        return (202, headers, b"") if status == 200 else (status, headers, body)


def _problems(request: Recorded) -> list[str]:
    if request.method != "POST" or not request.path.startswith(HOOK_PATH + "?"):
        return [f"{request.method} {request.path}: not the trigger"]
    if not request.headers.get("content-type", "").startswith("application/json"):
        return ["not JSON"]
    try:
        message = json.loads(request.body)
        [attached] = message["attachments"]
        card = attached["content"]
    except (ValueError, KeyError, TypeError):
        return ["not a message with exactly one attachment"]
    problems = [] if message.get("type") == "message" else ["type must be message"]
    if attached.get("contentType") != "application/vnd.microsoft.card.adaptive":
        problems.append("attachment is not an Adaptive Card")
    if card.get("type") != "AdaptiveCard" or card.get("version") not in ("1.2", "1.3", "1.4"):
        problems.append("content must be an AdaptiveCard of version ≤ 1.4 (Workflows)")
    for element in card.get("body", []):
        problems += _element_problems(element)
    for action in card.get("actions", []):
        if action.get("type") != "Action.OpenUrl" or not action.get("url", "").startswith("http"):
            problems.append("actions: Action.OpenUrl needs an absolute url")
    return problems


def _element_problems(element: dict[str, Any]) -> list[str]:
    kind = element.get("type")
    if kind not in _ELEMENTS:
        return [f"unknown element {kind!r}"]
    if kind == "TextBlock" and not isinstance(element.get("text"), str):
        return ["TextBlock needs text"]
    if kind == "Image" and not element.get("url", "").startswith("http"):
        return ["Image needs an absolute url"]
    return []


@pytest.fixture
def sink() -> Iterator[TeamsSink]:
    with TeamsSink() as opened:
        yield opened


def _config(url: str, **changes: object) -> teams.Config:
    data = {"kind": "teams", "name": "kunta-teams", "webhook_url": url + HOOK_PATH + QUERY}
    return teams.Config.model_validate({**data, **changes})


def _card(request: Recorded) -> dict[str, Any]:
    card: dict[str, Any] = request.json()["attachments"][0]["content"]
    return card


async def test_posts_an_adaptive_card(
    sink: TeamsSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(sink.url)
    receipt = await teams.send(config, make_message(config), client)

    assert (receipt.remote_id, receipt.status) == (None, 202)
    [request] = sink.requests
    assert request.problems == [] and request.path == HOOK_PATH + QUERY
    card = _card(request)
    title, when, source, lead, image, others = card["body"]
    assert title == {
        "type": "TextBlock", "text": "Kaupunki avaa uuden uimahallin Hietalahteen",
        "wrap": True, "weight": "Bolder", "size": "Medium",
    }  # fmt: skip
    assert when["text"] == "Uusi tiedote · Julkaistu 12.3.2025 klo 10.00" and when["isSubtle"]
    # the organisation (the sample names none: the host), never the source name
    assert source["text"] == "Lähde: www.vaasa.fi" and source["isSubtle"]
    assert lead["text"].startswith("Vaasan uusi uimahalli avataan yleisölle") and lead["wrap"]
    assert image["url"].endswith("uimahalli.jpg") and image["altText"] == "Uimahallin allas"
    assert others["text"] == (
        "Muilla kielillä: [På svenska](https://www.vaasa.fi/sv/nyheter/simhall/)"
        " · [In English](https://www.vaasa.fi/en/news/swimming-hall/)"
    )
    assert card["actions"] == [{
        "type": "Action.OpenUrl", "title": "Lue lisää",
        "url": "https://www.vaasa.fi/uutiset/kaupunki-avaa-uuden-uimahallin/",
    }]  # fmt: skip
    assert "vaasa-fi" not in request.body.decode()  # the source name never leaves


async def test_swedish_locale_and_no_image(
    sink: TeamsSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(sink.url, locale="sv")
    await teams.send(config, make_message(config, images=()), client)
    card = _card(sink.requests[0])
    assert [element["type"] for element in card["body"]] == ["TextBlock"] * 5
    assert card["actions"][0]["title"] == "Läs mer"
    assert card["body"][1]["text"] == "Nytt pressmeddelande · Publicerad 12.3.2025 kl. 10.00"
    assert card["body"][2]["text"] == "Källa: www.vaasa.fi"


async def test_an_update_notice_lists_what_changed(
    sink: TeamsSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    """A Workflows card cannot be edited: an update is a new card saying what changed."""
    config = _config(sink.url, locale="en")
    changes = ("Title changed: *old* → new", "Text changed: + " + "word " * 200)
    await teams.send(
        config, replace(make_message(config, event="updated"), changes=changes), client
    )
    texts = [element.get("text", "") for element in _card(sink.requests[0])["body"]]
    assert texts[1].startswith("Updated press release")
    assert texts[3] == r"• Title changed: \*old\* → new"
    assert texts[4].startswith("• Text changed: + word") and texts[4].endswith("…")
    assert len(texts[4]) <= teams.CHANGE_MAX + 2


async def test_hostile_title_is_literal_text(
    sink: TeamsSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(sink.url)
    hostile = "<b>&\"'*_~ [x](https://evil.example) `code`"
    message = make_message(
        config, title=hostile, lead="- not a list\n1. nor this", organisation="*Kunta* " * 60
    )
    await teams.send(config, message, client)
    title, _, source, lead = _card(sink.requests[0])["body"][:4]
    assert title["text"] == r"""<b>&"'\*\_\~ \[x\]\(https://evil.example\) \`code\`"""
    assert source["text"].startswith(r"Lähde: \*Kunta\* \*Kunta\*")  # literal, cut to a line
    assert source["text"].endswith("…") and len(source["text"]) < teams.ORGANISATION_MAX * 2
    assert lead["text"] == "\\- not a list\n1\\. nor this"


async def test_a_huge_lead_is_cut_to_28_kb_keeping_the_button(
    sink: TeamsSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(sink.url)
    message = make_message(config, lead="Pöytäkirja *tärkeä* " * 5000)
    await teams.send(config, message, client)

    [request] = sink.requests
    assert request.problems == [] and len(request.body) <= teams.PAYLOAD_MAX
    assert len(request.body) > teams.PAYLOAD_MAX - 200  # cut as little as fits
    lead = _card(request)["body"][3]["text"]
    assert lead.endswith("\\*tärkeä\\*…") or lead.endswith("Pöytäkirja…")
    assert _card(request)["actions"][0]["url"] == message.url


async def test_rate_limit_and_server_errors_are_retried(
    sink: TeamsSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(sink.url)
    sink.respond((429, {"Retry-After": "7"}, b""), 502)
    message = make_message(config)
    with pytest.raises(RetryableDeliveryError) as caught:
        await teams.send(config, message, client)
    assert (caught.value.code, caught.value.retry_after) == ("delivery.teams_429", 7)
    with pytest.raises(RetryableDeliveryError) as caught:
        await teams.send(config, message, client)
    assert caught.value.code == "delivery.teams_502"
    assert (await teams.send(config, message, client)).status == 202


@pytest.mark.parametrize("status", [400, 401, 403, 404])
async def test_refusals_are_permanent_and_hide_the_signature(
    status: int, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    with HttpSink() as plain:
        plain.respond((status, {}, b'{"error":{"code":"DirectApiAuthorizationRequired"}}'))
        config = _config(plain.url)
        with pytest.raises(PermanentDeliveryError) as caught:
            await teams.send(config, make_message(config), client)
    assert caught.value.code == f"delivery.teams_{status}"
    assert "SECRETsig" not in caught.value.message and "0123abcd" not in caught.value.message


async def test_end_to_end_through_the_outbox(tmp_path: Path, sink: TeamsSink) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'outbox.sqlite3'}")
    try:
        config = _config(sink.url)
        seed(store, 2, (config.name,))
        sink.respond(503)  # the first try fails; the row stays due after base=0
        async with httpx.AsyncClient(timeout=5.0) as client:
            first = await drain_all(store, [config], client, policy=RetryPolicy(base=0.0))
            second = await drain_all(store, [config], client, policy=RetryPolicy(base=0.0))
        assert (first.retry, first.delivered + second.delivered) == (1, 2)
        sink.respond((404, {}, b""))
        seed(store, 1, (config.name,))
        async with httpx.AsyncClient(timeout=5.0) as client:
            third = await drain_all(store, [config], client, policy=RetryPolicy(base=0.0))
        assert third.failed == 1
        rows = {row.status: row for row in store.list_deliveries()}
        assert rows["failed"].last_error_code == "delivery.teams_404"
        assert rows["delivered"].remote_id is None
    finally:
        store.close()
    titles = [
        _card(request)["body"][0]["text"] for request in sink.requests if request.problems == []
    ]
    assert len(titles) == 4 and len(set(titles)) == 3
    assert all(b"vaasa-fi" not in request.body for request in sink.requests)


def test_redacted_hides_the_trigger_and_signature() -> None:
    config = _config("https://prod-00.westeurope.logic.azure.com:443")
    shown = teams.redacted(config)
    assert shown == "teams https://prod-00.westeurope.logic.azure.com:443/workflows/012…/***?***"
    assert "SECRETsig" not in repr(config) and "SECRETsig" not in str(config.model_dump())


def test_config_rejects_a_non_url_without_echoing_it() -> None:
    with pytest.raises(ValidationError) as caught:
        teams.Config.model_validate({"kind": "teams", "name": "t", "webhook_url": "sig=secretv"})
    assert "secretv" not in str(caught.value)
