"""Kind ``email``: one multipart (text + HTML) message per release per recipient list, over SMTP.

stdlib ``smtplib`` in a worker thread (``asyncio.to_thread``): one short blocking session
per message, no extra dependency. The Message-ID is derived from the delivery's
idempotency key, so a retried message carries the same id and mail clients can fold
duplicates. SMTP 4xx replies and connection problems are retried; 5xx replies, a missing
STARTTLS/AUTH extension and refused certificates are permanent.

Subject, From, Reply-To and List-Id are written as RFC 2047 words we encode ourselves:
Python 3.11's header folder loses or doubles spaces next to non-ASCII words (CPython
gh-144156). Replies go to the release's press contact (the first contact with a plain
address). An update sent as a notice threads under the mail it updates (``In-Reply-To``
and ``References`` name ``message.remote_id``, the Message-ID that send returned).

Recipients refused while others were accepted raise ``PartialDeliveryError``: the outbox
records each recipient and its retry passes the ones that have the message in
``message.skip_recipients``, so they never get it twice (SMTP session: ``deliver.smtp``).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import re
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime
from typing import Any, Literal

import httpx
from pydantic import ConfigDict, Field, SecretStr, field_validator, model_validator

from syndicator.configbase import DestinationBase, PositiveDuration
from syndicator.deliver import smtp, transcript
from syndicator.deliver.digest import Schedule
from syndicator.deliver.emailbody import html_body, text_body
from syndicator.deliver.render import headline, truncate
from syndicator.emailgroups import Recipient
from syndicator.logs import log_event
from syndicator.model import Contact, Message, Receipt

log = logging.getLogger(__name__)

__all__ = [
    "SUBJECT_MAX",
    "Config",
    "build_email",
    "compose",
    "display_name",
    "encode_words",
    "message_id",
    "press_contact",
    "redacted",
    "send",
    "transmit",
]

SUBJECT_MAX = 200  # characters of title in the subject; RFC 5322 folds, clients cut ~100-200
_DOMAIN_FALLBACK = "syndicator.invalid"
_WORD_BYTES = 39  # UTF-8 bytes per encoded word: 12 + 52 base64 characters, lines stay < 78
_WORD_MAX = 75  # RFC 2047 section 2
_PLAIN_MAX = 60  # an ASCII value this short is written as it is
_LINE_MAX = 78  # RFC 5322 section 2.1.1: lines SHOULD be no longer
_PREENCODED = frozenset({"subject", "from", "list-id", "reply-to"})
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LIST_LABEL = rf"^{_ATOM}(\.{_ATOM})+$"
# A plain ASCII address (dot-atom @ host name) taken from a page: nothing to quote or escape.
_ADDRESS = re.compile(
    rf"{_ATOM}(\.{_ATOM})*@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+"
)
_ADDRESS_MAX = 254  # RFC 5321 path limit
# RFC 5322 msg-id as stored in remote_id: "<left@right>" (or without the brackets).
_MSG_ID = re.compile(r"<?([!-;=?-~]{1,200}@[!-;=?-~]{1,200})>?")


class Config(DestinationBase):
    model_config = ConfigDict(hide_input_in_errors=True)  # the secret stays out of errors

    kind: Literal["email"]
    host: str
    port: int = Field(default=587, ge=1, le=65535)
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str | None = None
    password: SecretStr | None = None
    sender: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")
    recipients: tuple[Recipient, ...] = Field(min_length=1)  # or {address, lang}
    hide_recipients: bool = True  # journalists must not see each other: To is the sender
    timeout: PositiveDuration = 30.0  # per SMTP socket operation
    ca_file: str | None = None  # PEM bundle for a relay with a private CA; default: system CAs
    sender_name: str | None = Field(default=None, min_length=1, max_length=200)  # From, List-Id
    list_id: str | None = Field(default=None, pattern=_LIST_LABEL)  # RFC 2919 list label
    unsubscribe_url: str | None = Field(default=None, pattern=r"^https://\S+$")  # RFC 8058
    unsubscribe_mailto: str | None = Field(default=None, pattern=r"^[^@\s<>]+@[^@\s<>]+$")
    schedule: Schedule | None = None  # a digest: "hourly" or "daily 08:00" (Helsinki)
    bilingual: bool = False  # a release in several wanted languages: one mail with all

    @property
    def addresses(self) -> tuple[str, ...]:
        return tuple(recipient.address for recipient in self.recipients)

    @model_validator(mode="after")
    def _two_languages(self) -> Config:
        if self.bilingual and (len(self.languages) < 2 or self.one_language):
            raise ValueError("bilingual = true needs two or more languages, one_language off")
        return self

    @field_validator("sender_name")
    @classmethod
    def _one_phrase(cls, value: str | None) -> str | None:
        if value is not None:
            display_name(value)  # raises ValueError when it cannot be written exactly
        return value


async def send(config: DestinationBase, message: Message, client: httpx.AsyncClient) -> Receipt:
    """Send over SMTP (``client`` is unused: e-mail does not travel over HTTP) to every
    recipient not in ``message.skip_recipients``."""
    own = _own(config)
    email = build_email(own, message)
    skipped = frozenset(message.skip_recipients)
    recipients = [address for address in own.addresses if address not in skipped]
    remote_id = str(email["Message-ID"])  # an update notice threads under it
    if not recipients:
        return Receipt(remote_id, 250, "every recipient had it already")
    target = redacted(own)
    transcript.note("SMTP", target, email.as_string(), "message/rfc822")  # for the history
    refused = await asyncio.to_thread(smtp.session, own, email, recipients, target)
    if refused:
        raise smtp.refusal(target, recipients, refused, sent_before=bool(skipped))
    return Receipt(remote_id, 250, "accepted")


async def transmit(config: Config, email: EmailMessage, release_id: int = 0) -> Receipt:
    """Send a built digest or bilingual ``email`` to every recipient in one SMTP session.

    Such a mail settles many rows at once, so a recipient refused while others accepted is
    logged (``delivery.partial``), not retried alone: a retry would repeat the whole mail."""
    target, recipients = redacted(config), list(config.addresses)
    refused = await asyncio.to_thread(smtp.session, config, email, recipients, target)
    if refused and len(refused) == len(recipients):
        raise smtp.refusal(target, recipients, refused, sent_before=False)
    detail = "accepted"
    if refused:
        named = ", ".join(refused)
        detail = f"accepted for {len(recipients) - len(refused)}, refused: {named}"
        log_event(
            log, logging.WARNING, "delivery.partial",
            f"{config.name}: the server refused {len(refused)} of {len(recipients)} "
            f"recipients of a combined mail, not retried (the others have it): {named}",
            destination=config.name, release_id=release_id, count=len(refused),
        )  # fmt: skip
    return Receipt(remote_id=str(email["Message-ID"]), status=250, detail=detail)


def redacted(config: DestinationBase) -> str:
    """``smtp+starttls://user@mail.example:587 → 3 recipients``; the password never appears."""
    own = _own(config)
    user = f"{own.username}@" if own.username else ""
    count = len(own.addresses)
    plural = "recipient" if count == 1 else "recipients"
    return f"smtp+{own.security}://{user}{own.host}:{own.port} → {count} {plural}"


def build_email(config: Config, message: Message) -> EmailMessage:
    subject = f"{headline(message)}: {truncate(message.title, SUBJECT_MAX)}"
    key = message_id(message.idempotency_key, config.sender)
    email = compose(config, subject, key, (text_body(message), html_body(message)), message.lang)
    _reply_headers(message, email)  # Reply-To the press contact; threading of a notice
    return email


def compose(
    config: Config, subject: str, key: str, bodies: tuple[str, str], lang: str
) -> EmailMessage:
    """A multipart mail (``bodies``: text, HTML) with our headers and Message-ID ``key``."""
    email = EmailMessage(policy=_POLICY)
    email["Subject"] = encode_words(subject)
    email["From"] = _mailbox(config.sender_name, config.sender)
    email["To"] = config.sender if config.hide_recipients else ", ".join(config.addresses)
    email["Date"] = format_datetime(datetime.now(UTC))
    email["Message-ID"] = key
    email["Auto-Submitted"] = "auto-generated"
    email["X-Auto-Response-Suppress"] = "All"
    _list_headers(config, email)
    email.set_content(bodies[0], subtype="plain", charset="utf-8")
    email.add_alternative(bodies[1], subtype="html", charset="utf-8")
    email["Content-Language"] = lang  # after the parts: set_content drops Content-*
    return email


def encode_words(text: str) -> str:
    """``text`` as folded RFC 2047 base64 words (UTF-8), cut between characters, so that
    a reader decodes exactly ``text``: the whitespace between encoded words is not content.
    A short ASCII value with single spaces stays as it is."""
    simple = text.isascii() and len(text) <= _PLAIN_MAX and text == " ".join(text.split())
    if simple and "=?" not in text:
        return text
    words: list[str] = []
    chunk = b""
    for character in text:
        encoded = character.encode("utf-8")
        if len(chunk) + len(encoded) > _WORD_BYTES:
            words.append(base64.b64encode(chunk).decode("ascii"))
            chunk = b""
        chunk += encoded
    words.append(base64.b64encode(chunk).decode("ascii"))
    return "\n ".join(f"=?utf-8?b?{word}?=" for word in words)


def display_name(name: str) -> str:
    """``name`` as one RFC 5322 quoted string (printable ASCII) or one RFC 2047 word, the
    shorter of Q and B. One word, because Python's parser keeps the space between two
    encoded words of a phrase while RFC 2047 readers drop it: no split reads the same."""
    if all(" " <= character <= "~" for character in name):
        return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    data = name.encode("utf-8")
    q_text = "".join(
        "_" if byte == 0x20 else chr(byte) if chr(byte).isalnum() and byte < 0x80
        else f"={byte:02X}"
        for byte in data
    )  # fmt: skip
    b_text = base64.b64encode(data).decode("ascii")
    word = min(f"=?utf-8?q?{q_text}?=", f"=?utf-8?b?{b_text}?=", key=len)
    if len(word) > _WORD_MAX:
        raise ValueError(f"too long to encode as one RFC 2047 word ({len(word)} > {_WORD_MAX})")
    return word


def _mailbox(name: str | None, address: str) -> str:
    return f"{display_name(name)}\n <{address}>" if name else address


def press_contact(contacts: tuple[Contact, ...]) -> Contact | None:
    """The first contact whose e-mail is one plain ASCII address (as the page gave it)."""
    for contact in contacts:
        address = contact.email.strip()
        if len(address) <= _ADDRESS_MAX and _ADDRESS.fullmatch(address):
            return Contact(" ".join(contact.name.split()), contact.title, contact.phone, address)
    return None


def _reply_headers(message: Message, email: EmailMessage) -> None:
    """``Reply-To`` the press contact; an update notice threads under the mail it updates."""
    contact = press_contact(message.contacts)
    if contact is not None:
        email["Reply-To"] = _reply_to(contact)
    parent = _MSG_ID.fullmatch(message.remote_id or "")
    if message.event == "updated" and parent is not None:
        email["In-Reply-To"] = email["References"] = f"<{parent.group(1)}>"


def _reply_to(contact: Contact) -> str:
    """The contact's name and address, or the address alone when the name cannot be one
    encoded word on the header's first line."""
    try:
        phrase = display_name(contact.name) if contact.name else ""
    except ValueError:
        phrase = ""
    if not phrase or len("Reply-To: ") + len(phrase) > _LINE_MAX:
        return contact.email
    return f"{phrase}\n <{contact.email}>"


def _list_headers(config: Config, email: EmailMessage) -> None:
    """RFC 2919 ``List-Id`` and RFC 8058 one-click unsubscribe, when configured."""
    if config.list_id:
        email["List-Id"] = _mailbox(config.sender_name, config.list_id)
    targets = [f"<{config.unsubscribe_url}>"] if config.unsubscribe_url else []
    if config.unsubscribe_mailto:
        targets.append(f"<mailto:{config.unsubscribe_mailto}?subject=unsubscribe>")
    if targets:
        email["List-Unsubscribe"] = ", ".join(targets)
    if config.unsubscribe_url:  # one-click needs an HTTPS URI to POST to (RFC 8058 section 3)
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"


class _Policy(EmailPolicy):
    """The SMTP policy, except that values we encoded ourselves are written as they are."""

    def header_store_parse(self, name: str, value: Any) -> tuple[str, Any]:
        if name.lower() in _PREENCODED and isinstance(value, str) and value.isascii():
            return (name, value)  # folded with "\n ": the generator writes each line
        return super().header_store_parse(name, value)


_POLICY = _Policy(linesep="\r\n", refold_source="none")  # "long" would refold our lines


def message_id(idempotency_key: str, sender: str) -> str:
    """Stable for one delivery: ``<syndicator.<sha256[:32]>@sender-domain>``."""
    digest = hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()[:32]
    domain = sender.rpartition("@")[2] or _DOMAIN_FALLBACK
    return f"<syndicator.{digest}@{domain}>"


def _own(config: DestinationBase) -> Config:
    if not isinstance(config, Config):
        raise TypeError(f"email: expected email.Config, got {type(config).__name__}")
    return config
