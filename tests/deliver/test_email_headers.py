"""Kind ``email``: exact subjects, each part printed once, partial refusals, list headers
(against a local aiosmtpd server, as ``test_email``)."""

from __future__ import annotations

import random
from email import message_from_bytes, policy
from email.message import EmailMessage

import httpx
import pytest

from syndicator.deliver import email
from syndicator.errors import (
    PartialDeliveryError,
    PermanentDeliveryError,
    RetryableDeliveryError,
)
from tests.deliver.conftest import MessageFactory
from tests.deliver.test_email import RECIPIENTS, _config
from tests.sinks import SmtpSink

WORDS = (
    *("kaupunki", "Vaasan", "päätös", "yleisölle", "tiedote", "ympäristölautakunta", "ÄÄNI"),
    *("Vörå", "Korsholm", "påvåren", "inleds", "överenskommelse", "förslag", "Närpes", "år"),
    *("city", "council", "announces", "swimming", "hall", "2026", "Q&A", "(updated)", "–"),
    *("kaupunginvaltuustonpuheenjohtajanvaali", "miljökonsekvensbeskrivningsförfarandet"),
    *("”lainaus”", "‘quote’", "50 %", "1.4.–30.6.", "e-mail:", "#vaasa", "=?utf-8?", "€"),
)


def _subjects(count: int, seed: int = 144156) -> list[str]:
    """Titles of 60–200 characters: fi/sv/en words, long words, punctuation, now and then
    two spaces in a row (which a subject must keep too)."""
    rng = random.Random(seed)
    titles = []
    while len(titles) < count:
        target = rng.randint(60, 200)
        title = rng.choice(WORDS)
        while len(title) < target:
            title += rng.choice((" ", " ", " ", " ", "  ")) + rng.choice(WORDS)
        if len(title) <= 200:
            titles.append(title)
    return titles


async def test_every_subject_round_trips_exactly(
    smtp_sink: SmtpSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(smtp_sink.port)
    titles = _subjects(200)
    for title in titles:
        await email.send(config, make_message(config, title=title), client)
    assert len(smtp_sink.raw) == len(titles)
    for title, raw in zip(titles, smtp_sink.raw, strict=True):
        parsed = message_from_bytes(raw, policy=policy.default)
        assert parsed["Subject"] == f"Uusi tiedote: {title}"
        head = raw.split(b"\r\n\r\n", 1)[0]
        assert head.isascii() and max(len(line) for line in head.split(b"\r\n")) <= 78


LEAD = "Vaasan uusi uimahalli avataan yleisölle maaliskuussa."
BODY = (
    "<p>Vaasan uusi uimahalli avataan <strong>yleisölle</strong> maaliskuussa.</p>"
    '<figure><img src="/kuvat/uimahalli.jpg" alt="Allas"></figure>'
    "<p>Hallissa on 50 metrin allas.</p>"
)
TEXT = f"{LEAD}\n\nHallissa on 50 metrin allas."


async def test_the_lead_opening_the_body_is_printed_once(
    smtp_sink: SmtpSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(smtp_sink.port)
    await email.send(config, make_message(config, lead=LEAD, body_html=BODY, text=TEXT), client)

    [sent] = smtp_sink.messages
    plain, markup = _parts(sent)
    assert plain.count("avataan yleisölle maaliskuussa") == 1
    assert plain.count("Hallissa on 50 metrin allas") == 1
    assert markup.count("maaliskuussa") == 1


async def test_an_image_in_the_body_is_printed_once(
    smtp_sink: SmtpSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(smtp_sink.port)
    await email.send(config, make_message(config, body_html=BODY), client)

    [sent] = smtp_sink.messages
    _plain, markup = _parts(sent)
    assert markup.count("<img") == 1 and 'src="/kuvat/uimahalli.jpg"' in markup


async def test_a_lead_apart_from_the_body_and_an_image_outside_it_are_kept(
    smtp_sink: SmtpSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(smtp_sink.port)
    await email.send(config, make_message(config), client)  # the sample: lead ≠ body start

    [sent] = smtp_sink.messages
    plain, markup = _parts(sent)
    lead = "Vaasan uusi uimahalli avataan yleisölle maaliskuussa. Hallissa on 50 metrin allas."
    assert plain.count(lead) == 1 and markup.count(lead) == 1
    assert markup.count('<img src="https://www.vaasa.fi/kuvat/uimahalli.jpg"') == 1


def _parts(sent: EmailMessage) -> tuple[str, str]:
    plain, html = sent.get_body(("plain",)), sent.get_body(("html",))
    assert plain is not None and html is not None
    return str(plain.get_content()), str(html.get_content())


async def test_a_partial_refusal_names_who_has_it_and_who_not(
    client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    refused = RECIPIENTS[1]
    with SmtpSink(refuse={refused: "554 5.7.1 Relay access denied"}) as sink:
        config = _config(sink.port)
        with pytest.raises(PartialDeliveryError) as caught:
            await email.send(config, make_message(config), client)
        assert sink.envelopes == [("tiedotteet@vaasa.example", [RECIPIENTS[0]])]

    assert caught.value.accepted == (RECIPIENTS[0],)
    assert caught.value.refused == {refused: (554, "5.7.1 Relay access denied")}
    assert caught.value.temporary == () and caught.value.code == "delivery.email_partial"
    assert f"{refused} (554 5.7.1 Relay access denied)" in caught.value.message
    assert RECIPIENTS[0] not in caught.value.message


@pytest.mark.parametrize(
    ("replies", "error"),
    [
        (("554 5.7.1 Relay access denied", "550 5.1.1 No such user"), PermanentDeliveryError),
        (("554 5.7.1 Relay access denied", "450 4.2.0 Greylisted"), RetryableDeliveryError),
    ],
)
async def test_every_recipient_refused_names_them(
    replies: tuple[str, str],
    error: type[Exception],
    client: httpx.AsyncClient,
    make_message: MessageFactory,
) -> None:
    with SmtpSink(refuse=dict(zip(RECIPIENTS, replies, strict=True))) as sink:
        config = _config(sink.port)
        with pytest.raises(error) as caught:
            await email.send(config, make_message(config), client)
        assert sink.messages == []
    assert getattr(caught.value, "code", None) == "delivery.email_refused"
    assert all(address in str(caught.value) for address in RECIPIENTS)


async def test_sender_name_list_id_and_one_click_unsubscribe(
    smtp_sink: SmtpSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    name = 'Vaasan kaupunki – tiedotteet, "Vasa stad"'
    config = _config(
        smtp_sink.port,
        sender_name=name,
        list_id="tiedotteet.vaasa.example",
        unsubscribe_url="https://www.vaasa.fi/tilaukset/peru?lista=tiedotteet",
        unsubscribe_mailto="peru@vaasa.example",
    )
    await email.send(config, make_message(config), client)

    [sent] = smtp_sink.messages
    [sender] = sent["From"].addresses
    assert (sender.display_name, sender.addr_spec) == (name, "tiedotteet@vaasa.example")
    assert smtp_sink.envelopes[0][0] == "tiedotteet@vaasa.example"
    assert sent["List-Id"] == f"{name} <tiedotteet.vaasa.example>"
    assert sent["List-Unsubscribe"] == (
        "<https://www.vaasa.fi/tilaukset/peru?lista=tiedotteet>, "
        "<mailto:peru@vaasa.example?subject=unsubscribe>"
    )
    assert sent["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Reply-To" not in sent  # Message carries no press contact yet


async def test_list_headers_are_absent_unless_configured(
    smtp_sink: SmtpSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    mailto = _config(smtp_sink.port, unsubscribe_mailto="peru@vaasa.example")
    await email.send(mailto, make_message(mailto), client)
    await email.send(_config(smtp_sink.port), make_message(mailto), client)

    with_mailto, bare = smtp_sink.messages
    assert with_mailto["List-Unsubscribe"] == "<mailto:peru@vaasa.example?subject=unsubscribe>"
    assert "List-Unsubscribe-Post" not in with_mailto  # one-click is for an HTTPS URI only
    assert all(name not in bare for name in ("List-Id", "List-Unsubscribe"))
    assert bare["From"] == "tiedotteet@vaasa.example"


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ('Vaasa, "city"', '"Vaasa, \\"city\\""'),
        ("Vaasan kaupunki – tiedotteet", "=?utf-8?q?Vaasan_kaupunki_=E2=80=93_tiedotteet?="),
        ("Ääöå ÖÅÄ", "=?utf-8?b?w4TDpMO2w6Ugw5bDhcOE?="),
    ],
)
def test_display_name_is_one_phrase(name: str, written: str) -> None:
    assert email.display_name(name) == written
    raw = f"From: {written}\r\n <a@b.example>\r\n\r\n".encode()
    [address] = message_from_bytes(raw, policy=policy.default)["From"].addresses
    assert address.display_name == name


def test_a_sender_name_too_long_for_one_word_is_refused() -> None:
    with pytest.raises(ValueError, match="one RFC 2047 word"):
        _config(25, sender_name="Vaasan kaupunki – tiedotteet ja pressmeddelanden på svenska")
    assert _config(25, sender_name="A plain ASCII name can be long " * 4).sender_name


@pytest.mark.parametrize("field", ["list_id", "unsubscribe_url", "unsubscribe_mailto"])
def test_list_settings_are_checked(field: str) -> None:
    with pytest.raises(ValueError, match=field):
        _config(25, **{field: "not valid <x>"})
