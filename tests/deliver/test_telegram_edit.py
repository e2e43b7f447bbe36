"""Kind ``telegram``: edits (``editMessageText`` / ``editMessageCaption``), withdrawals and
update notices that reply to the first message, against the local Bot API server that keeps
the chat and answers edits as Telegram does."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest

from syndicator.deliver import can_edit, can_withdraw, telegram, telegrambody
from syndicator.errors import PermanentDeliveryError, RetryableDeliveryError
from syndicator.model import Message
from tests.deliver.conftest import MessageFactory
from tests.deliver.telegram_sink import CHAT, TOKEN, TelegramSink, config_for, error, visible_text

URL = "https://www.vaasa.fi/uutiset/kaupunki-avaa-uuden-uimahallin/"
TITLE = "Kaupunki avaa uuden uimahallin Hietalahteen"


@pytest.fixture
def sink() -> Iterator[TelegramSink]:
    with TelegramSink() as opened:
        yield opened


async def _first(
    sink: TelegramSink,
    client: httpx.AsyncClient,
    make_message: MessageFactory,
    *,
    photo: bool,
    **settings: object,
) -> tuple[telegram.Config, str]:
    config = config_for(sink.url, **settings)
    message = make_message(config) if photo else make_message(config, images=())
    receipt = await telegram.send(config, message, client)
    assert receipt.remote_id == f"{CHAT}:1" + (":photo" if photo else "")
    return config, receipt.remote_id


def _later(
    config: telegram.Config, make_message: MessageFactory, remote_id: str, **changes: object
) -> Message:
    return replace(
        make_message(config, event="updated", key="evt-2", **changes), remote_id=remote_id
    )


def _method(sink: TelegramSink, index: int = -1) -> str:
    return sink.requests[index].path.rsplit("/", 1)[1]


def test_telegram_can_edit_and_withdraw() -> None:
    assert can_edit(telegram, config_for()) and can_withdraw(telegram, config_for())


async def test_an_edit_of_a_text_message_is_one_edit_message_text(
    sink: TelegramSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config, remote_id = await _first(sink, client, make_message, photo=False, message_thread_id=42)
    changed = _later(config, make_message, remote_id, title="Avajaiset siirtyvät", images=())
    receipt = await telegram.edit(config, changed, client)

    [_, request] = sink.requests
    assert request.path == f"/bot{TOKEN}/editMessageText" and request.problems == []
    body = request.json()
    assert (body["chat_id"], body["message_id"], body["parse_mode"]) == (CHAT, 1, "HTML")
    assert body["link_preview_options"] == {"url": URL} and "message_thread_id" not in body
    assert body["text"].startswith("<b>Avajaiset siirtyvät</b>\n<i>Päivitetty tiedote · ")
    assert "</i>\n<i>www.vaasa.fi</i>\n" in body["text"]  # the edit keeps the organisation
    assert (receipt.remote_id, receipt.detail) == (remote_id, "editMessageText message 1")
    [(key, shown)] = sink.messages.items()  # still one message in the chat, edited once
    assert key == (str(CHAT), 1) and shown["edits"] == 1 and shown["markup"] == body["text"]


async def test_an_edit_of_a_photo_changes_its_caption(
    sink: TelegramSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config, remote_id = await _first(sink, client, make_message, photo=True)
    receipt = await telegram.edit(
        config, _later(config, make_message, remote_id, lead="Uusi " * 400), client
    )

    assert _method(sink) == "editMessageCaption" and len(sink.requests) == 2
    request = sink.requests[1]
    assert request.problems == [] and "link_preview_options" not in request.json()
    shown, _ = visible_text(request.json()["caption"])
    assert telegrambody.visible_length(request.json()["caption"]) <= telegrambody.CAPTION_MAX
    assert shown.startswith(f"{TITLE}\nPäivitetty tiedote") and "Lue lisää" in shown
    assert receipt.remote_id == remote_id and len(sink.messages) == 1


async def test_a_photo_stored_without_its_mark_is_edited_through_its_caption(
    sink: TelegramSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config, _ = await _first(sink, client, make_message, photo=True)
    receipt = await telegram.edit(config, _later(config, make_message, f"{CHAT}:1"), client)
    assert [_method(sink, 1), _method(sink, 2)] == ["editMessageText", "editMessageCaption"]
    assert receipt.remote_id == f"{CHAT}:1:photo"  # the outbox learns it is a photo
    assert sink.messages[(str(CHAT), 1)]["edits"] == 1


async def test_an_edit_that_changes_nothing_counts_as_done(
    sink: TelegramSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config, remote_id = await _first(sink, client, make_message, photo=False)
    message = _later(config, make_message, remote_id, images=())
    await telegram.edit(config, message, client)
    receipt = await telegram.edit(config, message, client)  # a retry after a lost answer
    assert (receipt.status, receipt.detail) == (200, "editMessageText: not modified")
    assert sink.messages[(str(CHAT), 1)]["edits"] == 1


@pytest.mark.parametrize(("photo", "field"), [(False, "text"), (True, "caption")])
async def test_withdraw_edits_the_message_to_say_so(
    photo: bool,
    field: str,
    sink: TelegramSink,
    client: httpx.AsyncClient,
    make_message: MessageFactory,
) -> None:
    config, remote_id = await _first(sink, client, make_message, photo=photo)
    gone = replace(make_message(config, event="withdrawn", key="evt-3"), remote_id=remote_id)
    receipt = await telegram.withdraw(config, gone, client)

    [_, request] = sink.requests
    assert request.problems == [] and receipt.remote_id == remote_id
    body = request.json()
    assert body[field] == f"<b>Tiedote peruttu</b>\n<s>{TITLE}</s>\n<i>www.vaasa.fi</i>"
    assert body.get("link_preview_options", {"is_disabled": True}) == {"is_disabled": True}
    assert sink.messages[(str(CHAT), 1)]["markup"] == body[field] and len(sink.messages) == 1


async def test_an_update_notice_replies_in_the_topic_with_what_changed(
    sink: TelegramSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config, remote_id = await _first(sink, client, make_message, photo=True, message_thread_id=42)
    notice = replace(
        _later(config, make_message, remote_id),
        changes=("Otsikko: <b>uusi</b> & parempi", "Aika 14.3."),
    )
    receipt = await telegram.send(config, notice, client)

    [_, request] = sink.requests
    assert request.path.endswith("/sendMessage") and request.problems == []  # text, no photo
    body = request.json()
    assert body["reply_parameters"] == {"message_id": 1, "allow_sending_without_reply": True}
    assert body["message_thread_id"] == 42 and receipt.remote_id == f"{CHAT}:2"
    shown, _ = visible_text(body["text"])
    assert shown.split("\n") == [
        TITLE,
        "Päivitetty tiedote · Päivitetty 12.3.2025 klo 10.05",
        "www.vaasa.fi",
        "",
        "• Otsikko: <b>uusi</b> & parempi",
        "• Aika 14.3.",
        "",
        "Lue lisää",
    ]
    assert sink.messages[(str(CHAT), 2)]["reply_to"] == 1


async def test_a_notice_still_goes_when_the_first_message_is_gone_or_elsewhere(
    sink: TelegramSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = config_for(sink.url)
    gone = replace(_later(config, make_message, f"{CHAT}:77"), changes=("Aika",))
    other_chat = replace(gone, remote_id="@toinen_kanava:5")
    await telegram.send(config, gone, client)
    await telegram.send(config, other_chat, client)
    assert [request.problems for request in sink.requests] == [[], []]
    assert sink.requests[0].json()["reply_parameters"]["message_id"] == 77
    assert "reply_parameters" not in sink.requests[1].json()  # a reply only within the chat
    assert len(sink.messages) == 2


async def test_many_changes_fit_telegrams_limit_and_keep_the_link(
    sink: TelegramSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = config_for(sink.url)
    notice = replace(make_message(config, event="updated"), changes=("muutos 🏊 " * 40,) * 100)
    await telegram.send(config, notice, client)
    [request] = sink.requests
    assert request.problems == []
    text = request.json()["text"]
    assert telegrambody.visible_length(text) <= telegrambody.TEXT_MAX
    assert text.count("• ") < 100 and text.endswith(f'<a href="{URL}">Lue lisää</a>')


async def test_an_edit_of_an_unknown_message_is_permanent_and_names_the_destination(
    sink: TelegramSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config, _ = await _first(sink, client, make_message, photo=False)
    with pytest.raises(PermanentDeliveryError) as caught:
        await telegram.edit(config, _later(config, make_message, f"{CHAT}:999"), client)
    assert caught.value.code == "delivery.telegram_400"
    assert caught.value.message == (
        f"telegram {sink.url}/bot…/*** chat {CHAT} editMessageText message 999 answered 400: "
        "Bad Request: message to edit not found"
    )
    assert "SECRETtoken" not in caught.value.message and len(sink.messages) == 1


@pytest.mark.parametrize("remote_id", [None, "", "1", f"{CHAT}:x", "chat:1", f"{CHAT}:1:video"])
async def test_an_edit_without_a_message_id_sends_nothing(
    remote_id: str | None,
    sink: TelegramSink,
    client: httpx.AsyncClient,
    make_message: MessageFactory,
) -> None:
    config = config_for(sink.url)
    message = replace(make_message(config, event="withdrawn"), remote_id=remote_id)
    with pytest.raises(PermanentDeliveryError) as caught:
        await telegram.withdraw(config, message, client)
    assert caught.value.code == "delivery.telegram_remote_id" and sink.requests == []
    assert caught.value.message.startswith(f"telegram {sink.url}/bot…/*** chat {CHAT}: ")


async def test_flood_control_on_an_edit_is_retried_after_telegrams_wait(
    sink: TelegramSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config, remote_id = await _first(sink, client, make_message, photo=False)
    sink.answer(error(429, "Too Many Requests: retry after 9", retry_after=9))
    message = _later(config, make_message, remote_id, title="Uusi otsikko")
    with pytest.raises(RetryableDeliveryError) as caught:
        await telegram.edit(config, message, client)
    assert (caught.value.code, caught.value.retry_after) == ("delivery.telegram_429", 9)
    await telegram.edit(config, message, client)
    assert sink.messages[(str(CHAT), 1)]["edits"] == 1 and len(sink.messages) == 1
