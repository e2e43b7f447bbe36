"""Kind ``apprise`` through the real Apprise library against a local server: json://,
form://, ntfy:// and gotify:// URLs pointed at 127.0.0.1."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest
from pydantic import ValidationError

from syndicator.deliver import apprise, can_edit
from syndicator.errors import RetryableDeliveryError
from tests.deliver.apprise_sink import GOTIFY_TOKEN, AppriseSink
from tests.deliver.conftest import MessageFactory

URL = "https://www.vaasa.fi/uutiset/kaupunki-avaa-uuden-uimahallin/"


@pytest.fixture
def sink() -> Iterator[AppriseSink]:
    with AppriseSink() as opened:
        yield opened


def _config(*urls: str, **changes: object) -> apprise.Config:
    where: dict[str, object] = {"url": urls[0]} if len(urls) == 1 else {"urls": list(urls)}
    data = {"kind": "apprise", "name": "pitka-hanta", **where, **changes}
    return apprise.Config.model_validate(data)


def _host(sink: AppriseSink) -> str:
    return f"127.0.0.1:{sink.port}"


async def test_json_url_gets_title_and_markdown_body(
    sink: AppriseSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(f"json://{_host(sink)}/hook")
    message = replace(make_message(config), organisation="Vaasan kaupunki")
    receipt = await apprise.send(config, message, client)

    assert receipt.detail == "1 Apprise URL notified"
    [request] = sink.requests
    assert request.problems == [] and request.json()["type"] == "info"
    [(route, title, body)] = sink.received
    assert (route, title) == ("/hook", "Kaupunki avaa uuden uimahallin Hietalahteen")
    assert body == (
        "*Uusi tiedote · Vaasan kaupunki · Julkaistu 12.3.2025 klo 10.00*\n\n"
        "Vaasan uusi uimahalli avataan yleisölle maaliskuussa. Hallissa on 50 metrin allas.\n\n"
        f"[Lue lisää]({URL})\n\n"
        "Muilla kielillä: [På svenska](https://www.vaasa.fi/sv/nyheter/simhall/)"
        " · [In English](https://www.vaasa.fi/en/news/swimming-hall/)"
    )
    assert b"vaasa-fi" not in request.body  # our source name never leaves


async def test_form_url_with_a_plain_text_body_in_swedish(
    sink: AppriseSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(f"form://{_host(sink)}/form", body_format="text", locale="sv")
    message = replace(make_message(config, lead="*Inte* <b>fetstil</b>"), organisation="")
    await apprise.send(config, message, client)

    [(route, _, body)] = sink.received
    assert route == "/form" and sink.requests[0].problems == []
    assert body.split("\n\n") == [
        "Nytt pressmeddelande · Publicerad 12.3.2025 kl. 10.00",
        "*Inte* <b>fetstil</b>",  # plain text: nothing to escape
        f"Läs mer: {URL}",
        "På svenska: https://www.vaasa.fi/sv/nyheter/simhall/\n"
        "In English: https://www.vaasa.fi/en/news/swimming-hall/",
    ]


async def test_ntfy_and_gotify_in_one_destination(
    sink: AppriseSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(f"ntfy://{_host(sink)}/toimitus", f"gotify://{_host(sink)}/{GOTIFY_TOKEN}")
    notice = replace(
        make_message(config, event="updated"), changes=("Otsikko muuttui *",), organisation="VSV"
    )
    receipt = await apprise.send(config, notice, client)

    assert receipt.detail == "2 Apprise URLs notified"
    assert all(request.problems == [] for request in sink.requests)
    assert sorted(route for route, _, _ in sink.received) == ["/", "/message"]
    for _, title, body in sink.received:
        assert title == "Kaupunki avaa uuden uimahallin Hietalahteen"
        assert body.startswith("*Päivitetty tiedote · VSV · Päivitetty ")
        assert "\n\n- Otsikko muuttui \\*\n\n" in body
    ntfy = next(request for request in sink.requests if request.path == "/")
    assert ntfy.json()["topic"] == "toimitus"


async def test_a_long_lead_is_cut_to_the_service_limit_keeping_the_link(
    sink: AppriseSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(f"ntfy://{_host(sink)}/toimitus")
    # ASCII: a JSON body over 8,000 bytes ntfy takes only as an attachment (Apprise knows)
    await apprise.send(config, make_message(config, lead="Long meeting minutes " * 1000), client)

    [(_, _, body)] = sink.received
    assert 7000 < len(body) <= 7800  # Apprise's ntfy plugin declares body_maxlen 7800
    assert " Long…\n\n[Lue lisää](" in body and "[In English](" in body


def test_body_drops_extras_before_the_link() -> None:
    from tests.deliver.conftest import render_message, sample_entry

    config = _config("json://127.0.0.1/hook")
    message = render_message(sample_entry(), "created", config, "k")
    tight = apprise.body(message, "text", 160)  # an SMS
    assert len(tight) <= 160 and tight.endswith(f"Lue lisää: {URL}")
    assert tight.startswith("Vaasan uusi uimahalli") and "In English" not in tight
    assert apprise.body(message, "text", 20) == f"Lue lisää: {URL}"  # the link, whatever


async def test_a_refusal_is_retryable_with_the_reason_and_no_secret(
    sink: AppriseSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    wrong = "AwrongSECRETkey"
    config = _config(f"json://{_host(sink)}/hook", f"gotify://{_host(sink)}/{wrong}")
    with pytest.raises(RetryableDeliveryError) as caught:
        await apprise.send(config, make_message(config), client)

    assert caught.value.code == "delivery.apprise_failed"
    text = caught.value.message
    assert text.startswith(f"gotify://{_host(sink)}/A...y/: ")  # Apprise's privacy form
    assert "401" in text and "SECRET" not in text and "json://" not in text  # json:// was fine
    assert [route for route, _, _ in sink.received] == ["/hook"]


async def test_server_errors_and_refused_connections_are_retryable(
    sink: AppriseSink,
    closed_port: int,
    client: httpx.AsyncClient,
    make_message: MessageFactory,
) -> None:
    config = _config(f"json://{_host(sink)}/hook")
    sink.respond(503)
    with pytest.raises(RetryableDeliveryError) as caught:
        await apprise.send(config, make_message(config), client)
    assert caught.value.message.startswith(f"json://{_host(sink)}/hook: ")
    assert "503" in caught.value.message
    assert (await apprise.send(config, make_message(config), client)).detail.startswith("1 ")

    refused = _config(f"json://user:SECRETpw@127.0.0.1:{closed_port}/hook")
    with pytest.raises(RetryableDeliveryError) as caught:
        await apprise.send(refused, make_message(refused), client)
    assert "Connection error" in caught.value.message and "SECRETpw" not in caught.value.message


async def test_a_slow_service_hits_the_deadline(
    sink: AppriseSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    sink.delay = 1.0
    config = _config(f"json://{_host(sink)}/hook", timeout="0.2s")
    with pytest.raises(RetryableDeliveryError) as caught:
        await apprise.send(config, make_message(config), client)
    assert caught.value.code == "delivery.timeout"
    assert caught.value.message == f"apprise json://{_host(sink)}/hook: no answer within 0.2 s"


def test_redacted_uses_the_privacy_form_and_apprise_cannot_edit() -> None:
    config = _config(
        "ntfy://user:SECRETpw@ntfy.example.org/toimitus",
        f"gotifys://gotify.example.org/{GOTIFY_TOKEN}",
        "json://example.org/a",
        "form://example.org/b",
    )
    shown = apprise.redacted(config)
    assert shown == (
        "apprise ntfy://user:****@ntfy.example.org/toimitus, "
        "gotifys://gotify.example.org/A...p/, json://example.org/a (+1 more)"
    )
    assert "SECRET" not in shown + repr(config) + str(config.model_dump())
    assert not can_edit(apprise, config)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({}, "either url or urls"),
        ({"url": "json://a/b", "urls": ["json://a/c"]}, "either url or urls"),
        ({"url": "nosuchservice://SECRET@host"}, "not an Apprise URL"),
        ({"urls": ["json://a/b", "bogus://SECRET"]}, "urls[1]: not an Apprise URL"),
    ],
)
def test_config_rejects_bad_urls_without_echoing_them(data: dict[str, object], words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        apprise.Config.model_validate({"kind": "apprise", "name": "x", **data})
    assert words in str(caught.value) and "SECRET" not in str(caught.value)


async def test_each_failure_names_its_own_reason(
    sink: AppriseSink, closed_port: int, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    """Two URLs fail at once in two threads: neither reason borrows the other's log."""
    config = _config(
        f"json://127.0.0.1:{closed_port}/hook", f"gotify://{_host(sink)}/AnotTHEkey1234"
    )
    with pytest.raises(RetryableDeliveryError) as caught:
        await apprise.send(config, make_message(config), client)
    first, second = caught.value.message.split("; ")
    assert first.startswith("json://") and "Connection error" in first and "401" not in first
    assert second.startswith("gotify://") and "401" in second and "Connection" not in second


async def test_apprise_log_lines_stay_out_of_ours(
    closed_port: int, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    """Our root handler (JSON events) never sees Apprise's own lines: delivery.retry says it.
    (pytest's caplog attaches to non-propagating loggers too, so a handler of our own.)"""
    seen: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = seen.append  # type: ignore[method-assign]
    logging.getLogger().addHandler(handler)
    try:
        config = _config(f"json://127.0.0.1:{closed_port}/hook")
        with pytest.raises(RetryableDeliveryError) as caught:
            await apprise.send(config, make_message(config), client)
    finally:
        logging.getLogger().removeHandler(handler)
    assert "Connection error" in caught.value.message  # the reason still reached us
    assert [record.name for record in seen if record.name.startswith("apprise")] == []
