"""Kind ``email`` against a local aiosmtpd server."""

from __future__ import annotations

import shutil
import ssl
import subprocess

import httpx
import pytest
from pydantic import ValidationError

from syndicator.deliver import email
from syndicator.errors import PermanentDeliveryError, RetryableDeliveryError
from tests.deliver.conftest import MessageFactory
from tests.sinks import SmtpSink

RECIPIENTS = ("toimitus@example.fi", "news@example.com")


def _config(sink_port: int, **changes: object) -> email.Config:
    settings: dict[str, object] = {
        "kind": "email",
        "name": "newsletter",
        "host": "127.0.0.1",
        "port": sink_port,
        "security": "none",
        "sender": "tiedotteet@vaasa.example",
        "recipients": RECIPIENTS,
        "timeout": 5,
    }
    return email.Config.model_validate({**settings, **changes})


async def test_sends_multipart_utf8_message(
    smtp_sink: SmtpSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(smtp_sink.port)
    receipt = await email.send(config, make_message(config, key="evt-9"), client)

    [sent] = smtp_sink.messages
    assert sent["Subject"] == "Uusi tiedote: Kaupunki avaa uuden uimahallin Hietalahteen"
    assert sent["From"] == "tiedotteet@vaasa.example"
    # Journalists must not see each other: every recipient is in the envelope, none in To.
    assert [str(address) for address in sent["To"].addresses] == ["tiedotteet@vaasa.example"]
    assert sorted(smtp_sink.envelopes[0][1]) == sorted(RECIPIENTS)
    assert all(address not in str(sent) for address in RECIPIENTS)
    assert sent["Auto-Submitted"] == "auto-generated"
    assert sent["Content-Language"] == "fi"
    assert sent.get_content_type() == "multipart/alternative"
    plain = sent.get_body(("plain",))
    html = sent.get_body(("html",))
    assert plain is not None and html is not None
    text = plain.get_content()
    assert "Vaasan uusi uimahalli avataan yleisölle" in text
    assert "Lue lisää: https://www.vaasa.fi/uutiset/kaupunki-avaa-uuden-uimahallin/" in text
    assert "Julkaistu 12.3.2025 klo 10.00" in text
    markup = html.get_content()
    assert '<html lang="fi">' in markup and "<strong>yleisölle</strong>" in markup
    assert 'hreflang="sv">På svenska</a>' in markup
    assert receipt.remote_id == sent["Message-ID"]
    assert smtp_sink.envelopes == [("tiedotteet@vaasa.example", list(RECIPIENTS))]


async def test_subject_with_umlauts_is_encoded_on_the_wire(
    smtp_sink: SmtpSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(smtp_sink.port, locale="sv")
    title = "Ääni- ja öljylämmityksen tuki – Vörå & Mustasaari"
    await email.send(config, make_message(config, event="updated", title=title), client)

    [sent] = smtp_sink.messages
    assert sent["Subject"] == f"Uppdaterat pressmeddelande: {title}"
    [raw] = smtp_sink.raw
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert head.isascii() and b"=?utf-8?" in head.lower()  # RFC 2047 words, not raw 8-bit


async def test_message_id_is_stable_for_one_delivery(
    smtp_sink: SmtpSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(smtp_sink.port)
    first = await email.send(config, make_message(config, key="delivery-5"), client)
    second = await email.send(config, make_message(config, key="delivery-5"), client)
    other = await email.send(config, make_message(config, key="delivery-6"), client)
    assert first.remote_id == second.remote_id != other.remote_id
    assert str(first.remote_id).endswith("@vaasa.example>")


async def test_logs_in_when_a_username_is_set(
    client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    with SmtpSink(auth={"syndicator": "sala-sana"}) as sink:
        config = _config(sink.port, username="syndicator", password="sala-sana")
        await email.send(config, make_message(config), client)
        assert sink.logins == ["syndicator"] and len(sink.messages) == 1

        wrong = _config(sink.port, username="syndicator", password="wrong-one")
        with pytest.raises(PermanentDeliveryError) as caught:
            await email.send(wrong, make_message(wrong), client)
        assert caught.value.code == "delivery.smtp_535"
        assert "wrong-one" not in caught.value.message

        umlaut = _config(sink.port, username="syndicator", password="väärä")
        with pytest.raises(PermanentDeliveryError) as caught:
            await email.send(umlaut, make_message(umlaut), client)
        assert caught.value.code == "delivery.smtp_encoding"
        assert "väärä" not in caught.value.message


async def test_temporary_refusal_is_retryable(
    smtp_sink: SmtpSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(smtp_sink.port)
    smtp_sink.respond("451 4.3.0 Mail server temporarily rejected message")
    with pytest.raises(RetryableDeliveryError) as caught:
        await email.send(config, make_message(config), client)
    assert caught.value.code == "delivery.smtp_451"
    assert "temporarily rejected" in caught.value.message
    assert smtp_sink.messages == []


async def test_permanent_refusal_is_permanent(
    smtp_sink: SmtpSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(smtp_sink.port)
    smtp_sink.respond("554 5.7.1 Message rejected as spam")
    with pytest.raises(PermanentDeliveryError) as caught:
        await email.send(config, make_message(config), client)
    assert caught.value.code == "delivery.smtp_554"
    assert email.redacted(config) in caught.value.message


async def test_connection_refused_is_retryable(
    closed_port: int, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(closed_port)
    with pytest.raises(RetryableDeliveryError) as caught:
        await email.send(config, make_message(config), client)
    assert caught.value.code == "delivery.connect"


async def test_starttls_required_but_not_offered_is_permanent(
    smtp_sink: SmtpSink, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(smtp_sink.port, security="starttls")
    with pytest.raises(PermanentDeliveryError) as caught:
        await email.send(config, make_message(config), client)
    assert caught.value.code == "delivery.smtp_unsupported"
    assert smtp_sink.messages == []


def test_redacted_never_shows_the_password() -> None:
    config = _config(587, security="starttls", username="bot", password="hunter2")
    shown = email.redacted(config)
    assert shown == "smtp+starttls://bot@127.0.0.1:587 → 2 recipients"
    assert "hunter2" not in shown and "hunter2" not in repr(config)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1 (cert, key), made by the openssl CLI."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("no openssl command to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = str(folder / "cert.pem"), str(folder / "key.pem")
    subprocess.run(
        [
            *(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", key, "-out", cert, "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def _server_context(certificate: tuple[str, str]) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    return context


async def test_starttls_with_a_private_ca(
    certificate: tuple[str, str], client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    tls = _server_context(certificate)
    with SmtpSink(tls_context=tls, require_starttls=True) as sink:
        config = _config(sink.port, security="starttls", ca_file=certificate[0])
        await email.send(config, make_message(config), client)
        assert len(sink.messages) == 1

        untrusted = _config(sink.port, security="starttls")
        with pytest.raises(PermanentDeliveryError) as caught:
            await email.send(untrusted, make_message(untrusted), client)
        assert caught.value.code == "delivery.tls_verify"


async def test_implicit_tls(
    certificate: tuple[str, str], client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    with SmtpSink(ssl_context=_server_context(certificate)) as sink:
        config = _config(sink.port, security="ssl", ca_file=certificate[0])
        await email.send(config, make_message(config), client)
        assert len(sink.messages) == 1


def test_timeout_is_a_duration_with_the_usual_bounds() -> None:
    assert _config(25, timeout="45s").timeout == 45.0
    assert _config(25, timeout=2).timeout == 2.0
    for bad in (float("nan"), float("inf"), 1e308, 0, "0s", "99999999999999999999d", -1):
        with pytest.raises(ValidationError) as raised:
            _config(25, timeout=bad)
        [problem] = raised.value.errors()
        assert problem["loc"] == ("timeout",), bad
