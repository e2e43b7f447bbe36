"""Kind ``apprise``: the long tail (ntfy, Gotify, Pushover, SMS gateways, …) through the
Apprise library, one Apprise URL per service.

Each URL gets the title and a body: headline, organisation and time; the lead; for an
update sent as a notice, what changed; the read-more link; the other languages — as
Markdown or plain text (``body_format``). Apprise declares each service's limits
(``body_maxlen``, ``title_maxlen``; a service without titles gets the title in the body):
the lead is cut at a word boundary to fit them, the link is always kept.

Apprise is blocking and answers only success or failure per service, so each URL is
notified in a worker thread of its own pool, all under ``timeout``, and the
reason of a failure is read from Apprise's log (``_Reasons``: this call's records only).
Any failure is ``RetryableDeliveryError`` (``delivery.apprise_failed``, or
``delivery.timeout``) naming the redacted URL; Apprise cannot say whether a refusal is
final, so ``max_attempts`` ends it. Apprise has no idempotency key and no message ids: a
retry sends again to every URL of the destination (one destination per URL keeps them
apart), and there are no edits. URLs carry credentials: they are ``SecretStr``, and
``redacted()`` shows Apprise's own privacy form (``gotify://host/A...O/``).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import re
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Literal, Self
from urllib.parse import unquote

import apprise as apprise_library
import httpx
from pydantic import ConfigDict, Field, SecretStr, field_validator, model_validator

from syndicator.configbase import DestinationBase, PositiveDuration
from syndicator.deliver.markdown import escape_markdown, markdown_link
from syndicator.deliver.masking import scrub
from syndicator.deliver.render import fit, headline, truncate
from syndicator.errors import RetryableDeliveryError
from syndicator.model import Message, Receipt

__all__ = ["CHANGES_MAX", "URLS_MAX", "Config", "body", "outline", "redacted", "send"]

URLS_MAX = 20  # ours: more belongs in more destinations
CHANGES_MAX = 500  # ours: what changed, in a notice
_REASON_MAX = 300
# async_mode off: Apprise runs the one service of each call in that call's thread.
_ASSET = apprise_library.AppriseAsset(app_id="syndicator", async_mode=False)
_SECRET_WORD = re.compile(r"[/:@?&=#,+;]")
# Apprise's own threads: a hung service never takes the threads e-mail and parsing use. A
# call past ``timeout`` is abandoned; its thread ends with Apprise's socket timeouts.
_POOL = ThreadPoolExecutor(max_workers=16, thread_name_prefix="syndicator-apprise")
_CALL: contextvars.ContextVar[object] = contextvars.ContextVar("apprise_call", default=None)
# Apprise's own log lines have no event names and say what our delivery.done/.retry events
# already say (the reason included, masked): kept out of our log, read only by _Reasons.
_APPRISE_LOG = logging.getLogger("apprise")
_APPRISE_LOG.setLevel(logging.WARNING)
_APPRISE_LOG.propagate = False
_APPRISE_LOG.addHandler(logging.NullHandler())


class Config(DestinationBase):
    model_config = ConfigDict(hide_input_in_errors=True)  # the URLs carry credentials

    kind: Literal["apprise"]
    url: SecretStr | None = None  # one Apprise URL: ntfy://…, gotifys://…, pover://…
    urls: tuple[SecretStr, ...] = Field(default=(), max_length=URLS_MAX)  # or several
    body_format: Literal["markdown", "text"] = "markdown"
    timeout: PositiveDuration = 30.0  # for all URLs together

    @field_validator("url")
    @classmethod
    def _one_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            _service(value)
        return value

    @field_validator("urls")
    @classmethod
    def _each_url(cls, value: tuple[SecretStr, ...]) -> tuple[SecretStr, ...]:
        for index, url in enumerate(value):
            try:
                _service(url)
            except ValueError as exc:
                raise ValueError(f"urls[{index}]: {exc}") from None
        return value

    @model_validator(mode="after")
    def _some_url(self) -> Self:
        if (self.url is None) == (not self.urls):
            raise ValueError("set either url or urls (not both)")
        return self

    @property
    def targets(self) -> tuple[SecretStr, ...]:
        return (self.url,) if self.url is not None else self.urls


async def send(config: DestinationBase, message: Message, client: httpx.AsyncClient) -> Receipt:
    """Notify every URL at once; a failure of any is retried (Apprise itself does not)."""
    own = _own(config)
    loop = asyncio.get_running_loop()
    calls = [
        loop.run_in_executor(_POOL, _notify, url, message, own.body_format) for url in own.targets
    ]
    try:
        async with asyncio.timeout(own.timeout):
            reasons = await asyncio.gather(*calls)
    except TimeoutError:
        raise RetryableDeliveryError(
            f"{redacted(own)}: no answer within {own.timeout:g} s", code="delivery.timeout"
        ) from None
    failed = [reason for reason in reasons if reason is not None]
    if failed:
        raise RetryableDeliveryError("; ".join(failed), code="delivery.apprise_failed")
    count = len(own.targets)
    return Receipt(status=None, detail=f"{count} Apprise URL{'s' * (count != 1)} notified")


def redacted(config: DestinationBase) -> str:
    """``apprise ntfy://ntfy.example.org/toimitus, gotify://host/A...O/``: Apprise's
    privacy form of each URL, without the query."""
    targets = _own(config).targets
    shown = ", ".join(_private(url) for url in targets[:3])
    return f"apprise {shown}" + (f" (+{len(targets) - 3} more)" if len(targets) > 3 else "")


def outline(config: DestinationBase, message: Message) -> str:
    """What each URL would get (``deliveries preview``): its privacy form, title and body."""
    own = _own(config)
    parts = []
    for url in own.targets:
        service = _service(url)
        text = body(message, own.body_format, max(service.body_maxlen, 1))
        parts.append(f"{_private(url)}\n# {message.title or message.url}\n\n{text}")
    return "\n\n".join(parts)


def body(message: Message, body_format: str, limit: int) -> str:
    """The message body within ``limit`` characters: the lead is cut first, then the other
    languages, what changed and the headline line go; the read-more link always stays."""
    markdown = body_format == "markdown"
    escape = escape_markdown if markdown else _plain
    labels = message.labels
    link = _link(message.url, labels.get("read_more", "Read more"), markdown)
    parts = {
        "head": _head(message, escape, markdown),
        "changes": _changes(message, escape),
        "others": _others(message, markdown),
    }
    for drop in ("others", "changes", "head"):
        used = sum(len(part) + 2 for part in parts.values() if part) + len(link)
        if used + min(200, len(message.lead)) <= limit:
            break
        parts[drop] = ""
    room = limit - sum(len(part) + 2 for part in parts.values() if part) - len(link) - 2
    lead = fit(message.lead.strip(), room, escape) if room > 0 else ""
    blocks = [parts["head"], lead, parts["changes"], link, parts["others"]]
    return "\n\n".join(block for block in blocks if block)


def _head(message: Message, escape: Callable[[str], str], markdown: bool) -> str:
    labels = message.labels
    key = "updated" if message.event == "updated" else "published"
    when = f"{labels.get(key, '')} {labels.get(key + '_at', '')}".strip()
    words = " · ".join(part for part in (headline(message), message.organisation, when) if part)
    return f"*{escape(words)}*" if markdown else escape(words)


def _changes(message: Message, escape: Callable[[str], str]) -> str:
    if message.event != "updated" or not message.changes:
        return ""
    lines = "\n".join(f"- {escape(change)}" for change in message.changes if change.strip())
    return truncate(lines, CHANGES_MAX)


def _others(message: Message, markdown: bool) -> str:
    links = [_link(link.url, link.label or link.url, markdown) for link in message.alternates]
    if not links:
        return ""
    if not markdown:
        return "\n".join(links)
    label = escape_markdown(message.labels.get("other_languages", ""))
    return f"{label}: " + " · ".join(links)


def _link(url: str, label: str, markdown: bool) -> str:
    return markdown_link(url, label) if markdown else f"{label}: {url}"


def _plain(text: str) -> str:
    return text


def _notify(url: SecretStr, message: Message, body_format: str) -> str | None:
    """In a worker thread: None when the service took it, else why not (secrets masked)."""
    service = _service(url)
    title = message.title or message.url
    limit = service.body_maxlen
    if service.title_maxlen <= 0:
        limit -= len(title) + 4  # Apprise puts the title in the body ("# title\n")
    else:
        title = truncate(title, service.title_maxlen)
    notifier = apprise_library.Apprise(asset=_ASSET)
    notifier.add(service)
    text = body(message, body_format, max(limit, 1))
    with _Reasons() as reasons:
        sent = notifier.notify(body=text, title=title, body_format=body_format)
    if sent:
        return None
    reason = " ".join(" ".join(reasons.lines).split()) or "refused (Apprise gave no reason)"
    secret = url.get_secret_value()
    reason = scrub(reason, _secret_words(secret, _private(url)))
    return f"{_private(url)}: {truncate(reason, _REASON_MAX)}"


class _Reasons(logging.Handler):
    """Apprise's warnings and errors logged during one ``notify`` of ours: the reason of a
    failure, which ``notify`` does not return. Like Apprise's ``LogCapture``, but keeping
    only this call's records — other calls log into the same logger meanwhile, from other
    threads; Apprise runs a service in the caller's thread or in its executor with the
    caller's context copied, so a context variable tells the records apart."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.lines: list[str] = []
        self._token: contextvars.Token[object] | None = None

    def __enter__(self) -> Self:
        self._token = _CALL.set(self)
        _APPRISE_LOG.addHandler(self)
        return self

    def __exit__(self, *exc_info: object) -> None:
        _APPRISE_LOG.removeHandler(self)
        if self._token is not None:
            _CALL.reset(self._token)

    def emit(self, record: logging.LogRecord) -> None:
        if _CALL.get() is self:
            self.lines.append(record.getMessage())


def _service(url: SecretStr) -> apprise_library.NotifyBase:
    """The Apprise plugin for ``url``; ValueError (never quoting it) if there is none."""
    with warnings.catch_warnings():  # Apprise's e-mail plugin imports imghdr (3.13 removes it)
        warnings.filterwarnings("ignore", message=".*imghdr.*", category=DeprecationWarning)
        service = apprise_library.Apprise.instantiate(url.get_secret_value(), asset=_ASSET)
    if service is None:
        raise ValueError("not an Apprise URL Apprise can use (value hidden)")
    return service


def _private(url: SecretStr) -> str:
    shown = _service(url).url(privacy=True)  # type: ignore[no-untyped-call]
    return str(shown).partition("?")[0]


def _secret_words(raw: str, shown: str) -> tuple[str, ...]:
    """The parts of ``raw`` the privacy form hides (tokens, passwords), and ``raw`` itself."""
    words = {word for word in _SECRET_WORD.split(unquote(raw)) if len(word) >= 4}
    return (raw, *sorted(word for word in words if word not in shown))


def _own(config: DestinationBase) -> Config:
    if not isinstance(config, Config):
        raise TypeError(f"apprise: expected apprise.Config, got {type(config).__name__}")
    return config
