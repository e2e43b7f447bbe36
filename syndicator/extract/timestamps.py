"""When a release was published and last updated, from the most to the least reliable sign.

Profile selectors, then ``<time>`` markup, then ``<meta>`` / JSON-LD, then visible labels
("Julkaistu 27.11.2026 klo 10.15"), then any date-looking element near the title.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, time
from itertools import islice

import lxml.etree as etree

from syndicator.configbase import ArticleProfile
from syndicator.extract import tree
from syndicator.extract.dates import parse_date
from syndicator.extract.metadata import PageMeta
from syndicator.extract.tree import Element

__all__ = ["find_dates"]

# The markup selectors, matched one element at a time:
# "time.published, time.entry-date, [itemprop=datePublished], time.post-date,
# time[pubdate], .published[datetime]" and
# "time.updated, [itemprop=dateModified], time.modified, .updated[datetime]".
_PUBLISHED_TIME = frozenset({"published", "entry-date", "post-date"})
_UPDATED_TIME = frozenset({"updated", "modified"})
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
# Candidates for the markup selectors (and a few more): <time>, itemprop, the two classes not
# tied to <time>. The class test is by token, in Python.
_MARKUP_CANDIDATES = etree.XPath(
    "descendant::*[self::time or @itemprop or (@class and (contains(@class, 'published') or "
    "contains(@class, 'updated')))]"
)
_CLASSED = etree.XPath("descendant::*[@class]")
# bs4's get_text leaves out the strings of <script>, <style>, <template>, <rt> and <rp>
_HIDDEN = ("script", "style", "template", "rt", "rp")
_VISIBLE = (
    "descendant::text()[not(ancestor::script or ancestor::style or ancestor::template or "
    "ancestor::rt or ancestor::rp)]"
)
_VISIBLE_TEXT = etree.XPath(_VISIBLE, smart_strings=False)
_VISIBLE_NODES = etree.XPath(_VISIBLE)  # strings that know their parent: for <pre>
_KEEPS_SPACE = ("pre", "textarea")
_ASCII_SPACE = " \n\t\f\r"


def find_dates(
    root: Element, profile: ArticleProfile, meta: PageMeta, lang: str | None
) -> tuple[datetime | None, datetime | None]:
    """(published, updated); either may be None. Call after boilerplate removal."""
    region = _region(root)
    text = _text(region, " ")[:_MAX_REGION] if region is not None else ""
    meta_published = _parse(meta.published, lang)
    marked = _markup_candidates(region) if region is not None else []
    published = _with_meta_time(
        _from_selector(root, profile.published, lang)
        or _from_markup(marked, _is_published, lang)
        or meta_published
        or _after_label(text, _PUBLISHED_LABEL, lang)
        or _near_title(region, lang),
        meta_published,
    )
    updated = (
        _from_selector(root, profile.updated, lang)
        or _from_markup(marked, _is_updated, lang, skip=_is_published)
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


def _region(root: Element) -> Element | None:
    for name in ("article", "main"):
        if (found := tree.find(root, name)) is not None:
            return found
    if root.get("role") == "main":  # bs4 searched from the document, <html> included
        return root
    if (found := tree.select_one(root, "[role=main]")) is not None:
        return found
    return tree.find(root, "body")


def _parse(text: str | None, lang: str | None) -> datetime | None:
    return parse_date(text, lang) if text else None


def _from_selector(root: Element, selector: str | None, lang: str | None) -> datetime | None:
    found = tree.select_one(root, selector)
    return _from_element(found, lang) if found is not None else None


def _from_markup(
    marked: list[Element],
    matches: Callable[[Element], bool],
    lang: str | None,
    skip: Callable[[Element], bool] | None = None,
) -> datetime | None:
    """The first parseable match; ``skip``: "entry-date updated" is the published time."""
    for element in marked:
        if not matches(element) or (skip is not None and skip(element)):
            continue
        if (moment := _from_element(element, lang)) is not None:
            return moment
    return None


def _markup_candidates(region: Element) -> list[Element]:
    """Every element the markup selectors could match (and a few more): one walk, not two."""
    return _found(_MARKUP_CANDIDATES(region))


def _found(result: object) -> list[Element]:
    return [e for e in result if isinstance(e, etree._Element)] if isinstance(result, list) else []


def _is_published(element: Element) -> bool:
    classes = tree.classes(element)
    if element.tag == "time" and (
        not _PUBLISHED_TIME.isdisjoint(classes) or element.get("pubdate") is not None
    ):
        return True
    if element.get("itemprop") == "datePublished":
        return True
    return "published" in classes and element.get("datetime") is not None


def _is_updated(element: Element) -> bool:
    classes = tree.classes(element)
    if element.tag == "time" and not _UPDATED_TIME.isdisjoint(classes):
        return True
    if element.get("itemprop") == "dateModified":
        return True
    return "updated" in classes and element.get("datetime") is not None


def _from_element(element: Element, lang: str | None) -> datetime | None:
    for attribute in ("datetime", "content", "title"):
        value = element.get(attribute)
        if value is not None and (moment := parse_date(value, lang)) is not None:
            return moment
    return parse_date(_text(element, " ", strip=True)[:200], lang)


def _after_label(text: str, label: re.Pattern[str], lang: str | None) -> datetime | None:
    for match in label.finditer(text):
        if (moment := parse_date(text[match.end() : match.end() + 60], lang)) is not None:
            return moment
    return None


def _near_title(region: Element | None, lang: str | None) -> datetime | None:
    """A bare date in a date-ish element ("<span class=date>27.11.2026</span>")."""
    if region is None:
        return None
    dated = (e for e in _found(_CLASSED(region)) if _DATE_CLASS.search(tree.attr(e, "class")))
    for element in islice(dated, 8):  # bs4's find_all(limit=8)
        text = _text(element, " ", strip=True)
        if len(text) <= 80 and (moment := parse_date(text, lang)) is not None:
            return moment
    return None


def _text(element: Element, separator: str, *, strip: bool = False) -> str:
    """bs4's ``get_text``, which the label and date searches were tuned on: the strings of a
    script, style, template, rt or rp (below ``element`` or around it) are not text, and a
    string of ASCII whitespace alone between tags counts as one "\\n" (" " without a newline)
    outside ``<pre>`` and ``<textarea>``."""
    hidden = any(True for _ in element.iterdescendants(*_HIDDEN)) or any(
        True
        for _ in element.iterancestors(*_HIDDEN)  # bs4: all text under <template> is hidden
    )
    if strip and not hidden:
        return tree.text_of(element, separator, strip=True)
    keeps = not strip and (
        any(True for _ in element.iter(*_KEEPS_SPACE))
        or any(True for _ in element.iterancestors(*_KEEPS_SPACE))
    )
    found = (_VISIBLE_NODES if keeps else _VISIBLE_TEXT)(element)
    nodes = [node for node in found if isinstance(node, str)] if isinstance(found, list) else []
    if strip:
        return separator.join(part for node in nodes if (part := node.strip()))
    return separator.join(_collapsed(node, keeps) for node in nodes)


def _collapsed(node: str, keeps: bool) -> str:
    if node.strip(_ASCII_SPACE) or (keeps and _in_pre(node)):
        return str(node)
    return "\n" if "\n" in node else " "


def _in_pre(node: object) -> bool:
    """Whether a text node (an lxml smart string) lies inside ``<pre>`` or ``<textarea>``."""
    parent = getattr(node, "getparent", lambda: None)()
    owner = parent.getparent() if parent is not None and getattr(node, "is_tail", False) else parent
    while owner is not None:
        if owner.tag in _KEEPS_SPACE:
            return True
        owner = owner.getparent()
    return False


def _later(one: datetime, other: datetime) -> bool:
    # by instant: within one tzinfo Python compares wall clocks, and 03.30 (EEST) on the
    # autumn night the clocks go back is earlier than 03.30 (EET)
    return one.timestamp() > other.timestamp()
