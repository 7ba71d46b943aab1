"""Account health: at most five signals, each a 0-100 score with the numbers behind it.

The signals (weights in ``Workspace.settings["health"]["weights"]``):

- ``satisfaction``: survey answers of the last ``survey_days``. Each answer is good (1), middle
  (0.5) or bad (0): NPS 9-10 / 7-8 / 0-6; CSAT and CES top two points of their own scale / the
  rest / below the scale's midpoint. Score = 100 x mean.
- ``sentiment``: conversations of the last ``window_days`` with a sentiment tag; positive 1,
  neutral 0.5, negative 0 (configurable per tag). Score = 100 x mean.
- ``problems``: conversations still open that carry a problem tag (bug, complaint, churn risk...),
  and conversations of the window with a churn tag even when closed (a closed chat does not close
  the risk). Score = 100 - ``problem_penalty`` per conversation (counted once), never below 0.
- ``recency``: days since the last conversation started. 100 up to ``quiet_days[0]``, 0 from
  ``quiet_days[1]``, linear between; no conversation at all scores 0.
- ``usage``: active users over seats from an imported usage file. Score = 100 x min(1, ratio).

A signal without data (no answers, no sentiment tags, no usage file) is left out and the weights
of the others are scaled to sum to one, so the score is always a weighted mean of what is known.
The band is red below ``bands.red`` (45) or when any counted signal is below ``bands.critical``
(15: silent for months, nearly every answer bad), yellow below ``bands.yellow`` (65), else
green. Satisfaction and sentiment with fewer than ``min_answers`` (3) data points are shown but
not counted: one answer is an anecdote.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from frontdoor.core.errors import ValidationError
from frontdoor.surveys.stats import top_two_threshold

SIGNALS = ("satisfaction", "sentiment", "problems", "recency", "usage")
BANDS = ("red", "yellow", "green", "unknown")

DEFAULT_WEIGHTS: dict[str, float] = {
    "satisfaction": 0.30,
    "sentiment": 0.25,
    "problems": 0.20,
    "recency": 0.15,
    "usage": 0.10,
}
# Request-type tags that mean "something is wrong"; a path matches itself and its children.
DEFAULT_PROBLEM_TAGS = (
    "type/bug",
    "type/complaint",
    "type/churn-risk",
    "type/cancellation",
    "type/incident-report",
    "type/escalation",
)
# Churn talk counts against health for the whole window, even once its conversation is closed.
DEFAULT_CHURN_TAGS = ("type/churn-risk", "type/cancellation", "journey/at-risk")
# Sentiment tags by the last part of their path; a full path in the settings overrides.
DEFAULT_SENTIMENT_VALUES: dict[str, float] = {"positive": 1.0, "neutral": 0.5, "negative": 0.0}


@dataclass(frozen=True)
class HealthConfig:
    """Weights, bands and windows of the health score (see the module docstring)."""

    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    red_below: float = 45.0
    yellow_below: float = 65.0
    critical_below: float = 15.0
    window_days: int = 90
    survey_days: int = 180
    quiet_days: tuple[int, int] = (30, 120)
    problem_penalty: float = 25.0
    min_answers: int = 3
    problem_tags: tuple[str, ...] = DEFAULT_PROBLEM_TAGS
    churn_tags: tuple[str, ...] = DEFAULT_CHURN_TAGS
    sentiment_values: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SENTIMENT_VALUES))


def _number(raw: Any, name: str, low: float, high: float) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not low <= raw <= high:
        raise ValidationError(f"health setting {name}: a number from {low:g} to {high:g}")
    return float(raw)


def _paths(raw: Any, name: str) -> tuple[str, ...]:
    if not isinstance(raw, list | tuple) or not all(isinstance(p, str) and p.strip() for p in raw):
        raise ValidationError(f"health setting {name}: a list of tag paths")
    return tuple(p.strip().strip("/") for p in raw)


def health_config(raw: Mapping[str, Any] | None) -> HealthConfig:
    """Read ``Workspace.settings["health"]``; missing keys take the defaults.

    Raises
    ------
    ValidationError
        A key has a value of the wrong kind or out of range (one line naming it).
    """
    raw = raw or {}
    if not isinstance(raw, Mapping):
        raise ValidationError("health settings: an object")
    weights = dict(DEFAULT_WEIGHTS)
    given = raw.get("weights", {})
    if not isinstance(given, Mapping):
        raise ValidationError("health setting weights: an object of signal -> weight")
    for key, value in given.items():
        if key not in SIGNALS:
            raise ValidationError(f"health setting weights: unknown signal {key!r} ({', '.join(SIGNALS)})")
        weights[key] = _number(value, f"weights.{key}", 0, 100)
    if sum(weights.values()) <= 0:
        raise ValidationError("health setting weights: at least one weight above 0")
    bands = raw.get("bands", {})
    if not isinstance(bands, Mapping):
        raise ValidationError("health setting bands: an object with red and yellow")
    red = _number(bands.get("red", 45.0), "bands.red", 0, 100)
    yellow = _number(bands.get("yellow", 65.0), "bands.yellow", 0, 100)
    critical = _number(bands.get("critical", 15.0), "bands.critical", 0, 100)
    if red > yellow:
        raise ValidationError("health setting bands: red must not be above yellow")
    quiet = raw.get("quiet_days", [30, 120])
    if not isinstance(quiet, list | tuple) or len(quiet) != 2:
        raise ValidationError("health setting quiet_days: [full score until, zero from]")
    q0, q1 = int(_number(quiet[0], "quiet_days", 0, 3650)), int(_number(quiet[1], "quiet_days", 1, 3650))
    if q0 >= q1:
        raise ValidationError("health setting quiet_days: the first day must come before the second")
    values = dict(DEFAULT_SENTIMENT_VALUES)
    given_values = raw.get("sentiment_values", {})
    if not isinstance(given_values, Mapping):
        raise ValidationError("health setting sentiment_values: an object of tag -> value 0..1")
    for key, value in given_values.items():
        values[str(key)] = _number(value, f"sentiment_values.{key}", 0, 1)
    return HealthConfig(
        weights=weights,
        red_below=red,
        yellow_below=yellow,
        critical_below=critical,
        window_days=int(_number(raw.get("window_days", 90), "window_days", 1, 3650)),
        survey_days=int(_number(raw.get("survey_days", 180), "survey_days", 1, 3650)),
        quiet_days=(q0, q1),
        problem_penalty=_number(raw.get("problem_penalty", 25.0), "problem_penalty", 0, 100),
        min_answers=int(_number(raw.get("min_answers", 3), "min_answers", 1, 1000)),
        problem_tags=_paths(raw["problem_tags"], "problem_tags")
        if "problem_tags" in raw
        else DEFAULT_PROBLEM_TAGS,
        churn_tags=_paths(raw["churn_tags"], "churn_tags") if "churn_tags" in raw else DEFAULT_CHURN_TAGS,
        sentiment_values=values,
    )


def path_matches(path: str, prefixes: tuple[str, ...] | list[str]) -> bool:
    """Whether a tag path is one of ``prefixes`` or below one of them."""
    return any(path == p or path.startswith(p + "/") for p in prefixes)


def sentiment_value(path: str, values: Mapping[str, float]) -> float | None:
    """The 0..1 value of a sentiment tag: by full path, else by its last part; None if unknown."""
    if path in values:
        return values[path]
    return values.get(path.rsplit("/", 1)[-1])


@dataclass(frozen=True)
class SurveyAnswer:
    """One survey answer on its own scale."""

    kind: str
    score: float
    scale_min: int
    scale_max: int


def answer_goodness(answer: SurveyAnswer) -> float | None:
    """1 for a good answer, 0.5 for a middle one, 0 for a bad one; None for NPS off 0-10."""
    if answer.kind == "nps":
        if (answer.scale_min, answer.scale_max) != (0, 10):
            return None
        return 1.0 if answer.score >= 9 else 0.5 if answer.score >= 7 else 0.0
    if answer.score >= top_two_threshold(answer.scale_min, answer.scale_max):
        return 1.0
    if answer.score < (answer.scale_min + answer.scale_max) / 2:
        return 0.0
    return 0.5


@dataclass(frozen=True)
class Usage:
    """Imported product usage: active users out of the seats bought, measured on ``as_of``."""

    active: int
    seats: int
    as_of: dt.date | None = None


@dataclass(frozen=True)
class HealthInputs:
    """What the signals are computed from, already limited to the windows before ``as_of``.

    ``sentiments`` holds (conversation id, value 0..1); ``open_problems`` and ``churn_risk``
    conversation ids (open with a problem tag; with a churn tag in the window).
    """

    as_of: dt.datetime
    surveys: list[SurveyAnswer] = field(default_factory=list)
    sentiments: list[tuple[int, float]] = field(default_factory=list)
    open_problems: list[int] = field(default_factory=list)
    churn_risk: list[int] = field(default_factory=list)
    last_conversation_at: dt.datetime | None = None
    usage: Usage | None = None


@dataclass(frozen=True)
class Signal:
    """One signal: score 0-100, its share of the total (``weight``), and the numbers behind it."""

    key: str
    score: float
    weight: float
    detail: dict[str, Any]
    evidence: list[int] = field(default_factory=list)

    @property
    def points(self) -> float:
        """What this signal adds to the health score."""
        return round(self.weight * self.score, 1)

    @property
    def points_lost(self) -> float:
        """How far this signal pulls the score below 100."""
        return round(self.weight * (100 - self.score), 1)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (stored in snapshots)."""
        return {
            "key": self.key,
            "score": self.score,
            "weight": self.weight,
            "detail": self.detail,
            "evidence": self.evidence,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Signal:
        """Inverse of :meth:`to_dict`."""
        return cls(
            key=str(data["key"]),
            score=float(data["score"]),
            weight=float(data["weight"]),
            detail=dict(data.get("detail") or {}),
            evidence=[int(i) for i in data.get("evidence") or []],
        )


@dataclass(frozen=True)
class Health:
    """An account's health: score, band and the signals, the one pulling hardest down first."""

    score: float
    band: str
    signals: list[Signal]
    critical_below: float = 15.0

    def is_critical(self, signal: Signal) -> bool:
        """Whether this counted signal alone makes the account red."""
        return signal.weight > 0 and signal.score < self.critical_below

    @property
    def reasons(self) -> list[Signal]:
        """Counted signals that cost points: critical ones first, then by points lost."""
        hurting = [s for s in self.signals if s.weight > 0 and s.points_lost > 0]
        return sorted(hurting, key=lambda s: (not self.is_critical(s), -s.points_lost))

    @property
    def main_reason(self) -> Signal | None:
        """The first of :attr:`reasons` (None when nothing costs points)."""
        return self.reasons[0] if self.reasons else None


def band_for(score: float, config: HealthConfig, signals: list[Signal] | None = None) -> str:
    """Red, yellow or green: red also when any counted signal is critical on its own."""
    if score < config.red_below or any(
        s.weight > 0 and s.score < config.critical_below for s in signals or []
    ):
        return "red"
    if score < config.yellow_below:
        return "yellow"
    return "green"


def _satisfaction(answers: list[SurveyAnswer]) -> tuple[float, dict[str, Any]] | None:
    graded = [(a, g) for a in answers if (g := answer_goodness(a)) is not None]
    if not graded:
        return None
    mean = sum(g for _, g in graded) / len(graded)
    detail = {
        "n": len(graded),
        "good": sum(1 for _, g in graded if g == 1.0),
        "middle": sum(1 for _, g in graded if g == 0.5),
        "bad": sum(1 for _, g in graded if g == 0.0),
        "kinds": {k: sum(1 for a, _ in graded if a.kind == k) for k in ("nps", "csat", "ces")},
    }
    return 100 * mean, detail


def _sentiment(values: list[tuple[int, float]]) -> tuple[float, dict[str, Any], list[int]] | None:
    if not values:
        return None
    mean = sum(v for _, v in values) / len(values)
    detail = {
        "n": len(values),
        "positive": sum(1 for _, v in values if v > 0.5),
        "neutral": sum(1 for _, v in values if v == 0.5),
        "negative": sum(1 for _, v in values if v < 0.5),
    }
    negatives = [cid for cid, v in values if v < 0.5]
    return 100 * mean, detail, sorted(negatives, reverse=True)[:20]


def _recency(inputs: HealthInputs, config: HealthConfig) -> tuple[float, dict[str, Any]]:
    if inputs.last_conversation_at is None:
        return 0.0, {"days": None}
    days = max(0, math.floor((inputs.as_of - inputs.last_conversation_at).total_seconds() / 86400))
    full, zero = config.quiet_days
    if days <= full:
        score = 100.0
    elif days >= zero:
        score = 0.0
    else:
        score = 100.0 * (zero - days) / (zero - full)
    return score, {"days": days, "last": inputs.last_conversation_at.date().isoformat()}


def compute_health(inputs: HealthInputs, config: HealthConfig | None = None) -> Health:
    """Combine the signals into a score and band.

    Parameters
    ----------
    inputs : HealthInputs
        One account's data, already limited to the configured windows.
    config : HealthConfig, optional
        Weights, bands and windows (defaults when omitted).

    Returns
    -------
    Health
        Score rounded to 0.1, band, and the signals that had data, in :data:`SIGNALS` order.
    """
    config = config or HealthConfig()
    raw: list[tuple[str, float, dict[str, Any], list[int]]] = []
    sat = _satisfaction(inputs.surveys)
    if sat is not None:
        raw.append(("satisfaction", sat[0], sat[1], []))
    sen = _sentiment(inputs.sentiments)
    if sen is not None:
        raw.append(("sentiment", sen[0], sen[1], sen[2]))
    for i, (key, _score, detail, _ev) in enumerate(raw):
        if detail["n"] < config.min_answers:
            # Shown, but too few to move the score: one answer is an anecdote, not a trend.
            raw[i] = (key, _score, {**detail, "too_few": True}, _ev)
    troubled = set(inputs.open_problems) | set(inputs.churn_risk)
    raw.append(
        (
            "problems",
            max(0.0, 100.0 - config.problem_penalty * len(troubled)),
            {
                "n": len(troubled),
                "open": len(set(inputs.open_problems)),
                "churn": len(set(inputs.churn_risk)),
            },
            sorted(troubled, reverse=True)[:20],
        )
    )
    rec_score, rec_detail = _recency(inputs, config)
    raw.append(("recency", rec_score, rec_detail, []))
    usage = inputs.usage
    if usage is not None and usage.seats > 0:
        ratio = usage.active / usage.seats
        raw.append(
            (
                "usage",
                100.0 * min(1.0, ratio),
                {
                    "active": usage.active,
                    "seats": usage.seats,
                    "pct": round(100 * ratio, 1),
                    "as_of": usage.as_of.isoformat() if usage.as_of else None,
                },
                [],
            )
        )

    def counts(key: str, detail: dict[str, Any]) -> bool:
        return config.weights.get(key, 0) > 0 and not detail.get("too_few")

    total_weight = sum(config.weights[k] for k, _, d, _ in raw if counts(k, d))
    scale = 1 / total_weight if total_weight else 0.0
    signals = [
        Signal(
            key,
            round(score, 1),
            round(config.weights[key] * scale, 4) if counts(key, detail) else 0.0,
            detail,
            evidence,
        )
        for key, score, detail, evidence in raw
        if config.weights.get(key, 0) > 0
    ]
    score = round(sum(s.weight * s.score for s in signals), 1)
    band = band_for(score, config, signals) if total_weight else "unknown"
    return Health(score=score, band=band, signals=signals, critical_below=config.critical_below)


@dataclass(frozen=True)
class SignalChange:
    """How one signal moved between two snapshots.

    ``points_delta`` is the change in what the signal costs (``points_lost``), negated: the
    deltas of all signals add up to the change of the health score (up to rounding), because
    the score is 100 minus the points lost.
    """

    key: str
    before: Signal | None
    after: Signal | None

    @property
    def points_delta(self) -> float:
        """Points this signal added to (positive) or took from (negative) the score."""
        after = self.after.points_lost if self.after else 0.0
        before = self.before.points_lost if self.before else 0.0
        return round(before - after, 1)

    @property
    def counted_changed(self) -> bool:
        """The signal started or stopped counting (enough data, or none)."""
        was = self.before is not None and self.before.weight > 0
        now = self.after is not None and self.after.weight > 0
        return was != now


def compare(before: list[Signal], after: list[Signal]) -> list[SignalChange]:
    """Signals whose score, counting or cost changed; the biggest move in points first."""
    old = {s.key: s for s in before}
    new = {s.key: s for s in after}
    changes = []
    for key in SIGNALS:
        change = SignalChange(key, old.get(key), new.get(key))
        if change.before is None and change.after is None:
            continue
        same_score = (
            change.before is not None
            and change.after is not None
            and change.before.score == change.after.score
        )
        if same_score and not change.counted_changed and change.points_delta == 0:
            continue
        changes.append(change)
    return sorted(changes, key=lambda c: -abs(c.points_delta))
