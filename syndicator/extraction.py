"""One article page → the articles to save: everything between fetching and saving that costs
CPU (extraction, the language decision, the bilingual split, the publisher stamp). The poll
(``pipeline``) and ``syndicator extract`` (``inspection``) both call ``read_article``, so what
an operator inspects is what the poller stores. It runs in a parse worker
(``parsing.ParsePool``), so its arguments and result are plain picklable data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time

from syndicator.configbase import ArticleProfile
from syndicator.extract import extract_article
from syndicator.extract.bilingual import declared_language, split_languages
from syndicator.extract.detect import detect_language, identify_language
from syndicator.extract.displaytext import clean_article
from syndicator.locales import HELSINKI
from syndicator.model import Article, Candidate, Image
from syndicator.organisation import OrganisationSetting, stamp

__all__ = ["Extraction", "read_article"]


@dataclass(frozen=True, slots=True)
class Extraction:
    article: Article  # the page as extracted, its language settled, before the split
    parts: tuple[Article, ...]  # one per language, listing read-more links merged, stamped
    detected: tuple[str, float] | None  # the text's language and its confidence
    language_note: str = ""  # why the page has no language, when it has none


def read_article(
    html: str,
    url: str,
    profile: ArticleProfile,
    hint: str | None,
    first_seen: datetime,
    candidate: Candidate,
    languages: Sequence[str],
    organisation: OrganisationSetting,
) -> Extraction:
    """``ExtractError`` (``extract.no_article``) when the page holds no article."""
    extracted = extract_article(html, url, profile, language=hint, first_seen=first_seen)
    article, note = _settle_language(extracted, languages)
    detected = detect_language(article.text, languages)
    parts = split_languages(_merge(article, candidate), languages)
    # a split part's title and lead come from the body: cleaned and capped like the page's
    ready = tuple(stamp(clean_article(part), organisation) for part in parts)
    return Extraction(article, ready, detected, note)


def _settle_language(article: Article, languages: Sequence[str]) -> tuple[Article, str]:
    """``lang`` attributes in the body beat the page's markup, URL and source; the text
    decides when nothing is declared; a language we do not publish becomes None, with the
    reason, rather than a wrong guess."""
    lang, note = declared_language(article.body_html) or article.lang, ""
    if lang is None:
        found = identify_language(article.text, languages)
        lang, note = found.lang, found.reason
    elif lang not in languages:
        note = f"the page is in {lang}, not a published language ({', '.join(languages)})"
        lang = None
    if lang == article.lang:
        return article, note
    others = tuple(link for link in article.alternates if link.lang != lang)
    return replace(article, lang=lang, alternates=others), note


def _merge(article: Article, candidate: Candidate) -> Article:
    """Add what the listing or feed knew and the page itself lacks: read-more links (partner
    reposts), the featured image, the time of day of a page that shows only the day."""
    known = {link.url for link in article.read_more}
    extra = [link for link in candidate.read_more if link.url not in known]
    if extra:
        article = replace(article, read_more=(*article.read_more, *extra))
    if candidate.image and not article.images:
        article = replace(article, images=(Image(candidate.image),))
    if _time_of_day(candidate.published, article):
        article = replace(article, published=candidate.published, date_from_first_seen=False)
    return article


def _time_of_day(listed: datetime | None, article: Article) -> bool:
    """``listed`` (a feed's pubDate) has a time, the page none: no date, or that day at 0:00."""
    local = listed.astimezone(HELSINKI) if listed is not None else None
    if local is None or local.time() == time():  # a listing's bare day adds nothing
        return False
    shown = article.published.astimezone(HELSINKI) if article.published else None
    bare_day = shown is not None and shown.time() == time() and shown.date() == local.date()
    return article.date_from_first_seen or bare_day
