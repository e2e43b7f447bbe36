"""PURE. Which known pages a poll fetches again when their listing changed.

A known item is fetched again (always conditionally) only when (1) the listing shows a
different day for it, or (2) its own re-check is due (``decide.recheck_due``: an eighth of
its age, 15 minutes to a day), or (3) it is under two days old — when edits happen — and
answers conditional requests (a 304 is cheap). Past ``recheck_days`` never — unless (0) the
source stamps each item with its modification time (WordPress ``modified_gmt``) and that is
later than our last look: then at once, at any age. A changed listing therefore costs its
new pages, not a request for every item it shows.

A page whose parse overran its budget is parked (``store.page_failures``) until its
``retry_at`` (1 h, doubling up to a day); one delivered inline (feeds without page fetch,
WordPress) is parsed again as soon as its content changes.

A known page answering 404 or 410 gets a strike (a ``page_failures`` row of code
``fetch.gone``, parked until the source's ``withdraw_after``); a second 404/410 once that
has passed withdraws it (``gone_confirmed``). A withdrawn item that is listed again is
always fetched, unconditionally: its old validators must not hide its return.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta

from syndicator.decide import recheck_due
from syndicator.locales import HELSINKI
from syndicator.model import StoredItem
from syndicator.store.sources import PageFailure
from syndicator.store.withdrawals import GONE_CODE

__all__ = [
    "CLOCK_SKEW",
    "GONE_STATUSES",
    "YOUNG",
    "changed_since",
    "content_digest",
    "gone_confirmed",
    "old_news",
    "parked",
    "worth_fetching",
]

YOUNG = timedelta(days=2)  # edits cluster in a release's first days
GONE_STATUSES = frozenset({404, 410})
CLOCK_SKEW = timedelta(minutes=5)  # between a site's modification stamps and our clock


def worth_fetching(
    listed: datetime | None,
    stored: StoredItem,
    now: datetime,
    recheck_days: int,
    *,
    conditional: bool,
    modified: datetime | None = None,
) -> bool:
    """``listed``: the date the listing shows; ``conditional``: the page gave validators;
    ``modified``: when the source says the item last changed (WordPress ``modified_gmt``)."""
    if stored.withdrawn_at is not None:  # listed again after it was withdrawn
        return True
    if modified is not None and changed_since(modified, stored.checked_at):
        return True  # the source says it changed: read it now, at any age
    age = now - stored.published
    if age > timedelta(days=recheck_days):
        return False
    if listed is not None and _day(listed) != _day(stored.published):  # listings show days
        return True
    return recheck_due(stored, now, recheck_days) or (age < YOUNG and conditional)


def changed_since(modified: datetime, checked: datetime | None) -> bool:
    """Whether a change stamped ``modified`` by the source may be newer than our last look;
    ``CLOCK_SKEW`` of slack, as the stamp is the site's clock and ``checked`` ours."""
    return checked is None or modified > checked - CLOCK_SKEW


def old_news(published: datetime | None, modified: datetime | None, now: datetime,
             recheck_days: int) -> bool:  # fmt: skip
    """A release first seen through a later edit, published before the re-check window: a
    listing by modification time (WordPress) brings old posts back when someone fixes a
    typo. It is stored, so its next edits are followed, and announced to nobody."""
    if published is None or modified is None:
        return False
    return now - published > timedelta(days=recheck_days) and modified - published > CLOCK_SKEW


def parked(failure: PageFailure, inline: str | None, now: datetime) -> bool:
    """A page that failed to parse waits out its backoff, unless its content changed."""
    if inline is not None and content_digest(inline) != failure.content_hash:
        return False
    return now < failure.retry_at


def gone_confirmed(strike: PageFailure | None, now: datetime) -> bool:
    """A 404/410 now confirms an earlier one: a strike exists and its wait is over."""
    return strike is not None and strike.error_code == GONE_CODE and now >= strike.retry_at


def content_digest(html: str) -> str:
    return hashlib.sha256(html.encode("utf-8", "surrogatepass")).hexdigest()


def _day(moment: datetime) -> date:
    return moment.astimezone(HELSINKI).date()
