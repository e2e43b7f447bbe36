"""Poll one source end to end: candidates → pages → articles → decisions → store + outbox.

Expected per-source failures (unreachable, 503, garbage) are results: recorded on the
source, logged once, and the worker goes on; ``poller.Poller`` is the boundary for the rest.
The loop only awaits: store calls go through ``offload``, parsing through the ``parser``.

Which known pages are fetched again, and which failed pages wait: ``recheck``; pages that
answer 404/410 and become withdrawn: ``withdrawals``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from syndicator.configbase import DestinationBase, SourceBase
from syndicator.decide import decide, route
from syndicator.errors import ExtractError, FetchError, StoreError, SyndicatorError
from syndicator.extract.detect import MIN_CONFIDENCE
from syndicator.extraction import Extraction, read_article
from syndicator.http import Fetcher, Validators
from syndicator.logs import log_event
from syndicator.metrics import EXTRACT_FALLBACKS
from syndicator.model import Article, Candidate, StoredItem
from syndicator.offload import offload
from syndicator.parsing import Parser
from syndicator.pollhealth import record_failure, record_health
from syndicator.pollresult import PollResult
from syndicator.progress import progress
from syndicator.publish.topics import TopicsFor
from syndicator.recheck import GONE_STATUSES, content_digest, old_news, parked, worth_fetching
from syndicator.sources import kind_of
from syndicator.store import Store
from syndicator.urls import canonical_url
from syndicator.withdrawals import Withdrawals

__all__ = ["PollResult", "poll_source", "save_quietly"]

log = logging.getLogger("syndicator.pipeline")


@dataclass(slots=True)
class _Poll:
    source: SourceBase
    store: Store
    fetcher: Fetcher
    parser: Parser
    destinations: Sequence[DestinationBase]
    languages: Sequence[str]
    clock: Callable[[], datetime]
    topics: TopicsFor
    catching_up: bool = False
    result: PollResult = field(init=False)
    validators: dict[str, Validators] = field(default_factory=dict)  # of processed pages

    def __post_init__(self) -> None:
        self.result = PollResult(self.source.name)

    @property
    def withdrawals(self) -> Withdrawals:
        return Withdrawals(self.source, self.store, self.fetcher, self.destinations, self.clock,
                           self.topics, self.catching_up)  # fmt: skip


async def poll_source(
    source: SourceBase,
    *,
    store: Store,
    fetcher: Fetcher,
    parser: Parser,
    destinations: Sequence[DestinationBase],
    languages: Sequence[str] = ("fi", "sv", "en"),
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    topics: TopicsFor = lambda _source, _lang, _article: (),
) -> PollResult:
    """One poll of ``source``. ``topics`` names the feeds (WebSub topics) that hold an item:
    their subscribers get each event; the worker passes ``publish.topics.topics_of``."""
    poll = _Poll(source, store, fetcher, parser, destinations, languages, clock, topics)
    try:
        listing = await kind_of(source).candidates(source, fetcher, parser)
    except (FetchError, ExtractError) as exc:
        return await record_failure(poll.result, poll.store, poll.clock(), exc)
    if listing.candidates and source.catch_up:  # a 304 saves the question
        poll.catching_up = not await offload(store.is_caught_up, source.name)
    result = poll.result
    result.not_modified, result.hub = listing.candidates is None, listing.hub
    candidates = list(listing.candidates or ())
    result.candidates = len(candidates)
    if not candidates and not result.not_modified:
        log_event(log, logging.WARNING, "poll.empty",
                  f"{source.name}: the listing yielded no releases",
                  source=source.name, error_code="source.no_candidates")  # fmt: skip
    processed, last_error = await _process_all(poll, candidates)
    listed = {canonical_url(c.url) for c in candidates} if candidates else None
    result.withdrawn += await poll.withdrawals.check(listed, listing.shown_since)
    # A listing's validators are kept only when every item went through: a failed article
    # must not hide behind a 304 of its listing next time.
    keep = dict(poll.validators) if result.errors else {**listing.validators, **poll.validators}
    await offload(store.save_validators, keep, clock())
    if last_error is not None and not processed:  # every item failed: the source is broken
        await offload(store.record_poll, source.name, clock(), error_code=last_error.code,
                      error=last_error.message)  # fmt: skip
        result.ok, result.error_code = False, last_error.code
    else:
        await record_health(poll.result, poll.store, poll.clock())
    log_event(log, logging.INFO, "poll.done",
              f"{source.name}: {result.created} new, {result.updated} updated"
              + (" (catch-up: nothing sent)" if poll.catching_up else ""),
              source=source.name, items=result.candidates, new=result.created,
              edited=result.updated, skipped=result.unchanged, errors=result.errors,
              withdrawn=result.withdrawn)  # fmt: skip
    return result


async def save_quietly(
    source: SourceBase,
    candidates: Sequence[Candidate],
    *,
    store: Store,
    fetcher: Fetcher,
    parser: Parser,
    languages: Sequence[str],
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> PollResult:
    """Store ``candidates`` as a catch-up poll does — routed to no destination and, unlike
    a poll, no feed's WebSub subscribers either: ``backfill`` fills the archive only."""
    poll = _Poll(source, store, fetcher, parser, (), languages, clock, lambda *_: (), True)
    await _process_all(poll, list(candidates))
    await offload(store.save_validators, dict(poll.validators), clock())
    return poll.result


async def _process_all(
    poll: _Poll, candidates: list[Candidate]
) -> tuple[int, SyndicatorError | None]:
    processed = 0
    last_error: SyndicatorError | None = None
    chosen, name = candidates[: poll.source.max_items], poll.source.name
    label = f"catch-up {name}" if poll.catching_up else f"poll {name}"  # a CLI board shows it
    with progress(label, len(chosen), routine=not poll.catching_up) as bar:
        for candidate in reversed(chosen):  # oldest first: events follow publication order
            try:
                await _process(poll, candidate)
                processed += 1
            except (FetchError, ExtractError, StoreError) as exc:
                if isinstance(exc, StoreError) and exc.code != "store.conflict":
                    raise  # the store itself failed: the whole poll is recorded as failed
                # store.conflict: another process saved this item meanwhile; look again later
                poll.result.errors += 1
                last_error = exc
                log_event(log, logging.WARNING, "item.failed", f"{candidate.url}: {exc.message}",
                          source=name, url=candidate.url, error_code=exc.code)  # fmt: skip
            bar.advance()
    return processed, last_error


async def _process(poll: _Poll, candidate: Candidate) -> None:
    """Fetch, extract, decide and save one candidate (each language of it)."""
    now, source, store = poll.clock(), poll.source, poll.store
    url = canonical_url(candidate.url)
    stored = await offload(store.find_item, url)
    if stored is not None and not await _worth_fetching(poll, candidate, stored, now):
        poll.result.unchanged += 1
        return
    failure = await offload(store.page_failure, url)
    html, page_url, validators = candidate.html, url, None
    if failure is not None and parked(failure, html, now):
        poll.result.unchanged += 1
        return
    if html is None:
        # Always conditional: a new page's validators are remembered, so checking it for
        # edits later costs a 304.
        fresh = stored is None or not stored.withdrawn_at  # a withdrawn page listed again
        try:  # ... is asked unconditionally: its old validators must not hide its return
            page = await poll.fetcher.get(candidate.url, conditional=fresh, source=source.name)
        except FetchError as exc:
            if stored is None or exc.status not in GONE_STATUSES:
                raise
            poll.result.withdrawn += await poll.withdrawals.page_gone(stored, exc.status)
            return
        if page is None:  # 304: known and unchanged
            if stored is not None:
                await offload(store.mark_checked, stored.item_id, now)
            poll.result.unchanged += 1
            return
        html, page_url, validators = page.text, page.url, (page.etag, page.last_modified)
    extraction = await _extract(poll, candidate, html, page_url, validators, now)
    if failure is not None:
        await offload(store.clear_page_failure, url)
    _observe(poll, extraction)
    quiet = stored is None and old_news(candidate.published, candidate.modified, now,
                                        source.recheck_days)  # fmt: skip
    for part in extraction.parts:
        await _save(poll, part, now, quiet=quiet)
    if validators is not None:
        poll.validators[candidate.url] = validators


async def _worth_fetching(
    poll: _Poll, candidate: Candidate, stored: StoredItem, now: datetime
) -> bool:
    conditional = await offload(poll.store.get_validators, candidate.url) is not None
    return worth_fetching(candidate.published, stored, now, poll.source.recheck_days,
                          conditional=conditional, modified=candidate.modified)  # fmt: skip


async def _extract(
    poll: _Poll,
    candidate: Candidate,
    html: str,
    page_url: str,
    validators: Validators | None,
    now: datetime,
) -> Extraction:
    source, url = poll.source, canonical_url(candidate.url)
    hint = source.language or candidate.lang
    try:
        return await poll.parser.run(read_article, html, page_url, source.article, hint, now,
                                     candidate, tuple(poll.languages),
                                     source.organisation)  # fmt: skip
    except ExtractError as exc:
        if exc.code.startswith("parse.") or exc.code == "extract.too_complex":
            # over budget or too deep: remember it, do not parse the same page again
            await offload(poll.store.record_page_failure, url, source=source.name,
                          error_code=exc.code, error=exc.message, content_hash=content_digest(html),
                          validators=validators or (None, None), now=now)  # fmt: skip
        raise


def _observe(poll: _Poll, extraction: Extraction) -> None:
    """Count profile misses; cross-check the declared language with the text."""
    name, article, detected = poll.source.name, extraction.article, extraction.detected
    poll.result.extracted += 1
    if article.generic:
        poll.result.generic += 1
        EXTRACT_FALLBACKS.labels(source=name).inc()
        log_event(log, logging.INFO, "extract.profile_miss",
                  f"{name}: the site profile found no body; generic extraction used",
                  source=name, url=article.url)  # fmt: skip
    if extraction.language_note:
        log_event(log, logging.INFO, "extract.no_language",
                  f"{article.url}: no language: {extraction.language_note}",
                  source=name, url=article.url)  # fmt: skip
    if article.lang and detected and detected[0] != article.lang and detected[1] >= MIN_CONFIDENCE:
        log_event(log, logging.WARNING, "extract.language_mismatch",
                  f"{article.url}: declared {article.lang}, the text reads as {detected[0]}",
                  source=name, url=article.url, lang=article.lang)  # fmt: skip


async def _save(poll: _Poll, article: Article, now: datetime, *, quiet: bool = False) -> None:
    """``quiet``: store without sending (catch-up, or ``recheck.old_news``)."""
    source, store, result = poll.source, poll.store, poll.result
    stored = await offload(store.find_item, article.url, source=source.name,
                           post_id=article.post_id)  # fmt: skip
    decision = decide(stored, article)
    if decision.event is None:
        if stored is not None:
            await offload(store.mark_checked, stored.item_id, now)
        result.unchanged += 1
        return
    routed: list[tuple[str, float]] = []
    if poll.catching_up or quiet:
        log_event(log, logging.INFO, "delivery.catch_up",
                  f"{'old news' if quiet else 'catch-up'}: stored without sending: {article.title}",
                  source=source.name, url=article.url, lang=article.lang)  # fmt: skip
    else:
        routed = route(poll.destinations, source=source.name, lang=article.lang,
                       event=decision.event, article=article)  # fmt: skip
    topics = poll.topics(source.name, article.lang, article)
    saved = await offload(store.save_article, source.name, article, decision, stored,
                          destinations=routed, now=now, topics=topics)  # fmt: skip
    if saved is None:  # another replica stored exactly this version a moment ago
        result.unchanged += 1
        return
    if decision.event == "created":
        result.created += 1
    else:
        result.updated += 1
    log_event(log, logging.INFO, f"item.{decision.event}", article.title, source=source.name,
              url=article.url, lang=article.lang, count=len(routed))  # fmt: skip
