"""One article page → the articles to save: everything between fetching and saving that costs
CPU (extraction, the language decision, the bilingual split, the publisher stamp). The poll
(``pipeline``) and ``syndicator extract`` (``inspection``) both call ``read_article``, so what
an operator inspects is what the poller stores. It runs in a parse worker
(``parsing.ParsePool``), so its arguments and result are plain picklable data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from syndicator.configbase import ArticleProfile
from syndicator.extract import extract_article
from syndicator.extract.bilingual import declared_language, split_languages
from syndicator.extract.detect import detect_language, identify_language
from syndicator.extract.displaytext import clean_article
from syndicator.model import Article, Candidate
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
    """Add the listing's read-more links the page itself lacks (partner reposts)."""
    known = {link.url for link in article.read_more}
    extra = [link for link in candidate.read_more if link.url not in known]
    return replace(article, read_more=(*article.read_more, *extra)) if extra else article
