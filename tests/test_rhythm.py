"""The publishing rhythm and the next poll interval, on hand-made histories."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from syndicator.locales import HELSINKI
from syndicator.rhythm import HALF_LIFE, MIN_EVIDENCE, SLOTS, Rhythm, next_interval, slot_of

# A maximum of 15 × the minimum: an hour with nothing but the uniform floor reaches it.
MIN, MAX, FIXED = 120.0, 1800.0, 900.0
MONDAY = datetime(2026, 11, 2, tzinfo=HELSINKI)  # a Monday, winter time (UTC+2)
STILL = timedelta(weeks=10**6)  # no decay to speak of: shares come out exact


def at(week: int, day: int, hour: int, minute: int = 0) -> datetime:
    """Helsinki wall time ``week`` weeks after MONDAY, ``day`` 0 = Monday."""
    day_ = MONDAY.date() + timedelta(days=7 * week + day)
    return datetime(day_.year, day_.month, day_.day, hour, minute, tzinfo=HELSINKI)


def office_rhythm(weeks: int = 4, half_life: timedelta = STILL) -> Rhythm:
    """Every weekday: two releases at 9–10, one at 13–14; nothing else."""
    seen = [
        at(week, day, hour, minute)
        for week in range(weeks)
        for day in range(5)
        for hour, minute in ((9, 5), (9, 40), (13, 20))
    ]
    return Rhythm.learn(seen, half_life)


def decide(rhythm: Rhythm, moment: datetime) -> float:
    return next_interval(
        rhythm, moment, min_interval=MIN, max_interval=MAX, fallback=FIXED
    ).interval


def test_slots_are_helsinki_weekday_hours() -> None:
    assert slot_of(at(0, 0, 9, 30)) == 9
    assert slot_of(at(0, 6, 23, 59)) == SLOTS - 1
    # Sunday 23:30 UTC is Monday 01:30 in Helsinki in winter…
    assert slot_of(datetime(2026, 11, 1, 23, 30, tzinfo=UTC)) == 1
    # …and Monday 02:30 in summer (UTC+3).
    assert slot_of(datetime(2026, 6, 7, 23, 30, tzinfo=UTC)) == 2


def test_a_release_four_weeks_older_weighs_half_in_any_order() -> None:
    old = at(0, 1, 10)
    again = old.astimezone(UTC) + HALF_LIFE  # whole weeks: the same slot
    assert Rhythm.learn([old, again]).weights[slot_of(old)] == pytest.approx(1.5)
    new = at(4, 3, 15, 30)
    forward = Rhythm.learn([old, new])
    assert forward.weights[slot_of(old)] == pytest.approx(0.5 ** ((new - old) / HALF_LIFE))
    assert forward.weights[slot_of(new)] == pytest.approx(1.0)
    backward = Rhythm.learn([new, old])
    assert backward.weights == pytest.approx(forward.weights)
    assert backward.as_of == new


def test_naive_moments_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Rhythm().observe(datetime(2026, 11, 2, 9))


def test_short_history_keeps_the_fixed_interval_within_bounds() -> None:
    few = Rhythm.learn(at(0, day, 9) for day in range(int(MIN_EVIDENCE) - 1))
    decision = next_interval(few, at(1, 1, 9), min_interval=MIN, max_interval=MAX, fallback=FIXED)
    assert decision.interval == FIXED
    assert decision.slot is None
    assert "learning" in decision.reason
    clamped = next_interval(few, at(1, 1, 9), min_interval=MIN, max_interval=600, fallback=FIXED)
    assert clamped.interval == 600


def test_peak_hour_polls_at_the_minimum_and_says_why() -> None:
    rhythm = office_rhythm()
    decision = next_interval(
        rhythm, at(4, 1, 9, 15), min_interval=MIN, max_interval=MAX, fallback=FIXED
    )
    assert decision.interval == pytest.approx(MIN)
    # 2 of the 3 daily releases, over five weekdays: 2/15 of all in Tuesday 9–10.
    assert decision.share == pytest.approx(2 / 15)
    assert decision.reason == "Tue 09–10: 13 % of releases"
    assert decision.describe("fi") == "ti klo 09–10: 13 % tiedotteista"
    assert decision.describe("sv") == "tis kl. 09–10: 13 % av pressmeddelandena"


def test_a_slot_with_a_quarter_of_the_peak_waits_twice_as_long() -> None:
    seen = [at(0, 0, 9, m) for m in range(0, 60, 5)] + [at(0, 0, 11, m) for m in (1, 20, 40)]
    rhythm = Rhythm.learn(seen, STILL)  # 12 at 9–10, 3 at 11–12, all within the same hours
    # Smoothing treats both alike (same days, empty hours beside them): only the floor differs.
    assert decide(rhythm, at(0, 0, 11, 0)) == pytest.approx(2 * MIN, rel=0.01)
    assert decide(rhythm, at(0, 0, 9, 0)) == pytest.approx(MIN)


def test_night_and_weekend_poll_at_the_maximum() -> None:
    rhythm = office_rhythm()
    assert decide(rhythm, at(4, 1, 2, 0)) == MAX
    assert decide(rhythm, at(4, 5, 12, 0)) == MAX
    assert decide(rhythm, at(4, 1, 5, 0)) == MAX  # 06–07 is as empty, and 07–08 too


def test_other_weekdays_and_the_hours_beside_lend_to_a_slot() -> None:
    mondays = Rhythm.learn((at(week, 0, 9, 30) for week in range(10)), STILL)
    # Tuesday 9–10 never had a release, but Mondays at 9 say weekday mornings are busy…
    assert MIN < decide(mondays, at(10, 1, 9, 30)) < MAX
    # …which says nothing about Saturdays.
    assert decide(mondays, at(10, 5, 9, 30)) == MAX
    # A release at 9:30 makes 8–9 busier than 6–7, and less busy than 9–10 itself.
    early, before, during = (decide(mondays, at(10, 0, hour, 30)) for hour in (6, 8, 9))
    assert during < before < early


def test_the_wait_never_overruns_the_coming_rush() -> None:
    rhythm = office_rhythm()
    decision = next_interval(
        rhythm, at(4, 1, 7, 50), min_interval=MIN, max_interval=MAX, fallback=FIXED
    )
    # 07–08 alone would wait the maximum; the poll comes ten minutes to 08:00 plus 08–09's
    # own interval (short: the 9 o'clock rush lends to it).
    assert own_interval(rhythm, 24 + 7) == MAX
    assert decision.interval == pytest.approx(600 + own_interval(rhythm, 24 + 8))
    assert decision.interval < 600 + 2 * MIN
    assert decision.slot == 24 + 8


def own_interval(rhythm: Rhythm, slot: int) -> float:
    return rhythm.slot_interval(slot, MIN, MAX)


def test_every_moment_of_the_week_stays_within_bounds() -> None:
    rhythm = office_rhythm()
    moments = [at(4, 0, 0) + timedelta(minutes=7 * n) for n in range(7 * 24 * 60 // 7)]
    intervals = [decide(rhythm, moment) for moment in moments]
    assert min(intervals) == pytest.approx(MIN)
    assert max(intervals) == MAX
    assert all(MIN <= interval <= MAX for interval in intervals)


def test_an_old_history_decays_back_to_learning() -> None:
    rhythm = office_rhythm(half_life=HALF_LIFE)
    assert rhythm.evidence(at(4, 0, 0)) >= MIN_EVIDENCE
    a_year_later = at(56, 1, 9, 15)
    decision = next_interval(
        rhythm, a_year_later, min_interval=MIN, max_interval=MAX, fallback=FIXED
    )
    assert decision.slot is None
    assert decision.interval == FIXED


def test_the_lookahead_follows_the_clock_across_dst() -> None:
    # Sunday 28 March 2027: 03:00 does not exist in Helsinki (02:59 EET → 04:00 EEST). Busy
    # at 05–06 only, so 04–05 borrows from it and 02–03, 03–04 hold just the floor: at 02:50
    # the next slot is 04–05, ten minutes away, not 03–04.
    weights = [0.0] * SLOTS
    weights[6 * 24 + 5] = 20.0
    rhythm = Rhythm(tuple(weights), as_of=datetime(2027, 3, 27, tzinfo=HELSINKI))
    before = datetime(2027, 3, 28, 2, 50, tzinfo=HELSINKI)
    sunday_4 = 6 * 24 + 4
    assert slot_of(before.astimezone(UTC) + timedelta(minutes=10)) == sunday_4
    assert rhythm.slot_interval(sunday_4, MIN, MAX) < MAX
    assert decide(rhythm, before) == pytest.approx(600 + rhythm.slot_interval(sunday_4, MIN, MAX))


def test_bounds_are_checked() -> None:
    with pytest.raises(ValueError, match="min_interval"):
        next_interval(Rhythm(), MONDAY, min_interval=600, max_interval=60, fallback=FIXED)
