"""Health signals, score and bands against hand-computed values (pure, no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from frontdoor.accounts.health_score import (
    HealthConfig,
    HealthInputs,
    Signal,
    SurveyAnswer,
    Usage,
    answer_goodness,
    compare,
    compute_health,
    health_config,
)
from frontdoor.core.errors import ValidationError

NOW = dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC)


def _nps(score: float) -> SurveyAnswer:
    return SurveyAnswer("nps", score, 0, 10)


def test_answer_goodness_on_each_scale() -> None:
    # NPS 0-10: 9-10 good, 7-8 middle, 0-6 bad.
    assert [answer_goodness(_nps(s)) for s in (10, 9, 8, 7, 6, 0)] == [1, 1, 0.5, 0.5, 0, 0]
    # CES 1-5: 4-5 good (top two), 3 middle (the midpoint), 1-2 bad.
    assert [answer_goodness(SurveyAnswer("ces", s, 1, 5)) for s in (5, 4, 3, 2, 1)] == [1, 1, 0.5, 0, 0]
    # CES 1-7: 6-7 good, 4-5 middle (midpoint 4), 1-3 bad.
    got = [answer_goodness(SurveyAnswer("ces", s, 1, 7)) for s in (7, 6, 5, 4, 3, 1)]
    assert got == [1, 1, 0.5, 0.5, 0, 0]
    # A two-point CSAT (good/bad): only the top point is good.
    assert [answer_goodness(SurveyAnswer("csat", s, 0, 1)) for s in (1, 0)] == [1, 0]
    # NPS off the 0-10 scale is not graded.
    assert answer_goodness(SurveyAnswer("nps", 4, 1, 5)) is None


def test_weighted_score_band_and_reasons_by_hand() -> None:
    inputs = HealthInputs(
        as_of=NOW,
        # NPS 10 (good), 3 (bad); CES 1-7: 5 (middle); CSAT 1-5: 2 (bad) -> mean 1.5 / 4 = 0.375
        surveys=[_nps(10), _nps(3), SurveyAnswer("ces", 5, 1, 7), SurveyAnswer("csat", 2, 1, 5)],
        # positive, negative, negative, neutral -> (1 + 0 + 0 + 0.5) / 4 = 0.375
        sentiments=[(11, 1.0), (12, 0.0), (13, 0.0), (14, 0.5)],
        open_problems=[12, 13],  # 100 - 2 x 25 = 50
        last_conversation_at=NOW - dt.timedelta(days=75),  # 100 x (120 - 75) / (120 - 30) = 50
    )
    health = compute_health(inputs)
    scores = {s.key: s.score for s in health.signals}
    assert scores == {"satisfaction": 37.5, "sentiment": 37.5, "problems": 50.0, "recency": 50.0}
    # No usage: weights 0.30, 0.25, 0.20, 0.15 scaled by 1 / 0.90.
    weights = {s.key: s.weight for s in health.signals}
    assert weights == pytest.approx(
        {"satisfaction": 0.3333, "sentiment": 0.2778, "problems": 0.2222, "recency": 0.1667}, abs=1e-4
    )
    # (0.30 x 37.5 + 0.25 x 37.5 + 0.20 x 50 + 0.15 x 50) / 0.90 = 38.125 / 0.90 = 42.36
    assert health.score == pytest.approx(42.4, abs=0.05)
    assert health.band == "red"  # under 45
    # Satisfaction loses 0.3333 x 62.5 = 20.8 points, the most.
    assert health.main_reason is not None and health.main_reason.key == "satisfaction"
    assert health.main_reason.points_lost == pytest.approx(20.8, abs=0.05)
    sat = health.signals[0].detail
    assert (sat["n"], sat["good"], sat["middle"], sat["bad"]) == (4, 1, 1, 2)
    assert sat["kinds"] == {"nps": 2, "csat": 1, "ces": 1}
    assert health.signals[1].evidence == [13, 12]  # the negative conversations, newest id first


def test_usage_signal_and_custom_weights() -> None:
    config = health_config({"weights": {"usage": 0.5, "recency": 0.5, "problems": 0}})
    inputs = HealthInputs(
        as_of=NOW,
        last_conversation_at=NOW - dt.timedelta(days=10),
        usage=Usage(active=6, seats=20, as_of=dt.date(2026, 10, 31)),
    )
    health = compute_health(inputs, config)
    # usage 6 / 20 = 30%; recency 100; problems weighted 0 is left out.
    assert [(s.key, s.score, s.weight) for s in health.signals] == [
        ("recency", 100.0, 0.5),
        ("usage", 30.0, 0.5),
    ]
    assert health.score == 65.0 and health.band == "green"
    assert health.signals[1].detail == {"active": 6, "seats": 20, "pct": 30.0, "as_of": "2026-10-31"}


def test_churn_talk_counts_even_when_closed_and_once_per_conversation() -> None:
    inputs = HealthInputs(
        as_of=NOW,
        open_problems=[5, 6],
        churn_risk=[6, 7, 8],  # 6 is open and about churn: counted once
        last_conversation_at=NOW,
    )
    problems = compute_health(inputs).signals[0]
    assert problems.key == "problems" and problems.detail == {"n": 4, "open": 2, "churn": 3}
    assert problems.score == 0.0 and problems.evidence == [8, 7, 6, 5]  # 100 - 4 x 25
    assert compute_health(inputs).band == "red"  # 0 < 15: red on its own


def test_one_critical_signal_makes_the_account_red() -> None:
    # Silent for 150 days: recency 0 < 15 although the weighted score is 85.
    inputs = HealthInputs(as_of=NOW, last_conversation_at=NOW - dt.timedelta(days=150))
    health = compute_health(inputs)
    assert health.score == pytest.approx(100 * 0.20 / 0.35, abs=0.05)  # problems 100, recency 0
    assert health.band == "red"
    assert health.main_reason is not None and health.main_reason.key == "recency"
    assert health.signals[-1].detail == {"days": 150, "last": "2026-06-04"}


def test_too_few_answers_are_shown_but_not_counted() -> None:
    inputs = HealthInputs(
        as_of=NOW, surveys=[_nps(0), _nps(1)], last_conversation_at=NOW - dt.timedelta(days=1)
    )
    health = compute_health(inputs)
    sat = health.signals[0]
    assert sat.key == "satisfaction" and sat.score == 0.0 and sat.weight == 0.0 and sat.detail["too_few"]
    assert health.score == 100.0 and health.band == "green"


def test_bands_are_configurable_and_validated() -> None:
    config = health_config({"bands": {"red": 60, "yellow": 90}})
    inputs = HealthInputs(as_of=NOW, last_conversation_at=NOW - dt.timedelta(days=75))
    # problems 100 x 0.20/0.35 + recency 50 x 0.15/0.35 = 57.14 + 21.43 = 78.6
    assert compute_health(inputs, config).score == pytest.approx(78.6, abs=0.05)
    assert compute_health(inputs, config).band == "yellow"
    assert compute_health(inputs, HealthConfig()).band == "green"
    for bad in (
        {"weights": {"mood": 1}},
        {"weights": {"usage": -1}},
        {"bands": {"red": 80, "yellow": 50}},
        {"quiet_days": [90, 30]},
        {"problem_tags": "type/bug"},
        {"weights": {k: 0 for k in ("satisfaction", "sentiment", "problems", "recency", "usage")}},
    ):
        with pytest.raises(ValidationError):
            health_config(bad)


def test_compare_names_the_signals_that_moved() -> None:
    before = [
        Signal("satisfaction", 80.0, 0.5, {"n": 5, "bad": 0}),
        Signal("recency", 100.0, 0.5, {"days": 3}),
    ]
    after = [
        Signal("satisfaction", 40.0, 0.5, {"n": 7, "bad": 2}),
        Signal("recency", 100.0, 0.5, {"days": 3}),
        Signal("problems", 75.0, 0.0, {"n": 1}),
    ]
    changes = compare(before, after)
    assert [c.key for c in changes] == ["satisfaction", "problems"]
    assert changes[0].points_delta == -20.0  # lost 0.5 x 20 before, 0.5 x 60 after
    assert changes[1].before is None and changes[1].points_delta == 0.0
    # Unchanged scores whose weight shifts still move points: counted from 0 to 0.5.
    shifted = compare([Signal("usage", 50.0, 0.0, {"n": 2})], [Signal("usage", 50.0, 0.5, {"n": 3})])
    assert shifted[0].counted_changed and shifted[0].points_delta == -25.0
