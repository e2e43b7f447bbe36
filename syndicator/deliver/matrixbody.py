"""The ``m.room.message`` content of a release (client-server API, m.room.message msgtypes).

``msgtype`` (``m.text`` by default: the spec's default push rule ``.m.rule.suppress_notices``
silences ``m.notice``, and a newsroom wants to be told), ``body`` (plain text) and
``formatted_body`` (``org.matrix.custom.html``, cleaned by nh3 to a part of the spec's
recommended HTML subset). No ``<img>``: the spec allows only ``mxc://`` sources, which needs
a media upload (left for later). The content is kept to ``CONTENT_MAX_BYTES`` of JSON, well
under the 65,536-byte event limit (signatures and the envelope come on top), by cutting the
lead at a word boundary; the link always stays. Under the headline, a line names the
organisation that published the release (never our internal source name).

An update notice (``message.changes``) is short: title, headline and time, what changed, the
link; it is sent as a reply to the first event. A withdrawal says so over the title struck
through, and names the organisation.
"""

from __future__ import annotations

import json
from typing import Any

import nh3

from syndicator.deliver.render import escape_html, headline, truncate
from syndicator.errors import PermanentDeliveryError
from syndicator.model import Link, Message

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_TAGS",
    "CHANGES_MAX",
    "CHANGE_MAX",
    "CONTENT_MAX_BYTES",
    "EVENT_MAX_BYTES",
    "HTML_FORMAT",
    "LINKS_MAX",
    "ORGANISATION_MAX",
    "TITLE_MAX",
    "URL_MAX",
    "content",
    "sanitise",
    "withdrawn_content",
]

EVENT_MAX_BYTES = 65_536  # spec: a whole event (PDU), signatures and hashes included
CONTENT_MAX_BYTES = 32_768  # our content's JSON: half the event, the rest is envelope
HTML_FORMAT = "org.matrix.custom.html"
TITLE_MAX = 300  # characters; no spec limit, a readable heading
LINK_LABEL_MAX = 200
ORGANISATION_MAX = 200  # characters; a publisher's name is a few words
URL_MAX = 2048  # links longer than this (other than the release's own) are left out
LINKS_MAX = 20  # the article's own "read more" links, and the other languages
CHANGE_MAX = 300  # characters of one line of what changed, in a notice
CHANGES_MAX = 20
# A subset of the spec's recommended HTML (client-server API, m.room.message msgtypes).
ALLOWED_TAGS = frozenset(
    {"h1", "h2", "h3", "h4", "h5", "h6", "p", "a", "b", "strong", "i", "em", "ul", "ol", "li"}
    | {"br", "blockquote", "code", "pre", "del"}
)
ALLOWED_ATTRIBUTES = {"a": frozenset({"href"})}
_URL_SCHEMES = frozenset({"http", "https", "mailto"})


def content(
    message: Message, msgtype: str = "m.text", max_bytes: int = CONTENT_MAX_BYTES
) -> dict[str, Any]:
    """The event content within ``max_bytes``: the lead is cut first (at a word boundary),
    then the lists of links go, then the title shrinks; the link stays. A notice (an update
    with ``changes``) has no lead or lists: what changed instead."""
    notice = bool(message.changes)
    allowance = 0 if notice else len(message.lead)
    links = not notice
    title_max = TITLE_MAX
    while True:
        built = _build(message, msgtype, allowance, links=links, title_max=title_max)
        size = len(json.dumps(built, ensure_ascii=False, separators=(",", ":")).encode())
        if size <= max_bytes:
            return built
        if allowance > 0:
            allowance = max(0, min(allowance - 1, int(allowance * max_bytes / size)))
        elif links:
            links = False
        elif title_max > 50:
            title_max = 50
        else:
            raise PermanentDeliveryError(
                f"matrix: the event would be {size} bytes even without its text",
                code="delivery.matrix_too_large",
            )


def _build(
    message: Message, msgtype: str, lead_max: int, *, links: bool, title_max: int
) -> dict[str, Any]:
    labels = message.labels
    title = truncate(message.title or message.url, title_max)
    when = _when(message)
    lead = truncate(message.lead.strip(), lead_max) if lead_max > 0 else ""
    read_more = labels.get("read_more", "Read more")
    own_links = _links(message.read_more) if links else []
    others = _links(message.alternates) if links else []
    other_label = labels.get("other_languages", "")
    text = [title, f"{headline(message)} · {when}", *_byline(message), ""]
    html = [f"<h3>{escape_html(title)}</h3>", f"<p><b>{escape_html(headline(message))}</b> · "
            f"{escape_html(when)}</p>", *_html_byline(message)]  # fmt: skip
    changes = [truncate(" ".join(c.split()), CHANGE_MAX) for c in message.changes[:CHANGES_MAX]]
    if changes:
        text += [f"• {change}" for change in changes] + [""]
        html.append("<ul>" + "".join(f"<li>{escape_html(c)}</li>" for c in changes) + "</ul>")
    if lead:
        text += [lead, ""]
        html.append("<p>" + "<br>".join(escape_html(line) for line in lead.splitlines()) + "</p>")
    text.append(f"{read_more}: {message.url}")
    html.append(f"<p>{_anchor(message.url, read_more)}</p>")
    if own_links:
        text += [f"• {link.label}: {link.url}" for link in own_links]
        html.append(
            "<ul>"
            + "".join(f"<li>{_anchor(link.url, link.label)}</li>" for link in own_links)
            + "</ul>"
        )
    if others:
        text.append(f"{other_label}: " + " · ".join(f"{link.label}: {link.url}" for link in others))
        html.append(
            f"<p>{escape_html(other_label)}: "
            + " · ".join(_anchor(link.url, link.label) for link in others)
            + "</p>"
        )
    return {
        "msgtype": msgtype,
        "body": "\n".join(text),
        "format": HTML_FORMAT,
        "formatted_body": sanitise("".join(html)),
    }


def withdrawn_content(message: Message, msgtype: str = "m.text") -> dict[str, Any]:
    """ "Tiedote peruttu" over the title struck through; no lead, no links."""
    label = message.labels.get("withdrawn_release") or "Release withdrawn"
    title = truncate(message.title or message.url, TITLE_MAX)
    html = f"<p><b>{escape_html(label)}</b></p><p><del>{escape_html(title)}</del></p>"
    return {
        "msgtype": msgtype,
        "body": "\n".join([f"{label}: {title}", *_byline(message)]),
        "format": HTML_FORMAT,
        "formatted_body": sanitise(html + "".join(_html_byline(message))),
    }


def sanitise(html: str) -> str:
    """Only ``ALLOWED_TAGS`` and ``<a href>`` with http(s)/mailto: what clients render."""
    attributes = {tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()}
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes=attributes,
        url_schemes=set(_URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )


def _byline(message: Message) -> list[str]:
    """The organisation's name as a line of ``body``; none if it is not known."""
    organisation = truncate(" ".join(message.organisation.split()), ORGANISATION_MAX)
    return [organisation] if organisation else []


def _html_byline(message: Message) -> list[str]:
    return [f"<p><i>{escape_html(name)}</i></p>" for name in _byline(message)]


def _when(message: Message) -> str:
    labels = message.labels
    if message.event == "updated":
        return f"{labels.get('updated', '')} {labels.get('updated_at', '')}".strip()
    return f"{labels.get('published', '')} {labels.get('published_at', '')}".strip()


def _links(links: tuple[Link, ...]) -> list[Link]:
    kept = [link for link in links if link.url and len(link.url) <= URL_MAX]
    return [
        Link(link.url, truncate(link.label or link.url, LINK_LABEL_MAX))
        for link in kept[:LINKS_MAX]
    ]


def _anchor(url: str, label: str) -> str:
    return f'<a href="{escape_html(url)}">{escape_html(label)}</a>'
