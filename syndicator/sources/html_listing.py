"""Kind ``html``: a listing page (and its next pages) read with CSS selectors from feeds.toml.

Each ``urls`` entry is fetched conditionally; while it changed, up to ``max_pages`` pages are
followed through ``selectors.next_page``. Items become candidates with absolute canonical
URLs, de-duplicated, at most ``max_items``. A listing whose items match nothing yields ``()``.
Each page is parsed in a parse worker (``read_page``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from cssselect import SelectorError
from pydantic import Field, ValidationInfo, field_validator

from syndicator.configbase import Frozen, SourceBase, Url
from syndicator.extract import tree
from syndicator.extract.dates import parse_date
from syndicator.extract.tree import Element
from syndicator.http import Fetcher, Validators
from syndicator.hubs.discovery import HubLink, Rel, html_links
from syndicator.model import Candidate, Link
from syndicator.parsing import Parser
from syndicator.sources.listing import Listing, advertised_hub, validators_of
from syndicator.urls import absolute_url, canonical_url

__all__ = ["Config", "ListingPage", "ListingSelectors", "candidates", "read_page"]


class ListingSelectors(Frozen):
    item: str = "article"  # one element per release on the listing
    link: str = "a[href]"  # inside item: the link to the release page
    title: str | None = "h2, h3"
    date: str | None = "time"
    teaser: str | None = None
    read_more: str | None = None
    next_page: str | None = None  # on the listing: the link to the next page

    @field_validator("*")
    @classmethod
    def _compiles(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None:
            try:
                tree.compile_selector(value)
            except SelectorError as exc:
                raise ValueError(
                    f"{info.field_name}: not a valid CSS selector {value!r}: {exc}"
                ) from None
        return value


class Config(SourceBase):
    kind: Literal["html"]
    urls: tuple[Url, ...] = Field(min_length=1)
    selectors: ListingSelectors = ListingSelectors()
    max_pages: int = Field(default=1, ge=1, le=20)


@dataclass(frozen=True, slots=True)
class ListingPage:
    candidates: tuple[Candidate, ...]
    next_page: str | None
    links: tuple[Rel, ...] = ()  # the page's <link> elements (rel="hub", rel="self", ...)


async def candidates(source: Config, fetcher: Fetcher, parser: Parser) -> Listing:
    """Candidates None when every listing URL answered 304 Not Modified."""
    found: dict[str, Candidate] = {}
    validators: dict[str, Validators] = {}
    hubs: list[HubLink] = []
    changed = False
    for url in source.urls:
        if len(found) >= source.max_items:
            break
        changed |= await _read_listing(url, source, fetcher, parser, found, validators, hubs)
    if not changed:
        return Listing(None)
    return Listing(tuple(found.values())[: source.max_items], validators, next(iter(hubs), None))


async def _read_listing(
    start: str,
    source: Config,
    fetcher: Fetcher,
    parser: Parser,
    found: dict[str, Candidate],
    validators: dict[str, Validators],
    hubs: list[HubLink],
) -> bool:
    """Add the items of ``start`` and its next pages to ``found`` (and the hub its first
    page advertises to ``hubs``); False on a 304."""
    url: str | None = start
    visited: set[str] = set()
    changed = False
    while url is not None and url not in visited and len(visited) < source.max_pages:
        visited.add(url)
        page = await fetcher.get(url, conditional=True, source=source.name)
        if page is None:
            break
        changed = True
        validators.update(validators_of(url, page))
        read = await parser.run(read_page, page.text, page.url, source)
        if url == start and (hub := advertised_hub(page, read.links)) is not None:
            hubs.append(hub)
        for candidate in read.candidates:
            found.setdefault(candidate.url, candidate)
        if len(found) >= source.max_items:
            break
        url = read.next_page
    return changed


def read_page(text: str, url: str, source: Config) -> ListingPage:
    """One listing page's items and its next page (in a parse worker)."""
    root = tree.parse_page(text)
    items = tuple(_items(root, url, source))
    return ListingPage(items, _next_page(root, url, source.selectors), tuple(html_links(root, url)))


def _items(root: Element, base: str, source: Config) -> list[Candidate]:
    selectors, found = source.selectors, []
    for item in tree.select_all(root, selectors.item):
        link = item if item.tag == "a" else tree.select_one(item, selectors.link)
        url = _absolute(link, base)
        if url is None:
            continue
        title = _text(tree.select_one(item, selectors.title)) if selectors.title else ""
        found.append(
            Candidate(
                url=url,
                title=title or _text(link) or None,
                published=_date(item, selectors.date, source.language),
                teaser=_text(tree.select_one(item, selectors.teaser)) if selectors.teaser else "",
                lang=source.language,
                read_more=_read_more(item, selectors.read_more, base),
            )
        )
    return found


def _text(element: Element | None) -> str:
    return " ".join(tree.text_of(element, " ").split()) if element is not None else ""


def _attr(element: Element | None, name: str) -> str | None:
    value = element.get(name) if element is not None else None
    return value.strip() if value else None


def _absolute(link: Element | None, base: str) -> str | None:
    href = _attr(link, "href")
    absolute = absolute_url(href, base) if href else None
    return canonical_url(absolute) if absolute else None


def _date(item: Element, selector: str | None, lang: str | None) -> datetime | None:
    element = tree.select_one(item, selector)
    if element is None:
        return None
    for text in (_attr(element, "datetime"), _attr(element, "content"), _text(element)):
        if text and (moment := parse_date(text, lang)) is not None:
            return moment
    return None


def _read_more(item: Element, selector: str | None, base: str) -> tuple[Link, ...]:
    links = []
    for anchor in tree.select_all(item, selector):
        link = anchor if anchor.tag == "a" else tree.select_one(anchor, "a[href]")
        url = _absolute(link, base)
        if url is not None:
            links.append(Link(url=url, label=_text(link)))
    return tuple(links)


def _next_page(root: Element, base: str, selectors: ListingSelectors) -> str | None:
    element = tree.select_one(root, selectors.next_page)
    link = element if element is None or element.tag == "a" else tree.select_one(element, "a[href]")
    href = _attr(link, "href")
    return absolute_url(href, base) if href else None
