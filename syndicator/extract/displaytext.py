"""Text a person will read, cleaned once at extraction so every output shows the same thing.

A page's text can carry characters that change how it is *displayed* rather than what it
says: bidirectional controls (a U+202E right-to-left override before "gnp.exe" in a title
makes it show as "exe.png"), C0/C1 control characters, and U+FFFD left by a broken encoding.
:func:`display_text` removes them; :func:`display_title` also caps a title at
:data:`TITLE_MAX` characters at a word boundary. :func:`clean_article` applies them to every
field shown as text — title, lead, text, body, image alt, attachment titles, link labels,
contacts, categories, site name — so Atom, RSS, JSON Feed, the index page and every message
agree. Pure functions; nothing else is changed.
"""

from __future__ import annotations

import re
from dataclasses import replace

from syndicator.model import Article, Attachment, Contact, Link

__all__ = ["TITLE_MAX", "clean_article", "display_text", "display_title"]

TITLE_MAX = 300  # characters; a longer title is cut at a word boundary with "…"

# Bidi embeddings/overrides (U+202A–E), isolates (U+2066–9), LRM/RLM (U+200E/F) and the
# Arabic letter mark (U+061C); C0 controls but tab and newline; DEL and C1; U+FFFD.
_HIDDEN = re.compile(
    "[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\x00-\x08\x0b-\x1f\x7f-\x9f\ufffd]"
)


def display_text(text: str) -> str:
    """``text`` without bidi controls, control characters (tab and newline stay) or U+FFFD."""
    return _HIDDEN.sub("", text)


def display_title(text: str) -> str:
    """A cleaned title on one line, at most :data:`TITLE_MAX` characters."""
    title = " ".join(display_text(text).split())
    if len(title) <= TITLE_MAX:
        return title
    # Imported here: only an over-long title pays for loading the delivery package.
    from syndicator.deliver.render import truncate

    return truncate(title, TITLE_MAX)


def clean_article(article: Article) -> Article:
    """``article`` with every displayed field cleaned (the title also capped)."""
    return replace(
        article,
        title=display_title(article.title),
        lead=display_text(article.lead).strip(),
        body_html=display_text(article.body_html),
        text=display_text(article.text),
        images=tuple(replace(i, alt=_line(i.alt)) for i in article.images),
        attachments=tuple(_attachment(a) for a in article.attachments),
        contacts=tuple(_contact(c) for c in article.contacts),
        read_more=tuple(_link(link) for link in article.read_more),
        alternates=tuple(_link(link) for link in article.alternates),
        categories=tuple(c for c in (_line(c) for c in article.categories) if c),
        site_name=_line(article.site_name),
        organisation=_line(article.organisation),
    )


def _line(text: str) -> str:
    return display_text(text).strip()


def _attachment(attachment: Attachment) -> Attachment:
    return replace(attachment, title=_line(attachment.title))


def _contact(contact: Contact) -> Contact:
    return Contact(
        name=_line(contact.name),
        title=_line(contact.title),
        phone=_line(contact.phone),
        email=_line(contact.email),
    )


def _link(link: Link) -> Link:
    return replace(link, label=_line(link.label))
