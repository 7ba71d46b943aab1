"""Time buckets in the workspace's timezone, and rising/falling against a tag's own baseline.

Pure computations: no database. The query modules (:mod:`frontdoor.insights.tag_trends`,
:mod:`frontdoor.insights.movers`) run the queries and use these to label buckets, fill
empty ones and judge movement.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from frontdoor.core.errors import ValidationError

PERIODS = ("day", "week", "month")

#: Movement needs at least this many conversations on the side that grew (the recent
#: window when rising, the expected count when falling): 1 -> 3 is noise, not a trend.
MIN_COUNT = 5
#: ... a rate at least this many times the baseline rate (or at most its inverse) ...
MIN_RATIO = 1.5
#: ... and a Poisson z-score of at least this size, (recent - expected) / sqrt(expected).
MIN_Z = 2.0


def zone(name: str) -> ZoneInfo:
    """The IANA timezone ``name``.

    Raises
    ------
    ValidationError
        Unknown timezone name.
    """
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"timezone: unknown timezone {name!r}") from None


def check_period(period: str) -> str:
    """``period`` when it is ``day``, ``week`` or ``month``.

    Raises
    ------
    ValidationError
        Any other value.
    """
    if period not in PERIODS:
        raise ValidationError(f"period: must be one of {', '.join(PERIODS)}")
    return period


def local_bucket(value: dt.datetime, tz: ZoneInfo, period: str) -> dt.date:
    """The first local day of the bucket holding ``value`` (weeks start on Monday).

    Examples
    --------
    >>> seoul = ZoneInfo("Asia/Seoul")
    >>> local_bucket(dt.datetime(2026, 11, 29, 16, 0, tzinfo=dt.UTC), seoul, "week")
    datetime.date(2026, 11, 30)
    """
    day = value.astimezone(tz).date()
    return bucket_of_day(day, period)


def bucket_of_day(day: dt.date, period: str) -> dt.date:
    """The first day of the bucket holding the calendar day ``day``."""
    check_period(period)
    if period == "week":
        return day - dt.timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day


def next_bucket(start: dt.date, period: str) -> dt.date:
    """The first day of the bucket after the one starting on ``start``."""
    check_period(period)
    if period == "day":
        return start + dt.timedelta(days=1)
    if period == "week":
        return start + dt.timedelta(days=7)
    return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def buckets_between(first: dt.date, last: dt.date, period: str) -> list[dt.date]:
    """Every bucket start from the bucket of ``first`` to the bucket of ``last``, in order.

    Empty buckets are part of a series: a week with no conversations is a zero, not a gap.

    Examples
    --------
    >>> buckets_between(dt.date(2026, 1, 30), dt.date(2026, 3, 2), "month")
    [datetime.date(2026, 1, 1), datetime.date(2026, 2, 1), datetime.date(2026, 3, 1)]
    """
    start, end = bucket_of_day(first, period), bucket_of_day(last, period)
    out: list[dt.date] = []
    while start <= end:
        out.append(start)
        start = next_bucket(start, period)
    return out


def local_midnight_utc(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    """The UTC instant at which local ``day`` begins."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(dt.UTC)


@dataclass(frozen=True)
class Movement:
    """How a count in a recent window compares with the same tag's own baseline.

    ``expected`` is the baseline's weekly rate times the recent window's length; ``ratio``
    is the recent rate over the baseline rate (``None`` when the baseline is zero).
    """

    direction: str  # "rising", "falling" or "steady"
    recent: int
    baseline: int
    recent_weeks: int
    baseline_weeks: int
    expected: float
    ratio: float | None
    z: float


def compare_to_baseline(recent: int, baseline: int, *, recent_weeks: int, baseline_weeks: int) -> Movement:
    """Judge whether ``recent`` conversations in ``recent_weeks`` depart from the baseline.

    Rising needs all three: ``recent >= MIN_COUNT``, rate ratio ``>= MIN_RATIO`` and
    ``z >= MIN_Z`` where ``z = (recent - expected) / sqrt(max(expected, 1))``. Falling is the
    mirror image with ``expected >= MIN_COUNT``. The count guard keeps 1 -> 3 from alarming;
    the z-score keeps large, slightly noisy tags from flapping.

    Examples
    --------
    >>> compare_to_baseline(3, 2, recent_weeks=4, baseline_weeks=8).direction
    'steady'
    >>> compare_to_baseline(30, 20, recent_weeks=4, baseline_weeks=8).direction
    'rising'
    """
    if recent_weeks <= 0 or baseline_weeks <= 0:
        raise ValidationError("weeks: recent and baseline windows must be at least one week")
    expected = baseline / baseline_weeks * recent_weeks
    ratio = (recent / expected) if expected > 0 else None
    z = (recent - expected) / math.sqrt(max(expected, 1.0))
    direction = "steady"
    if recent >= MIN_COUNT and z >= MIN_Z and (ratio is None or ratio >= MIN_RATIO):
        direction = "rising"
    elif expected >= MIN_COUNT and z <= -MIN_Z and ratio is not None and ratio <= 1 / MIN_RATIO:
        direction = "falling"
    return Movement(
        direction=direction,
        recent=recent,
        baseline=baseline,
        recent_weeks=recent_weeks,
        baseline_weeks=baseline_weeks,
        expected=expected,
        ratio=ratio,
        z=z,
    )


__all__ = [
    "MIN_COUNT",
    "MIN_RATIO",
    "MIN_Z",
    "PERIODS",
    "Movement",
    "bucket_of_day",
    "buckets_between",
    "check_period",
    "compare_to_baseline",
    "local_bucket",
    "local_midnight_utc",
    "next_bucket",
    "zone",
]
