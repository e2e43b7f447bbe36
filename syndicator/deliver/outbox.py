"""The durable outbox: claim due deliveries, send, record what the remote confirmed.

At-least-once: a row is ``delivered`` only after the destination confirmed; a crash leaves
it ``sending`` under a lease that runs out, and it is sent again with the same
idempotency key. Each destination is drained in its own task, so one slow or failing
destination never delays another; a destination that asks us to wait (429, 5xx) gets
its remaining rows handed back untried, which also keeps their order.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx

from syndicator.configbase import DestinationBase
from syndicator.decide import superseded
from syndicator.deliver import kind_of
from syndicator.deliver.render import render_message
from syndicator.errors import PermanentDeliveryError, RetryableDeliveryError
from syndicator.logs import log_event
from syndicator.model import Delivery
from syndicator.store import Store

__all__ = ["DrainResult", "RetryPolicy", "drain", "retry_delay"]

log = logging.getLogger("syndicator.outbox")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    base: float = 30.0  # seconds before the 2nd attempt; doubles each time
    cap: float = 6 * 3600.0
    lease: float = 120.0  # a claimed row is due again after this long without an outcome


@dataclass(slots=True)
class DrainResult:
    delivered: int = 0
    retried: int = 0
    failed: int = 0
    deferred: int = 0
    dry_run: int = 0
    by_destination: dict[str, int] = field(default_factory=dict)


def retry_delay(
    attempts: int,
    retry_after: float | None,
    policy: RetryPolicy,
    rand: Callable[[], float] = random.random,
) -> float:
    """PURE. Seconds to wait after ``attempts`` failed tries: exponential with jitter,
    never sooner than the remote's ``Retry-After``."""
    exponential = min(policy.cap, policy.base * 2.0 ** max(0, attempts - 1))
    jittered = min(policy.cap, exponential * (0.8 + 0.4 * rand()))
    return max(retry_after or 0.0, jittered)


async def drain(
    store: Store,
    destinations: Sequence[DestinationBase],
    client: httpx.AsyncClient,
    *,
    policy: RetryPolicy = RetryPolicy(),
    dry_run: bool = False,
    limit: int = 100,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> DrainResult:
    """Send every due delivery once. Returns counts; never raises for a destination's fault."""
    result = DrainResult()
    claimed = store.claim_due(clock(), limit=limit, lease=policy.lease)
    if not claimed:
        return result
    by_name: dict[str, list[Delivery]] = defaultdict(list)
    for delivery in claimed:
        by_name[delivery.destination].append(delivery)
    configs = {destination.name: destination for destination in destinations}
    await asyncio.gather(
        *(
            _drain_destination(store, configs, name, rows, client, policy, dry_run, result, clock)
            for name, rows in by_name.items()
        )
    )
    return result


async def _drain_destination(
    store: Store,
    configs: Mapping[str, DestinationBase],
    name: str,
    rows: list[Delivery],
    client: httpx.AsyncClient,
    policy: RetryPolicy,
    dry_run: bool,
    result: DrainResult,
    clock: Callable[[], datetime],
) -> None:
    config = configs.get(name)
    for index, delivery in enumerate(rows):
        if config is None or not config.enabled:
            store.mark_failed(
                delivery.id,
                code="delivery.unknown_destination",
                error=f"destination {name!r} is not configured (or disabled)",
                now=clock(),
            )
            result.failed += 1
            continue
        wait = await _deliver_one(store, config, delivery, client, policy, dry_run, result, clock)
        if wait is not None:
            rest = [row.id for row in rows[index + 1 :]]
            store.release(rest, next_attempt_at=wait, now=clock())
            result.deferred += len(rest)
            return


async def _deliver_one(
    store: Store,
    config: DestinationBase,
    delivery: Delivery,
    client: httpx.AsyncClient,
    policy: RetryPolicy,
    dry_run: bool,
    result: DrainResult,
    clock: Callable[[], datetime],
) -> datetime | None:
    """Send one row and record the outcome; the time to wait when the destination said so."""
    kind = kind_of(config)
    found = store.entry_for_event(delivery.event_id)
    fields = {
        "destination": config.name,
        "delivery_id": delivery.id,
        "attempt": delivery.attempts + 1,
        "release_id": delivery.release_id,
    }
    if found is None:
        store.mark_failed(
            delivery.id, code="delivery.no_event", error="event vanished", now=clock()
        )
        result.failed += 1
        return None
    event, entry = found
    available = store.release_languages(delivery.release_id) if config.one_language else []
    if superseded(config, entry.article.lang, available):
        store.mark_skipped(delivery.id, reason=f"release exists in {available}", now=clock())
        log_event(
            log,
            logging.INFO,
            "delivery.superseded",
            f"not sending [{entry.article.lang}]: the release exists in a preferred language",
            url=entry.article.url,
            **fields,
        )
        return None
    message = render_message(entry, event, config, delivery.idempotency_key)
    if dry_run:
        log_event(
            log,
            logging.INFO,
            "delivery.dry_run",
            f"would send {event} {entry.article.url} to {kind.redacted(config)}",
            url=entry.article.url,
            **fields,
        )
        store.release([delivery.id], next_attempt_at=delivery.next_attempt_at, now=clock())
        result.dry_run += 1
        return None
    try:
        receipt = await kind.send(config, message, client)
    except RetryableDeliveryError as exc:
        return _record_retry(store, config, delivery, exc, policy, result, clock, fields)
    except PermanentDeliveryError as exc:
        store.mark_failed(delivery.id, code=exc.code, error=exc.message, now=clock())
        log_event(
            log,
            logging.ERROR,
            "delivery.failed",
            exc.message,
            error_code=exc.code,
            status=exc.status,
            **fields,
        )
        result.failed += 1
        return None
    except Exception as exc:  # our own bug: keep the row, retry later, say so loudly
        log.exception("delivery crashed", extra={"event": "delivery.crashed", **fields})
        bug = RetryableDeliveryError(f"internal error: {exc!r}", code="delivery.internal")
        return _record_retry(store, config, delivery, bug, policy, result, clock, fields)
    store.mark_delivered(delivery.id, receipt, clock())
    log_event(
        log,
        logging.INFO,
        "delivery.done",
        f"{event} {entry.article.url} delivered",
        url=entry.article.url,
        status=receipt.status,
        **fields,
    )
    result.delivered += 1
    result.by_destination[config.name] = result.by_destination.get(config.name, 0) + 1
    return None


def _record_retry(
    store: Store,
    config: DestinationBase,
    delivery: Delivery,
    exc: RetryableDeliveryError,
    policy: RetryPolicy,
    result: DrainResult,
    clock: Callable[[], datetime],
    fields: dict[str, object],
) -> datetime | None:
    attempts = delivery.attempts + 1
    now = clock()
    if attempts >= config.max_attempts:
        store.mark_failed(delivery.id, code=exc.code, error=exc.message, now=now)
        log_event(
            log,
            logging.ERROR,
            "delivery.dead_letter",
            f"giving up after {attempts} attempts: {exc.message}",
            error_code=exc.code,
            status=exc.status,
            **fields,
        )
        result.failed += 1
        return None
    delay = retry_delay(attempts, exc.retry_after, policy)
    next_at = now + timedelta(seconds=delay)
    store.mark_retry(
        delivery.id, next_attempt_at=next_at, code=exc.code, error=exc.message, now=now
    )
    log_event(
        log,
        logging.WARNING,
        "delivery.retry",
        exc.message,
        error_code=exc.code,
        status=exc.status,
        retry_in_s=round(delay, 3),
        **fields,
    )
    result.retried += 1
    return next_at
