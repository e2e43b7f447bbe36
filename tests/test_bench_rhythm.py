"""The adaptive-polling replay, so the delays and request counts it prints mean what they say."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bench.rhythm import WEEKDAY, WEEKEND, adaptive, fixed, publications, replay
from syndicator.locales import HELSINKI


def test_a_fixed_interval_sees_each_release_at_the_next_poll() -> None:
    published = [10.0, 600.0, 601.0, 1750.0]
    result = replay(published, 0.0, 1800.0, fixed(600.0))
    assert result.requests == 3  # at 0, 600 and 1200
    # 10 → 600, 600 → 600 (published at the poll: seen by it), 601 → 1200, 1750 → 1800.
    assert result.delays == [590.0, 0.0, 599.0, 50.0]
    assert result.mean() == pytest.approx(1239 / 4)
    assert result.per_day == pytest.approx(3 / (1800 / 86400))


def test_a_policy_that_does_not_wait_is_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        replay([1.0], 0.0, 10.0, fixed(0.0))


def test_publications_follow_the_documented_distribution() -> None:
    start = datetime(2026, 9, 7, tzinfo=HELSINKI)  # a Monday; no summer months
    end = start + timedelta(weeks=20)
    moments = publications(start, end, seed=7)
    assert moments == sorted(moments) == publications(start, end, seed=7)
    assert moments != publications(start, end, seed=8)
    local = [datetime.fromtimestamp(m, HELSINKI) for m in moments]
    assert all(start <= m < end for m in local)
    expected = 20 * (5 * sum(WEEKDAY) + 2 * sum(WEEKEND))
    assert len(moments) == pytest.approx(expected, rel=0.1)
    weekend = sum(1 for m in local if m.weekday() >= 5)
    assert weekend / len(local) == pytest.approx(
        2 * sum(WEEKEND) / (5 * sum(WEEKDAY) + 2 * sum(WEEKEND)), abs=0.02
    )
    peak = sum(1 for m in local if m.weekday() < 5 and m.hour == 9)
    night = sum(1 for m in local if m.weekday() < 5 and m.hour < 6)
    assert peak > 20 * night


def test_adaptive_beats_a_fixed_interval_of_equal_cost_once_learnt() -> None:
    start = datetime(2026, 9, 7, tzinfo=HELSINKI)
    end = start + timedelta(weeks=16)
    moments = publications(start, end, seed=11)
    ours = replay(moments, start.timestamp(), end.timestamp(), adaptive())
    equal = replay(moments, start.timestamp(), end.timestamp(), fixed(86400 / ours.per_day))
    assert equal.per_day == pytest.approx(ours.per_day, rel=0.01)
    learnt = (start + timedelta(weeks=4)).timestamp()
    assert ours.mean(learnt) < equal.mean(learnt)
