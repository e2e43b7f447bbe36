"""Poll one source end to end: candidates → pages → articles → decisions → store + outbox.

Expected per-source failures (unreachable, 503, garbage) are results: recorded on the
source, logged once, and the worker goes on. Only our own bugs propagate.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

from syndicator.configbase import DestinationBase, SourceBase
from syndicator.decide import assess_health, decide, recheck_due, route
from syndicator.errors import ExtractError, FetchError
from syndicator.extract import extract_article
from syndicator.extract.bilingual import split_languages
from syndicator.extract.dates import HELSINKI
from syndicator.extract.detect import MIN_CONFIDENCE, detect_language
from syndicator.http import Fetcher
from syndicator.logs import log_event
from syndicator.metrics import EXTRACT_FALLBACKS, POLLS
from syndicator.model import Article, Candidate, StoredItem
from syndicator.sources import kind_of
from syndicator.store import Store
from syndicator.urls import canonical_url

__all__ = ["PollResult", "poll_source"]

log = logging.getLogger("syndicator.pipeline")


@dataclass(slots=True)
class PollResult:
    source: str
    ok: bool = True
    not_modified: bool = False
    candidates: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0
    extracted: int = 0
    generic: int = 0  # pages where the site profile found no body
    error_code: str | None = None
    retry_after: float | None = None
    degraded: str | None = None


@dataclass(slots=True)
class _Poll:
    source: SourceBase
    store: Store
    fetcher: Fetcher
    destinations: Sequence[DestinationBase]
    languages: Sequence[str]
    clock: Callable[[], datetime]
    catching_up: bool = False
    result: PollResult = field(init=False)

    def __post_init__(self) -> None:
        self.result = PollResult(self.source.name)


async def poll_source(
    source: SourceBase,
    *,
    store: Store,
    fetcher: Fetcher,
    destinations: Sequence[DestinationBase],
    languages: Sequence[str] = ("fi", "sv", "en"),
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> PollResult:
    poll = _Poll(source, store, fetcher, destinations, languages, clock)
    fetcher.pending_validators.clear()
    try:
        candidates = await kind_of(source).candidates(source, fetcher)
    except FetchError as exc:
        return _failed(poll, exc)
    poll.catching_up = source.catch_up and not store.is_caught_up(source.name)
    result = poll.result
    result.not_modified = candidates is None
    candidates = candidates or []
    result.candidates = len(candidates)
    if not candidates and not result.not_modified:
        log_event(log, logging.WARNING, "poll.empty",
                  f"{source.name}: the listing yielded no releases",
                  source=source.name, error_code="source.no_candidates")  # fmt: skip
    succeeded, last_error = await _process_all(poll, candidates)
    # Validators are kept only for what was processed: a failed article must not hide
    # behind a 304 of its listing next time.
    pending = dict(fetcher.pending_validators)
    keep = pending if result.errors == 0 else {u: v for u, v in pending.items() if u in succeeded}
    store.save_validators(keep, clock())
    fetcher.pending_validators.clear()
    if last_error is not None and not succeeded:  # every item failed: the source is broken
        store.record_poll(
            source.name, clock(), error_code=last_error.code, error=last_error.message
        )
        result.ok, result.error_code = False, last_error.code
    else:
        _record_health(poll)
    POLLS.labels(source=source.name, result="ok" if result.ok else "error").inc()
    log_event(log, logging.INFO, "poll.done",
              f"{source.name}: {result.created} new, {result.updated} updated"
              + (" (catch-up: nothing sent)" if poll.catching_up else ""),
              source=source.name, items=result.candidates, new=result.created,
              edited=result.updated, skipped=result.unchanged, errors=result.errors)  # fmt: skip
    return result


async def _process_all(
    poll: _Poll, candidates: list[Candidate]
) -> tuple[set[str], FetchError | ExtractError | None]:
    succeeded: set[str] = set()
    last_error: FetchError | ExtractError | None = None
    # Oldest first, so events (and deliveries) follow publication order.
    for candidate in reversed(candidates[: poll.source.max_items]):
        try:
            await _process(poll, candidate)
            succeeded.add(candidate.url)
        except (FetchError, ExtractError) as exc:
            poll.result.errors += 1
            last_error = exc
            log_event(log, logging.WARNING, "item.failed", f"{candidate.url}: {exc.message}",
                      source=poll.source.name, url=candidate.url, error_code=exc.code)  # fmt: skip
    return succeeded, last_error


async def _process(poll: _Poll, candidate: Candidate) -> None:
    """Fetch, extract, decide and save one candidate (each language of it)."""
    now, source, result = poll.clock(), poll.source, poll.result
    url = canonical_url(candidate.url)
    stored = poll.store.find_item(url)
    if stored is not None and not _worth_fetching(poll, candidate, stored, now):
        result.unchanged += 1
        return
    html, page_url = candidate.html, url
    if html is None:
        # Always conditional: a new page's validators are remembered, so checking it for
        # edits later costs a 304.
        page = await poll.fetcher.get(candidate.url, conditional=True, source=source.name)
        if page is None:  # 304: known and unchanged
            if stored is not None:
                poll.store.mark_checked(stored.item_id, now)
            result.unchanged += 1
            return
        html, page_url = page.text, page.url
    hint = source.language or candidate.lang
    article = extract_article(html, page_url, source.article, language=hint, first_seen=now)
    _observe(poll, article)
    for part in split_languages(_merge(article, candidate), poll.languages):
        _save(poll, part, now)


def _worth_fetching(poll: _Poll, candidate: Candidate, stored: StoredItem, now: datetime) -> bool:
    """Known items: a cheap conditional GET when the page gave validators, else a full
    fetch only when the listing shows a different date or the re-check is due."""
    if now - stored.published > timedelta(days=poll.source.recheck_days):
        return False
    if poll.store.get_validators(candidate.url) is not None:
        return True
    listed = candidate.published
    moved = listed is not None and _day(listed) != _day(stored.published)  # listings show days
    return moved or recheck_due(stored, now, poll.source.recheck_days)


def _day(moment: datetime) -> date:
    return moment.astimezone(HELSINKI).date()


def _observe(poll: _Poll, article: Article) -> None:
    """Count profile misses; cross-check the declared language with the text."""
    name = poll.source.name
    poll.result.extracted += 1
    if article.generic:
        poll.result.generic += 1
        EXTRACT_FALLBACKS.labels(source=name).inc()
        log_event(log, logging.INFO, "extract.profile_miss",
                  f"{name}: the site profile found no body; generic extraction used",
                  source=name, url=article.url)  # fmt: skip
    detected = detect_language(article.text, poll.languages)
    if article.lang and detected and detected[0] != article.lang and detected[1] >= MIN_CONFIDENCE:
        log_event(log, logging.WARNING, "extract.language_mismatch",
                  f"{article.url}: declared {article.lang}, the text reads as {detected[0]}",
                  source=name, url=article.url, lang=article.lang)  # fmt: skip


def _save(poll: _Poll, article: Article, now: datetime) -> None:
    source, store, result = poll.source, poll.store, poll.result
    stored = store.find_item(article.url, source=source.name, post_id=article.post_id)
    decision = decide(stored, article)
    if decision.event is None:
        if stored is not None:
            store.mark_checked(stored.item_id, now)
        result.unchanged += 1
        return
    routed: list[tuple[str, float]] = []
    if poll.catching_up:
        log_event(log, logging.INFO, "delivery.catch_up",
                  f"catch-up: stored without sending: {article.title}",
                  source=source.name, url=article.url, lang=article.lang)  # fmt: skip
    else:
        routed = route(poll.destinations, source=source.name, lang=article.lang,
                       event=decision.event)  # fmt: skip
    store.save_article(source.name, article, decision, stored, destinations=routed, now=now)
    if decision.event == "created":
        result.created += 1
    else:
        result.updated += 1
    log_event(log, logging.INFO, f"item.{decision.event}", article.title, source=source.name,
              url=article.url, lang=article.lang, count=len(routed))  # fmt: skip


def _merge(article: Article, candidate: Candidate) -> Article:
    """Add the listing's read-more links the page itself lacks (partner reposts)."""
    known = {link.url for link in article.read_more}
    extra = [link for link in candidate.read_more if link.url not in known]
    return replace(article, read_more=(*article.read_more, *extra)) if extra else article


def _record_health(poll: _Poll) -> None:
    """Mark the source degraded when its selectors stopped working; say so once."""
    result, name = poll.result, poll.source.name
    state = poll.store.source_state(name)
    previous = state.degraded if state else None
    result.degraded = assess_health(
        candidates=result.candidates, not_modified=result.not_modified,
        known_items=poll.store.item_count(name), extracted=result.extracted,
        generic=result.generic, previous=previous,
    )  # fmt: skip
    poll.store.record_poll(name, poll.clock(), degraded=result.degraded)
    if result.degraded and result.degraded != previous:
        log_event(log, logging.WARNING, "source.degraded",
                  f"{name}: selectors need fixing ({result.degraded}); the feeds keep what "
                  f"they had — check with: syndicator extract URL --source {name}",
                  source=name, error_code=result.degraded)  # fmt: skip
    elif previous and not result.degraded:
        log_event(log, logging.INFO, "source.recovered", f"{name}: selectors work again",
                  source=name)  # fmt: skip


def _failed(poll: _Poll, exc: FetchError) -> PollResult:
    result, name = poll.result, poll.source.name
    result.ok, result.error_code, result.retry_after = False, exc.code, exc.retry_after
    poll.store.record_poll(name, poll.clock(), error_code=exc.code, error=exc.message)
    POLLS.labels(source=name, result="error").inc()
    log_event(log, logging.WARNING, "poll.failed", f"{name}: {exc.message}", source=name,
              url=exc.url, status=exc.status, error_code=exc.code)  # fmt: skip
    return result
