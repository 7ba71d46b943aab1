"""Estimate the true number of conversations carrying a tag, with a 90% interval.

The estimate of a tag in a period is

    confirmed  +  sum over confidence cells c of  X_c,   X_c ~ BetaBinomial(U_c, a_c, b_c)

where ``confirmed`` is what people confirmed (known truth), ``U_c`` the conversations nobody
answered in cell ``c`` (the tag's confidence bin and whether the model accepted it), and
Beta(a_c, b_c) the belief about the share of them that really carry the tag. That belief
is built in three layers (an empirical-Bayes stratified estimator, with the model score as
the stratifier):

1. **The model's claim**: the mean calibrated confidence of the cell, held with the weight
   of ``prior_strength`` answers only. With no audit at all the interval is wide.
2. **Audits pooled over the dimension's other tags**: audit answers are a uniform random
   sample per stratum (see :mod:`~frontdoor.insights.estimation.audit`), so every audited
   conversation shows, for every tag, whether its cell really carried the tag. Audits of
   other periods count ``discount ** distance`` as much, so stable error rates are pooled
   over weeks while a drift fades old evidence out. In bin 0 (the tag is not even a
   candidate) the pooled miss rate is spread over tags by each tag's share of the period,
   so a spike also raises its misses.
3. **The tag's own audits** update that prior; ``tag_concentration`` says how far a tag's
   rate may stray from the pooled one.

The review queue's answers are known truth for their conversations but say nothing about
the others (the queue picks the most informative first): they enter ``confirmed`` and leave
the cells, and are never used as a sample.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from frontdoor.core.errors import ValidationError
from frontdoor.insights.estimation.evidence import Cell, PeriodEvidence, TagPeriod
from frontdoor.insights.estimation.intervals import (
    BetaBinomial,
    CountDistribution,
    beta_from_moments,
    sum_of_beta_binomials,
)

__all__ = [
    "CountEstimate",
    "EstimatorSettings",
    "PeriodEstimate",
    "cell_beliefs",
    "estimate_period",
    "estimate_series",
    "tag_distribution",
]

_Key = tuple[int, bool]
_EPS = 1e-6


@dataclass(frozen=True)
class EstimatorSettings:
    """How much the estimator trusts what.

    The defaults were chosen on a simulated stream built from training and validation
    data (``bench/counting``), never on the test stream it reports.

    Parameters
    ----------
    level : float, default=0.9
        Probability the interval holds the true count.
    discount : float, default=0.9
        Weight of an audit answer from a period ``d`` periods away: ``discount ** d``.
    max_distance : int, default=12
        Audits further away than this many periods are not used.
    tag_concentration : float, default=3.0
        How far a tag's rate may stray from the pooled rate: the pooled rate is held with
        this many pseudo-answers for the tag (small = tags differ a lot).
    prior_strength : float, default=2.0
        Pseudo-answers behind the model's own calibrated confidence.
    prevalence_shift : bool, default=False
        Scale the rate of a tag's non-accepted cells by how much more common the tag is in
        the period than in the audited ones (its confirmed + accepted count against their
        rate), as under a prior shift misses follow prevalence. Needs every period scored
        by the same model (re-tag past periods after a retrain).
    """

    level: float = 0.9
    discount: float = 0.9
    max_distance: int = 12
    tag_concentration: float = 3.0
    prior_strength: float = 2.0
    prevalence_shift: bool = False

    def __post_init__(self) -> None:
        if not 0 < self.level < 1:
            raise ValidationError("level: must be between 0 and 1")
        if not 0 <= self.discount <= 1:
            raise ValidationError("discount: must be between 0 and 1")
        if self.max_distance < 0 or self.tag_concentration <= 0 or self.prior_strength <= 0:
            raise ValidationError("max_distance >= 0, tag_concentration > 0, prior_strength > 0")


@dataclass(frozen=True)
class CountEstimate:
    """The three kinds of count of one tag in one period.

    Attributes
    ----------
    tag : str
        Tag key.
    start : datetime.date
        First day of the period.
    confirmed : int
        Conversations a person confirmed carry the tag.
    accepted : int
        Confirmed plus those the model accepted and nobody rejected (the default count).
    estimate : float
        Expected true number of conversations carrying the tag.
    low, high : int
        The interval: the true number lies in ``[low, high]`` with probability ``level``.
    level : float
        Probability of the interval (0.9).
    audit_answers : float
        Audit answers behind the tag's own rates (discounted over periods; 0 = the interval
        rests on the other tags and the model's claim only).
    partial : bool
        The period is not over: counts will still grow; never compare it with whole periods.
    """

    tag: str
    start: dt.date
    confirmed: int
    accepted: int
    estimate: float
    low: int
    high: int
    level: float
    audit_answers: float
    partial: bool = False

    @property
    def width(self) -> int:
        """``high - low``."""
        return self.high - self.low


@dataclass(frozen=True)
class PeriodEstimate:
    """Estimates of every tag of a dimension in one period."""

    start: dt.date
    partial: bool
    tags: dict[str, CountEstimate]


@dataclass
class _Evidence:
    """Discounted audit evidence: successes and answers per (tag, cell)."""

    own: dict[tuple[str, _Key], list[float]]
    pooled: dict[_Key, list[float]]
    shift: dict[str, float]

    def get_own(self, tag: str, key: _Key) -> tuple[float, float]:
        s, n = self.own.get((tag, key), (0.0, 0.0))
        return min(s, n), n  # weighted sums may differ in the last bit

    def others(self, tag: str, key: _Key) -> tuple[float, float]:
        s, n = self.pooled.get(key, (0.0, 0.0))
        own_s, own_n = self.get_own(tag, key)
        return max(0.0, s - own_s), max(0.0, n - own_n)


def _period_cells(period: PeriodEvidence, tags: Sequence[str]) -> dict[tuple[str, _Key], list[float]]:
    """Design-weighted (Kish effective) successes and answers per (tag, cell) of one period."""
    weights = period.design_weights()
    sums: dict[tuple[str, _Key], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for answer, w in zip(period.audits, weights, strict=True):
        for t in tags:
            acc = sums[(t, answer.cell(t))]
            acc[0] += w * (t in answer.truth)
            acc[1] += w
            acc[2] += w * w
    out: dict[tuple[str, _Key], list[float]] = {}
    for key, (sw_y, sw, sw2) in sums.items():
        n_eff = sw * sw / sw2 if sw2 > 0 else 0.0
        out[key] = [n_eff * sw_y / sw if sw > 0 else 0.0, n_eff]
    return out


def _evidence(history: Sequence[PeriodEvidence], index: int, settings: EstimatorSettings) -> _Evidence:
    tags = list(history[index].tags)
    own: dict[tuple[str, _Key], list[float]] = defaultdict(lambda: [0.0, 0.0])
    pooled: dict[_Key, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for j, period in enumerate(history):
        distance = abs(j - index)
        if distance > settings.max_distance or not period.audits:
            continue
        weight = settings.discount**distance
        if weight <= 0:
            continue
        for (tag, key), (s, n) in _period_cells(period, tags).items():
            own[(tag, key)][0] += weight * s
            own[(tag, key)][1] += weight * n
            pooled[key][0] += weight * s
            pooled[key][1] += weight * n
    return _Evidence(dict(own), dict(pooled), _shifts(history, index, settings))


def _shifts(history: Sequence[PeriodEvidence], index: int, settings: EstimatorSettings) -> dict[str, float]:
    """How much more common each tag is in the estimated period than where audits came from.

    The ratio of the period's default count (confirmed + accepted, plus two pseudo
    conversations) to what the audited periods' rate predicts for its volume. Misses sit
    in cells dominated by other tags, so their rate follows the tag's prevalence (a spike
    brings its misses along), not the cell's average (Saerens et al.'s prior shift).
    """
    period = history[index]
    num: dict[str, float] = defaultdict(float)
    den = 0.0
    for j, other in enumerate(history):
        distance = abs(j - index)
        if distance > settings.max_distance or not other.audits:
            continue
        weight = settings.discount**distance
        den += weight * other.volume
        for tag, tp in other.tags.items():
            num[tag] += weight * (tp.confirmed + tp.accepted)
    out: dict[str, float] = {}
    for tag, tp in period.tags.items():
        expected = period.volume * num[tag] / den if den > 0 else tp.confirmed + tp.accepted
        out[tag] = (tp.confirmed + tp.accepted + 2.0) / (expected + 2.0)
    return out


def _claims(period: PeriodEvidence) -> dict[_Key, float]:
    """The model's mean confidence per cell over all tags of the period."""
    sums: dict[_Key, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for tp in period.tags.values():
        for c in tp.cells:
            sums[(c.bin, c.accepted)][0] += c.confidence_sum
            sums[(c.bin, c.accepted)][1] += c.conversations
    return {k: s / n for k, (s, n) in sums.items() if n > 0}


def _shares(period: PeriodEvidence) -> dict[str, float]:
    """Each tag's share of the period by confirmed answers and model confidence."""
    mass = {t: tp.confirmed + sum(c.confidence_sum for c in tp.cells) for t, tp in period.tags.items()}
    total = sum(mass.values())
    k = max(1, len(mass))
    return {t: (m / total if total > 0 else 1.0 / k) for t, m in mass.items()}


def _cell_belief(
    tp: TagPeriod,
    key: _Key,
    mean_conf: float,
    claims: dict[_Key, float],
    share: float,
    n_tags: int,
    evidence: _Evidence,
    settings: EstimatorSettings,
) -> tuple[float, float]:
    """Beta(a, b) belief about the share of a cell's conversations that carry the tag."""
    if key[0] == 0:  # not a candidate: the model claims nothing; spread misses by share
        claim, ratio = 0.5 / n_tags, n_tags * share
    else:
        claim = min(max(claims.get(key, mean_conf), _EPS), 1 - _EPS)
        ratio = mean_conf / claim if claim > 0 else 1.0
    s, n = evidence.others(tp.tag, key)
    s = min(s, n)
    a = settings.prior_strength * claim + s
    b = settings.prior_strength * (1 - claim) + (n - s)
    pooled_mean = a / (a + b)
    pooled_var = a * b / ((a + b) ** 2 * (a + b + 1))
    mean = min(max(ratio * pooled_mean, _EPS), 1 - _EPS)
    var = mean * (1 - mean) / (settings.tag_concentration + 1) + ratio * ratio * pooled_var
    a0, b0 = beta_from_moments(mean, var)
    own_s, own_n = evidence.get_own(tp.tag, key)
    a, b = a0 + own_s, b0 + max(0.0, own_n - own_s)
    shift = evidence.shift.get(tp.tag, 1.0)
    if settings.prevalence_shift and key[0] > 0 and not key[1]:  # misses follow prevalence
        total = a + b
        mean = min(max(shift * a / total, _EPS), 1 - _EPS)
        a, b = mean * total, (1 - mean) * total
    return a, b


def tag_distribution(
    history: Sequence[PeriodEvidence],
    tag: str,
    *,
    index: int = -1,
    settings: EstimatorSettings | None = None,
    answered: float = 0.0,
) -> tuple[CountDistribution, float]:
    """Posterior distribution of a tag's true count in one period, and its own audit weight.

    Parameters
    ----------
    history : sequence of PeriodEvidence
        Periods of one dimension, oldest first.
    tag : str
        Tag key.
    index : int, default=-1
        Which period of ``history`` to estimate.
    settings : EstimatorSettings, optional
    answered : float, default=0.0
        For planning: pretend this share of each cell was audited and came out at the rate
        now believed (see :func:`frontdoor.insights.estimation.audit.expected_width_after`).

    Returns
    -------
    (CountDistribution, float)
        The distribution of the true count, and the discounted audit answers of the tag's
        own cells.
    """
    settings = settings or EstimatorSettings()
    index = range(len(history))[index]
    period = history[index]
    evidence = _evidence(history, index, settings)
    return _distribution(period, tag, evidence, settings, answered=max(0.0, answered))


def cell_beliefs(
    history: Sequence[PeriodEvidence],
    tag: str,
    *,
    index: int = -1,
    settings: EstimatorSettings | None = None,
) -> list[tuple[Cell, BetaBinomial]]:
    """Each unanswered cell of ``tag`` in one period with the Beta-binomial count believed in it.

    The building block of :func:`tag_distribution` (which sums them) and of
    :func:`frontdoor.insights.estimation.quality.tag_quality` (which splits them).
    """
    settings = settings or EstimatorSettings()
    index = range(len(history))[index]
    period = history[index]
    tp = period.tags.get(tag)
    if tp is None:
        raise ValidationError(f"tag {tag!r} is not in the period of {period.start}")
    evidence = _evidence(history, index, settings)
    claims, shares = _claims(period), _shares(period)
    out: list[tuple[Cell, BetaBinomial]] = []
    for cell in tp.cells:
        if cell.conversations == 0:
            continue
        key = (cell.bin, cell.accepted)
        mean_conf = cell.confidence_sum / cell.conversations
        a, b = _cell_belief(tp, key, mean_conf, claims, shares[tag], len(period.tags), evidence, settings)
        out.append((cell, BetaBinomial(cell.conversations, a, b)))
    return out


def _distribution(
    period: PeriodEvidence,
    tag: str,
    evidence: _Evidence,
    settings: EstimatorSettings,
    answered: float = 0.0,
) -> tuple[CountDistribution, float]:
    """The tag's count distribution; ``answered`` > 0 pretends that share of each cell was
    audited and came out at the rate now believed (for planning, see
    :func:`~frontdoor.insights.estimation.audit.expected_width_after`)."""
    tp = period.tags.get(tag)
    if tp is None:
        raise ValidationError(f"tag {tag!r} is not in the period of {period.start}")
    claims, shares = _claims(period), _shares(period)
    parts: list[BetaBinomial] = []
    own_answers = 0.0
    known = float(tp.confirmed)
    for cell in tp.cells:
        key = (cell.bin, cell.accepted)
        own_answers += evidence.get_own(tag, key)[1]
        if cell.conversations == 0:
            continue
        mean_conf = cell.confidence_sum / cell.conversations
        a, b = _cell_belief(tp, key, mean_conf, claims, shares[tag], len(period.tags), evidence, settings)
        remaining = cell.conversations
        if answered > 0:
            more = min(cell.conversations, round(answered * cell.conversations))
            rate = a / (a + b)
            a, b, remaining = a + more * rate, b + more * (1 - rate), cell.conversations - more
            known += more * rate
        parts.append(BetaBinomial(remaining, a, b))
    return sum_of_beta_binomials(parts, offset=round(known)), own_answers


def estimate_period(
    history: Sequence[PeriodEvidence],
    *,
    index: int = -1,
    settings: EstimatorSettings | None = None,
) -> PeriodEstimate:
    """Estimate every tag of a dimension in one period (by default the last one).

    Audits of the other periods in ``history`` are pooled with weight
    ``discount ** distance``; pass only the periods up to the one estimated to get what was
    known at its end, or the whole history to revise it with later audits.

    Parameters
    ----------
    history : sequence of PeriodEvidence
        Periods of one dimension, oldest first, without gaps.
    index : int, default=-1
        Which period to estimate.
    settings : EstimatorSettings, optional

    Returns
    -------
    PeriodEstimate
        One :class:`CountEstimate` per tag.
    """
    if not history:
        raise ValidationError("history: at least one period is needed")
    settings = settings or EstimatorSettings()
    index = range(len(history))[index]
    period = history[index]
    evidence = _evidence(history, index, settings)
    out = {tag: _count_estimate(period, tag, evidence, settings) for tag in period.tags}
    return PeriodEstimate(period.start, period.partial, out)


def _count_estimate(
    period: PeriodEvidence, tag: str, evidence: _Evidence, settings: EstimatorSettings
) -> CountEstimate:
    dist, own = _distribution(period, tag, evidence, settings)
    low, high = dist.interval(settings.level)
    tp = period.tags[tag]
    return CountEstimate(
        tag=tag,
        start=period.start,
        confirmed=tp.confirmed,
        accepted=tp.confirmed + tp.accepted,
        estimate=dist.mean,
        low=low,
        high=high,
        level=settings.level,
        audit_answers=own,
        partial=period.partial,
    )


def estimate_series(
    history: Sequence[PeriodEvidence],
    tag: str,
    *,
    as_of_each: bool = False,
    settings: EstimatorSettings | None = None,
) -> list[CountEstimate]:
    """One tag's estimates over every period of ``history`` (a trend line with its band).

    Parameters
    ----------
    history : sequence of PeriodEvidence
        Periods of the tag's dimension, oldest first, without gaps.
    tag : str
        Tag key.
    as_of_each : bool, default=False
        False: every period uses every audit (later ones too), the best current view.
        True: each period uses only audits up to its own end (what was known then).
    settings : EstimatorSettings, optional

    Returns
    -------
    list of CountEstimate
        One per period, oldest first.
    """
    settings = settings or EstimatorSettings()
    out: list[CountEstimate] = []
    for j, period in enumerate(history):
        visible = history[: j + 1] if as_of_each else history
        out.append(_count_estimate(period, tag, _evidence(visible, j, settings), settings))
    return out
