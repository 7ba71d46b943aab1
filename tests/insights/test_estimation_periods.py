"""Partial periods and like-with-like comparison of an unfinished week."""

from __future__ import annotations

import datetime as dt

import pytest

from frontdoor.insights.estimation.periods import (
    compare_partial,
    complete_only,
    elapsed_windows,
    period_status,
    project_partial,
)
from frontdoor.insights.trends import compare_to_baseline

NY = "America/New_York"


def test_current_week_is_partial_and_past_week_complete() -> None:
    # Wednesday 2026-03-04 12:00 in Seoul (03:00 UTC): 2.5 days of 7 are gone.
    now = dt.datetime(2026, 3, 4, 3, 0, tzinfo=dt.UTC)
    status = period_status(dt.date(2026, 3, 4), "week", "Asia/Seoul", now)
    assert status.start == dt.date(2026, 3, 2)
    assert status.partial and status.elapsed == pytest.approx(2.5 / 7)
    assert period_status(dt.date(2026, 2, 23), "week", "Asia/Seoul", now).complete
    # The same instant is still Tuesday in New York: the week is partial there too.
    assert period_status(dt.date(2026, 3, 2), "week", NY, now).partial
    # A month: March 4 noon in Seoul is 3.5 of 31 days in.
    assert period_status(dt.date(2026, 3, 1), "month", "Asia/Seoul", now).elapsed == pytest.approx(3.5 / 31)


def test_week_with_a_dst_change_has_its_real_length() -> None:
    # New York leaves daylight time on Sunday 2026-11-01: that week lasts 169 hours.
    start = period_status(dt.date(2026, 10, 26), "week", NY, dt.datetime(2026, 10, 26, tzinfo=dt.UTC))
    assert (start.ends_at - start.starts_at) == dt.timedelta(hours=169)
    mid = start.starts_at + dt.timedelta(hours=84.5)
    assert period_status(dt.date(2026, 10, 26), "week", NY, mid).elapsed == pytest.approx(0.5)


def test_elapsed_windows_cut_earlier_weeks_at_the_same_local_time() -> None:
    # Monday 2026-11-09 09:00 EST = 14:00 UTC. The week before ends the cut at Monday
    # 09:00 EST too (14:00 UTC); two weeks before was still EDT: 09:00 EDT = 13:00 UTC.
    now = dt.datetime(2026, 11, 9, 14, 0, tzinfo=dt.UTC)
    status = period_status(dt.date(2026, 11, 9), "week", NY, now)
    windows = elapsed_windows(status, NY, now, back=2)
    assert windows[0] == (
        dt.datetime(2026, 11, 2, 5, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 11, 2, 14, 0, tzinfo=dt.UTC),
    )
    assert windows[1] == (
        dt.datetime(2026, 10, 26, 4, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 10, 26, 13, 0, tzinfo=dt.UTC),
    )


def test_partial_week_is_compared_like_with_like() -> None:
    # Wednesday: 30 so far; earlier weeks had 28, 31, 29 by Wednesday and ~70 in all.
    # Against whole weeks it looks like a fall; against the same elapsed part it is steady.
    assert compare_to_baseline(30, 70 * 3, recent_weeks=1, baseline_weeks=3).direction == "falling"
    assert compare_partial(30, [28, 31, 29]).direction == "steady"
    assert compare_partial(90, [28, 31, 29]).direction == "rising"
    # Projection: 30 * (70 + 72 + 68) / (28 + 31 + 29) = 30 * 210 / 88.
    assert project_partial(30, [28, 31, 29], [70, 72, 68]) == pytest.approx(30 * 210 / 88)
    assert project_partial(3, [0, 0], [5, 6]) is None


def test_complete_only_drops_the_running_period() -> None:
    now = dt.datetime(2026, 3, 4, 3, 0, tzinfo=dt.UTC)
    weeks = [dt.date(2026, 2, 16), dt.date(2026, 2, 23), dt.date(2026, 3, 2)]
    statuses = [period_status(w, "week", "Asia/Seoul", now) for w in weeks]
    assert complete_only([40, 42, 12], statuses) == [40, 42]
