"""Spike detection for one tag's volume: pure functions, no database.

The question: is the number of conversations with a tag in the current window (by default
the last 24 hours) far above what the same window of the week looked like before?

- **Weekly seasonality**: the baseline is the same window shifted back by whole weeks
  (the same hours of the same weekdays), the last ``baseline_weeks`` of them. Monday
  mornings are compared with Monday mornings, weekends with weekends.
- **Small counts**: the count is judged with a negative-binomial predictive distribution
  whose mean is the baseline mean and whose variance adds the uncertainty of that mean
  (only a few weeks back) and the extra-Poisson spread the history itself shows. The
  chance of seeing at least the observed count under it is the p-value.
- **Not every improbable count is worth waking someone**: an alert also needs at least
  ``min_count`` conversations, ``min_increase`` more than expected, and ``min_ratio``
  times the expected count. So 1 -> 3 never alarms, however quiet the tag was.

A week before the data begins is unknown, not zero: callers pass only the weeks they
have, and a tag needs ``min_history_weeks`` of them to be judged at all.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from scipy.stats import nbinom, poisson

from frontdoor.core.errors import ValidationError

__all__ = [
    "Spike",
    "Thresholds",
    "evaluate",
    "predictive",
    "tail_probability",
    "window_counts",
]

WEEK = dt.timedelta(days=7)


@dataclass(frozen=True)
class Thresholds:
    """When a count is a spike. Defaults are set a priori, not fitted to any data set.

    Parameters
    ----------
    alpha : float
        Largest p-value (chance of at least the observed count under the baseline).
    min_count : int
        Fewest conversations in the window.
    min_increase : float
        Fewest conversations above the expected count.
    min_ratio : float
        Smallest observed / expected.
    window_hours : int
        Length of the window, ending at the evaluation time.
    baseline_weeks : int
        Weeks of history compared (the same window, 1..n weeks earlier).
    min_history_weeks : int
        Fewest weeks of history needed to judge.
    """

    alpha: float = 0.001
    min_count: int = 5
    min_increase: float = 3.0
    min_ratio: float = 2.0
    window_hours: int = 24
    baseline_weeks: int = 8
    min_history_weeks: int = 3

    @classmethod
    def from_settings(cls, raw: Mapping[str, Any] | None) -> Thresholds:
        """Read the thresholds from a workspace's ``settings["alerts"]`` (unknown keys ignored).

        Raises
        ------
        ValidationError
            When a value is out of range.
        """
        raw = raw or {}
        defaults = cls()
        values: dict[str, Any] = {}
        for name, default in asdict(defaults).items():
            value = raw.get(name, default)
            try:
                values[name] = type(default)(value)
            except (TypeError, ValueError):
                raise ValidationError(f"alerts.{name} must be a number, got {value!r}") from None
        found = cls(**values)
        found.check()
        return found

    def check(self) -> None:
        """Raise :class:`ValidationError` when a value makes no sense."""
        if not 0 < self.alpha < 1:
            raise ValidationError("alerts.alpha must be between 0 and 1")
        if self.min_count < 1 or self.min_increase < 0 or self.min_ratio < 1:
            raise ValidationError("alerts.min_count >= 1, min_increase >= 0 and min_ratio >= 1 are required")
        if not 1 <= self.window_hours <= 24 * 7:
            raise ValidationError("alerts.window_hours must be 1..168")
        if not 1 <= self.min_history_weeks <= self.baseline_weeks <= 52:
            raise ValidationError("alerts.min_history_weeks <= baseline_weeks <= 52 is required")


@dataclass(frozen=True)
class Spike:
    """The verdict on one window.

    ``fired`` is whether every threshold was passed; ``reason`` says which one was not
    (empty when fired).
    """

    observed: int
    expected: float
    p_value: float
    dispersion: float
    history_weeks: int
    fired: bool
    reason: str


def predictive(history: Sequence[int]) -> tuple[float, float]:
    """Mean and variance of next week's count from the same window's history.

    The mean is the history's mean. The variance is the Poisson variance inflated by the
    history's index of dispersion (variance / mean, at least 1), plus the uncertainty of
    a mean estimated from ``len(history)`` weeks.

    Parameters
    ----------
    history : sequence of int
        Counts of the same window in earlier weeks (at least one).

    Returns
    -------
    (mean, variance) : tuple of float
    """
    n = len(history)
    if n == 0:
        raise ValueError("predictive needs at least one week of history")
    mean = sum(history) / n
    if n > 1 and mean > 0:
        sample_var = sum((x - mean) ** 2 for x in history) / (n - 1)
        dispersion = max(1.0, sample_var / mean)
    else:
        dispersion = 1.0
    return mean, dispersion * mean * (1.0 + 1.0 / n)


def tail_probability(observed: int, mean: float, variance: float) -> float:
    """P(X >= observed) for a count with this mean and variance.

    A negative binomial matched to the two moments; Poisson when the variance does not
    exceed the mean. A zero mean is floored at 0.1 so an unseen tag is still judged by
    the other thresholds rather than given a p-value of exactly 0.

    Parameters
    ----------
    observed : int
        The count.
    mean, variance : float
        Of the predictive distribution.

    Returns
    -------
    float
    """
    if observed <= 0:
        return 1.0
    mean = max(mean, 0.1)
    if variance <= mean * (1.0 + 1e-9):
        return float(poisson.sf(observed - 1, mean))
    size = mean * mean / (variance - mean)
    return float(nbinom.sf(observed - 1, size, size / (size + mean)))


def evaluate(observed: int, history: Sequence[int], thresholds: Thresholds | None = None) -> Spike:
    """Judge one window's count against its weekly history.

    Parameters
    ----------
    observed : int
        Conversations with the tag in the window.
    history : sequence of int
        The same window 1, 2, ... weeks earlier (only weeks inside the data).
    thresholds : Thresholds, optional
        Defaults to :class:`Thresholds()`.

    Returns
    -------
    Spike
    """
    t = thresholds or Thresholds()
    weeks = list(history)[: t.baseline_weeks]
    if len(weeks) < t.min_history_weeks:
        return Spike(observed, 0.0, 1.0, 1.0, len(weeks), False, "too little history")
    mean, variance = predictive(weeks)
    p_value = tail_probability(observed, mean, variance)
    dispersion = variance / (mean * (1.0 + 1.0 / len(weeks))) if mean > 0 else 1.0
    reason = ""
    if observed < t.min_count:
        reason = "below the minimum count"
    elif observed - mean < t.min_increase:
        reason = "increase too small"
    elif observed < t.min_ratio * mean:
        reason = "ratio too small"
    elif p_value > t.alpha:
        reason = "within normal variation"
    return Spike(
        observed=observed,
        expected=mean,
        p_value=p_value,
        dispersion=dispersion,
        history_weeks=len(weeks),
        fired=not reason,
        reason=reason,
    )


def window_counts(
    times: Sequence[dt.datetime],
    *,
    as_of: dt.datetime,
    window: dt.timedelta,
    weeks: int,
    data_start: dt.datetime | None = None,
) -> tuple[int, list[int]]:
    """Count events in the window ending at ``as_of`` and in the same window of earlier weeks.

    Parameters
    ----------
    times : sequence of datetime
        Event times, sorted ascending.
    as_of : datetime
        End of the current window (exclusive).
    window : timedelta
        Window length.
    weeks : int
        Earlier weeks to count.
    data_start : datetime, optional
        When the data begins; an earlier week whose window starts before it is left out.

    Returns
    -------
    (observed, history) : tuple
        ``history[k - 1]`` is the count ``k`` weeks earlier.
    """

    def count(start: dt.datetime, end: dt.datetime) -> int:
        return bisect.bisect_left(times, end) - bisect.bisect_left(times, start)

    observed = count(as_of - window, as_of)
    history: list[int] = []
    for k in range(1, weeks + 1):
        end = as_of - k * WEEK
        if data_start is not None and end - window < data_start:
            break
        history.append(count(end - window, end))
    return observed, history


def describe(spike: Spike) -> str:
    """One line for logs and the CLI: ``12 vs 2.1 expected (p=3.1e-07)``."""
    p = f"{spike.p_value:.1e}" if spike.p_value < 0.001 else f"{spike.p_value:.3f}"
    ratio = spike.observed / spike.expected if spike.expected > 0 else math.inf
    return f"{spike.observed} vs {spike.expected:.1f} expected (x{ratio:.1f}, p={p})"
