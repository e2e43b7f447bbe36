"""Plain data passed between the stages. Frozen; no behaviour beyond small derivations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from syndicator.rhythm import Decision

__all__ = [
    "Article",
    "Attachment",
    "Candidate",
    "Contact",
    "Delivery",
    "Entry",
    "EventKind",
    "Image",
    "Link",
    "Message",
    "Receipt",
    "SourceState",
    "StoredItem",
]

EventKind = Literal["created", "updated", "withdrawn"]


@dataclass(frozen=True, slots=True)
class Link:
    """An absolute URL with its visible label; ``lang`` for alternates (hreflang)."""

    url: str
    label: str = ""
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class Image:
    url: str
    alt: str = ""


@dataclass(frozen=True, slots=True)
class Attachment:
    url: str
    title: str = ""
    mime_type: str = ""


@dataclass(frozen=True, slots=True)
class Contact:
    name: str
    title: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class Candidate:
    """One release found on a listing, feed or API, before its page is fetched.

    ``html`` is set when the source already delivered the full article markup
    (WordPress REST ``content.rendered``); then no page fetch is needed.
    """

    url: str
    title: str | None = None
    published: datetime | None = None
    teaser: str = ""
    lang: str | None = None
    read_more: tuple[Link, ...] = ()
    html: str | None = None
    # When the source says the release last changed (WordPress ``modified_gmt``): a later
    # change than our last look is an edit to read now, whatever the re-check schedule says.
    modified: datetime | None = None
    image: str | None = None  # the featured image the feed names (media:content, enclosure)


@dataclass(frozen=True, slots=True)
class Article:
    """What extraction yields for one page, in one language."""

    url: str  # canonical URL: the item's identity
    title: str
    lang: str | None
    published: datetime | None  # aware, Europe/Helsinki
    updated: datetime | None
    lead: str
    body_html: str  # sanitised
    text: str
    images: tuple[Image, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    contacts: tuple[Contact, ...] = ()
    read_more: tuple[Link, ...] = ()
    alternates: tuple[Link, ...] = ()  # the same release in other languages
    post_id: str | None = None  # the site's own id (WordPress ``postid-N``), if exposed
    date_from_first_seen: bool = False  # no date on the page: ``published`` is when we first saw it
    generic: bool = False  # the site profile found no body: the generic path (trafilatura) did
    categories: tuple[str, ...] = ()  # the site's categories and tags, as it names them
    site_name: str = ""  # the site's own name (``og:site_name``), if the page says it
    organisation: str = ""  # who published it, resolved when saved (``organisation.py``)


@dataclass(frozen=True, slots=True)
class Entry:
    """A stored item with its latest version, as feeds and messages see it."""

    item_id: int
    release_id: int
    source: str
    article: Article
    first_seen: datetime
    updated: datetime  # when the latest version was stored
    version: int

    @property
    def published(self) -> datetime:
        return self.article.published or self.first_seen


@dataclass(frozen=True, slots=True)
class Delivery:
    """One outbox row: an event for one destination."""

    id: int
    event_id: int
    event: EventKind
    destination: str
    release_id: int
    status: str  # pending | sending | delivered | failed (dead letter) | skipped
    attempts: int
    next_attempt_at: datetime
    last_error: str | None = None
    last_error_code: str | None = None
    remote_id: str | None = None
    idempotency_key: str = ""
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Message:
    """A release rendered for one destination, in the language it wants."""

    event: EventKind
    idempotency_key: str
    lang: str
    title: str
    lead: str
    text: str
    html: str
    url: str
    published: datetime
    updated: datetime
    read_more: tuple[Link, ...] = ()
    alternates: tuple[Link, ...] = ()
    image: Image | None = None
    source: str = ""  # our internal source name: for logs only, never shown to a reader
    release_id: int = 0
    labels: dict[str, str] = field(
        default_factory=dict
    )  # translated UI words (read_more, updated, …)
    organisation: str = ""  # who published it ("Vaasan kaupunki"), in the message language
    contacts: tuple[Contact, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    version: int = 1
    remote_id: str | None = None  # what this destination returned for this release before
    changes: tuple[str, ...] = ()  # for an update sent as a notice: what changed, in words
    skip_recipients: tuple[str, ...] = ()  # e-mail: settled in an earlier attempt, not resent


@dataclass(frozen=True, slots=True)
class Receipt:
    """A destination's confirmation. ``remote_id`` lets a later edit target the same post."""

    remote_id: str | None = None
    status: int | None = None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class SourceState:
    """What the status page and /readyz show about one source."""

    name: str
    last_poll_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error_code: str | None = None
    last_error: str | None = None
    consecutive_failures: int = 0
    items: int = 0
    degraded: str | None = None  # e.g. "source.no_candidates": selectors need fixing
    rhythm: Decision | None = None  # adaptive polling's current interval and why
    next_poll_at: datetime | None = None  # as adaptive polling set it


@dataclass(frozen=True, slots=True)
class StoredItem:
    """What the store remembers of an item, enough to decide new / updated / unchanged."""

    item_id: int
    release_id: int
    url: str
    version: int
    content_hash: str
    published: datetime
    checked_at: datetime | None = None
    withdrawn_at: datetime | None = None  # gone at the source; a page that comes back clears it
    lang: str | None = None
    post_id: str | None = None  # the site's own id (WordPress), to ask its API about the post
