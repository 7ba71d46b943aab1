"""Partial periods: is a period still running, and how to compare it like with like.

A period (day, week from Monday, month) is cut in the workspace's timezone. While "now" is
inside it, it is **partial**: its counts will still grow, so it must never be drawn or
scored as a drop against whole periods. Two honest ways to use it anyway:

* leave it out of rising/falling and spike scoring (:func:`complete_only`);
* compare it with the **same elapsed part** of earlier periods (same hours into the week,
  DST included): :func:`elapsed_windows` gives those windows, :func:`compare_partial`
  judges the count against them with the product's rule
  (:func:`frontdoor.insights.trends.compare_to_baseline`), and :func:`project_partial`
  scales it to a whole-period figure for a chart, marked as a projection.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar
from zoneinfo import ZoneInfo

from frontdoor.core.errors import ValidationError
from frontdoor.insights.trends import (
    Movement,
    bucket_of_day,
    check_period,
    compare_to_baseline,
    local_midnight_utc,
    next_bucket,
    zone,
)

__all__ = [
    "PeriodStatus",
    "compare_partial",
    "complete_only",
    "elapsed_windows",
    "period_status",
    "project_partial",
]

T = TypeVar("T")


def _tz(tz: str | ZoneInfo) -> ZoneInfo:
    return tz if isinstance(tz, ZoneInfo) else zone(tz)


def _aware(now: dt.datetime) -> dt.datetime:
    if now.tzinfo is None:
        raise ValidationError("now: must be timezone-aware")
    return now


@dataclass(frozen=True)
class PeriodStatus:
    """Where ``now`` stands in one period.

    Attributes
    ----------
    start : datetime.date
        First local day of the period.
    period : str
        ``day``, ``week`` or ``month``.
    starts_at, ends_at : datetime
        The UTC instants the period begins and ends (end exclusive).
    elapsed : float
        Share of the period's real duration gone by at ``now`` (0 before, 1 after).
    """

    start: dt.date
    period: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    elapsed: float

    @property
    def partial(self) -> bool:
        """True while the period is not over (including one that has not begun)."""
        return self.elapsed < 1.0

    @property
    def complete(self) -> bool:
        """True once the period is over."""
        return not self.partial


def period_status(start: dt.date, period: str, tz: str | ZoneInfo, now: dt.datetime) -> PeriodStatus:
    """Whether the period beginning on local day ``start`` is over at ``now``.

    Parameters
    ----------
    start : datetime.date
        Any local day of the period (it is moved to the period's first day).
    period : str
        ``day``, ``week`` or ``month``.
    tz : str or ZoneInfo
        The workspace's timezone.
    now : datetime
        The current instant (timezone-aware).

    Returns
    -------
    PeriodStatus

    Examples
    --------
    Monday 2026-03-02 09:00 in Seoul is 00:00 UTC: the week is 9 hours old (of 168).

    >>> s = period_status(dt.date(2026, 3, 2), "week", "Asia/Seoul",
    ...                   dt.datetime(2026, 3, 2, 0, 0, tzinfo=dt.UTC))
    >>> s.partial, round(s.elapsed * 168, 3)
    (True, 9.0)
    """
    check_period(period)
    zone_ = _tz(tz)
    now = _aware(now)
    first = bucket_of_day(start, period)
    begins = local_midnight_utc(first, zone_)
    ends = local_midnight_utc(next_bucket(first, period), zone_)
    span = (ends - begins).total_seconds()
    gone = (now.astimezone(dt.UTC) - begins).total_seconds()
    elapsed = min(1.0, max(0.0, gone / span))
    return PeriodStatus(first, period, begins, ends, elapsed)


def elapsed_windows(
    status: PeriodStatus, tz: str | ZoneInfo, now: dt.datetime, *, back: int = 8
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The same elapsed part of the ``back`` periods before a partial one, newest first.

    For a week, the part is the same local time past Monday 00:00 (so Monday morning is
    compared with Monday mornings, across a DST change too); for a day the same local
    time past midnight; for a month the same share of the month's length.

    Returns
    -------
    list of (start, end) UTC datetimes
        ``end`` is exclusive.
    """
    zone_ = _tz(tz)
    now = _aware(now).astimezone(zone_)
    out: list[tuple[dt.datetime, dt.datetime]] = []
    first = status.start
    local_offset = now.replace(tzinfo=None) - dt.datetime.combine(first, dt.time())
    for _ in range(back):
        first = bucket_of_day(first - dt.timedelta(days=1), status.period)
        begins = local_midnight_utc(first, zone_)
        if status.period == "month":
            ends_full = local_midnight_utc(next_bucket(first, "month"), zone_)
            cutoff = begins + (ends_full - begins) * status.elapsed
        else:
            local_cut = dt.datetime.combine(first, dt.time()) + local_offset
            cutoff = local_cut.replace(tzinfo=zone_).astimezone(dt.UTC)
        out.append((begins, cutoff))
    return out


def compare_partial(recent: int, same_elapsed: Sequence[int]) -> Movement:
    """Judge a partial period's count against the same elapsed part of earlier periods.

    Uses the product's rising/falling rule
    (:func:`frontdoor.insights.trends.compare_to_baseline`) with one recent period and
    ``len(same_elapsed)`` baseline periods, each cut at the same point.

    Raises
    ------
    ValidationError
        No earlier period to compare with.
    """
    if not same_elapsed:
        raise ValidationError("same_elapsed: at least one earlier period is needed")
    return compare_to_baseline(recent, sum(same_elapsed), recent_weeks=1, baseline_weeks=len(same_elapsed))


def project_partial(recent: float, same_elapsed: Sequence[float], full: Sequence[float]) -> float | None:
    """A whole-period projection of a partial count: ``recent * sum(full) / sum(same_elapsed)``.

    The ratio of earlier periods' whole counts to their counts at the same point carries
    the weekly (or daily) pattern, so a Monday-heavy tag is not over-projected on Tuesday.
    None when the earlier periods had nothing by that point.

    Examples
    --------
    >>> project_partial(30, [10, 20], [40, 80])
    120.0
    """
    if len(same_elapsed) != len(full):
        raise ValidationError("same_elapsed and full must cover the same periods")
    part = sum(same_elapsed)
    return None if part <= 0 else recent * sum(full) / part


def complete_only(series: Sequence[T], statuses: Sequence[PeriodStatus]) -> list[T]:
    """The values of the periods that are over (partial ones are not scored)."""
    if len(series) != len(statuses):
        raise ValidationError("series and statuses must have the same length")
    return [v for v, s in zip(series, statuses, strict=True) if s.complete]
