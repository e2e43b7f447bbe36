"""``make bench-rhythm``: a year of a city's releases, polled adaptively beside fixed intervals.

The publication times are generated (fixed seed) from ``WEEKDAY`` and ``WEEKEND``, the
expected releases per Helsinki hour, scaled by ``MONTH`` (a Finnish summer: July at 30 %,
June and August at 70 %); each hour's count is Poisson, its moments uniform within the hour.
About 4 releases a weekday, peaks at 9–11 and 13–15, a few in the evening, rare at weekends:
some 900 in the year 2026 (Helsinki time, both DST changes included).

``replay`` polls from the year's first moment to its last: a poll at ``t`` sees every release
published at or before ``t`` and not yet seen, whose delay is ``t − published``; the next poll
is ``policy(t)`` seconds later. Adaptive: ``syndicator.rhythm.next_interval`` on the rhythm
learnt, starting empty, from the moments releases were first seen (as the worker would), with
``MIN_S``–``MAX_S`` and the shipped interval as fallback while learning, and again with a
``CHEAP_MIN_S`` minimum. Fixed: the shipped default interval (``SourceBase.interval``), one at
the adaptive's own requests/day (equal cost), and one at ``MIN_S`` (the cost of never waiting
long). Figures, never assertions.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.child import run_figures
from syndicator.configbase import SourceBase
from syndicator.locales import HELSINKI
from syndicator.rhythm import Rhythm, next_interval

__all__ = ["Replay", "adaptive", "fixed", "main", "measure", "publications", "replay"]

SEED = 20261203
START = datetime(2026, 1, 1, tzinfo=HELSINKI)
END = datetime(2027, 1, 1, tzinfo=HELSINKI)
MIN_S, MAX_S = 120.0, 3600.0
CHEAP_MIN_S = 300.0  # a second adaptive run: what a longer minimum saves
DEFAULT_S = float(SourceBase.model_fields["interval"].default)
WARM = timedelta(weeks=8)  # the adaptive figure again without its learning weeks

# Expected releases in each Helsinki hour 00–23, Monday to Friday and Saturday/Sunday.
# fmt: off
WEEKDAY = (
    0.005, 0.005, 0.005, 0.005, 0.005, 0.005, 0.01, 0.05,  # 00–08
    0.25, 0.8, 0.7, 0.45, 0.2, 0.5, 0.45, 0.3,  # 08–16
    0.15, 0.06, 0.03, 0.03, 0.03, 0.03, 0.01, 0.005,  # 16–24
)
WEEKEND = (
    0.002, 0.002, 0.002, 0.002, 0.002, 0.002, 0.002, 0.002,
    0.005, 0.01, 0.03, 0.03, 0.03, 0.03, 0.03, 0.02,
    0.02, 0.01, 0.01, 0.01, 0.005, 0.005, 0.002, 0.002,
)
# fmt: on
MONTH = {6: 0.7, 7: 0.3, 8: 0.7}  # other months 1.0

Policy = Callable[[float, int], float]  # (now, releases just seen) → seconds to the next poll


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method: fine for the small means of one hour.
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def publications(start: datetime, end: datetime, seed: int = SEED) -> list[float]:
    """Sorted publication moments (UTC epoch seconds) from the documented distribution."""
    rng = random.Random(seed)
    moments: list[float] = []
    hour = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    while hour < end:
        local = hour.astimezone(HELSINKI)
        rates = WEEKEND if local.weekday() >= 5 else WEEKDAY
        mean = rates[local.hour] * MONTH.get(local.month, 1.0)
        base = hour.timestamp()
        moments.extend(base + rng.random() * 3600 for _ in range(_poisson(rng, mean)))
        hour += timedelta(hours=1)
    return sorted(moments)


@dataclass(frozen=True, slots=True)
class Replay:
    delays: list[float]  # seconds, in publication order
    requests: int
    days: float
    published: list[float]

    @property
    def per_day(self) -> float:
        return self.requests / self.days

    def mean(self, since: float = -math.inf) -> float:
        chosen = [d for d, p in zip(self.delays, self.published, strict=False) if p >= since]
        return sum(chosen) / len(chosen) if chosen else math.nan

    def quantile(self, q: float) -> float:
        ordered = sorted(self.delays)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def replay(published: list[float], start: float, end: float, policy: Policy) -> Replay:
    """Poll from ``start`` until ``end``; every release is seen by the first poll at or after it."""
    delays: list[float] = []
    now, index, requests = start, 0, 0
    while now < end:
        requests += 1
        first = index
        while index < len(published) and published[index] <= now:
            delays.append(now - published[index])
            index += 1
        step = policy(now, index - first)
        if step <= 0:
            raise ValueError("a policy must wait a positive time")
        now += step
    # Releases after the last poll would be seen by the next one: counted, as it would poll.
    delays.extend(now - p for p in published[index:])
    return Replay(delays, requests, (end - start) / 86400, published)


def fixed(interval: float) -> Policy:
    return lambda _now, _seen: interval


def adaptive(min_s: float = MIN_S, max_s: float = MAX_S, fallback: float = DEFAULT_S) -> Policy:
    """The worker's loop: learn each first-seen moment, then ask for the next interval."""
    state = [Rhythm()]

    def policy(now: float, seen: int) -> float:
        moment = datetime.fromtimestamp(now, UTC)
        for _ in range(seen):
            state[0] = state[0].observe(moment)
        decision = next_interval(
            state[0], moment, min_interval=min_s, max_interval=max_s, fallback=fallback
        )
        return decision.interval

    return policy


def _row(label: str, result: Replay, wall: float) -> str:
    return (
        f"  {label:<34} {result.mean() / 60:7.1f} {result.quantile(0.5) / 60:7.1f} "
        f"{result.quantile(0.95) / 60:7.1f} {max(result.delays, default=0) / 60:7.1f} "
        f"{result.per_day:9.1f} {wall * 1000:8.0f}"
    )


async def measure(_tmp: Path) -> list[str]:
    lines: list[str] = []
    published = publications(START, END)
    start, end = START.timestamp(), END.timestamp()
    weekday_office = sum(
        1
        for p in published
        if (local := datetime.fromtimestamp(p, HELSINKI)).weekday() < 5 and 8 <= local.hour < 16
    )
    lines.append(
        f"{len(published)} releases in {START.year} (seed {SEED}), "
        f"{weekday_office / len(published):.0%} on weekdays 08–16 Helsinki; "
        f"adaptive within {MIN_S / 60:g}–{MAX_S / 60:g} min, "
        f"shipped interval {DEFAULT_S / 60:g} min"
    )
    lines.append(
        f"  {'publish → seen, minutes':<34} {'mean':>7} {'p50':>7} {'p95':>7} {'max':>7} "
        f"{'req/day':>9} {'wall ms':>8}"
    )
    runs: list[tuple[str, Replay]] = []

    def run(label: str, policy: Policy) -> Replay:
        began = time.perf_counter()
        result = replay(published, start, end, policy)
        lines.append(_row(label, result, time.perf_counter() - began))
        runs.append((label, result))
        return result

    ours = run(f"adaptive {MIN_S / 60:g}–{MAX_S / 60:g} min (ours)", adaptive())
    cheap = run(f"adaptive {CHEAP_MIN_S / 60:g}–{MAX_S / 60:g} min (ours)", adaptive(CHEAP_MIN_S))
    default = run(f"fixed {DEFAULT_S / 60:g} min (shipped default)", fixed(DEFAULT_S))
    equal_s = 86400 / ours.per_day
    equal = run(f"fixed {equal_s / 60:.1f} min (adaptive's req/day)", fixed(equal_s))
    run(f"fixed {MIN_S / 60:g} min (adaptive's minimum)", fixed(MIN_S))
    warm = start + WARM.total_seconds()
    lines.append(
        f"  after the first {WARM.days // 7} weeks (learnt): adaptive mean "
        f"{ours.mean(warm) / 60:.1f} min, equal-cost fixed {equal.mean(warm) / 60:.1f} min"
    )
    lines.append(
        f"  adaptive vs equal-cost fixed: mean delay {ours.mean() / equal.mean():.2f}×, "
        f"p95 {ours.quantile(0.95) / equal.quantile(0.95):.2f}×; vs shipped default: "
        f"mean {ours.mean() / default.mean():.2f}× at {ours.per_day / default.per_day:.2f}× "
        "the requests"
    )
    lines.append(
        f"  adaptive {CHEAP_MIN_S / 60:g}–{MAX_S / 60:g} min vs shipped default: mean delay "
        f"{cheap.mean() / default.mean():.2f}×, "
        f"p95 {cheap.quantile(0.95) / default.quantile(0.95):.2f}× "
        f"at {cheap.per_day / default.per_day:.2f}× the requests"
    )
    for line in lines:
        print(line, flush=True)
    return lines


def main() -> int:
    return run_figures(measure, "bench-rhythm")


if __name__ == "__main__":
    raise SystemExit(main())
