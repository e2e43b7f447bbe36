"""Slack Block Kit for the ``slack`` kind: the release, an update notice, a withdrawal.

The release: header (title) · section (lead) · context (event, date, organisation) · for a
notice, a section with what changed · section with the article's own "read more" links ·
context with the other languages · actions (a "Lue lisää" / "Läs mer" / "Read more" button
to the release) · image. Slack's limits are declared here and applied with
``render.truncate`` / ``fit``; text is mrkdwn-escaped. The same blocks go to an incoming
webhook and to ``chat.postMessage`` / ``chat.update``.
"""

from __future__ import annotations

from typing import Any

from syndicator.deliver.render import escape_mrkdwn, fit, headline, mrkdwn_link, truncate
from syndicator.model import Message

__all__ = [
    "ALT_TEXT_MAX",
    "BLOCKS_MAX",
    "BUTTON_TEXT_MAX",
    "CONTEXT_ELEMENTS_MAX",
    "FALLBACK_MAX",
    "HEADER_MAX",
    "TEXT_MAX",
    "TITLE_MAX",
    "URL_MAX",
    "blocks",
    "notice_payload",
    "payload",
    "withdrawn_payload",
]

# Slack's limits (api.slack.com/reference/block-kit/blocks), applied by render.truncate/fit.
HEADER_MAX = 150  # header block plain_text
TITLE_MAX = HEADER_MAX
TEXT_MAX = 3000  # section text
BLOCKS_MAX = 50
CONTEXT_ELEMENTS_MAX = 10
BUTTON_TEXT_MAX = 75
ALT_TEXT_MAX = 2000
URL_MAX = 3000  # button url, image_url
FALLBACK_MAX = 4000  # top-level "text", shown in notifications


def payload(message: Message) -> dict[str, Any]:
    fallback = f"{headline(message)}: {message.title} {message.url}"
    return {
        "text": fit(fallback, FALLBACK_MAX, escape_mrkdwn),
        "blocks": blocks(message),
        "unfurl_links": False,
    }


def notice_payload(message: Message) -> dict[str, Any]:
    """A short thread reply: headline and linked title, what changed, when."""
    title = mrkdwn_link(message.url, truncate(message.title or message.url, HEADER_MAX))
    result = [_section(f"*{escape_mrkdwn(headline(message))}*: {title}")]
    if changes := _changes(message):
        result.append(changes)
    result.append({"type": "context", "elements": [_mrkdwn(_facts(message))]})
    fallback = f"{headline(message)}: {message.title} {message.url}"
    return {"text": fit(fallback, FALLBACK_MAX, escape_mrkdwn), "blocks": result,
            "unfurl_links": False}  # fmt: skip


def withdrawn_payload(message: Message) -> dict[str, Any]:
    """What a withdrawn release's message becomes: the label, the title struck out, no
    link, button or image (the page is gone)."""
    label = message.labels.get("withdrawn_release", "Release withdrawn")
    title = message.title or message.url
    struck = f"~{fit(title, TEXT_MAX - 2, escape_mrkdwn)}~"
    return {
        "text": fit(f"{label}: {title}", FALLBACK_MAX, escape_mrkdwn),
        "blocks": [{"type": "header", "text": _plain(label, HEADER_MAX)}, _section(struck)],
    }


def blocks(message: Message) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = [
        {"type": "header", "text": _plain(message.title or message.url, HEADER_MAX)}
    ]
    if message.lead.strip():
        result.append(_section(fit(message.lead, TEXT_MAX, escape_mrkdwn)))
    result.append({"type": "context", "elements": [_mrkdwn(_facts(message))]})
    if changes := _changes(message):
        result.append(changes)
    if links := _link_list(message):
        result.append(_section(links))
    if others := [mrkdwn_link(link.url, link.label) for link in message.alternates]:
        others = others[: CONTEXT_ELEMENTS_MAX - 1]
        label = escape_mrkdwn(message.labels.get("other_languages", ""))
        result.append({"type": "context", "elements": [_mrkdwn(f"{label}: " + " · ".join(others))]})
    if len(message.url) <= URL_MAX:
        read_more = message.labels.get("read_more", "Read more")
        button = {"type": "button", "text": _plain(read_more, BUTTON_TEXT_MAX), "url": message.url}
        result.append({"type": "actions", "elements": [{**button, "action_id": "read_more"}]})
    if message.image and len(message.image.url) <= URL_MAX:
        alt = message.image.alt.strip() or message.title or "image"
        image_block = {"type": "image", "image_url": message.image.url}
        result.append({**image_block, "alt_text": truncate(alt, ALT_TEXT_MAX)})
    return result[:BLOCKS_MAX]


def _facts(message: Message) -> str:
    labels = message.labels
    if message.event == "updated":
        when = f"{labels.get('updated', '')} {labels.get('updated_at', '')}"
    else:
        when = f"{labels.get('published', '')} {labels.get('published_at', '')}"
    parts = [f"*{escape_mrkdwn(headline(message))}*", escape_mrkdwn(when.strip())]
    if message.organisation:  # who published it; never our internal source name
        source = f"{labels.get('source', 'Source')}: {truncate(message.organisation, 200)}"
        parts.append(escape_mrkdwn(source))
    return " · ".join(part for part in parts if part)


def _changes(message: Message) -> dict[str, Any] | None:
    """An update's ``changes`` as a bullet list in one section, or None."""
    if message.event != "updated" or not message.changes:
        return None
    lines = "\n".join(f"• {change}" for change in message.changes if change.strip())
    return _section(fit(lines, TEXT_MAX, escape_mrkdwn)) if lines else None


def _link_list(message: Message) -> str:
    """The article's own "read more" links as one mrkdwn list that fits a section."""
    lines: list[str] = []
    used = 0
    for link in message.read_more:
        line = f"• {mrkdwn_link(link.url, truncate(link.label or link.url, 200))}"
        if used + len(line) + 1 > TEXT_MAX:
            break
        lines.append(line)
        used += len(line) + 1
    return "\n".join(lines)


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": truncate(text, limit), "emoji": True}


def _mrkdwn(text: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": text}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": _mrkdwn(text)}
