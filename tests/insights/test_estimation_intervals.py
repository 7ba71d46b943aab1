"""Interval arithmetic of the count estimator, against hand-computed cases."""

from __future__ import annotations

import numpy as np
import pytest

from frontdoor.insights.estimation.intervals import (
    BetaBinomial,
    beta_from_moments,
    beta_interval,
    clopper_pearson,
    sum_of_beta_binomials,
    wilson,
)


def test_beta_interval_matches_the_closed_form_cdf() -> None:
    # A uniform prior after 3 successes in 4 trials is Beta(4, 2): density 20 x^3 (1 - x),
    # so its CDF is 5 x^4 - 4 x^5. The 90% interval's ends are where it reaches 5% and 95%.
    low, high = beta_interval(4, 2, 0.9)
    cdf = lambda x: 5 * x**4 - 4 * x**5  # noqa: E731
    assert cdf(low) == pytest.approx(0.05, abs=1e-9)
    assert cdf(high) == pytest.approx(0.95, abs=1e-9)


def test_wilson_by_hand() -> None:
    # 8 of 10 at 90%: z = 1.644854, z^2 = 2.705543.
    # centre = (0.8 + z^2/20) / (1 + z^2/10) = 0.935277 / 1.270554 = 0.736117
    # half   = z * sqrt(0.8*0.2/10 + z^2/400) / 1.270554 = 1.644854 * 0.150876 / 1.270554 = 0.195325
    low, high = wilson(8, 10, 0.9)
    assert low == pytest.approx(0.540793, abs=1e-5)
    assert high == pytest.approx(0.931442, abs=1e-5)
    assert wilson(0, 0) == (0.0, 1.0)


def test_clopper_pearson_at_the_edges() -> None:
    # 0 of 10: the upper end solves (1 - p)^10 = 0.05, p = 1 - 0.05^(1/10) = 0.258866.
    assert clopper_pearson(0, 10, 0.9) == pytest.approx((0.0, 0.258866), abs=1e-6)
    # 10 of 10: the lower end solves p^10 = 0.05, p = 0.05^(1/10) = 0.741134.
    assert clopper_pearson(10, 10, 0.9) == pytest.approx((0.741134, 1.0), abs=1e-6)


def test_beta_binomial_sum_by_hand() -> None:
    # BetaBinomial(2, 1, 1) is uniform on {0, 1, 2}; BetaBinomial(1, 1, 1) uniform on {0, 1}.
    # Their sum: [1/3, 1/3, 1/3] * [1/2, 1/2] = [1/6, 1/3, 1/3, 1/6] on 0..3, mean 1.5.
    d = sum_of_beta_binomials([BetaBinomial(2, 1, 1), BetaBinomial(1, 1, 1)], offset=10)
    assert d.offset == 10
    assert d.pmf == pytest.approx([1 / 6, 1 / 3, 1 / 3, 1 / 6])
    assert d.mean == pytest.approx(11.5)
    # CDF 1/6, 1/2, 5/6, 1: the 5% quantile is 10, the 95% one 13; the 25% one 11, 75% 12.
    assert d.interval(0.9) == (10, 13)
    assert d.interval(0.5) == (11, 12)


def test_beta_binomial_moments_match_its_pmf() -> None:
    part = BetaBinomial(40, 2.5, 7.0)
    lo, p = part.pmf()
    k = lo + np.arange(len(p))
    assert float(np.dot(k, p)) == pytest.approx(part.mean, rel=1e-9)
    assert float(np.dot((k - part.mean) ** 2, p)) == pytest.approx(part.variance, rel=1e-9)


def test_beta_from_moments() -> None:
    # mean 1/4 and variance (1/4)(3/4)/5: a + b + 1 = 5, so Beta(1, 3).
    assert beta_from_moments(0.25, 0.0375) == pytest.approx((1.0, 3.0))
