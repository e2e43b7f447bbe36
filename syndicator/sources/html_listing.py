"""Kind ``html``: a listing page (and its next pages) read with CSS selectors from feeds.toml."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from syndicator.configbase import Frozen, SourceBase, Url

__all__ = ["Config", "ListingSelectors"]


class ListingSelectors(Frozen):
    item: str = "article"  # one element per release on the listing
    link: str = "a[href]"  # inside item: the link to the release page
    title: str | None = "h2, h3"
    date: str | None = "time"
    teaser: str | None = None
    read_more: str | None = None
    next_page: str | None = None  # on the listing: the link to the next page


class Config(SourceBase):
    kind: Literal["html"]
    urls: tuple[Url, ...] = Field(min_length=1)
    selectors: ListingSelectors = ListingSelectors()
    max_pages: int = Field(default=1, ge=1, le=20)
