"""What a poll leaves on its source: the health verdict (degraded selectors) or the failure."""

from __future__ import annotations

import logging
from datetime import datetime

from syndicator.decide import assess_health
from syndicator.errors import ExtractError, FetchError
from syndicator.logs import log_event
from syndicator.offload import offload
from syndicator.pollresult import PollResult
from syndicator.store import Store

__all__ = ["record_failure", "record_health"]

log = logging.getLogger("syndicator.pipeline")  # the poll's own lines, as before


async def record_health(result: PollResult, store: Store, now: datetime) -> None:
    """Mark the source degraded when its selectors stopped working; say so once. Costs two
    primary-key lookups; items are counted (through the source's index) only when the
    listing came back empty."""
    name = result.source
    previous = await offload(store.degraded_of, name)
    empty = result.candidates == 0 and not result.not_modified
    known = await offload(store.item_count, name) if empty else 0
    result.degraded = assess_health(
        candidates=result.candidates, not_modified=result.not_modified, known_items=known,
        extracted=result.extracted, generic=result.generic, previous=previous,
    )  # fmt: skip
    await offload(store.record_poll, name, now, degraded=result.degraded)
    if result.degraded and result.degraded != previous:
        log_event(log, logging.WARNING, "source.degraded",
                  f"{name}: selectors need fixing ({result.degraded}); the feeds keep what "
                  f"they had — check with: syndicator extract URL --source {name}",
                  source=name, error_code=result.degraded)  # fmt: skip
    elif previous and not result.degraded:
        log_event(log, logging.INFO, "source.recovered", f"{name}: selectors work again",
                  source=name)  # fmt: skip


async def record_failure(
    result: PollResult, store: Store, now: datetime, exc: FetchError | ExtractError
) -> PollResult:
    """The poll failed as a whole: recorded on the source and logged once."""
    name = result.source
    url = exc.url if isinstance(exc, FetchError) else None
    result.ok, result.error_code = False, exc.code
    result.retry_after = exc.retry_after if isinstance(exc, FetchError) else None
    await offload(store.record_poll, name, now, error_code=exc.code,
                  error=exc.message)  # fmt: skip
    log_event(log, logging.WARNING, "poll.failed", f"{name}: {exc.message}", source=name,
              url=url, status=getattr(exc, "status", None), error_code=exc.code)  # fmt: skip
    return result
