"""Survey metrics with the uncertainty that keeps small samples from being over-read.

- NPS (0-10): promoters 9-10, passives 7-8, detractors 0-6; NPS = %promoters - %detractors.
  Its 95% interval uses the variance of a difference of two multinomial shares:
  ``var = (p + d - (p - d)**2) / n``.
- CSAT: share of answers in the top two points of *their own* scale (4-5 on 1-5, 6-7 on 1-7;
  the top point alone on a two-point scale such as Zendesk's good/bad), with a Wilson interval.
- CES: mean effort score on its stored scale (1-5 and 1-7 are never averaged together),
  with a Student-t interval, plus the share of "easy" answers (top two points).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Metric:
    """One metric value with its sample size and 95% confidence interval."""

    value: float | None
    n: int
    ci_low: float | None
    ci_high: float | None

    @property
    def is_small_sample(self) -> bool:
        """Fewer than 30 answers: show it, but do not act on it alone."""
        return self.n < 30


def nps_from_counts(promoters: int, passives: int, detractors: int) -> Metric:
    """NPS (-100..100) and its 95% interval from answer counts.

    Parameters
    ----------
    promoters, passives, detractors : int
        Counts of answers 9-10, 7-8 and 0-6 on the 0-10 scale.
    """
    n = promoters + passives + detractors
    if n == 0:
        return Metric(None, 0, None, None)
    p, d = promoters / n, detractors / n
    score = p - d
    var = max(p + d - score**2, 0.0) / n
    half = Z95 * math.sqrt(var)
    return Metric(
        round(100 * score, 2),
        n,
        round(100 * max(score - half, -1.0), 2),
        round(100 * min(score + half, 1.0), 2),
    )


def wilson_share(successes: int, n: int) -> Metric:
    """A share in percent with its 95% Wilson score interval."""
    if n == 0:
        return Metric(None, 0, None, None)
    phat = successes / n
    denom = 1 + Z95**2 / n
    centre = (phat + Z95**2 / (2 * n)) / denom
    half = Z95 * math.sqrt(phat * (1 - phat) / n + Z95**2 / (4 * n * n)) / denom
    return Metric(round(100 * phat, 2), n, round(100 * (centre - half), 2), round(100 * (centre + half), 2))


def mean_interval(total: float, total_sq: float, n: int) -> Metric:
    """A mean with its 95% Student-t interval, from the sum and sum of squares."""
    if n == 0:
        return Metric(None, 0, None, None)
    mean = total / n
    if n == 1:
        return Metric(round(mean, 3), 1, None, None)
    var = max((total_sq - n * mean * mean) / (n - 1), 0.0)
    half = float(stats.t.ppf(0.975, n - 1)) * math.sqrt(var / n)
    return Metric(round(mean, 3), n, round(mean - half, 3), round(mean + half, 3))


def top_two_threshold(scale_min: int, scale_max: int) -> int:
    """The lowest score that counts as satisfied/easy on a scale (top two points)."""
    if scale_max - scale_min <= 1:
        return scale_max
    return scale_max - 1
