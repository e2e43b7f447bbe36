"""A stored entry → the ``Message`` one destination receives; shared cutting and escaping.

``render_message`` does not shorten anything: each kind module declares its own limits
(``slack.HEADER_MAX``…) and applies them with ``truncate`` / ``fit`` from here, so every
destination cuts the same way — at a word boundary, with "…".
"""

from __future__ import annotations

import html
from collections.abc import Callable
from urllib.parse import quote

from syndicator.configbase import DestinationBase
from syndicator.i18n import LABELS, LANGUAGES, format_datetime, translate
from syndicator.locales import normalise_lang
from syndicator.model import Entry, EventKind, Link, Message
from syndicator.organisation import article_organisation

__all__ = [
    "ELLIPSIS",
    "LEAD_FALLBACK_MAX",
    "escape_html",
    "escape_mrkdwn",
    "fit",
    "headline",
    "label_language",
    "mrkdwn_link",
    "render_message",
    "truncate",
]

ELLIPSIS = "…"
LEAD_FALLBACK_MAX = 400  # a release without a lead gets this much of its text instead
_WORD_CUT_MIN = 0.5  # never drop more than half of the allowance to reach a word boundary
_TRAILING = " \t\r\n,;:-–—([{"


def truncate(text: str, limit: int) -> str:
    """``text`` at most ``limit`` characters long, cut at a word boundary and ending in "…"."""
    if limit <= 0:
        return ""
    if len(text) <= limit:
        return text
    if limit == 1:
        return ELLIPSIS
    head = text[: limit - 1]
    if not text[limit - 1].isspace():
        boundary = max(head.rfind(" "), head.rfind("\n"), head.rfind("\t"))
        if boundary >= int(limit * _WORD_CUT_MIN):
            head = head[:boundary]
    return head.rstrip(_TRAILING) + ELLIPSIS


def fit(text: str, limit: int, escape: Callable[[str], str]) -> str:
    """``escape(truncate(text, n))`` for the largest ``n`` whose escaped form fits ``limit``."""
    allowance = limit
    while allowance > 0:
        escaped = escape(truncate(text, allowance))
        if len(escaped) <= limit:
            return escaped
        allowance -= max(1, len(escaped) - limit)
    return ""


def escape_mrkdwn(text: str) -> str:
    """Slack's three control characters; nothing else is entity-decoded by Slack."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn_link(url: str, label: str) -> str:
    """``<url|label>`` with the characters that would end the link made harmless."""
    safe_url = quote(url, safe=":/?#[]@!$&'()*+,;=%~-._")
    return f"<{escape_mrkdwn(safe_url)}|{escape_mrkdwn(label.replace('|', '¦'))}>"


def escape_html(text: str) -> str:
    return html.escape(text, quote=True)


def label_language(entry: Entry, destination: DestinationBase) -> str:
    """The language of our own words: the destination's locale, else the item's, else fi."""
    return normalise_lang(destination.locale) or normalise_lang(entry.article.lang) or "fi"


_HEADLINES = {
    "created": "new_release",
    "updated": "updated_release",
    "withdrawn": "withdrawn_release",
}


def headline(message: Message) -> str:
    """ "Uusi tiedote", "Päivitetty tiedote" or "Tiedote peruttu" in the message's label
    language."""
    key = _HEADLINES[message.event]
    return message.labels.get(key, key)


def render_message(
    entry: Entry,
    event: EventKind,
    destination: DestinationBase,
    idempotency_key: str,
    *,
    remote_id: str | None = None,
    changes: tuple[str, ...] = (),
) -> Message:
    """The release as ``destination`` sees it: item language for the content, the
    destination's locale (or the item language) for our labels. Nothing is shortened here.

    ``remote_id``: what this destination's earlier send of the item returned (an edit or a
    withdrawal targets it, a notice threads under it); ``changes``: for an update sent as a
    notice, what changed (``changes.describe_changes``)."""
    article = entry.article
    words = label_language(entry, destination)
    lead = article.lead.strip() or truncate(article.text.strip(), LEAD_FALLBACK_MAX)
    return Message(
        event=event,
        idempotency_key=idempotency_key,
        lang=normalise_lang(article.lang) or words,
        title=article.title.strip(),
        lead=lead,
        text=article.text,
        html=article.body_html,
        url=article.url,
        published=entry.published,
        updated=article.updated or entry.updated,
        read_more=tuple(_labelled(link, words) for link in article.read_more),
        alternates=tuple(_alternate(link) for link in article.alternates if link.url),
        image=article.images[0] if article.images else None,
        source=entry.source,
        release_id=entry.release_id,
        labels=_labels(entry, words),
        contacts=article.contacts,
        attachments=article.attachments,
        version=entry.version,
        remote_id=remote_id,
        changes=changes,
        organisation=article_organisation(article),
    )


def _labels(entry: Entry, lang: str) -> dict[str, str]:
    """Every UI word of ``i18n.LABELS`` in ``lang``, plus ``locale`` (that language) and the
    dates as people write them there: ``published_at``, ``updated_at``."""
    labels = {key: translate(f"label.{key}", lang) for key in LABELS}
    labels["locale"] = lang
    labels["published_at"] = format_datetime(entry.published, lang)
    labels["updated_at"] = format_datetime(entry.article.updated or entry.updated, lang)
    return labels


def _labelled(link: Link, lang: str) -> Link:
    if link.label.strip():
        return link
    return Link(link.url, translate("label.read_more", lang), link.lang)


def _alternate(link: Link) -> Link:
    """An alternate is labelled in its own language ("På svenska"), as sites do."""
    lang = normalise_lang(link.lang)
    if link.label.strip() or lang is None:
        return Link(link.url, link.label.strip() or link.url, lang)
    label = translate("label.in_language", lang) if lang in LANGUAGES else lang
    return Link(link.url, label, lang)
