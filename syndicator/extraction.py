"""One article page → the articles to save: everything between fetching and saving that costs
CPU (extraction, the language cross-check, the bilingual split). It runs in a parse worker
(``parsing.ParsePool``), so its arguments and result are plain picklable data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from syndicator.configbase import ArticleProfile
from syndicator.extract import extract_article
from syndicator.extract.bilingual import split_languages
from syndicator.extract.detect import detect_language
from syndicator.extract.displaytext import clean_article
from syndicator.model import Article, Candidate

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
    """Add the listing's read-more links the page itself lacks (partner reposts)."""
    known = {link.url for link in article.read_more}
    extra = [link for link in candidate.read_more if link.url not in known]
    return replace(article, read_more=(*article.read_more, *extra)) if extra else article
