"""Kind ``mattermost``: one Slack-compatible attachment, through an incoming webhook or a bot.

The attachment: ``fallback`` (plain), ``author_name`` (the organisation, never our source
name), ``title`` + ``title_link`` (the release), ``text``
(the lead in Markdown, then the "read more" link), ``fields`` (time; other languages),
``image_url``, ``ts``; an update sent as a notice puts what changed in ``pretext``. Release
text is backslash-escaped Markdown. A post may hold at most 16,383 characters: the lead is
cut at a word boundary, the link is always kept.

**Incoming webhook** (``webhook_url``): answers ``200 ok`` with no id, so no ``remote_id``
and no edits. **Bot** (``url`` + ``token`` + ``channel_id``): ``POST /api/v4/posts`` with
the attachment in ``props``; the post's ``id`` is the ``remote_id``. ``edit`` is ``PUT
/api/v4/posts/{id}`` (``id``, ``message``, ``props``: fields left out would be blanked);
``withdraw`` is the same PUT with the withdrawn label and the struck-out title; a notice
(on_update "notify") is a reply (``root_id`` = the original) with what changed and the
organisation, and keeps the original's id (Mattermost threads hang off the root). Errors:
see ``mattermost_api``.
"""

from __future__ import annotations

import re
from typing import Any, Literal, Self
from urllib.parse import urlsplit

import httpx
from pydantic import ConfigDict, Field, SecretStr, field_validator, model_validator

from syndicator.configbase import DestinationBase, Url
from syndicator.deliver.markdown import escape_markdown, markdown_link
from syndicator.deliver.masking import mask_url
from syndicator.deliver.mattermost_api import request, returned_id
from syndicator.deliver.render import headline, truncate
from syndicator.errors import PermanentDeliveryError
from syndicator.model import Message, Receipt

__all__ = [
    "FALLBACK_MAX",
    "MESSAGE_MAX",
    "TITLE_MAX",
    "Config",
    "attachment",
    "edit",
    "editable",
    "escape_markdown",
    "markdown_link",
    "payload",
    "redacted",
    "send",
    "withdraw",
]

# developers.mattermost.com/integrate/webhooks/incoming and docs.mattermost.com
# "Message attachments": a post message holds at most 16,383 characters (MaxMessageLength);
# we keep everything we send (text, fallback, title, attachment text, fields) within it.
MESSAGE_MAX = 16_383
TITLE_MAX = 500  # ours: a title is a line
FALLBACK_MAX = 1000  # ours: the plain-text notification line
_CHANGES_MAX = 2000  # ours: what changed, above the attachment
_ID = re.compile(r"^[a-z0-9]{26}$")  # Mattermost's ids: channels, posts


class Config(DestinationBase):
    model_config = ConfigDict(hide_input_in_errors=True)  # the secrets stay out of errors

    kind: Literal["mattermost"]
    webhook_url: SecretStr | None = None  # https://chat.example.org/hooks/<key>: the key
    username: str | None = Field(default=None, max_length=64)  # webhook: the server's override
    url: Url | None = None  # bot mode: the server, https://chat.example.org
    token: SecretStr | None = None  # bot mode: a bot account's access token
    channel_id: str | None = Field(default=None, pattern=_ID.pattern)  # bot mode

    @field_validator("webhook_url")
    @classmethod
    def _http_url(cls, value: SecretStr | None) -> SecretStr | None:
        parts = urlsplit(value.get_secret_value()) if value is not None else None
        if parts is not None and (parts.scheme not in ("http", "https") or not parts.hostname):
            raise ValueError("not an http(s) URL (value hidden)")
        return value

    @model_validator(mode="after")
    def _one_mode(self) -> Self:
        bot = (self.url, self.token, self.channel_id)
        if (self.webhook_url is None) == all(value is None for value in bot):
            raise ValueError("set either webhook_url, or url, token and channel_id (bot mode)")
        if self.webhook_url is None and any(value is None for value in bot):
            raise ValueError("bot mode needs url, token and channel_id")
        if self.webhook_url is None and self.username is not None:
            raise ValueError("username is for an incoming webhook; a bot posts as itself")
        return self


def editable(config: DestinationBase) -> bool:
    """Only a bot can change a post; an incoming webhook returns no id."""
    return _own(config).token is not None


async def send(config: DestinationBase, message: Message, client: httpx.AsyncClient) -> Receipt:
    own = _own(config)
    if own.webhook_url is not None:
        body = payload(message, own.username)
        target, hook = redacted(own), own.webhook_url.get_secret_value()
        response = await request(client, hook, body, target=target)
        return Receipt(status=response.status_code, detail=response.text.strip()[:100])
    if message.event == "updated" and message.remote_id:
        reply = {"channel_id": own.channel_id, "root_id": _post_id(own, message),
                 "message": notice(message)}  # fmt: skip
        response = await _api(own, "POST", "", reply, client)
        detail = f"reply {returned_id(response, redacted(own))}"
        return Receipt(remote_id=message.remote_id, status=response.status_code, detail=detail)
    body = {"channel_id": own.channel_id, "message": "", "props": payload(message)}
    response = await _api(own, "POST", "", body, client)
    post_id = returned_id(response, redacted(own))
    return Receipt(remote_id=post_id, status=response.status_code, detail=f"post {post_id}")


async def edit(config: DestinationBase, message: Message, client: httpx.AsyncClient) -> Receipt:
    """``PUT /api/v4/posts/{remote_id}`` with the release as it is now."""
    own = _bot(config)
    return await _update(own, message, {"attachments": [attachment(message)]}, client)


async def withdraw(config: DestinationBase, message: Message, client: httpx.AsyncClient) -> Receipt:
    """The post becomes the withdrawn label and the struck-out title; no link or image."""
    own = _bot(config)
    return await _update(own, message, {"attachments": [withdrawn_attachment(message)]}, client)


def redacted(config: DestinationBase) -> str:
    """``mattermost https://chat.example.org/hooks/xyz…/***`` or, for a bot,
    ``mattermost https://chat.example.org channel <id>``; never the key or token."""
    own = _own(config)
    if own.webhook_url is None:
        return f"mattermost {str(own.url).rstrip('/')} channel {own.channel_id}"
    return f"mattermost {mask_url(own.webhook_url.get_secret_value(), visible_segments=1)}"


def payload(message: Message, username: str | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {"attachments": [attachment(message)]}
    if username:
        result["username"] = username
    return result


def attachment(message: Message) -> dict[str, Any]:
    labels = message.labels
    title = truncate(message.title or message.url, TITLE_MAX)
    fallback = truncate(f"{headline(message)}: {title} {message.url}", FALLBACK_MAX)
    fields: list[dict[str, Any]] = [
        {"short": True, "title": headline(message), "value": escape_markdown(_when(message))}
    ]
    if message.alternates:
        links = " · ".join(markdown_link(link.url, link.label) for link in message.alternates)
        fields.append({"short": False, "title": labels.get("other_languages", ""), "value": links})
    link = markdown_link(message.url, labels.get("read_more", "Read more"))
    pretext = _changes(message) if message.event == "updated" else ""
    used = len(fallback) + len(title) + len(pretext) + min(len(message.organisation), TITLE_MAX)
    used += sum(len(str(f["title"])) + len(str(f["value"])) for f in fields)
    text = _text(message.lead.strip(), link, MESSAGE_MAX - used)
    result: dict[str, Any] = {
        "fallback": fallback,
        "title": title,
        "title_link": message.url,
        "text": text,
        "fields": fields,
        "ts": int(message.published.timestamp()),
    }
    if pretext:
        result["pretext"] = pretext
    if message.organisation:  # who published it; never our internal source name
        result["author_name"] = _organisation(message)
    if message.image:
        result["image_url"] = message.image.url
    return result


def notice(message: Message) -> str:
    """A reply's Markdown: the headline, the linked title, the organisation, what changed."""
    title = markdown_link(message.url, truncate(message.title or message.url, TITLE_MAX))
    lines = [f"**{escape_markdown(headline(message))}**: {title}"]
    if message.organisation:
        lines[0] += f"\n_{escape_markdown(_organisation(message))}_"
    if changes := _changes(message):
        lines.append(changes)
    return "\n\n".join(lines)


def withdrawn_attachment(message: Message) -> dict[str, Any]:
    label = message.labels.get("withdrawn_release", "Release withdrawn")
    title = truncate(message.title or message.url, TITLE_MAX)
    result = {
        "fallback": truncate(f"{label}: {title}", FALLBACK_MAX),
        "title": label,
        "text": f"~~{escape_markdown(title)}~~",
        "color": "#8a8a8a",
    }
    if message.organisation:  # still whose release it was
        result["author_name"] = _organisation(message)
    return result


def _organisation(message: Message) -> str:
    """The publisher's name, plain (``author_name`` is not Markdown), one line, cut."""
    return truncate(" ".join(message.organisation.split()), TITLE_MAX)


def _changes(message: Message) -> str:
    lines = [f"- {escape_markdown(change)}" for change in message.changes if change.strip()]
    return truncate("\n".join(lines), _CHANGES_MAX)


def _text(lead: str, link: str, limit: int) -> str:
    """The escaped lead cut at a word boundary so that lead + link fit ``limit``."""
    room = limit - len(link) - 2
    allowance = min(len(lead), room)
    while allowance > 0:
        escaped = escape_markdown(truncate(lead, allowance))
        if len(escaped) <= room:
            return f"{escaped}\n\n{link}"
        allowance -= max(1, len(escaped) - room)
    return link


def _when(message: Message) -> str:
    labels = message.labels
    key = "updated" if message.event == "updated" else "published"
    return f"{labels.get(key, '')} {labels.get(key + '_at', '')}".strip()


async def _update(
    config: Config, message: Message, props: dict[str, Any], client: httpx.AsyncClient
) -> Receipt:
    post_id = _post_id(config, message)
    body = {"id": post_id, "message": "", "props": props}
    response = await _api(config, "PUT", f"/{post_id}", body, client)
    return Receipt(remote_id=post_id, status=response.status_code, detail=f"PUT post {post_id}")


async def _api(
    config: Config, method: str, path: str, body: dict[str, Any], client: httpx.AsyncClient
) -> httpx.Response:
    url = f"{str(config.url).rstrip('/')}/api/v4/posts{path}"
    target = f"{redacted(config)} {method} /api/v4/posts{path}"
    return await request(client, url, body, target=target, method=method, token=config.token)


def _post_id(config: Config, message: Message) -> str:
    if message.remote_id is None or not _ID.match(message.remote_id):
        raise PermanentDeliveryError(
            f"{redacted(config)}: {message.remote_id!r} is not a Mattermost post id",
            code="delivery.mattermost_remote_id",
        )
    return message.remote_id


def _bot(config: DestinationBase) -> Config:
    own = _own(config)
    if own.token is None:
        raise PermanentDeliveryError(
            f"{redacted(own)}: an incoming webhook cannot edit; set url, token and channel_id",
            code="delivery.mattermost_not_editable",
        )
    return own


def _own(config: DestinationBase) -> Config:
    if not isinstance(config, Config):
        raise TypeError(f"mattermost: expected mattermost.Config, got {type(config).__name__}")
    return config
