"""The outbox's retry policy, its counts, and the pure backoff rule (``retry_delay``)."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal, ParamSpec, Protocol, TypeVar

from syndicator.metrics import DELIVERIES

__all__ = ["DrainResult", "Outcome", "RetryPolicy", "StoreCall", "retry_delay"]

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
