"""Per-tag measured precision and recall of the model, from the same beliefs as the estimate.

For the conversations of a period that nobody answered:

* **precision** of a tag: the share of those the model *accepted* it on that really carry it;
* **recall**: the share of those really carrying it that the model accepted.

Both come from audits (through :func:`~frontdoor.insights.estimation.counts.cell_beliefs`),
never from the review queue, and carry a 90% interval: the precision's from the exact
distribution of the true positives among accepted conversations, the recall's from the
joint distribution of accepted true positives and misses (independent cells).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from frontdoor.insights.estimation.counts import EstimatorSettings, cell_beliefs
from frontdoor.insights.estimation.evidence import PeriodEvidence
from frontdoor.insights.estimation.intervals import sum_of_beta_binomials

__all__ = ["TagQuality", "tag_quality"]


@dataclass(frozen=True)
class TagQuality:
    """Measured precision and recall of one tag in one period (None when undefined).

    Attributes
    ----------
    tag : str
        Tag key.
    precision, precision_low, precision_high : float or None
        Expected precision of acceptance and its interval (None: nothing accepted).
    recall, recall_low, recall_high : float or None
        Expected recall of acceptance and its interval (None: nothing to recall).
    level : float
        Probability of the intervals.
    """

    tag: str
    precision: float | None
    precision_low: float | None
    precision_high: float | None
    recall: float | None
    recall_low: float | None
    recall_high: float | None
    level: float


def _weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    order = np.argsort(values, kind="stable")
    cdf = np.cumsum(weights[order])
    k = int(np.searchsorted(cdf, q * cdf[-1] - 1e-12, side="left"))
    return float(values[order][min(k, len(order) - 1)])


def tag_quality(
    history: Sequence[PeriodEvidence],
    tag: str,
    *,
    index: int = -1,
    settings: EstimatorSettings | None = None,
) -> TagQuality:
    """Precision and recall of the model's acceptance of ``tag`` in one period.

    Parameters
    ----------
    history : sequence of PeriodEvidence
        Periods of one dimension, oldest first (audits of the others are pooled as for
        the estimate).
    tag : str
        Tag key.
    index : int, default=-1
        Which period.
    settings : EstimatorSettings, optional

    Returns
    -------
    TagQuality
    """
    settings = settings or EstimatorSettings()
    tail = (1 - settings.level) / 2
    beliefs = cell_beliefs(history, tag, index=index, settings=settings)
    accepted = [bb for cell, bb in beliefs if cell.accepted]
    missed = [bb for cell, bb in beliefs if not cell.accepted]
    n_accepted = sum(bb.n for bb in accepted)
    hits = sum_of_beta_binomials(accepted)
    misses = sum_of_beta_binomials(missed)
    precision = low_p = high_p = None
    if n_accepted:
        precision = hits.mean / n_accepted
        low_p, high_p = (x / n_accepted for x in hits.interval(settings.level))
    # Joint grid of (hits, misses): recall = hits / (hits + misses), where defined.
    a = hits.offset + np.arange(len(hits.pmf))
    m = misses.offset + np.arange(len(misses.pmf))
    total = a[:, None] + m[None, :]
    weight = np.outer(hits.pmf, misses.pmf)
    defined = total > 0
    recall = low_r = high_r = None
    if defined.any() and weight[defined].sum() > 0:
        ratios = (a[:, None] / np.where(defined, total, 1))[defined]
        w = weight[defined]
        recall = float(np.dot(ratios, w) / w.sum())
        low_r = _weighted_quantile(ratios, w, tail)
        high_r = _weighted_quantile(ratios, w, 1 - tail)
    return TagQuality(tag, precision, low_p, high_p, recall, low_r, high_r, settings.level)
