"""One delivery attempt: render a claimed row, send it under a deadline, record the outcome.

Every outcome is recorded only while this process still holds the row's lease (the store
fences by owner); losing it is logged as ``delivery.lease_lost``. Each outcome also counts
in ``syndicator_deliveries_total``.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, ParamSpec, Protocol, TypeVar

import httpx

from syndicator.configbase import DestinationBase
from syndicator.decide import superseded
from syndicator.deliver import kind_of
from syndicator.deliver.render import render_message
from syndicator.errors import DeliveryError, PermanentDeliveryError, RetryableDeliveryError
from syndicator.logs import log_event
from syndicator.metrics import DELIVERIES
from syndicator.model import Delivery, Receipt
from syndicator.store import Store

__all__ = ["Attempt", "DrainResult", "Outcome", "RetryPolicy", "StoreCall", "retry_delay"]

log = logging.getLogger("syndicator.outbox")
P = ParamSpec("P")
T = TypeVar("T")
Outcome = Literal["delivered", "retry", "failed", "skipped"]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    base: float = 30.0  # seconds before the 2nd attempt; doubles each time
    cap: float = 6 * 3600.0
    lease: float = 120.0  # a claimed row is due again after this long without an outcome

    @property
    def deadline(self) -> float:
        """Total time one send may take: half the lease, so a slow success is recorded
        long before another worker may claim the row."""
        return self.lease / 2


@dataclass(slots=True)
class DrainResult:
    """What one ``drain`` did, by outcome (the words of ``syndicator_deliveries_total``)."""

    delivered: int = 0
    retry: int = 0
    failed: int = 0
    skipped: int = 0
    dry_run: int = 0

    def count(self, destination: str, outcome: Outcome, n: int = 1) -> None:
        setattr(self, outcome, getattr(self, outcome) + n)
        DELIVERIES.labels(destination=destination, result=outcome).inc(n)


class StoreCall(Protocol):
    """Runs a blocking store method off the loop (``deliver.storecalls.StoreCalls``)."""

    def __call__(
        self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs
    ) -> Awaitable[T]: ...


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


@dataclass(frozen=True, slots=True)
class Attempt:
    """Delivers claimed rows of one destination, one at a time."""

    store: Store
    config: DestinationBase
    client: httpx.AsyncClient
    policy: RetryPolicy
    owner: str
    clock: Callable[[], datetime]
    call: StoreCall

    async def run(self, delivery: Delivery, result: DrainResult, *, dry_run: bool) -> None:
        config, store = self.config, self.store
        fields: dict[str, object] = {
            "destination": config.name,
            "delivery_id": delivery.id,
            "attempt": delivery.attempts + 1,
            "release_id": delivery.release_id,
        }
        found = await self.call(store.entry_for_event, delivery.event_id)
        if found is None:
            vanished = PermanentDeliveryError("event vanished", code="delivery.no_event")
            await self._dead(delivery, vanished, result, fields, "delivery.failed")
            return
        event, entry = found
        fields["url"] = entry.article.url
        available = []
        if config.one_language:
            available = await self.call(store.release_languages, delivery.release_id)
        if superseded(config, entry.article.lang, available):
            reason = f"release exists in {available}"
            applied = await self.call(store.mark_skipped, delivery.id, owner=self.owner,
                                      reason=reason, now=self.clock())  # fmt: skip
            result.count(config.name, "skipped")
            log_event(log, logging.INFO, "delivery.superseded",
                      f"not sending [{entry.article.lang}]: the release exists in a preferred "
                      "language", **fields)  # fmt: skip
            self._check(applied, fields)
            return
        kind = kind_of(config)
        if dry_run:
            result.dry_run += 1
            log_event(log, logging.INFO, "delivery.dry_run",
                      f"would send {event} {entry.article.url} to {kind.redacted(config)}",
                      **fields)  # fmt: skip
            return
        try:
            async with asyncio.timeout(self.policy.deadline):
                message = render_message(entry, event, config, delivery.idempotency_key)
                receipt = await kind.send(config, message, self.client)
        except TimeoutError:
            deadline = self.policy.deadline
            late = RetryableDeliveryError(
                f"no answer within {deadline:g} s", code="delivery.timeout"
            )
            await self._retry(delivery, late, result, fields)
        except RetryableDeliveryError as exc:
            await self._retry(delivery, exc, result, fields)
        except PermanentDeliveryError as exc:
            await self._dead(delivery, exc, result, fields, "delivery.failed")
        except Exception as exc:  # our own bug: keep the row, retry later, say so loudly
            log.exception("delivery crashed", extra={"event": "delivery.crashed", **fields})
            bug = RetryableDeliveryError(f"internal error: {exc!r}", code="delivery.internal")
            await self._retry(delivery, bug, result, fields)
        else:
            await self._delivered(delivery, receipt, f"{event} {entry.article.url}", result, fields)

    async def _delivered(
        self,
        delivery: Delivery,
        receipt: Receipt,
        what: str,
        result: DrainResult,
        fields: dict[str, object],
    ) -> None:
        applied = await self.call(self.store.mark_delivered, delivery.id, receipt, self.clock(),
                                  owner=self.owner)  # fmt: skip
        result.count(self.config.name, "delivered")
        log_event(log, logging.INFO, "delivery.done", f"{what} delivered",
                  status=receipt.status, **fields)  # fmt: skip
        self._check(applied, fields)

    async def _retry(
        self,
        delivery: Delivery,
        exc: RetryableDeliveryError,
        result: DrainResult,
        fields: dict[str, object],
    ) -> None:
        attempts = delivery.attempts + 1
        if attempts >= self.config.max_attempts:
            await self._dead(delivery, exc, result, fields, "delivery.dead_letter")
            return
        delay = retry_delay(attempts, exc.retry_after, self.policy)
        now = self.clock()
        applied = await self.call(self.store.mark_retry, delivery.id, owner=self.owner,
                                  next_attempt_at=now + timedelta(seconds=delay),
                                  code=exc.code, error=exc.message, now=now)  # fmt: skip
        result.count(self.config.name, "retry")
        log_event(log, logging.WARNING, "delivery.retry", exc.message, error_code=exc.code,
                  status=exc.status, retry_in_s=round(delay, 3), **fields)  # fmt: skip
        self._check(applied, fields)

    async def _dead(
        self,
        delivery: Delivery,
        exc: DeliveryError,
        result: DrainResult,
        fields: dict[str, object],
        event: str,
    ) -> None:
        applied = await self.call(self.store.mark_failed, delivery.id, owner=self.owner,
                                  code=exc.code, error=exc.message, now=self.clock())  # fmt: skip
        result.count(self.config.name, "failed")
        message = exc.message
        if event == "delivery.dead_letter":
            message = f"giving up after {delivery.attempts + 1} attempts: {exc.message}"
        log_event(log, logging.ERROR, event, message, error_code=exc.code, status=exc.status,
                  **fields)  # fmt: skip
        self._check(applied, fields)

    def _check(self, applied: bool, fields: dict[str, object]) -> None:
        if not applied:
            log_event(log, logging.WARNING, "delivery.lease_lost",
                      "the lease ran out and another worker took the row; its outcome stands",
                      **fields)  # fmt: skip
