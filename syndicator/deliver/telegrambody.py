"""A release in Telegram's HTML parse mode (core.telegram.org/bots/api#html-style), within
the visible-text limits: 4,096 for a text message, 1,024 for a photo caption.

Layout: **title** · headline and date · the organisation (italic) · lead · "Lue lisää"
link · other languages; the lead is cut first, at a word boundary. An update notice
(``message.changes``) is short, as it replies to the first message: title, headline and
date, organisation, what changed, the link. A withdrawal is the label over the title struck
through, then the organisation. The internal source name is never shown; the organisation
is, in every one of them.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

from syndicator.deliver.render import headline, truncate
from syndicator.model import Link, Message

__all__ = [
    "ALTERNATES_MAX",
    "CAPTION_MAX",
    "CHANGE_MAX",
    "LABEL_MAX",
    "ORGANISATION_MAX",
    "TEXT_MAX",
    "TITLE_MAX",
    "escape",
    "markup",
    "notice_markup",
    "visible_length",
    "withdrawn_markup",
]

# core.telegram.org/bots/api#sendmessage, #sendphoto: lengths "after entities parsing", i.e.
# of the visible text, not of the markup; counted here in UTF-16 code units as Telegram does.
TEXT_MAX = 4096
CAPTION_MAX = 1024
# Ours, so the lead always has room and one language list cannot crowd out the release.
TITLE_MAX = 256
LABEL_MAX = 64
ALTERNATES_MAX = 10
CHANGE_MAX = 300  # one line of what changed, in a notice
ORGANISATION_MAX = 100  # a publisher's name is a few words; the caption is short


def markup(message: Message, limit: int) -> str:
    """The message in Telegram HTML whose visible text is at most ``limit`` long: the lead
    is cut at a word boundary first, then the other languages, then the title."""
    alternates = list(message.alternates[:ALTERNATES_MAX])
    title = truncate(message.title or message.url, TITLE_MAX)
    while True:
        head, tail = _head(message, title), _tail(message, alternates)
        room = limit - visible_length(head + tail) - 2  # "\n\n" before the lead
        if room >= min(200, len(message.lead)) or not (alternates or len(title) > 1):
            break
        if alternates:
            alternates.pop()
        else:
            title = truncate(title, len(title) // 2)
    lead = _fit(message.lead.strip(), max(room, 0))
    return head + (f"\n\n{escape(lead)}" if lead else "") + tail


def escape(text: str) -> str:
    """Telegram's HTML mode knows only &lt; &gt; &amp; &quot; by name."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def visible_length(markup_text: str) -> int:
    """What Telegram counts: the text without tags, entities decoded, in UTF-16 units."""
    return _utf16(html.unescape(re.sub(r"<[^>]*>", "", markup_text)))


def _head(message: Message, title: str) -> str:
    labels = message.labels
    if message.event == "updated":
        when = f"{labels.get('updated', '')} {labels.get('updated_at', '')}".strip()
    else:
        when = f"{labels.get('published', '')} {labels.get('published_at', '')}".strip()
    facts = " · ".join(part for part in (headline(message), when) if part)
    return f"<b>{escape(title)}</b>\n<i>{escape(facts)}</i>" + _byline(message)


def _byline(message: Message) -> str:
    """ "\n<i>Vaasan kaupunki</i>": who published it; nothing if no organisation is known."""
    organisation = truncate(" ".join(message.organisation.split()), ORGANISATION_MAX)
    return f"\n<i>{escape(organisation)}</i>" if organisation else ""


def _tail(message: Message, alternates: list[Link]) -> str:
    read_more = truncate(message.labels.get("read_more", "Read more"), LABEL_MAX)
    tail = f"\n\n{_link(message.url, read_more)}"
    if alternates:
        label = escape(message.labels.get("other_languages", ""))
        links = " · ".join(_link(link.url, truncate(link.label, LABEL_MAX)) for link in alternates)
        tail += f"\n{label}: {links}" if label else f"\n{links}"
    return tail


def _link(url: str, label: str) -> str:
    safe = quote(url, safe=":/?#[]@!$&'()*+,;=%~-._")
    return f'<a href="{escape(safe)}">{escape(label or url)}</a>'


def _fit(text: str, room: int) -> str:
    """``truncate`` measured in UTF-16 units (an emoji counts two)."""
    allowance = room
    while allowance > 0:
        cut = truncate(text, allowance)
        if _utf16(cut) <= room:
            return cut
        allowance -= max(1, _utf16(cut) - room)
    return ""


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def notice_markup(message: Message, limit: int = TEXT_MAX) -> str:
    """An update notice: title, headline and date, one "• " line per change (as many as
    fit ``limit``, each cut at ``CHANGE_MAX``), the read-more link."""
    head = _head(message, truncate(message.title or message.url, TITLE_MAX))
    tail = _tail(message, [])
    room = limit - visible_length(head + tail) - 2
    lines: list[str] = []
    for change in message.changes:
        line = "• " + _fit(" ".join(change.split()), CHANGE_MAX)
        room -= _utf16(line) + 1
        if room < 0:
            break
        lines.append(escape(line))
    return head + ("\n\n" + "\n".join(lines) if lines else "") + tail


def withdrawn_markup(message: Message) -> str:
    """ "Tiedote peruttu" in bold over the title struck through: no lead, no links."""
    label = message.labels.get("withdrawn_release") or "Release withdrawn"
    title = truncate(message.title or message.url, TITLE_MAX)
    return f"<b>{escape(label)}</b>\n<s>{escape(title)}</s>" + _byline(message)
