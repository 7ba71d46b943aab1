"""Account priority: which accounts to meet first, as a sum of visible terms (0-100 points).

Each term is its weight (the most points it can give, ``Workspace.settings["health"]
["priority"]["weights"]``) times a fraction 0..1:

- ``arr``: the share of the workspace's other accounts with a smaller ARR (largest = 1, no ARR = 0).
- ``dissatisfaction``: 1 - mean goodness of recent survey answers (see
  :func:`frontdoor.accounts.health_score.answer_goodness`); 0.5 when there are none.
- ``complaints``: complaint conversations of the window, ``min(n, cap) / cap``.
- ``unresolved``: open conversations carrying a problem tag, ``min(n, cap) / cap``.
- ``churn_risk``: conversations tagged as churn risk in the window, ``min(n, cap) / cap``.
- ``slow_replies``: median first-response time ``h`` in hours, ``(h - target) / (slow - target)``
  clipped to 0..1.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from frontdoor.core.errors import ValidationError

TERMS = ("arr", "dissatisfaction", "complaints", "unresolved", "churn_risk", "slow_replies")
DEFAULT_WEIGHTS: dict[str, float] = {
    "arr": 30.0,
    "dissatisfaction": 20.0,
    "complaints": 10.0,
    "unresolved": 15.0,
    "churn_risk": 15.0,
    "slow_replies": 10.0,
}
DEFAULT_CAPS: dict[str, int] = {"complaints": 3, "unresolved": 3, "churn_risk": 2}
DEFAULT_COMPLAINT_TAGS = ("type/complaint",)
DEFAULT_CHURN_TAGS = ("type/churn-risk", "type/cancellation", "journey/at-risk")


@dataclass(frozen=True)
class PriorityConfig:
    """Term weights, caps, reply-time targets and the tags behind each count."""

    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    caps: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_CAPS))
    reply_target_hours: float = 4.0
    reply_slow_hours: float = 24.0
    window_days: int = 90
    complaint_tags: tuple[str, ...] = DEFAULT_COMPLAINT_TAGS
    churn_tags: tuple[str, ...] = DEFAULT_CHURN_TAGS


def priority_config(raw: Mapping[str, Any] | None) -> PriorityConfig:
    """Read ``Workspace.settings["health"]["priority"]``; missing keys take the defaults.

    Raises
    ------
    ValidationError
        A value of the wrong kind or out of range.
    """
    raw = raw or {}
    if not isinstance(raw, Mapping):
        raise ValidationError("priority settings: an object")

    def num(value: Any, name: str, low: float, high: float) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
            raise ValidationError(f"priority setting {name}: a number from {low:g} to {high:g}")
        return float(value)

    weights = dict(DEFAULT_WEIGHTS)
    for key, value in dict(raw.get("weights") or {}).items():
        if key not in TERMS:
            raise ValidationError(f"priority setting weights: unknown term {key!r} ({', '.join(TERMS)})")
        weights[key] = num(value, f"weights.{key}", 0, 1000)
    caps = dict(DEFAULT_CAPS)
    for key, value in dict(raw.get("caps") or {}).items():
        if key not in DEFAULT_CAPS:
            raise ValidationError(f"priority setting caps: unknown count {key!r}")
        caps[key] = int(num(value, f"caps.{key}", 1, 1000))
    target = num(raw.get("reply_target_hours", 4.0), "reply_target_hours", 0, 1000)
    slow = num(raw.get("reply_slow_hours", 24.0), "reply_slow_hours", 0, 1000)
    if slow <= target:
        raise ValidationError("priority setting reply_slow_hours: must be above reply_target_hours")

    def paths(key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = raw.get(key)
        if value is None:
            return default
        if not isinstance(value, list) or not all(isinstance(p, str) and p.strip() for p in value):
            raise ValidationError(f"priority setting {key}: a list of tag paths")
        return tuple(p.strip().strip("/") for p in value)

    return PriorityConfig(
        weights=weights,
        caps=caps,
        reply_target_hours=target,
        reply_slow_hours=slow,
        window_days=int(num(raw.get("window_days", 90), "window_days", 1, 3650)),
        complaint_tags=paths("complaint_tags", DEFAULT_COMPLAINT_TAGS),
        churn_tags=paths("churn_tags", DEFAULT_CHURN_TAGS),
    )


@dataclass(frozen=True)
class PriorityInputs:
    """One account's numbers; conversation id lists are the evidence behind each count."""

    arr: int
    smaller_arr_share: float
    goodness: float | None = None
    answers: int = 0
    complaints: list[int] = field(default_factory=list)
    unresolved: list[int] = field(default_factory=list)
    churn_risk: list[int] = field(default_factory=list)
    median_reply_hours: float | None = None
    replies: int = 0


@dataclass(frozen=True)
class Term:
    """One term: the points it adds, the most it could add, and its numbers."""

    key: str
    points: float
    max_points: float
    detail: dict[str, Any]
    evidence: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Priority:
    """Total points and the terms, largest first."""

    score: float
    terms: list[Term]


def arr_share(arr: int, all_arrs: list[int]) -> float:
    """Share of the *other* accounts with a smaller ARR: 1 for the largest, 0 without ARR."""
    if arr <= 0 or len(all_arrs) <= 1:
        return 1.0 if arr > 0 and len(all_arrs) == 1 else 0.0
    smaller = sum(1 for a in all_arrs if a < arr)
    return smaller / (len(all_arrs) - 1)


def compute_priority(inputs: PriorityInputs, config: PriorityConfig | None = None) -> Priority:
    """Add up the terms of one account.

    Returns
    -------
    Priority
        Score rounded to 0.1; terms sorted by points, largest first (ties in :data:`TERMS` order).
    """
    config = config or PriorityConfig()
    w = config.weights
    terms: list[Term] = []

    def add(key: str, fraction: float, detail: dict[str, Any], evidence: list[int] | None = None) -> None:
        fraction = min(1.0, max(0.0, fraction))
        terms.append(Term(key, round(w[key] * fraction, 1), w[key], detail, sorted(evidence or [])[-20:]))

    add("arr", inputs.smaller_arr_share, {"arr": inputs.arr, "pct": round(100 * inputs.smaller_arr_share)})
    if inputs.goodness is None:
        add("dissatisfaction", 0.5, {"n": 0})
    else:
        add(
            "dissatisfaction",
            1.0 - inputs.goodness,
            {"n": inputs.answers, "good_pct": round(100 * inputs.goodness)},
        )
    for key, ids in (
        ("complaints", inputs.complaints),
        ("unresolved", inputs.unresolved),
        ("churn_risk", inputs.churn_risk),
    ):
        cap = config.caps[key]
        add(key, min(len(ids), cap) / cap, {"n": len(ids), "cap": cap}, ids)
    hours = inputs.median_reply_hours
    if hours is None:
        add("slow_replies", 0.0, {"hours": None, "n": 0})
    else:
        span = config.reply_slow_hours - config.reply_target_hours
        add(
            "slow_replies",
            (hours - config.reply_target_hours) / span,
            {"hours": round(hours, 1), "n": inputs.replies, "target": config.reply_target_hours},
        )
    order = {k: i for i, k in enumerate(TERMS)}
    terms.sort(key=lambda t: (-t.points, order[t.key]))
    return Priority(score=round(sum(t.points for t in terms), 1), terms=terms)
