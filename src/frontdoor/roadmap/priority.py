"""The roadmap priority score: measured demand times a strategic weight set top-down.

Formula (every term is shown on the board, so a rank can be argued with)::

    demand   = 1 * ln(1 + conversations)
             + 2 * ln(1 + accounts)
             + 10 * arr_share
    priority = strategic_weight * demand * trend_factor

- ``conversations``: distinct conversations tagged (confirmed) to the item's tags or their
  descendants in the demand window. Logarithmic: the hundredth ticket about a thing adds
  less than the tenth.
- ``accounts``: distinct accounts among them, weighted twice: ten customers asking once
  outweigh one customer asking ten times.
- ``arr_share``: ARR of those distinct accounts over the ARR of every account of the
  workspace (0..1), so a currency or a price change does not rescale the board.
- ``trend_factor``: 1.25 when the item's demand is rising against its own baseline, 0.8
  when falling, 1 otherwise (see :func:`frontdoor.insights.trends.compare_to_baseline`).
- ``strategic_weight``: set by product leadership per item (default 1, 0 parks an item).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

CONVERSATIONS_WEIGHT = 1.0
ACCOUNTS_WEIGHT = 2.0
ARR_SHARE_WEIGHT = 10.0
TREND_FACTORS = {"rising": 1.25, "falling": 0.8, "steady": 1.0}

FORMULA = (
    "priority = strategic_weight × (1·ln(1+conversations) + 2·ln(1+accounts) + 10·arr_share) × trend_factor"
)


@dataclass(frozen=True)
class Term:
    """One named part of a score: its input, its weight and what it contributes."""

    key: str
    value: float
    weight: float
    contribution: float


@dataclass(frozen=True)
class PriorityScore:
    """A score with the terms that make it up."""

    score: float
    demand: float
    terms: list[Term]
    strategic_weight: float
    trend_factor: float


def priority_score(
    *,
    conversations: int,
    accounts: int,
    arr: int,
    total_arr: int,
    direction: str,
    strategic_weight: float,
) -> PriorityScore:
    """Combine demand and strategic weight into one explained score.

    Parameters
    ----------
    conversations, accounts, arr : int
        Measured demand of the item in the window.
    total_arr : int
        ARR of every account of the workspace; ``arr_share`` is ``arr / total_arr`` (0 when
        the workspace records no ARR).
    direction : str
        ``rising``, ``falling`` or ``steady``.
    strategic_weight : float
        Top-down weight of the item (>= 0).

    Examples
    --------
    >>> s = priority_score(conversations=0, accounts=0, arr=0, total_arr=0, direction="steady",
    ...                    strategic_weight=2.0)
    >>> s.score
    0.0
    """
    share = arr / total_arr if total_arr > 0 else 0.0
    terms = [
        Term(
            "conversations",
            float(conversations),
            CONVERSATIONS_WEIGHT,
            CONVERSATIONS_WEIGHT * math.log1p(conversations),
        ),
        Term("accounts", float(accounts), ACCOUNTS_WEIGHT, ACCOUNTS_WEIGHT * math.log1p(accounts)),
        Term("arr_share", share, ARR_SHARE_WEIGHT, ARR_SHARE_WEIGHT * share),
    ]
    demand = sum(t.contribution for t in terms)
    factor = TREND_FACTORS.get(direction, 1.0)
    return PriorityScore(
        score=strategic_weight * demand * factor,
        demand=demand,
        terms=terms,
        strategic_weight=strategic_weight,
        trend_factor=factor,
    )


__all__ = [
    "ACCOUNTS_WEIGHT",
    "ARR_SHARE_WEIGHT",
    "CONVERSATIONS_WEIGHT",
    "FORMULA",
    "TREND_FACTORS",
    "PriorityScore",
    "Term",
    "priority_score",
]
