"""Poll one source end to end: candidates → pages → articles → decisions → store + outbox.

Expected per-source failures (unreachable, 503, garbage) are results: recorded on the
source, logged once, and the worker goes on. Only our own bugs propagate.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from syndicator.configbase import DestinationBase, SourceBase
from syndicator.decide import decide, route
from syndicator.errors import ExtractError, FetchError
from syndicator.extract import extract_article
from syndicator.http import Fetcher
from syndicator.logs import log_event
from syndicator.metrics import POLLS
from syndicator.model import Article, Candidate, Link
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
    error_code: str | None = None
    retry_after: float | None = None


async def poll_source(
    source: SourceBase,
    *,
    store: Store,
    fetcher: Fetcher,
    destinations: Sequence[DestinationBase],
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> PollResult:
    result = PollResult(source.name)
    fetcher.pending_validators.clear()
    try:
        candidates = await kind_of(source).candidates(source, fetcher)
    except FetchError as exc:
        return _failed(store, source, result, exc, clock())
    catching_up = source.catch_up and not store.is_caught_up(source.name)
    if candidates is None:
        result.not_modified = True
        candidates = []
    result.candidates = len(candidates)
    if not candidates and not result.not_modified:
        log_event(
            log,
            logging.WARNING,
            "poll.empty",
            f"{source.name}: the listing yielded no releases",
            source=source.name,
            error_code="source.no_candidates",
        )
    succeeded: set[str] = set()
    last_error: FetchError | ExtractError | None = None
    # Oldest first, so events (and deliveries) follow publication order.
    for candidate in reversed(candidates[: source.max_items]):
        try:
            if await _process(
                source, candidate, store, fetcher, destinations, catching_up, result, clock
            ):
                succeeded.add(candidate.url)
        except (FetchError, ExtractError) as exc:
            result.errors += 1
            last_error = exc
            log_event(
                log,
                logging.WARNING,
                "item.failed",
                f"{candidate.url}: {exc.message}",
                source=source.name,
                url=candidate.url,
                error_code=exc.code,
            )
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
        store.record_poll(source.name, clock())
    POLLS.labels(source=source.name, result="ok" if result.ok else "error").inc()
    log_event(
        log,
        logging.INFO,
        "poll.done",
        f"{source.name}: {result.created} new, {result.updated} updated"
        + (" (catch-up: nothing sent)" if catching_up else ""),
        source=source.name,
        items=result.candidates,
        new=result.created,
        edited=result.updated,
        skipped=result.unchanged,
        errors=result.errors,
    )
    return result


async def _process(
    source: SourceBase,
    candidate: Candidate,
    store: Store,
    fetcher: Fetcher,
    destinations: Sequence[DestinationBase],
    catching_up: bool,
    result: PollResult,
    clock: Callable[[], datetime],
) -> bool:
    """Fetch, extract, decide and save one candidate. False when nothing needed doing."""
    now = clock()
    url = canonical_url(candidate.url)
    stored = store.find_item(url)
    if stored is not None and now - stored.published > timedelta(days=source.recheck_days):
        result.unchanged += 1
        return True
    html, page_url = candidate.html, url
    if html is None:
        page = await fetcher.get(candidate.url, conditional=stored is not None, source=source.name)
        if page is None:  # 304: known and unchanged
            result.unchanged += 1
            return True
        html, page_url = page.text, page.url
    article = _merge(
        extract_article(
            html,
            page_url,
            source.article,
            language=source.language or candidate.lang,
            first_seen=now,
        ),
        candidate,
    )
    if article.url != url:
        stored = store.find_item(article.url, source=source.name, post_id=article.post_id)
    decision = decide(stored, article)
    if decision.event is None:
        result.unchanged += 1
        return True
    routed: list[tuple[str, float]] = []
    if catching_up:
        log_event(
            log,
            logging.INFO,
            "delivery.catch_up",
            f"catch-up: stored without sending: {article.title}",
            source=source.name,
            url=article.url,
            lang=article.lang,
        )
    else:
        routed = route(destinations, source=source.name, lang=article.lang, event=decision.event)
    store.save_article(source.name, article, decision, stored, destinations=routed, now=now)
    if decision.event == "created":
        result.created += 1
    else:
        result.updated += 1
    log_event(
        log,
        logging.INFO,
        f"item.{decision.event}",
        article.title,
        source=source.name,
        url=article.url,
        lang=article.lang,
        count=len(routed),
    )
    return True


def _merge(article: Article, candidate: Candidate) -> Article:
    """Add the listing's read-more links the page itself lacks (partner reposts)."""
    known = {link.url for link in article.read_more}
    extra: list[Link] = [link for link in candidate.read_more if link.url not in known]
    if not extra:
        return article
    return replace(article, read_more=(*article.read_more, *extra))


def _failed(
    store: Store, source: SourceBase, result: PollResult, exc: FetchError, now: datetime
) -> PollResult:
    result.ok = False
    result.error_code = exc.code
    result.retry_after = exc.retry_after
    store.record_poll(source.name, now, error_code=exc.code, error=exc.message)
    POLLS.labels(source=source.name, result="error").inc()
    log_event(
        log,
        logging.WARNING,
        "poll.failed",
        f"{source.name}: {exc.message}",
        source=source.name,
        url=exc.url,
        status=exc.status,
        error_code=exc.code,
    )
    return result
