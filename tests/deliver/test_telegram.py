"""Kind ``telegram`` against a local Bot API server that parses HTML mode as Telegram does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError

from syndicator.deliver import telegram, telegrambody
from syndicator.errors import PermanentDeliveryError, RetryableDeliveryError
from syndicator.model import Image, Link
from tests.deliver.conftest import MessageFactory
from tests.deliver.telegram_sink import CHAT, TOKEN, TelegramSink, config_for, error, visible_text

SECRET_PART = "SECRETtoken"
URL = "https://www.vaasa.fi/uutiset/kaupunki-avaa-uuden-uimahallin/"
IMAGE = Image("https://www.vaasa.fi/kuvat/uimahalli.jpg", "Uimahallin allas")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sink() -> Iterator[TelegramSink]:
    with TelegramSink() as opened:
        yield opened


def _config(sink: TelegramSink | None = None, **changes: object) -> telegram.Config:
    return config_for(sink.url if sink else None, **changes)


async def test_photo_with_caption_carries_the_release(
    sink: TelegramSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(sink, message_thread_id=42)
    receipt = await telegram.send(config, make_message(config), client)

    assert (receipt.remote_id, receipt.status, receipt.detail) == (
        f"{CHAT}:1:photo",
        200,
        "sendPhoto",
    )
    [request] = sink.requests
    assert request.path == f"/bot{TOKEN}/sendPhoto" and request.problems == []
    body = request.json()
    assert body["photo"] == "https://www.vaasa.fi/kuvat/uimahalli.jpg"
    assert (body["chat_id"], body["message_thread_id"], body["parse_mode"]) == (CHAT, 42, "HTML")
    assert body["caption"] == (
        "<b>Kaupunki avaa uuden uimahallin Hietalahteen</b>\n"
        "<i>Uusi tiedote · Julkaistu 12.3.2025 klo 10.00</i>\n"
        "<i>www.vaasa.fi</i>\n\n"  # the organisation (the sample names none: the host)
        "Vaasan uusi uimahalli avataan yleisölle maaliskuussa. Hallissa on 50 metrin allas.\n\n"
        f'<a href="{URL}">Lue lisää</a>\n'
        'Muilla kielillä: <a href="https://www.vaasa.fi/sv/nyheter/simhall/">På svenska</a> · '
        '<a href="https://www.vaasa.fi/en/news/swimming-hall/">In English</a>'
    )
    assert b"vaasa-fi" not in request.body  # the internal source name is never sent


async def test_text_message_when_there_is_no_image(
    sink: TelegramSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(sink, chat_id="@vaasa_tiedotteet", locale="sv")
    message = make_message(config, event="updated", images=())
    receipt = await telegram.send(config, message, client)

    assert receipt.remote_id == "@vaasa_tiedotteet:1" and receipt.detail == "sendMessage"
    [request] = sink.requests
    assert request.path.endswith("/sendMessage") and request.problems == []
    body = request.json()
    assert body["link_preview_options"] == {"url": URL}
    assert "message_thread_id" not in body and body["chat_id"] == "@vaasa_tiedotteet"
    assert "<i>Uppdaterat pressmeddelande · Uppdaterad " in body["text"]
    assert f'<a href="{URL}">Läs mer</a>' in body["text"]
    assert b"vaasa-fi" not in request.body


async def test_a_refused_photo_falls_back_to_a_text_message(
    sink: TelegramSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    sink.answer(error(400, "Bad Request: failed to get HTTP URL content"))
    config = _config(sink)
    receipt = await telegram.send(config, make_message(config), client)
    assert [request.path.rsplit("/", 1)[1] for request in sink.requests] == [
        "sendPhoto",
        "sendMessage",
    ]
    assert receipt.remote_id == f"{CHAT}:1"
    assert receipt.detail.startswith("sendMessage; photo refused: Bad Request: failed to get")


@pytest.mark.parametrize("with_image", [True, False])
async def test_hostile_text_is_escaped_and_shown_verbatim(
    with_image: bool, sink: TelegramSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    title = "<b>&\"'*_~ </a><script>alert(1)</script> &amp; &#x27; &nbsp; <a href=x>"
    lead = 'Hinta < 5 € & "ilmainen" > 0 — <i>kursiivi</i> ]]> `koodi` *tähti* _alaviiva_'
    config = _config(sink)
    message = make_message(
        config,
        title=title,
        lead=lead,
        images=(IMAGE,) if with_image else (),
        alternates=(Link('https://x.example/sv?a=1&b="2"<3>', '<På> "svenska" &', "sv"),),
    )
    await telegram.send(config, message, client)

    [request] = sink.requests
    assert request.problems == []
    [shown] = sink.visible
    assert shown.startswith(title + "\n") and f"\n\n{lead}\n\n" in shown
    assert shown.endswith('<På> "svenska" &')
    markup = request.json()["caption" if with_image else "text"]
    assert 'href="https://x.example/sv?a=1&amp;b=%222%22%3C3%3E"' in markup


@pytest.mark.parametrize(("with_image", "limit"), [(True, 1024), (False, 4096)])
async def test_a_huge_release_is_cut_at_a_word_and_keeps_its_links(
    with_image: bool,
    limit: int,
    sink: TelegramSink,
    client: httpx.AsyncClient,
    make_message: MessageFactory,
) -> None:
    config = _config(sink)
    message = make_message(
        config,
        title="Vaasan kaupunginvaltuusto & hallitus " * 20,
        organisation="Vaasan kaupunki & <Pohjanmaan> liitto " * 5,
        lead="Tiedote <b>&</b> muuta 🏊 uimahallista " * 1000,
        images=(IMAGE,) if with_image else (),
        alternates=tuple(
            Link(f"https://www.vaasa.fi/{n}/", "Kieli " * 30, "sv") for n in range(30)
        ),
    )
    await telegram.send(config, message, client)

    [request] = sink.requests
    assert request.problems == []
    markup = request.json()["caption" if with_image else "text"]
    shown, _ = visible_text(markup)
    assert limit - 40 < len(shown.encode("utf-16-le")) // 2 <= limit  # close to the limit
    assert telegrambody.visible_length(markup) == len(shown.encode("utf-16-le")) // 2
    assert f'<a href="{URL}">Lue lisää</a>' in markup
    title, facts, organisation, _, lead = shown.split("\n")[:5]
    assert len(title) <= telegrambody.TITLE_MAX and title.endswith("…")
    assert title[:-1].split()[-1] in {"Vaasan", "kaupunginvaltuusto", "&", "hallitus"}
    assert facts.startswith("Uusi tiedote · Julkaistu")
    assert len(organisation) <= telegrambody.ORGANISATION_MAX and organisation.endswith("…")
    assert organisation.startswith("Vaasan kaupunki & <Pohjanmaan> liitto")  # escaped: shown
    words = {"Tiedote", "<b>&</b>", "muuta", "🏊", "uimahallista"}
    assert lead.endswith("…") and lead[:-1].split()[-1] in words


@pytest.mark.parametrize(
    ("answer", "code", "retryable", "retry_after"),
    [
        (error(429, "Too Many Requests: retry after 7", retry_after=7), "telegram_429", True, 7),
        (error(500, "Internal Server Error"), "telegram_500", True, None),
        (error(502, "Bad Gateway"), "telegram_502", True, None),
        (error(400, "Bad Request: chat not found"), "telegram_400", False, None),
        (error(401, "Unauthorized"), "telegram_401", False, None),
        (
            error(403, "Forbidden: bot was kicked from the channel chat"),
            "telegram_403",
            False,
            None,
        ),
    ],
)
async def test_answers_map_to_retry_or_dead_letter(
    answer: tuple[int, dict[str, str], bytes],
    code: str,
    retryable: bool,
    retry_after: int | None,
    sink: TelegramSink,
    client: httpx.AsyncClient,
    make_message: MessageFactory,
) -> None:
    config = _config(sink)
    sink.answer(answer)
    expected = RetryableDeliveryError if retryable else PermanentDeliveryError
    with pytest.raises(expected) as caught:
        await telegram.send(config, make_message(config, images=()), client)
    assert caught.value.code == f"delivery.{code}" and caught.value.status == answer[0]
    if isinstance(caught.value, RetryableDeliveryError):
        assert caught.value.retry_after == retry_after
    assert answer[2].decode().split('"description": "')[1].split('"')[0] in caught.value.message
    assert SECRET_PART not in caught.value.message


async def test_a_wrong_token_is_permanent_and_never_shown(
    sink: TelegramSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(sink, bot_token="987654321:AAWrongSECRETtokenvalue_xyz")
    with pytest.raises(PermanentDeliveryError) as caught:
        await telegram.send(config, make_message(config), client)
    assert caught.value.code == "delivery.telegram_401"
    assert SECRET_PART not in caught.value.message and "987654321:" not in caught.value.message


async def test_connection_refused_is_retryable_and_hides_the_token(
    closed_port: int, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(api_base=f"http://127.0.0.1:{closed_port}")
    with pytest.raises(RetryableDeliveryError) as caught:
        await telegram.send(config, make_message(config), client)
    assert caught.value.code == "delivery.connect"
    assert SECRET_PART not in caught.value.message and "AAH3x" not in caught.value.message


def test_redacted_and_repr_hide_the_token() -> None:
    config = _config(message_thread_id=7)
    assert telegram.redacted(config) == (
        f"telegram https://api.telegram.org/bot…/*** chat {CHAT} topic 7"
    )
    assert SECRET_PART not in repr(config) and SECRET_PART not in str(config.model_dump())


@pytest.mark.parametrize(
    ("changes", "hidden"),
    [
        ({"bot_token": "no-colon-SECRETtoken"}, "SECRETtoken"),
        ({"chat_id": "vaasa news"}, None),
        ({"message_thread_id": 0}, None),
    ],
)
def test_config_rejects_bad_values(changes: dict[str, object], hidden: str | None) -> None:
    with pytest.raises(ValidationError) as caught:
        _config(**changes)
    assert hidden is None or hidden not in str(caught.value)


def test_chat_id_as_a_numeric_string_becomes_an_integer() -> None:
    assert _config(chat_id="-1001234567890").chat_id == CHAT
