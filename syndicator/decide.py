"""PURE: given what the store holds and a freshly extracted Article, what happens.

No I/O here. A new version exists only when the normalised title, text, dates or read-more
targets change; whitespace and tracking parameters (already dropped by extraction) do not.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from syndicator import routing
from syndicator.configbase import DestinationBase
from syndicator.model import Article, EventKind, StoredItem

__all__ = [
    "Decision",
    "assess_health",
    "content_hash",
    "decide",
    "recheck_due",
    "route",
    "superseded",
]


@dataclass(frozen=True, slots=True)
class Decision:
    action: Literal["create", "update", "skip"]
    content_hash: str
    version: int  # the version number the item has after this decision

    @property
    def event(self) -> EventKind | None:
        if self.action == "create":
            return "created"
        if self.action == "update":
            return "updated"
        return None


def content_hash(article: Article) -> str:
    """A hash of what a reader would call the content, blind to cosmetic changes."""
    normalised = {
        "title": _squash(article.title),
        "text": _squash(article.text),
        "lead": _squash(article.lead),
        "published": article.published.isoformat()
        if article.published and not article.date_from_first_seen
        else None,
        "read_more": sorted(link.url for link in article.read_more),
        "images": sorted(image.url for image in article.images),
    }
    encoded = json.dumps(normalised, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()


def decide(stored: StoredItem | None, article: Article) -> Decision:
    digest = content_hash(article)
    if stored is None:
        return Decision("create", digest, 1)
    if stored.content_hash == digest and stored.withdrawn_at is None:
        return Decision("skip", digest, stored.version)
    # Changed, or a withdrawn page that answers again: a new version, an ``updated`` event.
    return Decision("update", digest, stored.version + 1)


def _squash(text: str) -> str:
    return " ".join(text.split())


def route(
    destinations: Sequence[DestinationBase],
    *,
    source: str,
    lang: str | None,
    event: EventKind,
    article: Article | None = None,
) -> list[tuple[str, float]]:
    """The destinations that want this event, each with how long to hold it (seconds).

    ``article`` (when given) must pass the destination's category and keyword rules
    (``routing.wanted``). With ``one_language``, an item in a fallback language is held for
    ``language_wait``, so that the preferred language, usually published minutes later, can
    supersede it.
    """
    routed: list[tuple[str, float]] = []
    for destination in destinations:
        wanted = (
            destination.enabled
            and (not destination.languages or lang in destination.languages)
            and (not destination.sources or source in destination.sources)
            and event in destination.events
            and (article is None or routing.wanted(destination, article))
        )
        if not wanted:
            continue
        fallback = bool(
            destination.one_language and destination.languages and lang != destination.languages[0]
        )
        routed.append((destination.name, destination.language_wait if fallback else 0.0))
    return routed


def superseded(destination: DestinationBase, lang: str | None, available: Sequence[str]) -> bool:
    """PURE. True when the release exists in a language this destination prefers to ``lang``."""
    if not destination.one_language or not destination.languages or lang is None:
        return False
    order = destination.languages
    rank = order.index(lang) if lang in order else len(order)
    return any(other in order and order.index(other) < rank for other in available)


def assess_health(
    *,
    candidates: int,
    not_modified: bool,
    known_items: int,
    extracted: int,
    generic: int,
    previous: str | None,
) -> str | None:
    """PURE. Why a source's selectors look broken after a successful poll, or None.

    A listing that suddenly yields nothing (it had items before) or pages that mostly need
    the generic path mean a redesign; a 304 or a poll with nothing new to read proves
    nothing, so the previous verdict stands.
    """
    if not_modified:
        return previous
    if candidates == 0:
        return "source.no_candidates" if known_items > 0 else None
    if extracted == 0:
        return None if previous == "source.no_candidates" else previous
    return "source.profile_misses" if generic * 2 > extracted else None


_RECHECK_MIN = timedelta(minutes=15)
_RECHECK_MAX = timedelta(days=1)


def recheck_due(stored: StoredItem, now: datetime, recheck_days: float) -> bool:
    """PURE. Whether a known item's page should be fetched again to look for edits.

    Edits cluster in a release's first hours: the interval grows with its age (an eighth of
    it, between 15 minutes and a day), and stops after ``recheck_days``. Pages that answer
    conditional requests are cheap (a 304) and the caller checks those every poll.
    """
    age = now - stored.published
    if age > timedelta(days=recheck_days):
        return False
    if stored.checked_at is None:
        return True
    interval = min(_RECHECK_MAX, max(_RECHECK_MIN, age / 8))
    return now - stored.checked_at >= interval
