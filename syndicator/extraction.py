"""One article page → the articles to save: everything between fetching and saving that costs
CPU (extraction, the language cross-check, the bilingual split). It runs in a parse worker
(``parsing.ParsePool``), so its arguments and result are plain picklable data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time

from syndicator.configbase import ArticleProfile
from syndicator.extract import extract_article
from syndicator.extract.bilingual import split_languages
from syndicator.extract.detect import detect_language
from syndicator.extract.displaytext import clean_article
from syndicator.locales import HELSINKI
from syndicator.model import Article, Candidate, Image

__all__ = ["Extraction", "read_article"]


@dataclass(frozen=True, slots=True)
class Extraction:
    article: Article  # the page as extracted, before the split
    parts: tuple[Article, ...]  # one per language, listing read-more links merged in
    detected: tuple[str, float] | None  # the text's language and its confidence


def read_article(
    html: str,
    url: str,
    profile: ArticleProfile,
    hint: str | None,
    first_seen: datetime,
    candidate: Candidate,
    languages: Sequence[str],
) -> Extraction:
    """``ExtractError`` (``extract.no_article``) when the page holds no article."""
    article = extract_article(html, url, profile, language=hint, first_seen=first_seen)
    detected = detect_language(article.text, languages)
    parts = split_languages(_merge(article, candidate), languages)
    # a split part's title and lead come from the body: cleaned and capped like the page's
    return Extraction(article, tuple(clean_article(part) for part in parts), detected)


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
