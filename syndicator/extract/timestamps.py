"""When a release was published and last updated, from the most to the least reliable sign.

Profile selectors, then ``<time>`` markup, then ``<meta>`` / JSON-LD, then visible labels
("Julkaistu 27.11.2026 klo 10.15"), then any date-looking element near the title.
"""

from __future__ import annotations

import re
from datetime import datetime, time

from bs4 import BeautifulSoup, Tag

from syndicator.configbase import ArticleProfile
from syndicator.extract.dates import parse_date
from syndicator.extract.metadata import PageMeta
from syndicator.extract.page import select_one

__all__ = ["find_dates"]

_PUBLISHED_MARKUP = (
    "time.published, time.entry-date, [itemprop=datePublished], time.post-date, "
    "time[pubdate], .published[datetime]"
)
_UPDATED_MARKUP = "time.updated, [itemprop=dateModified], time.modified, .updated[datetime]"
_DATE_MARKUP_CLASSES = frozenset({"published", "updated"})  # the two not tied to <time>
_PUBLISHED_LABEL = re.compile(
    r"(?:julkaistu|julkaisupäivä|publicerad|publicerat|published|posted(?:\s+on)?)\s*:?\s*",
    re.IGNORECASE,
)
_UPDATED_LABEL = re.compile(
    r"(?:päivitetty|muokattu|uppdaterad|uppdaterat|senast\s+uppdaterad|updated|last\s+modified)"
    r"\s*:?\s*",
    re.IGNORECASE,
)
_DATE_CLASS = re.compile(r"date|posted|published|entry-meta|post-meta|byline|time", re.I)
_MAX_REGION = 20_000


def find_dates(
    soup: BeautifulSoup, profile: ArticleProfile, meta: PageMeta, lang: str | None
) -> tuple[datetime | None, datetime | None]:
    """(published, updated); either may be None. Call after boilerplate removal."""
    region = _region(soup)
    text = region.get_text(" ")[:_MAX_REGION] if region is not None else ""
    meta_published = _parse(meta.published, lang)
    marked = region.find_all(_may_be_date_markup) if region is not None else []
    published = _with_meta_time(
        _from_selector(soup, profile.published, lang)
        or _from_markup(marked, _PUBLISHED_MARKUP, lang)
        or meta_published
        or _after_label(text, _PUBLISHED_LABEL, lang)
        or _near_title(region, lang),
        meta_published,
    )
    updated = (
        _from_selector(soup, profile.updated, lang)
        or _from_markup(marked, _UPDATED_MARKUP, lang, skip=_PUBLISHED_MARKUP)
        or _parse(meta.modified, lang)
        or _after_label(text, _UPDATED_LABEL, lang)
    )
    # WordPress writes modified_time = published_time for a post never edited: no update
    if updated is not None and published is not None and not _later(updated, published):
        updated = None
    return published, updated


def _with_meta_time(shown: datetime | None, meta: datetime | None) -> datetime | None:
    """A date shown without a time ("20 april 2026") takes the time of the same day's meta."""
    if shown is None or meta is None or shown.time() != time() or meta.date() != shown.date():
        return shown
    return meta


def _region(soup: BeautifulSoup) -> Tag | None:
    for selector in ("article", "main", "[role=main]", "body"):
        if (found := select_one(soup, selector)) is not None:
            return found
    return None


def _parse(text: str | None, lang: str | None) -> datetime | None:
    return parse_date(text, lang) if text else None


def _from_selector(soup: BeautifulSoup, selector: str | None, lang: str | None) -> datetime | None:
    found = select_one(soup, selector)
    return _from_element(found, lang) if found is not None else None


def _from_markup(
    marked: list[Tag], selector: str, lang: str | None, skip: str = ""
) -> datetime | None:
    """The first parseable match; ``skip``: "entry-date updated" is the published time."""
    for element in marked:
        if not element.css.match(selector) or (skip and element.css.match(skip)):
            continue
        if (moment := _from_element(element, lang)) is not None:
            return moment
    return None


def _may_be_date_markup(tag: Tag) -> bool:
    """Every element the markup selectors could match (and a few more): one walk, not two."""
    if tag.name == "time" or tag.has_attr("itemprop"):
        return True
    classes = tag.get("class")
    return isinstance(classes, list) and not _DATE_MARKUP_CLASSES.isdisjoint(classes)


def _from_element(element: Tag, lang: str | None) -> datetime | None:
    for attribute in ("datetime", "content", "title"):
        value = element.get(attribute)
        if isinstance(value, str) and (moment := parse_date(value, lang)) is not None:
            return moment
    return parse_date(element.get_text(" ", strip=True)[:200], lang)


def _after_label(text: str, label: re.Pattern[str], lang: str | None) -> datetime | None:
    for match in label.finditer(text):
        if (moment := parse_date(text[match.end() : match.end() + 60], lang)) is not None:
            return moment
    return None


def _near_title(region: Tag | None, lang: str | None) -> datetime | None:
    """A bare date in a date-ish element ("<span class=date>27.11.2026</span>")."""
    if region is None:
        return None
    for element in region.find_all(class_=_DATE_CLASS, limit=8):
        text = element.get_text(" ", strip=True)
        if len(text) <= 80 and (moment := parse_date(text, lang)) is not None:
            return moment
    return None


def _later(one: datetime, other: datetime) -> bool:
    # by instant: within one tzinfo Python compares wall clocks, and 03.30 (EEST) on the
    # autumn night the clocks go back is earlier than 03.30 (EET)
    return one.timestamp() > other.timestamp()
