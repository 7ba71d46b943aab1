"""Interval arithmetic for proportions and counts: Beta posteriors, Wilson, Clopper-Pearson,
and the exact distribution of a sum of independent Beta-binomial counts.

All intervals are equal-tailed: a 90% interval leaves 5% on each side.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import beta as beta_dist
from scipy.stats import betabinom, norm

from frontdoor.core.errors import ValidationError

__all__ = [
    "BetaBinomial",
    "CountDistribution",
    "beta_from_moments",
    "beta_interval",
    "clopper_pearson",
    "sum_of_beta_binomials",
    "wilson",
]

# Tail mass ignored on each side of a component's pmf; far below any reported quantile.
_TAIL = 1e-12


def _check_level(level: float) -> float:
    if not 0 < level < 1:
        raise ValidationError(f"level: must be between 0 and 1, got {level}")
    return (1.0 - level) / 2.0


def beta_interval(a: float, b: float, level: float = 0.9) -> tuple[float, float]:
    """Equal-tailed interval of a Beta(a, b) distribution.

    Examples
    --------
    A uniform prior Beta(1, 1) after 3 successes in 4 trials is Beta(4, 2); its 90%
    interval runs from the 5% to the 95% quantile:

    >>> [round(x, 4) for x in beta_interval(4, 2)]
    [0.3426, 0.9236]
    """
    tail = _check_level(level)
    if a <= 0 or b <= 0:
        raise ValidationError("beta_interval: a and b must be positive")
    return float(beta_dist.ppf(tail, a, b)), float(beta_dist.ppf(1 - tail, a, b))


def wilson(successes: int, trials: int, level: float = 0.9) -> tuple[float, float]:
    """Wilson score interval of a proportion; ``(0, 1)`` for no trials."""
    tail = _check_level(level)
    if trials == 0:
        return 0.0, 1.0
    if not 0 <= successes <= trials:
        raise ValidationError("wilson: need 0 <= successes <= trials")
    z = float(norm.ppf(1 - tail))
    p = successes / trials
    denom = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denom
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def clopper_pearson(successes: int, trials: int, level: float = 0.9) -> tuple[float, float]:
    """Exact (Clopper-Pearson) interval of a proportion; ``(0, 1)`` for no trials."""
    tail = _check_level(level)
    if trials == 0:
        return 0.0, 1.0
    if not 0 <= successes <= trials:
        raise ValidationError("clopper_pearson: need 0 <= successes <= trials")
    low = 0.0 if successes == 0 else float(beta_dist.ppf(tail, successes, trials - successes + 1))
    high = 1.0 if successes == trials else float(beta_dist.ppf(1 - tail, successes + 1, trials - successes))
    return low, high


def beta_from_moments(mean: float, variance: float) -> tuple[float, float]:
    """The Beta(a, b) with this mean and variance (the variance is capped at what a Beta allows).

    Examples
    --------
    >>> beta_from_moments(0.25, 0.25 * 0.75 / 5)   # a + b + 1 = 5
    (1.0, 3.0)
    """
    mean = min(max(mean, 1e-9), 1 - 1e-9)
    cap = mean * (1 - mean)
    variance = min(max(variance, 1e-15), cap * (1 - 1e-9))
    total = cap / variance - 1.0
    return mean * total, (1 - mean) * total


@dataclass(frozen=True)
class BetaBinomial:
    """``n`` Bernoulli trials sharing an unknown rate drawn from Beta(a, b)."""

    n: int
    a: float
    b: float

    @property
    def mean(self) -> float:
        """Expected count, ``n a / (a + b)``."""
        return self.n * self.a / (self.a + self.b)

    @property
    def variance(self) -> float:
        """``n a b (a + b + n) / ((a + b)^2 (a + b + 1))``."""
        s = self.a + self.b
        return self.n * self.a * self.b * (s + self.n) / (s * s * (s + 1))

    def pmf(self) -> tuple[int, np.ndarray]:
        """``(offset, p)``: ``p[k]`` is P(count = offset + k), tails below 1e-12 cut off."""
        if self.n == 0:
            return 0, np.ones(1)
        lo = int(betabinom.ppf(_TAIL, self.n, self.a, self.b))
        hi = int(betabinom.isf(_TAIL, self.n, self.a, self.b))
        lo, hi = max(0, min(lo, self.n)), max(0, min(max(hi, lo), self.n))
        k = np.arange(lo, hi + 1)
        p = betabinom.pmf(k, self.n, self.a, self.b)
        return lo, p / p.sum()


@dataclass(frozen=True)
class CountDistribution:
    """A discrete distribution over counts ``offset, offset + 1, ...``."""

    offset: int
    pmf: np.ndarray

    @property
    def mean(self) -> float:
        """Expected count."""
        return float(self.offset + np.dot(np.arange(len(self.pmf)), self.pmf))

    def quantile(self, q: float) -> int:
        """The smallest count whose cumulative probability reaches ``q``."""
        cdf = np.cumsum(self.pmf)
        k = int(np.searchsorted(cdf, q - 1e-12, side="left"))
        return self.offset + min(k, len(self.pmf) - 1)

    def interval(self, level: float = 0.9) -> tuple[int, int]:
        """Equal-tailed interval: the ``(1 - level) / 2`` and ``(1 + level) / 2`` quantiles."""
        tail = _check_level(level)
        return self.quantile(tail), self.quantile(1 - tail)


def sum_of_beta_binomials(parts: Sequence[BetaBinomial], offset: int = 0) -> CountDistribution:
    """Exact distribution of ``offset`` plus independent Beta-binomial counts (convolution).

    Examples
    --------
    Two conversations with a known rate of one half (Beta(a, b) with a huge a + b) and
    3 known positives: 3, 4 or 5 with probabilities 1/4, 1/2, 1/4.

    >>> d = sum_of_beta_binomials([BetaBinomial(2, 1e9, 1e9)], offset=3)
    >>> d.offset, [round(float(p), 6) for p in d.pmf]
    (3, [0.25, 0.5, 0.25])
    """
    total_offset = offset
    pmf = np.ones(1)
    for part in parts:
        lo, p = part.pmf()
        total_offset += lo
        pmf = np.convolve(pmf, p)
        keep = np.flatnonzero(pmf > _TAIL * 1e-3)
        if len(keep):  # trim negligible ends so long sums stay short
            total_offset += int(keep[0])
            pmf = pmf[keep[0] : keep[-1] + 1]
    return CountDistribution(total_offset, pmf / pmf.sum())
