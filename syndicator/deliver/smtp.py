"""One SMTP session of kind ``email``, and the one place smtplib, socket and ssl exceptions
become delivery errors.

``session`` blocks (``email.send`` runs it in a worker thread) and returns the recipients
the server refused at RCPT — all of them when it accepted none, in which case no message
was sent. ``refusal`` turns those refusals into the error the outbox acts on: with nobody
holding the message a plain retryable/permanent error, otherwise a
``PartialDeliveryError`` that lets the outbox record and retry each recipient.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage
from typing import TYPE_CHECKING

from syndicator.errors import (
    DeliveryError,
    PartialDeliveryError,
    PermanentDeliveryError,
    RetryableDeliveryError,
)

if TYPE_CHECKING:
    from syndicator.deliver.email import Config

__all__ = ["Refusals", "refusal", "session"]

Refusals = dict[str, tuple[int, str]]  # address → (SMTP code, reply text)


def session(
    config: Config, email: EmailMessage, recipients: Sequence[str], target: str
) -> Refusals:
    """Send ``email`` to ``recipients`` in one session; the refused ones. ``target`` is the
    redacted server, for error messages."""
    try:
        with _connect(config) as smtp:
            if config.security == "starttls":
                smtp.starttls(context=_tls_context(config))
            if config.username:
                password = config.password.get_secret_value() if config.password else ""
                smtp.login(config.username, password)
            refused = smtp.send_message(email, from_addr=config.sender, to_addrs=list(recipients))
    except smtplib.SMTPRecipientsRefused as exc:  # nobody accepted: nothing was sent
        refused = exc.recipients
    except (smtplib.SMTPException, OSError) as exc:
        raise _smtp_error(target, exc) from None
    except UnicodeEncodeError:  # smtplib sends AUTH credentials as ASCII only
        raise PermanentDeliveryError(
            f"{target}: the username or password is not ASCII, which smtplib cannot send",
            code="delivery.smtp_encoding",
        ) from None
    return {address: (code, _text(reply)) for address, (code, reply) in refused.items()}


def refusal(
    target: str, recipients: Sequence[str], refused: Refusals, *, sent_before: bool
) -> DeliveryError:
    """The error for ``refused`` of ``recipients``. ``sent_before``: other recipients got
    this message in an earlier attempt, so even an all-refused answer is partial."""
    named = ", ".join(
        f"{address} ({code} {text})" if text else f"{address} ({code})"
        for address, (code, text) in refused.items()
    )
    accepted = [address for address in recipients if address not in refused]
    if accepted or sent_before:
        others = f"; accepted for {len(accepted)}" if accepted else ""
        return PartialDeliveryError(
            f"{target}: refused {named}{others}",
            accepted=accepted,
            refused=refused,
            code="delivery.email_partial",
        )
    message = f"{target}: every recipient refused: {named}"
    if any(code < 500 for code, _text in refused.values()):  # a retry duplicates nothing
        return RetryableDeliveryError(message, code="delivery.email_refused")
    return PermanentDeliveryError(message, code="delivery.email_refused")


def _connect(config: Config) -> smtplib.SMTP:
    if config.security == "ssl":
        return smtplib.SMTP_SSL(
            config.host, config.port, timeout=config.timeout, context=_tls_context(config)
        )
    return smtplib.SMTP(config.host, config.port, timeout=config.timeout)


def _tls_context(config: Config) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=config.ca_file)


def _text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return " ".join(text.split())


def _smtp_error(
    target: str, exc: smtplib.SMTPException | OSError
) -> RetryableDeliveryError | PermanentDeliveryError:
    if isinstance(exc, smtplib.SMTPResponseException):
        text = _text(exc.smtp_error) if isinstance(exc.smtp_error, bytes | str) else ""
        return _by_reply(target, exc.smtp_code, text or str(exc))
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return PermanentDeliveryError(f"{target}: {exc}", code="delivery.smtp_unsupported")
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return RetryableDeliveryError(f"{target}: {exc}", code="delivery.smtp_disconnected")
    if isinstance(exc, smtplib.SMTPException):
        return PermanentDeliveryError(f"{target}: {exc}", code="delivery.smtp_error")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return PermanentDeliveryError(f"{target}: {exc.verify_message}", code="delivery.tls_verify")
    if isinstance(exc, ssl.SSLError):
        return RetryableDeliveryError(f"{target}: TLS failed: {exc}", code="delivery.tls")
    if isinstance(exc, TimeoutError):
        return RetryableDeliveryError(f"{target}: timed out", code="delivery.timeout")
    reason = exc.strerror or str(exc) or type(exc).__name__
    return RetryableDeliveryError(f"{target}: could not connect: {reason}", code="delivery.connect")


def _by_reply(target: str, code: int, text: str) -> RetryableDeliveryError | PermanentDeliveryError:
    message = f"{target} answered SMTP {code}: {text}"
    if 400 <= code < 500 or code < 0:  # smtplib uses -1 for "no reply"
        return RetryableDeliveryError(message, code=f"delivery.smtp_{max(code, 0)}")
    return PermanentDeliveryError(message, code=f"delivery.smtp_{code}")
