"""Kind ``email``: one multipart (text + HTML) message per release per recipient list, over SMTP.

stdlib ``smtplib`` in a worker thread (``asyncio.to_thread``): one short blocking session
per message, no extra dependency. The Message-ID is derived from the delivery's
idempotency key, so a retried message carries the same id and mail clients can fold
duplicates. SMTP 4xx replies and connection problems are retried; 5xx replies, a missing
STARTTLS/AUTH extension and refused certificates are permanent.
"""

from __future__ import annotations

import asyncio
import hashlib
import smtplib
import ssl
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Literal

import httpx
from pydantic import ConfigDict, Field, SecretStr

from syndicator.configbase import DestinationBase, PositiveDuration
from syndicator.deliver.emailbody import html_body, text_body
from syndicator.deliver.render import headline, truncate
from syndicator.errors import PermanentDeliveryError, RetryableDeliveryError
from syndicator.model import Message, Receipt

__all__ = ["SUBJECT_MAX", "Config", "build_email", "redacted", "send"]

SUBJECT_MAX = 200  # characters of title in the subject; RFC 5322 folds, clients cut ~100-200
_DOMAIN_FALLBACK = "syndicator.invalid"


class Config(DestinationBase):
    model_config = ConfigDict(hide_input_in_errors=True)  # the secret stays out of errors

    kind: Literal["email"]
    host: str
    port: int = Field(default=587, ge=1, le=65535)
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str | None = None
    password: SecretStr | None = None
    sender: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")
    recipients: tuple[str, ...] = Field(min_length=1)
    hide_recipients: bool = True  # journalists must not see each other: To is the sender
    timeout: PositiveDuration = 30.0  # per SMTP socket operation
    ca_file: str | None = None  # PEM bundle for a relay with a private CA; default: system CAs


async def send(config: DestinationBase, message: Message, client: httpx.AsyncClient) -> Receipt:
    """Send over SMTP (``client`` is unused: e-mail does not travel over HTTP)."""
    own = _own(config)
    email = build_email(own, message)
    refused = await asyncio.to_thread(_session, own, email)
    detail = "accepted" if not refused else f"refused by the server: {', '.join(refused)}"
    return Receipt(remote_id=str(email["Message-ID"]), status=250, detail=detail)


def redacted(config: DestinationBase) -> str:
    """``smtp+starttls://user@mail.example:587 → 3 recipients``; the password never appears."""
    own = _own(config)
    user = f"{own.username}@" if own.username else ""
    count = len(own.recipients)
    plural = "recipient" if count == 1 else "recipients"
    return f"smtp+{own.security}://{user}{own.host}:{own.port} → {count} {plural}"


def build_email(config: Config, message: Message) -> EmailMessage:
    email = EmailMessage()
    email["Subject"] = f"{headline(message)}: {truncate(message.title, SUBJECT_MAX)}"
    email["From"] = config.sender
    email["To"] = config.sender if config.hide_recipients else ", ".join(config.recipients)
    email["Date"] = format_datetime(datetime.now(UTC))
    email["Message-ID"] = message_id(message.idempotency_key, config.sender)
    email["Auto-Submitted"] = "auto-generated"
    email["X-Auto-Response-Suppress"] = "All"
    email.set_content(text_body(message), subtype="plain", charset="utf-8")
    email.add_alternative(html_body(message), subtype="html", charset="utf-8")
    email["Content-Language"] = message.lang  # after the parts: set_content drops Content-*
    return email


def message_id(idempotency_key: str, sender: str) -> str:
    """Stable for one delivery: ``<syndicator.<sha256[:32]>@sender-domain>``."""
    digest = hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()[:32]
    domain = sender.rpartition("@")[2] or _DOMAIN_FALLBACK
    return f"<syndicator.{digest}@{domain}>"


def _session(config: Config, email: EmailMessage) -> list[str]:
    """One SMTP session (blocking; runs in a thread). Refused recipients, if some were."""
    target = redacted(config)
    try:
        with _connect(config) as smtp:
            if config.security == "starttls":
                smtp.starttls(context=_tls_context(config))
            if config.username:
                password = config.password.get_secret_value() if config.password else ""
                smtp.login(config.username, password)
            refused = smtp.send_message(email, to_addrs=list(config.recipients))
    except (smtplib.SMTPException, OSError) as exc:
        raise _smtp_error(target, exc) from None
    except UnicodeEncodeError:  # smtplib sends AUTH credentials as ASCII only
        raise PermanentDeliveryError(
            f"{target}: the username or password is not ASCII, which smtplib cannot send",
            code="delivery.smtp_encoding",
        ) from None
    return [f"{address} ({code})" for address, (code, _text) in refused.items()]


def _connect(config: Config) -> smtplib.SMTP:
    if config.security == "ssl":
        return smtplib.SMTP_SSL(
            config.host, config.port, timeout=config.timeout, context=_tls_context(config)
        )
    return smtplib.SMTP(config.host, config.port, timeout=config.timeout)


def _tls_context(config: Config) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=config.ca_file)


def _smtp_error(
    target: str, exc: smtplib.SMTPException | OSError
) -> RetryableDeliveryError | PermanentDeliveryError:
    """The one place smtplib/socket/ssl exceptions become delivery errors."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in exc.recipients.values()]
        worst = max(codes, default=550)
        retry = any(400 <= code < 500 for code in codes)
        return _by_reply(target, 450 if retry else worst, f"all recipients refused: {codes}")
    if isinstance(exc, smtplib.SMTPResponseException):
        text = (
            exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else ""
        )
        return _by_reply(target, exc.smtp_code, " ".join(text.split()) or str(exc))
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


def _own(config: DestinationBase) -> Config:
    if not isinstance(config, Config):
        raise TypeError(f"email: expected email.Config, got {type(config).__name__}")
    return config
