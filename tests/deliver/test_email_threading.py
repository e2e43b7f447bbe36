"""Kind ``email``: replies go to the release's press contact, and an update sent as a
notice threads under the mail it updates and opens with what changed (against a local
aiosmtpd server; every header read back with the stdlib parser)."""

from __future__ import annotations

from dataclasses import replace
from email import message_from_bytes, policy
from email.message import EmailMessage

import httpx
import pytest

from syndicator.deliver import email
from syndicator.model import Contact, Message
from tests.deliver.conftest import MessageFactory
from tests.deliver.test_email import _config
from tests.sinks import SmtpSink

PHONE_ONLY = Contact("Matti Virtanen", "kaupunginjohtaja", "+358 40 123 4567")
PRESS = Contact("Åsa Öberg-Ääri", "tiedottaja", "+358 40 765 4321", "asa.oberg@vaasa.example")
LATER = Contact("Liisa Laine", "viestintäjohtaja", "", "liisa.laine@vaasa.example")
CHANGES = (
    "Otsikko muuttui: ”Uimahalli avataan” → ”Uimahalli avataan huhtikuussa”",
    "Avajaispäivä siirtyi 12.3. → 2.4.",
)


def _parsed(raw: bytes) -> EmailMessage:
    parsed = message_from_bytes(raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def _plain(sent: EmailMessage) -> str:
    part = sent.get_body(("plain",))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")


def _html(sent: EmailMessage) -> str:
    part = sent.get_body(("html",))
    assert part is not None
    return str(part.get_content())


async def _send(sink: SmtpSink, client: httpx.AsyncClient, message: Message) -> EmailMessage:
    await email.send(_config(sink.port), message, client)
    return _parsed(sink.raw[-1])


@pytest.mark.parametrize(
    "contact",
    [
        PRESS,  # non-ASCII name: one RFC 2047 word
        Contact('Virtanen, Liisa "Lissu"', email="liisa@vaasa.example"),  # a quoted string
        Contact("Tiedotus", email="tiedotus+lehdisto@vaasa.example"),
    ],
)
async def test_reply_to_is_the_first_contact_with_an_address(
    contact: Contact,
    smtp_sink: SmtpSink,
    client: httpx.AsyncClient,
    make_message: MessageFactory,
) -> None:
    message = make_message(_config(smtp_sink.port))
    sent = await _send(smtp_sink, client, replace(message, contacts=(PHONE_ONLY, contact, LATER)))

    [address] = sent["Reply-To"].addresses
    assert (address.display_name, address.addr_spec) == (contact.name, contact.email)
    head = smtp_sink.raw[-1].split(b"\r\n\r\n", 1)[0]
    assert head.isascii() and max(len(line) for line in head.split(b"\r\n")) <= 78


@pytest.mark.parametrize(
    "name",
    [
        "Äänekosken kaupungin ympäristö- ja rakennusvalvontapäällikkö",  # > one RFC 2047 word
        "Communications and Media Relations Office of the City of Vaasa Region",  # > 78
        "",
    ],
)
async def test_a_name_too_long_for_one_line_leaves_the_address(
    name: str, smtp_sink: SmtpSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    contact = Contact(name, email=LATER.email)
    message = replace(make_message(_config(smtp_sink.port)), contacts=(contact,))
    sent = await _send(smtp_sink, client, message)

    [address] = sent["Reply-To"].addresses
    assert (address.display_name, address.addr_spec) == ("", LATER.email)
    head = smtp_sink.raw[-1].split(b"\r\n\r\n", 1)[0]
    assert max(len(line) for line in head.split(b"\r\n")) <= 78


@pytest.mark.parametrize(
    "contacts",
    [
        (),
        (PHONE_ONLY,),
        (Contact("Huijari", email="a@vaasa.example\r\nBcc: everyone@example.com"),),
        (Contact("Huijari", email="a@b@vaasa.example"),),
        (Contact("Huijari", email="<a@vaasa.example>"),),
        (Contact("Huijari", email="tiedotus at vaasa.example"),),
    ],
)
async def test_no_reply_to_without_a_usable_press_address(
    contacts: tuple[Contact, ...],
    smtp_sink: SmtpSink,
    client: httpx.AsyncClient,
    make_message: MessageFactory,
) -> None:
    message = replace(make_message(_config(smtp_sink.port)), contacts=contacts)
    sent = await _send(smtp_sink, client, message)

    assert "Reply-To" not in sent and "Bcc" not in sent
    assert sent["From"] == "tiedotteet@vaasa.example"


async def test_an_update_notice_threads_under_the_first_mail(
    smtp_sink: SmtpSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(smtp_sink.port)
    first = await email.send(config, make_message(config, key="evt-1"), client)
    update = make_message(config, event="updated", key="evt-2")
    receipt = await email.send(
        config, replace(update, remote_id=first.remote_id, changes=CHANGES), client
    )

    original, notice = (_parsed(raw) for raw in smtp_sink.raw)
    assert original["Message-ID"] == first.remote_id
    assert notice["In-Reply-To"] == original["Message-ID"]
    assert notice["References"] == original["Message-ID"]
    assert receipt.remote_id == notice["Message-ID"] != original["Message-ID"]
    assert "In-Reply-To" not in original and "References" not in original
    title = "Kaupunki avaa uuden uimahallin Hietalahteen"
    assert notice["Subject"] == f"Päivitetty tiedote: {title}"  # no "Re:"


async def test_the_notice_opens_with_what_changed(
    smtp_sink: SmtpSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(smtp_sink.port)
    update = make_message(config, event="updated", key="evt-2")
    notice = await _send(
        smtp_sink, client, replace(update, remote_id="<first@vaasa.example>", changes=CHANGES)
    )

    plain = _plain(notice)
    assert plain.startswith("Päivitetty 12.3.2025 klo 10.05:\n")
    lines = plain.splitlines()
    assert lines[1:3] == [f"- {change}" for change in CHANGES]
    assert plain.index(CHANGES[1]) < plain.index("Kaupunki avaa uuden uimahallin")
    markup = _html(notice)
    body = markup[markup.index("<body>") :]
    assert body.index("<li>Otsikko muuttui: ”Uimahalli avataan”") < body.index("<h1>")
    assert "→ ”Uimahalli avataan huhtikuussa”</li>" in body


async def test_a_notice_of_english_changes_in_english(
    smtp_sink: SmtpSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(smtp_sink.port, locale="en")
    update = make_message(config, event="updated", key="evt-2")
    changes = ("Title changed: <b>Pool</b> → Pool opens in April",)
    notice = await _send(smtp_sink, client, replace(update, changes=changes))

    assert _plain(notice).startswith(f"Updated 12 March 2025, 10:05:\n- {changes[0]}\n")
    assert "<li>Title changed: &lt;b&gt;Pool&lt;/b&gt; → Pool opens in April</li>" in _html(notice)
    assert "In-Reply-To" not in notice  # nothing to thread under: no remote id known


@pytest.mark.parametrize(
    "remote_id",
    ["first@vaasa.example", "<first@vaasa.example>\r\nBcc: everyone@example.com", "no id", ""],
)
async def test_only_a_well_formed_message_id_is_threaded(
    remote_id: str,
    smtp_sink: SmtpSink,
    client: httpx.AsyncClient,
    make_message: MessageFactory,
) -> None:
    update = make_message(_config(smtp_sink.port), event="updated", key="evt-2")
    notice = await _send(smtp_sink, client, replace(update, remote_id=remote_id))

    assert "Bcc" not in notice
    if remote_id == "first@vaasa.example":  # stored without its angle brackets
        assert notice["In-Reply-To"] == notice["References"] == "<first@vaasa.example>"
    else:
        assert "In-Reply-To" not in notice and "References" not in notice


async def test_a_new_release_never_threads_and_has_no_changes_block(
    smtp_sink: SmtpSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    created = make_message(_config(smtp_sink.port))
    sent = await _send(smtp_sink, client, replace(created, remote_id="<old@vaasa.example>"))

    assert "In-Reply-To" not in sent
    assert _plain(sent).startswith("Kaupunki avaa uuden uimahallin Hietalahteen\n")
