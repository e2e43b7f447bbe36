"""Kind ``telegram`` against a local Bot API server that parses HTML mode as Telegram does."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError

from syndicator.deliver import telegram
from syndicator.deliver.outbox import RetryPolicy, drain_all
from syndicator.errors import PermanentDeliveryError, RetryableDeliveryError
from syndicator.model import Image, Link
from syndicator.store import Store, open_store
from tests.deliver.conftest import MessageFactory, seed
from tests.deliver.telegram_sink import TOKEN, TelegramSink, error, visible_text

CHAT = -1001234567890
SECRET_PART = "SECRETtoken"
URL = "https://www.vaasa.fi/uutiset/kaupunki-avaa-uuden-uimahallin/"
IMAGE = Image("https://www.vaasa.fi/kuvat/uimahalli.jpg", "Uimahallin allas")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sink() -> Iterator[TelegramSink]:
    with TelegramSink() as opened:
        yield opened


def _config(sink: TelegramSink | None = None, **changes: object) -> telegram.Config:
    return telegram.Config.model_validate(
        {
            "kind": "telegram",
            "name": "newsroom-tg",
            "bot_token": TOKEN,
            "chat_id": CHAT,
            "api_base": sink.url if sink else "https://api.telegram.org",
            **changes,
        }
    )


async def test_photo_with_caption_carries_the_release(
    sink: TelegramSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(sink, message_thread_id=42)
    receipt = await telegram.send(config, make_message(config), client)

    assert (receipt.remote_id, receipt.status, receipt.detail) == (f"{CHAT}:1", 200, "sendPhoto")
    [request] = sink.requests
    assert request.path == f"/bot{TOKEN}/sendPhoto" and request.problems == []
    body = request.json()
    assert body["photo"] == "https://www.vaasa.fi/kuvat/uimahalli.jpg"
    assert (body["chat_id"], body["message_thread_id"], body["parse_mode"]) == (CHAT, 42, "HTML")
    assert body["caption"] == (
        "<b>Kaupunki avaa uuden uimahallin Hietalahteen</b>\n"
        "<i>Uusi tiedote · Julkaistu 12.3.2025 klo 10.00</i>\n\n"
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
    assert telegram.visible_length(markup) == len(shown.encode("utf-16-le")) // 2
    assert f'<a href="{URL}">Lue lisää</a>' in markup
    title, facts, _, lead = shown.split("\n")[:4]
    assert len(title) <= telegram.TITLE_MAX and title.endswith("…")
    assert title[:-1].split()[-1] in {"Vaasan", "kaupunginvaltuusto", "&", "hallitus"}
    assert facts.startswith("Uusi tiedote · Julkaistu")
    assert lead.endswith("…") and lead[:-1].split()[-1] in {"Tiedote", "<b>&</b>", "muuta", "🏊"}


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


# --- through the real outbox and store ------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path / 'outbox.sqlite3'}")
    yield opened
    opened.close()


async def test_a_created_release_end_to_end_through_the_outbox(
    store: Store, sink: TelegramSink, client: httpx.AsyncClient
) -> None:
    [url] = seed(store, 1, ("newsroom-tg",))
    result = await drain_all(store, [_config(sink)], client)

    assert result.delivered == 1
    [row] = store.list_deliveries()
    assert (row.status, row.remote_id) == ("delivered", f"{CHAT}:1")
    [request] = sink.requests
    assert request.problems == [] and request.path.endswith("/sendPhoto")
    assert f'<a href="{url}">Lue lisää</a>' in request.json()["caption"]
    assert b"vaasa-fi" not in request.body


async def test_outbox_honours_retry_after_retries_5xx_and_dead_letters_4xx(
    store: Store, sink: TelegramSink, client: httpx.AsyncClient
) -> None:
    seed(store, 1, ("newsroom-tg",))
    config = _config(sink)
    policy = RetryPolicy(base=0.01, cap=0.05)
    now = datetime.now(UTC)
    sink.answer(error(429, "Too Many Requests: retry after 30", retry_after=30))
    assert (await drain_all(store, [config], client, policy=policy, clock=lambda: now)).retry == 1
    [row] = store.list_deliveries()
    assert row.status == "pending" and row.last_error_code == "delivery.telegram_429"
    assert row.next_attempt_at - now >= timedelta(seconds=30)  # Telegram's wait, not ours

    later = now + timedelta(seconds=31)
    sink.answer(error(502, "Bad Gateway"))
    assert (await drain_all(store, [config], client, policy=policy, clock=lambda: later)).retry
    later += timedelta(seconds=1)
    assert (await drain_all(store, [config], client, policy=policy, clock=lambda: later)).delivered
    assert store.list_deliveries()[0].remote_id == f"{CHAT}:1"

    seed(store, 1, ("newsroom-tg",))
    sink.answer(error(403, "Forbidden: bot was blocked by the user"))
    result = await drain_all(store, [config], client, policy=policy, clock=lambda: later)
    assert result.failed == 1
    failed = store.list_deliveries(status="failed")[0]
    assert failed.last_error_code == "delivery.telegram_403"
    assert failed.last_error and "bot was blocked" in failed.last_error
    assert SECRET_PART not in failed.last_error
    assert len(sink.requests) == 4  # 429, 502, sent, 403: nothing sent twice


def test_check_config_accepts_a_telegram_destination(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    path.write_text(
        '[[sources]]\nname = "vaasa-fi"\nkind = "html"\nlanguage = "fi"\n'
        'urls = ["https://www.vaasa.fi/ajankohtaista/tiedotteet/"]\n\n'
        '[[destinations]]\nname = "newsroom-telegram"\nkind = "telegram"\n'
        'bot_token = "${TELEGRAM_BOT_TOKEN}"\nchat_id = "@vaasa_tiedotteet"\n'
        'message_thread_id = 12\nlanguages = ["fi"]\n',
        encoding="utf-8",
    )
    run = subprocess.run(
        [sys.executable, "-m", "syndicator", "check-config", str(path)],
        capture_output=True,
        text=True,
        env={"TELEGRAM_BOT_TOKEN": TOKEN, "PATH": "", "PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert SECRET_PART not in run.stdout + run.stderr
