"""The Discord message of a release: ``content`` (the headline) and one embed, within
Discord's limits (discord.com/developers/docs/resources/message#embed-object-embed-limits),
with text escaped for Discord's Markdown.

The embed: author (the organisation that published the release, never our source name),
title (linked to the release), description (what changed, for a notice; the
lead; the Helsinki time in the destination's words; a "Lue lisää" link), timestamp, image,
one inline field per other language. A withdrawn release's embed keeps only the title,
prefixed "[Tiedote peruttu]", the label and the author.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlsplit

from syndicator.deliver.render import fit, headline, truncate
from syndicator.i18n import LANGUAGES, translate
from syndicator.model import Message

__all__ = [
    "AUTHOR_MAX",
    "CHANGE_MAX",
    "CONTENT_MAX",
    "DESCRIPTION_MAX",
    "EMBED_TOTAL_MAX",
    "FIELDS_MAX",
    "FIELD_NAME_MAX",
    "FIELD_VALUE_MAX",
    "TITLE_MAX",
    "embed",
    "escape_markdown",
    "markdown_link",
    "payload",
    "withdrawn_payload",
]

# Discord's limits (discord.com/developers/docs/resources/message#embed-object-embed-limits).
CONTENT_MAX = 2000
AUTHOR_MAX = 256
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
EMBED_TOTAL_MAX = 6000  # title + description + field names and values + footer + author
CHANGE_MAX = 300  # ours: one line of what changed, in a notice
_DESCRIPTION_RESERVE = 1000  # of the 6000: kept for the lead, the time and the link

_INLINE = re.compile(r"([\\*_~|`>\[\]<])")  # emphasis, spoilers, code, quotes, links, mentions
_LINE_START = re.compile(r"^([ \t]*)([#-])", re.MULTILINE)  # headings and list items


def payload(message: Message, color: int | None = None) -> dict[str, Any]:
    """The execute-webhook body; mentions never ping (``parse: []``)."""
    return {
        "content": fit(headline(message), CONTENT_MAX, escape_markdown),
        "embeds": [embed(message, color)],
        "allowed_mentions": {"parse": []},
    }


def withdrawn_payload(message: Message, color: int | None = None) -> dict[str, Any]:
    """The edit that marks a withdrawn release: "[Tiedote peruttu] title", the label as the
    description; no link, image or other languages (the page is gone)."""
    label = message.labels.get("withdrawn_release") or "Release withdrawn"
    title = fit(f"[{label}] {message.title or message.url}", TITLE_MAX, escape_markdown)
    result: dict[str, Any] = {
        "title": title,
        "description": escape_markdown(label),
        "timestamp": _when(message).isoformat(),
    }
    if color is not None:
        result["color"] = color
    if message.organisation.strip():
        result["author"] = _author(message)
    return {
        "content": fit(label, CONTENT_MAX, escape_markdown),
        "embeds": [result],
        "allowed_mentions": {"parse": []},
    }


def embed(message: Message, color: int | None = None) -> dict[str, Any]:
    """One embed within Discord's per-field limits and its 6000-character total."""
    title = fit(message.title or message.url, TITLE_MAX, escape_markdown)
    author = _author(message) if message.organisation.strip() else None
    named = len(title) + (len(author["name"]) if author else 0)
    fields = _fields(message, EMBED_TOTAL_MAX - named - _DESCRIPTION_RESERVE)
    used = named + sum(len(f["name"]) + len(f["value"]) for f in fields)
    result: dict[str, Any] = {
        "title": title,
        "description": _description(message, min(DESCRIPTION_MAX, EMBED_TOTAL_MAX - used)),
        "timestamp": _when(message).isoformat(),
    }
    if author:
        result["author"] = author
    if _is_web(message.url):
        result["url"] = message.url
    if color is not None:
        result["color"] = color
    if message.image and _is_web(message.image.url):
        result["image"] = {"url": message.image.url}
    if fields:
        result["fields"] = fields
    return result


def escape_markdown(text: str) -> str:
    """Text shown literally by Discord: a backslash before each Markdown character."""
    return _LINE_START.sub(r"\1\\\2", _INLINE.sub(r"\\\1", text))


def markdown_link(url: str, label: str) -> str:
    """``[label](url)`` with the label escaped and ``( ) < >`` and spaces in the URL encoded."""
    safe_url = quote(url, safe=":/?#[]@!$&'*+,;=%~-._")
    return f"[{escape_markdown(label)}]({safe_url})"


def _author(message: Message) -> dict[str, str]:
    """The organisation as the embed's author: plain text (Discord renders no Markdown
    there, so nothing is escaped), cut to ``AUTHOR_MAX``."""
    return {"name": truncate(" ".join(message.organisation.split()), AUTHOR_MAX)}


def _description(message: Message, limit: int) -> str:
    """What changed (a notice), the lead, the time and the read-more link; the lead is cut
    first, then the changes, so the link always stays."""
    labels = message.labels
    if message.event == "updated":
        when = f"{labels.get('updated', '')} {labels.get('updated_at', '')}".strip()
    else:
        when = f"{labels.get('published', '')} {labels.get('published_at', '')}".strip()
    read_more = markdown_link(message.url, labels.get("read_more", "Read more"))
    tail = f"{escape_markdown(when)}\n{read_more}"
    changes = _changes(message.changes, (limit - len(tail)) // 2)
    room = limit - len(tail) - 2 - (len(changes) + 2 if changes else 0)
    lead = fit(message.lead.strip(), room, escape_markdown) if room > 0 else ""
    body = "\n\n".join(part for part in (changes, lead) if part)
    return f"{body}\n\n{tail}" if body else tail[:limit]


def _changes(changes: tuple[str, ...], budget: int) -> str:
    """One "• " line per change, each at most ``CHANGE_MAX``, all within ``budget``."""
    lines: list[str] = []
    for change in changes:
        line = "• " + fit(" ".join(change.split()), CHANGE_MAX, escape_markdown)
        budget -= len(line) + 1
        if budget < 0:
            break
        lines.append(line)
    return "\n".join(lines)


def _fields(message: Message, budget: int) -> list[dict[str, Any]]:
    """One inline field per other language: "På svenska" → "[Läs mer](url)", while the
    fields' characters stay within ``budget``."""
    fields: list[dict[str, Any]] = []
    for link in message.alternates[:FIELDS_MAX]:
        lang = link.lang or ""
        words = translate("label.read_more", lang) if lang in LANGUAGES else None
        value = markdown_link(link.url, words or message.labels.get("read_more", "Read more"))
        if len(value) > FIELD_VALUE_MAX or not _is_web(link.url):
            continue
        name = fit(link.label or lang or link.url, FIELD_NAME_MAX, escape_markdown)
        budget -= len(name or "-") + len(value)
        if budget < 0:
            break
        fields.append({"name": name or "-", "value": value, "inline": True})
    return fields


def _when(message: Message) -> Any:
    return message.updated if message.event == "updated" else message.published


def _is_web(url: str) -> bool:
    return urlsplit(url).scheme in ("http", "https") and len(url) <= 2048
