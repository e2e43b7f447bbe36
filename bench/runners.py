"""Run one extractor over the corpus: per-page outputs in one shape, timing and memory.

``ours`` is :func:`syndicator.extract.extract_article` with the page's profile (and, on a
bilingual page, the pipeline's :func:`split_languages`). ``trafilatura`` is the library used
plainly: ``extract`` to text plus ``extract_metadata`` for title, date and language — both
inside the timed loop, since a user of plain trafilatura needs both.
"""

from __future__ import annotations

import re
import resource
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import trafilatura

from syndicator.errors import ExtractError
from syndicator.extract import extract_article
from syndicator.extract.bilingual import split_languages
from syndicator.extract.dates import HELSINKI
from syndicator.urls import canonical_url
from tests.extract.corpus import CorpusPage

__all__ = ["EXTRACTORS", "FIRST_SEEN", "PageOutput", "RunResult", "run_extractor"]

FIRST_SEEN = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)  # as in the golden test
LANGUAGES = ("fi", "sv", "en")
RUNS = 3
_URL = re.compile(r"https?://[^\s)\]>\"']+")


@dataclass(frozen=True, slots=True)
class PageOutput:
    name: str
    rejected: bool  # no article: ExtractError from ours, None from trafilatura
    error: str | None = None
    title: str | None = None
    lang: str | None = None
    day: str | None = None  # published day in Europe/Helsinki; None if not on the page
    text: str = ""
    lead: str = ""
    read_more: list[str] = field(default_factory=list)
    parts: list[dict[str, str]] = field(default_factory=list)  # bilingual split (ours)


@dataclass(frozen=True, slots=True)
class RunResult:
    extractor: str
    outputs: list[PageOutput]
    seconds: list[float]  # one per run over the whole corpus
    tracemalloc_peak: int  # bytes, one run over the corpus
    max_rss_kb: int  # the whole subprocess

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunResult:
        outputs = [PageOutput(**page) for page in data.pop("outputs")]
        return cls(outputs=outputs, **data)


def _ours(page: CorpusPage, *, collect: bool = True) -> PageOutput:
    try:
        article = extract_article(
            page.html, page.page_url, page.profile, language=page.language, first_seen=FIRST_SEEN
        )
    except ExtractError as exc:
        return PageOutput(page.name, rejected=True, error=exc.code)
    parts = split_languages(article, LANGUAGES) if page.kind == "bilingual" else [article]
    if not collect:
        return PageOutput(page.name, rejected=False)
    day = None
    if article.published is not None and not article.date_from_first_seen:
        day = article.published.astimezone(HELSINKI).date().isoformat()
    return PageOutput(
        page.name,
        rejected=False,
        title=article.title,
        lang=article.lang,
        day=day,
        text=article.text,
        lead=article.lead,
        read_more=[link.url for link in article.read_more],
        parts=[{"lang": p.lang or "", "title": p.title, "text": p.text} for p in parts],
    )


def _trafilatura(page: CorpusPage, *, collect: bool = True) -> PageOutput:
    text = trafilatura.extract(
        page.html,
        url=page.page_url,
        output_format="txt",
        include_comments=False,
        include_tables=True,
        favor_precision=False,
    )
    meta = trafilatura.extract_metadata(page.html, default_url=page.page_url)
    if text is None:
        return PageOutput(page.name, rejected=True, error="None")
    if not collect:
        return PageOutput(page.name, rejected=False)
    return PageOutput(
        page.name,
        rejected=False,
        title=meta.title,
        lang=meta.language,
        day=(meta.date or "")[:10] or None,
        text=text,
        read_more=_trafilatura_links(page),
    )


def _trafilatura_links(page: CorpusPage) -> list[str]:
    """Every URL in trafilatura's markdown output with links on (an extra call, untimed),
    canonicalised as ours are (tracking parameters dropped)."""
    linked = trafilatura.extract(
        page.html,
        url=page.page_url,
        output_format="markdown",
        include_comments=False,
        include_tables=True,
        include_links=True,
    )
    return [canonical_url(url) for url in _URL.findall(linked or "")]


EXTRACTORS: dict[str, Callable[..., PageOutput]] = {"ours": _ours, "trafilatura": _trafilatura}


def run_extractor(name: str, corpus: list[CorpusPage]) -> RunResult:
    """One traced run for the peak, best-of-:data:`RUNS` timing, then the outputs."""
    extract = EXTRACTORS[name]
    tracemalloc.start()  # first, while cold: lazily loaded models and caches count
    for page in corpus:
        extract(page, collect=False)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    seconds = []
    for _ in range(RUNS):
        start = time.perf_counter()
        for page in corpus:
            extract(page, collect=False)
        seconds.append(time.perf_counter() - start)
    outputs = [extract(page) for page in corpus]
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return RunResult(name, outputs, seconds, peak, max_rss)
