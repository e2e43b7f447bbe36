"""Kind ``matrix``: edits and withdrawals as ``m.replace`` events, update notices as replies,
against the local homeserver that keeps the room and checks relations as the spec says."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest

from syndicator.deliver import can_edit, can_withdraw, matrix, matrixbody
from syndicator.errors import PermanentDeliveryError, RetryableDeliveryError
from syndicator.model import Message
from tests.deliver.conftest import MessageFactory
from tests.deliver.matrix_sink import ROOM, TOKEN, MatrixSink, config_for, matrix_error

RELEASE_URL = "https://www.vaasa.fi/uutiset/kaupunki-avaa-uuden-uimahallin/"
TITLE = "Kaupunki avaa uuden uimahallin Hietalahteen"
SEND = "/_matrix/client/v3/rooms/%21RoomAbc123%3Aexample.org/send/m.room.message/"


@pytest.fixture
def sink() -> Iterator[MatrixSink]:
    with MatrixSink(ROOM, TOKEN) as opened:
        yield opened


async def _first(
    sink: MatrixSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> tuple[matrix.Config, str]:
    config = config_for(sink.url)
    receipt = await matrix.send(config, make_message(config), client)
    assert receipt.remote_id == "$event1:example.org"
    return config, receipt.remote_id


def _update(
    config: matrix.Config, make_message: MessageFactory, key: str, **changes: object
) -> Message:
    return replace(
        make_message(config, event="updated", key=key, **changes), remote_id="$event1:example.org"
    )


def test_matrix_can_edit_and_withdraw() -> None:
    config = config_for("https://matrix.example.org")
    assert can_edit(matrix, config) and can_withdraw(matrix, config)


async def test_an_edit_is_one_m_replace_of_the_first_event(
    sink: MatrixSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config, first = await _first(sink, client, make_message)
    changed = _update(config, make_message, "evt-2", title="Uimahallin avajaiset siirtyvät")
    receipt = await matrix.edit(config, changed, client)

    [_, request] = sink.requests
    assert request.method == "PUT" and request.problems == []
    assert request.path == SEND + "syndicator.evt-2.edit"
    assert (receipt.remote_id, receipt.detail) == (first, "edit $event2:example.org")
    content = request.json()
    assert content["m.relates_to"] == {"rel_type": "m.replace", "event_id": first}
    new = content["m.new_content"]
    assert "m.relates_to" not in new and new["msgtype"] == "m.text"
    assert new["body"].splitlines()[:3] == [
        "Uimahallin avajaiset siirtyvät",
        "Päivitetty tiedote · Päivitetty 12.3.2025 klo 10.05",
        "www.vaasa.fi",  # an edit keeps the organisation
    ]
    assert content["body"] == "* " + new["body"]  # the fallback for clients without edits
    assert content["formatted_body"] == "* " + new["formatted_body"]
    assert sink.shown(first) == new and len(sink.events) == 2


async def test_a_retried_edit_adds_nothing_and_a_later_edit_replaces_the_original(
    sink: MatrixSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config, first = await _first(sink, client, make_message)
    edit = _update(config, make_message, "evt-2", title="Toinen otsikko")
    await matrix.edit(config, edit, client)
    again = await matrix.edit(config, edit, client)  # a retry after a lost answer
    assert again.detail == "edit $event2:example.org" and len(sink.events) == 2
    await matrix.edit(
        config, _update(config, make_message, "evt-3", title="Kolmas otsikko"), client
    )

    assert [request.problems for request in sink.requests] == [[], [], [], []]
    assert [content["m.relates_to"]["event_id"] for _, content in sink.events[1:]] == [first] * 2
    assert sink.shown(first)["body"].startswith("Kolmas otsikko\n")


async def test_an_edit_and_a_send_of_one_delivery_are_two_events(
    sink: MatrixSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config, _ = await _first(sink, client, make_message)
    await matrix.edit(config, _update(config, make_message, "evt-1"), client)
    assert [request.path.rsplit("/", 1)[1] for request in sink.requests] == [
        "syndicator.evt-1",
        "syndicator.evt-1.edit",
    ]
    assert len(sink.events) == 2  # not the first event handed back for its txnId


async def test_a_huge_release_edit_stays_within_the_event_limit(
    sink: MatrixSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config, _ = await _first(sink, client, make_message)
    await matrix.edit(config, _update(config, make_message, "evt-2", lead="sana " * 40_000), client)
    request = sink.requests[1]
    assert request.problems == [] and len(request.body) <= matrixbody.CONTENT_MAX_BYTES
    assert f"Lue lisää: {RELEASE_URL}" in request.json()["m.new_content"]["body"]


@pytest.mark.parametrize(
    ("locale", "label"), [("fi", "Tiedote peruttu"), ("en", "Release withdrawn")]
)
async def test_withdraw_replaces_the_event_with_a_notice_and_redacts_nothing(
    locale: str,
    label: str,
    sink: MatrixSink,
    client: httpx.AsyncClient,
    make_message: MessageFactory,
) -> None:
    config, first = await _first(sink, client, make_message)
    config = config.model_copy(update={"locale": locale})
    gone = replace(make_message(config, event="withdrawn", key="evt-9"), remote_id=first)
    receipt = await matrix.withdraw(config, gone, client)

    [_, request] = sink.requests
    assert request.method == "PUT" and request.path == SEND + "syndicator.evt-9.withdraw"
    assert request.problems == [] and receipt.remote_id == first
    content = request.json()
    assert content["m.relates_to"] == {"rel_type": "m.replace", "event_id": first}
    assert sink.shown(first) == {
        "msgtype": "m.text",
        "body": f"{label}: {TITLE}\nwww.vaasa.fi",
        "format": "org.matrix.custom.html",
        "formatted_body": (
            f"<p><b>{label}</b></p><p><del>{TITLE}</del></p><p><i>www.vaasa.fi</i></p>"
        ),
    }
    assert content["body"] == f"* {label}: {TITLE}\nwww.vaasa.fi"


async def test_an_update_notice_replies_to_the_first_event_with_what_changed(
    sink: MatrixSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config, first = await _first(sink, client, make_message)
    notice = replace(
        _update(config, make_message, "evt-2"), changes=("Otsikko: <b>uusi</b>", "Aika 14.3.")
    )
    receipt = await matrix.send(config, notice, client)

    [_, request] = sink.requests
    assert request.problems == [] and receipt.remote_id == "$event2:example.org"
    content = request.json()
    assert content["m.relates_to"] == {"m.in_reply_to": {"event_id": first}}
    assert content["body"] == (
        f"{TITLE}\nPäivitetty tiedote · Päivitetty 12.3.2025 klo 10.05\nwww.vaasa.fi\n\n"
        f"• Otsikko: <b>uusi</b>\n• Aika 14.3.\n\nLue lisää: {RELEASE_URL}"
    )
    assert (
        "<li>Otsikko: &lt;b&gt;uusi&lt;/b&gt;</li><li>Aika 14.3.</li>" in content["formatted_body"]
    )
    assert "Vaasan uusi uimahalli" not in content["body"]  # short: the original is right above


@pytest.mark.parametrize("remote_id", [None, "not-an-event"])
async def test_a_notice_without_a_known_event_is_not_a_reply(
    remote_id: str | None,
    sink: MatrixSink,
    client: httpx.AsyncClient,
    make_message: MessageFactory,
) -> None:
    config = config_for(sink.url)
    notice = replace(make_message(config, event="updated"), changes=("Aika",), remote_id=remote_id)
    await matrix.send(config, notice, client)
    [request] = sink.requests
    assert request.problems == [] and "m.relates_to" not in request.json()


async def test_an_edit_of_an_unknown_event_is_permanent_and_names_the_destination(
    sink: MatrixSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config, _ = await _first(sink, client, make_message)
    lost = replace(_update(config, make_message, "evt-2"), remote_id="$gone:example.org")
    with pytest.raises(PermanentDeliveryError) as caught:
        await matrix.edit(config, lost, client)
    assert caught.value.code == "delivery.matrix_400"
    assert caught.value.message == (
        f"matrix {sink.url} {ROOM} event $gone:example.org answered HTTP 400: "
        "M_UNKNOWN Can't send relation to unknown event"
    )
    assert TOKEN not in caught.value.message and len(sink.events) == 1


@pytest.mark.parametrize("remote_id", [None, "", "event1", "$" + "x" * 300])
async def test_an_edit_without_an_event_id_sends_nothing(
    remote_id: str | None,
    sink: MatrixSink,
    client: httpx.AsyncClient,
    make_message: MessageFactory,
) -> None:
    config = config_for(sink.url)
    message = replace(make_message(config, event="withdrawn"), remote_id=remote_id)
    with pytest.raises(PermanentDeliveryError) as caught:
        await matrix.withdraw(config, message, client)
    assert caught.value.code == "delivery.matrix_remote_id" and sink.requests == []
    assert caught.value.message.startswith(f"matrix {sink.url} {ROOM}: no Matrix event id")


async def test_a_rate_limited_edit_is_retried_after_the_wait(
    sink: MatrixSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config, first = await _first(sink, client, make_message)
    sink.respond(matrix_error(429, "M_LIMIT_EXCEEDED", "Too many requests", retry_after_ms=2500))
    edit = _update(config, make_message, "evt-2", title="Uusi")
    with pytest.raises(RetryableDeliveryError) as caught:
        await matrix.edit(config, edit, client)
    assert (caught.value.code, caught.value.retry_after) == ("delivery.matrix_429", 2.5)
    await matrix.edit(config, edit, client)
    assert len(sink.events) == 2 and sink.shown(first)["body"].startswith("Uusi\n")
