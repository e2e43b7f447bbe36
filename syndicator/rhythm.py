"""A source's publishing rhythm, and how long to wait before its next poll.

The model is a weekday × hour histogram (Europe/Helsinki, 168 slots) of the moments we first
saw its releases, each weighted ``0.5 ** (age / HALF_LIFE)``: with a four-week half-life the
last month counts as much as everything before it, so a summer schedule or a new
communications team takes over within a few weeks, while one odd week moves little.

``next_interval`` is pure. A slot's own interval follows the square-root law: polling at
interval ``I`` through an hour that holds a share ``s`` of releases costs ``1 / I`` requests
and ``s · I / 2`` expected delay, and for a fixed number of requests the total delay is least
when ``I ∝ 1 / √s``. Shares are read from a smoothed histogram (``_smooth``: the same hour on
similar days, the hours beside, a small floor): raw slots are too sparse, and without the
smoothing the replay in ``bench/rhythm.py`` lost to a fixed interval of equal cost. The
busiest slot gets ``min_interval``, one with a quarter of its releases twice that, and the
longest wait is ``max_interval``. The wait is then shortened so that no
release appearing in a later slot waits longer than that slot's own interval (a night poll
at 07:50 is not pushed past the 08:00 rush). Until the history holds ``MIN_EVIDENCE``
(decayed) releases the source's fixed interval applies, clamped into the bounds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from syndicator.locales import HELSINKI

__all__ = [
    "HALF_LIFE",
    "MIN_EVIDENCE",
    "SLOTS",
    "Decision",
    "Rhythm",
    "next_interval",
    "slot_of",
]

SLOTS = 7 * 24
HALF_LIFE = timedelta(weeks=4)
MIN_EVIDENCE = 8.0  # decayed releases before the histogram is trusted over the fixed interval
POOL = 0.5  # share of a slot's estimate taken from the same hour on days of its kind
BLUR = 0.5  # share taken from the hours either side
FLOOR = 0.02  # share of all releases spread evenly: no slot is ever certain to be empty
_LOOKAHEAD = 48  # slot boundaries examined at most (max_interval beyond two days is moot)

_DAYS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "fi": ("ma", "ti", "ke", "to", "pe", "la", "su"),
    "sv": ("mån", "tis", "ons", "tors", "fre", "lör", "sön"),
}
_SLOT_TEXT = {
    "en": "{day} {start:02d}–{end:02d}: {share} % of releases",
    "fi": "{day} klo {start:02d}–{end:02d}: {share} % tiedotteista",
    "sv": "{day} kl. {start:02d}–{end:02d}: {share} % av pressmeddelandena",
}
_LEARNING_TEXT = {
    "en": "learning the rhythm: {seen} releases seen, fixed interval",
    "fi": "rytmiä opitaan: {seen} tiedotetta nähty, kiinteä väli",
    "sv": "rytmen lärs in: {seen} pressmeddelanden sedda, fast intervall",
}


def slot_of(moment: datetime) -> int:
    """The Helsinki weekday × hour slot of an aware moment: Monday 00–01 is 0, Sunday 23–24 167."""
    local = moment.astimezone(HELSINKI)
    return local.weekday() * 24 + local.hour


def _smooth(weights: tuple[float, ...], total: float) -> tuple[float, ...]:
    """Each slot's expected weight, steadier than its own count.

    A year of a city is some 120 decayed releases over 168 slots: most slots hold none by
    chance, and an empty slot would mean the longest wait. So a slot also borrows from the
    same hour on days of its kind (Mon–Fri, Sat–Sun), from the hours beside it (a release at
    9:58 says 10–11 is busy too), and from a small uniform floor.
    """
    pooled = []
    for slot in range(SLOTS):
        day, hour = divmod(slot, 24)
        kind = range(5) if day < 5 else range(5, 7)
        same_hour = sum(weights[d * 24 + hour] for d in kind) / len(kind)
        pooled.append((1 - POOL) * weights[slot] + POOL * same_hour)
    floor = FLOOR * total / SLOTS
    return tuple(
        (1 - BLUR) * pooled[s] + BLUR / 2 * (pooled[s - 1] + pooled[(s + 1) % SLOTS]) + floor
        for s in range(SLOTS)
    )


def _next_boundary(moment: datetime) -> datetime:
    # Helsinki's offset is whole hours (UTC+2 / +3), so local hours start on UTC hours: no
    # wall-clock arithmetic across a DST change is needed.
    utc = moment.astimezone(UTC)
    return utc.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Rhythm:
    """The decayed histogram of first-seen moments; immutable, ``observe`` returns a new one.

    ``weights`` are as of ``as_of`` (the latest observation): decay is one common factor, so
    shares between slots never depend on the moment they are read at.
    """

    weights: tuple[float, ...] = (0.0,) * SLOTS
    as_of: datetime | None = None
    half_life: timedelta = HALF_LIFE
    total: float = field(init=False, repr=False, compare=False)
    estimate: tuple[float, ...] = field(init=False, repr=False, compare=False)
    peak: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.weights) != SLOTS:
            raise ValueError(f"a rhythm has {SLOTS} slots, not {len(self.weights)}")
        if self.half_life <= timedelta(0):
            raise ValueError("half_life must be positive")
        object.__setattr__(self, "total", math.fsum(self.weights))
        estimate = _smooth(self.weights, self.total)
        object.__setattr__(self, "estimate", estimate)
        object.__setattr__(self, "peak", max(estimate))

    @classmethod
    def learn(cls, first_seen: Iterable[datetime], half_life: timedelta = HALF_LIFE) -> Rhythm:
        """The rhythm of these first-seen moments, in any order."""
        rhythm = cls(half_life=half_life)
        for moment in first_seen:
            rhythm = rhythm.observe(moment)
        return rhythm

    def _decay(self, later: datetime, earlier: datetime) -> float:
        return float(0.5 ** ((later - earlier) / self.half_life))

    def observe(self, moment: datetime) -> Rhythm:
        """This rhythm with one more release first seen at ``moment`` (an aware datetime)."""
        if moment.tzinfo is None:
            raise ValueError("first-seen moments must be timezone-aware")
        weights = list(self.weights)
        as_of = self.as_of
        if as_of is None or moment >= as_of:
            factor = 1.0 if as_of is None else self._decay(moment, as_of)
            weights = [w * factor for w in weights]
            weights[slot_of(moment)] += 1.0
            as_of = moment
        else:  # an older release arriving late: decayed to the rhythm's own moment
            weights[slot_of(moment)] += self._decay(as_of, moment)
        return Rhythm(tuple(weights), as_of, self.half_life)

    def evidence(self, moment: datetime) -> float:
        """How many releases the history amounts to at ``moment``, after decay."""
        if self.as_of is None:
            return 0.0
        return self.total * self._decay(moment, self.as_of) if moment > self.as_of else self.total

    def share(self, slot: int) -> float:
        """The share of (decayed) releases first seen in ``slot``; 0 for an empty history."""
        return self.weights[slot] / self.total if self.total > 0 else 0.0

    def slot_interval(self, slot: int, min_interval: float, max_interval: float) -> float:
        """The square-root law: ``min_interval · √(peak / weight)``, within the bounds."""
        weight = self.estimate[slot]
        if weight <= 0.0 or self.peak <= 0.0:
            return max_interval
        return min(max_interval, max(min_interval, min_interval * math.sqrt(self.peak / weight)))


@dataclass(frozen=True, slots=True)
class Decision:
    """Seconds until the next poll, and why: the slot that set it, or that history is short."""

    interval: float
    slot: int | None  # the slot whose interval bounded the wait; None while learning
    share: float  # that slot's share of releases
    seen: float  # the decayed number of releases the decision rests on

    def describe(self, lang: str = "en") -> str:
        """The reason in Finnish, Swedish or English (anything else: English)."""
        lang = lang if lang in _DAYS else "en"
        if self.slot is None:
            return _LEARNING_TEXT[lang].format(seen=round(self.seen))
        day, hour = divmod(self.slot, 24)
        share = f"{self.share * 100:.0f}" if self.share >= 0.01 or self.share == 0 else "<1"
        return _SLOT_TEXT[lang].format(day=_DAYS[lang][day], start=hour, end=hour + 1, share=share)

    @property
    def reason(self) -> str:
        return self.describe("en")


def next_interval(
    rhythm: Rhythm,
    moment: datetime,
    *,
    min_interval: float,
    max_interval: float,
    fallback: float,
) -> Decision:
    """Seconds from ``moment`` (aware) to the next poll, within ``min_interval``–``max_interval``.

    ``fallback`` (the source's fixed interval) applies until the history is trusted.
    """
    if not 0 < min_interval <= max_interval:
        raise ValueError("need 0 < min_interval <= max_interval")
    seen = rhythm.evidence(moment)
    if seen < MIN_EVIDENCE:
        interval = min(max_interval, max(min_interval, fallback))
        return Decision(interval, None, 0.0, seen)
    slot = slot_of(moment)
    wait = rhythm.slot_interval(slot, min_interval, max_interval)
    bound = slot
    boundary = _next_boundary(moment)
    for _ in range(_LOOKAHEAD):
        until = (boundary - moment).total_seconds()
        if until >= wait:
            break
        slot = slot_of(boundary)  # not slot + 1: a DST change skips or repeats an hour
        # A release at the start of this later slot must wait no longer than its interval.
        later = until + rhythm.slot_interval(slot, min_interval, max_interval)
        if later < wait:
            wait, bound = later, slot
        boundary += timedelta(hours=1)
    return Decision(wait, bound, rhythm.share(bound), seen)
