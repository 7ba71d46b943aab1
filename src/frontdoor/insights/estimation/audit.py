"""Audit sampling: which conversations to ask people about, and what more answers would buy.

The estimator's error rates come from *audits*: conversations drawn uniformly at random
within a stratum, answered completely ("which of these tags apply, if any?"). Drawn any
other way (most-informative-first, as the review queue does), the answers describe the
conversations people chose, not the rest. So:

* :func:`draw_audit` draws without replacement, uniformly within each stratum, from the
  conversations nobody has answered yet;
* :func:`allocate` splits a budget over strata (proportionally by default, so every
  conversation of the period has the same chance and the sample is self-weighting);
* :func:`plan_audit` tells, per tag, the current interval and its expected width after
  ``n`` more answers, so a lead can see what an hour of auditing buys.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from frontdoor.core.errors import ValidationError
from frontdoor.insights.estimation.counts import EstimatorSettings, tag_distribution
from frontdoor.insights.estimation.evidence import PeriodEvidence

__all__ = ["AuditPlan", "TagAuditGain", "allocate", "draw_audit", "expected_width_after", "plan_audit"]

T = TypeVar("T")


def allocate(
    budget: int, populations: Mapping[str, int], spread: Mapping[str, float] | None = None
) -> dict[str, int]:
    """Split ``budget`` draws over strata (largest remainder), never more than a stratum has.

    Without ``spread`` the split is proportional to the strata's sizes: every conversation
    has the same chance and the answers need no weights. With ``spread`` (the standard
    deviation of the quantity measured in each stratum, e.g. ``sqrt(e (1 - e))`` for an
    error rate ``e``) it is Neyman's ``N_h * S_h``: more draws where answers vary more; the
    estimator then weights each answer by ``N_h / n_h`` (:class:`AuditStratum`).

    Examples
    --------
    >>> allocate(20, {"accepted": 300, "suggested": 150, "unsure": 50})
    {'accepted': 12, 'suggested': 6, 'unsure': 2}
    >>> allocate(20, {"accepted": 300, "suggested": 150, "unsure": 50},
    ...          spread={"accepted": 0.2, "suggested": 0.5, "unsure": 0.4})
    {'accepted': 8, 'suggested': 10, 'unsure': 2}
    """
    if budget < 0:
        raise ValidationError("budget: must not be negative")
    names = [n for n, size in populations.items() if size > 0]
    size = {n: populations[n] * (1.0 if spread is None else max(spread.get(n, 0.0), 1e-3)) for n in names}
    total_size = sum(populations[n] for n in names)
    budget = min(budget, total_size)
    out = {n: 0 for n in names}
    left = budget
    while left > 0:  # cap at the stratum's size and share the rest among the others again
        open_ = [n for n in names if out[n] < populations[n]]
        total = sum(size[n] for n in open_)
        exact = {n: left * size[n] / total for n in open_}
        add = {n: min(int(exact[n]), populations[n] - out[n]) for n in open_}
        if not any(add.values()):
            for n in sorted(open_, key=lambda n: (-(exact[n] - int(exact[n])), n))[:left]:
                add[n] = 1
        for n in open_:
            out[n] += add[n]
            left -= add[n]
    return {n: out.get(n, 0) for n in populations}


def draw_audit(
    population: Mapping[str, Sequence[T]],
    allocation: Mapping[str, int],
    *,
    seed: int | np.random.Generator | None = None,
) -> dict[str, list[T]]:
    """Draw, uniformly without replacement, ``allocation[s]`` members of each stratum ``s``.

    Parameters
    ----------
    population : mapping of str to sequence
        The unanswered conversations (ids) of each stratum. Pass them in a stable order:
        with the same ``seed`` the same ids are drawn.
    allocation : mapping of str to int
        How many to draw from each stratum.
    seed : int, numpy Generator or None
        Randomness; None draws fresh entropy.

    Returns
    -------
    dict of str to list
        The drawn members per stratum.

    Raises
    ------
    ValidationError
        A stratum is asked for more members than it has.
    """
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    out: dict[str, list[T]] = {}
    for name in sorted(allocation):
        members = population.get(name, ())
        k = allocation[name]
        if k < 0 or k > len(members):
            raise ValidationError(f"stratum {name}: cannot draw {k} of {len(members)}")
        picks = rng.choice(len(members), size=k, replace=False) if k else np.empty(0, dtype=int)
        out[name] = [members[int(i)] for i in picks]
    return out


@dataclass(frozen=True)
class TagAuditGain:
    """What more audit answers would do to one tag's interval.

    Attributes
    ----------
    tag : str
        Tag key.
    low, high : int
        The interval now.
    expected_width : dict of int to float
        Expected interval width after ``n`` more answers drawn as planned, per ``n``.
    """

    tag: str
    low: int
    high: int
    expected_width: dict[int, float]

    @property
    def width(self) -> int:
        """The interval's width now."""
        return self.high - self.low


@dataclass(frozen=True)
class AuditPlan:
    """A proposed audit of one period: draws per stratum and the gain per tag."""

    allocation: dict[str, int]
    tags: dict[str, TagAuditGain]


def plan_audit(
    history: Sequence[PeriodEvidence],
    populations: Mapping[str, int],
    *,
    budget: int = 20,
    steps: Sequence[int] = (10, 20, 50),
    settings: EstimatorSettings | None = None,
) -> AuditPlan:
    """Plan an audit of the last period of ``history``.

    Parameters
    ----------
    history : sequence of PeriodEvidence
        Periods of one dimension, oldest first; the last one is audited.
    populations : mapping of str to int
        Unanswered conversations per audit stratum of that period.
    budget : int, default=20
        Answers to allocate now.
    steps : sequence of int
        Numbers of further answers to price.
    settings : EstimatorSettings, optional

    Returns
    -------
    AuditPlan
    """
    settings = settings or EstimatorSettings()
    allocation = allocate(budget, populations)
    period = history[-1]
    total = max(1, sum(populations.values()))
    gains: dict[str, TagAuditGain] = {}
    for tag in period.tags:
        dist, _ = tag_distribution(history, tag, settings=settings)
        low, high = dist.interval(settings.level)
        widths = {n: float(expected_width_after(history, tag, n / total, settings)) for n in steps}
        gains[tag] = TagAuditGain(tag, low, high, widths)
    return AuditPlan(allocation, gains)


def expected_width_after(
    history: Sequence[PeriodEvidence],
    tag: str,
    fraction: float,
    settings: EstimatorSettings | None = None,
    *,
    index: int = -1,
) -> int:
    """Expected interval width of ``tag`` once ``fraction`` of the period is audited.

    Pre-posterior approximation: each of the tag's cells gets its proportional share of
    the new answers, and they carry the tag at the rate now believed, so the interval
    narrows without moving. Answers also sharpen the pooled rates of other tags' cells;
    that gain is left out, so the figure errs on the wide side.

    Parameters
    ----------
    history : sequence of PeriodEvidence
        Periods of one dimension, oldest first.
    tag : str
        Tag key.
    fraction : float
        Share (0..1) of the period's unanswered conversations audited in addition.
    settings : EstimatorSettings, optional
    index : int, default=-1
        Which period.

    Returns
    -------
    int
        ``high - low`` of the expected interval.
    """
    settings = settings or EstimatorSettings()
    dist, _ = tag_distribution(history, tag, index=index, settings=settings, answered=fraction)
    low, high = dist.interval(settings.level)
    return high - low
