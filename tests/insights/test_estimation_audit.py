"""Audit sampling: proportional allocation, uniform draws, and the planner's promises."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from scipy.stats import chi2

from frontdoor.core.errors import ValidationError
from frontdoor.insights.estimation import Scored, allocate, draw_audit, period_evidence, plan_audit


def test_allocate_is_proportional_and_exact() -> None:
    # 20 x (300, 150, 50) / 500 = (12, 6, 2) exactly.
    assert allocate(20, {"accepted": 300, "suggested": 150, "unsure": 50}) == {
        "accepted": 12,
        "suggested": 6,
        "unsure": 2,
    }
    # 10 x (1, 1, 1) / 3 = 3.33 each: the one left over goes to the first name in order.
    assert allocate(10, {"b": 1, "a": 1, "c": 1}) == {"b": 1, "a": 1, "c": 1}
    assert allocate(7, {"x": 5, "y": 5}) == {"x": 4, "y": 3}
    assert allocate(5, {"x": 0, "y": 0}) == {"x": 0, "y": 0}


def test_draw_is_uniform_within_a_stratum() -> None:
    # 12,000 draws of 3 of 10 members: each member is expected 3,600 times. Under
    # uniformity the chi-square statistic over the 10 counts has (about) 9 degrees of
    # freedom; its 99.9% quantile is 27.88. A fixed seed keeps the test deterministic.
    members = list(range(10))
    rng = np.random.default_rng(12345)
    counts = np.zeros(10)
    for _ in range(12_000):
        drawn = draw_audit({"s": members}, {"s": 3}, seed=rng)["s"]
        assert len(set(drawn)) == 3  # without replacement
        counts[drawn] += 1
    expected = 12_000 * 3 / 10
    statistic = float(((counts - expected) ** 2 / expected).sum())
    assert statistic < chi2.ppf(0.999, df=9)
    # Also no member is favoured by more than 5 standard deviations of its count.
    sd = np.sqrt(12_000 * 0.3 * 0.7)
    assert np.all(np.abs(counts - expected) < 5 * sd)


def test_draw_respects_strata_and_seed() -> None:
    pop = {"a": ["a1", "a2", "a3"], "b": ["b1", "b2"]}
    one = draw_audit(pop, {"a": 2, "b": 1}, seed=7)
    assert one == draw_audit(pop, {"a": 2, "b": 1}, seed=7)
    assert set(one["a"]) <= set(pop["a"]) and set(one["b"]) <= set(pop["b"])
    with pytest.raises(ValidationError):
        draw_audit(pop, {"b": 3}, seed=1)


def test_plan_prices_more_answers() -> None:
    rows = [Scored({"a": 0.8}, frozenset({"a"})) for _ in range(300)]
    rows += [Scored({"a": 0.35}) for _ in range(300)]
    period = period_evidence(dt.date(2026, 3, 2), ["a"], rows)
    plan = plan_audit([period], {"accepted": 300, "suggested": 300}, budget=20, steps=(10, 50, 200))
    assert plan.allocation == {"accepted": 10, "suggested": 10}
    gain = plan.tags["a"]
    widths = [gain.expected_width[n] for n in (10, 50, 200)]
    assert widths[0] <= gain.width
    assert widths[0] > widths[1] > widths[2]
