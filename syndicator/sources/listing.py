"""What a source kind's ``candidates`` returns: the releases it found and the validators of
the listings, feeds or API answers it read, so the pipeline can save exactly those once it
has processed the releases (never through shared mutable state on the fetcher)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from syndicator.http import Page, Validators
from syndicator.model import Candidate

__all__ = ["Listing", "validators_of"]


@dataclass(frozen=True, slots=True)
class Listing:
    # None: every listing answered 304 Not Modified; () : they held nothing usable.
    candidates: tuple[Candidate, ...] | None
    validators: Mapping[str, Validators] = field(default_factory=dict)  # by requested URL


def validators_of(url: str, page: Page) -> dict[str, Validators]:
    """``{url: (etag, last_modified)}`` of a page fetched from ``url``."""
    return {url: (page.etag, page.last_modified)}
