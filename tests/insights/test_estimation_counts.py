"""The count estimator on synthetic periods: known truth, honesty with few audits, unbiasedness."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from frontdoor.insights.estimation import (
    AuditStratum,
    EstimatorSettings,
    Scored,
    allocate,
    audit_stratum,
    draw_audit,
    estimate_period,
    estimate_series,
    period_evidence,
    tag_distribution,
    tag_quality,
)

WEEK = dt.date(2026, 3, 2)
TAGS = ("a", "b")


def _population(
    rng: np.random.Generator,
) -> tuple[list[dict[str, float]], list[frozenset[str]], list[str | None]]:
    """2,000 conversations: the model accepts ``a`` at 0.95 on 1,000 of them, but only 70% are
    really ``a`` (the rest ``b``); on the other 1,000 it suggests ``b`` at 0.4 and 5% are ``a``."""
    cands: list[dict[str, float]] = []
    accepted: list[frozenset[str]] = []
    truth: list[str | None] = []
    for i in range(2000):
        if i < 1000:
            cands.append({"a": 0.95})
            accepted.append(frozenset({"a"}))
            truth.append("a" if i < 700 else "b")
        else:
            cands.append({"b": 0.4})
            accepted.append(frozenset())
            truth.append("a" if i < 1050 else ("b" if i < 1500 else None))
    return cands, accepted, truth


def _period(cands, accepted, truth, audited: dict[int, str], strata=()) -> object:
    rows = []
    for i, (c, acc, y) in enumerate(zip(cands, accepted, truth, strict=True)):
        stratum = audited.get(i)
        answer = frozenset() if y is None else frozenset({y})
        rows.append(
            Scored(
                candidates=c,
                accepted=acc,
                confirmed=answer if stratum is not None else frozenset(),
                none_fits=stratum is not None and y is None,
                audit_stratum=stratum,
            )
        )
    return period_evidence(WEEK, TAGS, rows, strata=strata)


def _audit(cands, accepted, allocation_of, rng) -> tuple[dict[int, str], list[AuditStratum]]:
    strata: dict[str, list[int]] = {}
    for i, (c, acc) in enumerate(zip(cands, accepted, strict=True)):
        strata.setdefault(audit_stratum(c, acc), []).append(i)
    sizes = {s: len(v) for s, v in strata.items()}
    allocation = allocation_of(sizes)
    drawn = draw_audit(strata, allocation, seed=rng)
    audited = {i: s for s, ids in drawn.items() for i in ids}
    return audited, [AuditStratum(s, sizes[s], allocation[s]) for s in sizes]


def test_everything_answered_is_exact() -> None:
    cands, accepted, truth = _population(np.random.default_rng(0))
    cands, accepted, truth = cands[::100], accepted[::100], truth[::100]  # 20 conversations
    period = _period(cands, accepted, truth, {i: "accepted" for i in range(len(cands))})
    est = estimate_period([period]).tags["a"]
    true_a = sum(y == "a" for y in truth)
    assert (est.confirmed, est.low, est.high) == (true_a, true_a, true_a)
    assert est.estimate == pytest.approx(true_a)


def test_no_audit_means_a_wide_interval_and_audits_narrow_it() -> None:
    rng = np.random.default_rng(1)
    cands, accepted, truth = _population(rng)
    bare = estimate_period([_period(cands, accepted, truth, {})]).tags["a"]
    # With no audit the model's claim (0.95 on 1,000) is held with two pseudo-answers: the
    # interval must admit that precision could be far lower, so it spans hundreds.
    assert bare.width > 300
    assert bare.accepted == 1000
    audited, strata = _audit(cands, accepted, lambda s: allocate(100, s), rng)
    est = estimate_period([_period(cands, accepted, truth, audited, strata)]).tags["a"]
    assert est.width < bare.width / 2
    assert est.low <= sum(y == "a" for y in truth) <= est.high


@pytest.mark.parametrize("design", ["proportional", "oversample_suggested"])
def test_unbiased_and_covering_on_repeated_audits(design: str) -> None:
    rng = np.random.default_rng(2026)
    cands, accepted, truth = _population(rng)
    true_a = sum(y == "a" for y in truth)  # 750, while classify-and-count says 1,000
    settings = EstimatorSettings()
    if design == "proportional":
        alloc = lambda sizes: allocate(600, sizes)  # noqa: E731
    else:  # unequal inclusion probabilities (15% vs 45%): the design weights must undo them
        alloc = lambda sizes: {"accepted": 150, "suggested": 450}  # noqa: E731
    estimates, covered = [], 0
    reps = 150
    for _ in range(reps):
        audited, strata = _audit(cands, accepted, alloc, rng)
        est = estimate_period([_period(cands, accepted, truth, audited, strata)], settings=settings).tags["a"]
        estimates.append(est.estimate)
        covered += est.low <= true_a <= est.high
    mean, sd = float(np.mean(estimates)), float(np.std(estimates, ddof=1))
    # Tolerance from the variance (4 standard errors of the mean), plus the most the prior
    # can pull: at most ``tag_concentration`` pseudo-answers per cell against >= 150 real
    # ones, times the largest gap between a prior mean and the truth (1) and the cell size.
    shrink = 2 * settings.tag_concentration / (150 + settings.tag_concentration) * 1000
    assert abs(mean - true_a) <= 4 * sd / np.sqrt(reps) + shrink
    assert abs(mean - true_a) < 0.1 * abs(1000 - true_a)  # far from the model's claim
    # 90% intervals: binomial(150, 0.9) lies in 0.83..0.97 with probability > 0.99; the
    # prior's extra width may only make them more conservative.
    assert 0.83 <= covered / reps <= 1.0


def test_review_queue_answers_are_truth_not_a_sample() -> None:
    rng = np.random.default_rng(3)
    cands, accepted, truth = _population(rng)
    audited, strata = _audit(cands, accepted, lambda s: allocate(100, s), rng)
    base = _period(cands, accepted, truth, audited, strata)
    # The queue answers 50 more accepted conversations, all of them really ``a`` (it picked
    # the easy ones): they are known, but must not raise the rate believed for the rest.
    picked = [i for i in range(700) if i not in audited][:50]
    rows = []
    for i, (c, acc, y) in enumerate(zip(cands, accepted, truth, strict=True)):
        stratum = audited.get(i)
        known = stratum is not None or i in picked
        answer = frozenset() if y is None else frozenset({y})
        rows.append(
            Scored(c, acc, answer if known else frozenset(), frozenset(), known and y is None, stratum)
        )
    queued = period_evidence(WEEK, TAGS, rows, strata=strata)
    d0, _ = tag_distribution([base], "a")
    d1, _ = tag_distribution([queued], "a")
    rest0 = (d0.mean - base.tags["a"].confirmed) / base.tags["a"].unanswered
    rest1 = (d1.mean - queued.tags["a"].confirmed) / queued.tags["a"].unanswered
    assert queued.tags["a"].confirmed == base.tags["a"].confirmed + 50
    # The remaining accepted cell keeps its rate; only its size shrank by 50, so the
    # average over the unanswered moves only by that change of mix (not toward 1).
    assert rest1 == pytest.approx(rest0, abs=0.01)


def test_other_periods_audits_are_pooled_with_a_discount() -> None:
    rng = np.random.default_rng(4)
    cands, accepted, truth = _population(rng)
    audited, strata = _audit(cands, accepted, lambda s: allocate(200, s), rng)
    audited_week = _period(cands, accepted, truth, audited, strata)
    bare_week = _period(cands, accepted, truth, {})
    alone = estimate_period([bare_week]).tags["a"]
    pooled = estimate_period([audited_week, bare_week], settings=EstimatorSettings(discount=0.9)).tags["a"]
    ignored = estimate_period([audited_week, bare_week], settings=EstimatorSettings(discount=0.0)).tags["a"]
    assert pooled.width < alone.width / 2
    assert (ignored.low, ignored.high) == (alone.low, alone.high)
    series = estimate_series([audited_week, bare_week], "a", as_of_each=True)
    assert [e.start for e in series] == [WEEK, WEEK]
    assert series[1].audit_answers > 0 and series[0].audit_answers > series[1].audit_answers


def test_measured_precision_and_recall() -> None:
    rng = np.random.default_rng(5)
    cands, accepted, truth = _population(rng)
    audited, strata = _audit(cands, accepted, lambda s: allocate(600, s), rng)
    quality = tag_quality([_period(cands, accepted, truth, audited, strata)], "a")
    # Among the unanswered: precision = a's share of the accepted ones (about 0.7), recall =
    # accepted a over all a (about 700 / 750); both counted from the truth here.
    rest = [i for i in range(2000) if i not in audited]
    acc_rest = [i for i in rest if i < 1000]
    true_precision = sum(truth[i] == "a" for i in acc_rest) / len(acc_rest)
    true_recall = sum(truth[i] == "a" for i in acc_rest) / sum(truth[i] == "a" for i in rest)
    assert quality.precision_low <= true_precision <= quality.precision_high
    assert quality.recall_low <= true_recall <= quality.recall_high
    assert quality.precision == pytest.approx(0.7, abs=0.06)
    assert quality.precision_high - quality.precision_low < 0.15


def test_weighted_audits_that_all_agree_stay_finite() -> None:
    # Unequal design weights (7/3 and 3/1) on answers that all carry the tag: weighted
    # successes equal weighted answers up to rounding, which must not make a Beta invalid.
    rows = [
        Scored({"a": 0.97}, frozenset({"a"}), frozenset({"a"}), audit_stratum="accepted") for _ in range(3)
    ]
    rows += [Scored({"a": 0.97}, frozenset({"a"})) for _ in range(4)]
    rows += [Scored({"a": 0.35}, frozenset(), frozenset({"a"}), audit_stratum="suggested")]
    rows += [Scored({"a": 0.35}) for _ in range(2)]
    strata = [AuditStratum("accepted", 7, 3), AuditStratum("suggested", 3, 1)]
    est = estimate_period([period_evidence(WEEK, ["a"], rows, strata=strata)]).tags["a"]
    assert est.confirmed == 4
    assert 4 <= est.low <= est.estimate <= est.high <= 10
