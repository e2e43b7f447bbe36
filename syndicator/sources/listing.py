"""What a source kind's ``candidates`` returns: the releases it found and the validators of
the listings, feeds or API answers it read, so the pipeline can save exactly those once it
has processed the releases (never through shared mutable state on the fetcher); and the
WebSub hub the first of them advertised, if any (``hubs.discovery``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from syndicator.http import Page, Validators
from syndicator.hubs.discovery import HubLink, Rel, choose_hub, header_links
from syndicator.model import Candidate

__all__ = ["Listing", "advertised_hub", "validators_of"]


@dataclass(frozen=True, slots=True)
class Listing:
    # None: every listing answered 304 Not Modified; () : they held nothing usable.
    candidates: tuple[Candidate, ...] | None
    validators: Mapping[str, Validators] = field(default_factory=dict)  # by requested URL
    hub: HubLink | None = None  # None also after a 304: nothing was read to tell
    # Set by a listing ordered by modification time (WordPress): every item changed since
    # then is shown, so a known item published since then and missing was taken out.
    shown_since: datetime | None = None


def validators_of(url: str, page: Page) -> dict[str, Validators]:
    """``{url: (etag, last_modified)}`` of a page fetched from ``url``."""
    return {url: (page.etag, page.last_modified)}


def advertised_hub(page: Page, document: Sequence[Rel] = ()) -> HubLink | None:
    """The hub and topic ``page`` names in its ``Link`` header, else in ``document``."""
    return choose_hub(page.url, header_links(page.headers.get("link"), page.url), document)
