"""Account priority terms against hand-computed values (pure, no database)."""

from __future__ import annotations

import pytest

from frontdoor.accounts.priority_score import (
    PriorityInputs,
    arr_share,
    compute_priority,
    priority_config,
)
from frontdoor.core.errors import ValidationError


def test_arr_share_is_the_share_of_other_accounts_with_less() -> None:
    arrs = [0, 1_000_000, 1_000_000, 5_000_000, 20_000_000]
    assert arr_share(20_000_000, arrs) == 1.0
    assert arr_share(5_000_000, arrs) == 0.75  # 3 of the 4 others are smaller
    assert arr_share(1_000_000, arrs) == 0.25  # only the 0 is smaller; the tie is not
    assert arr_share(0, arrs) == 0.0
    assert arr_share(300, [300]) == 1.0


def test_every_term_by_hand() -> None:
    prio = compute_priority(
        PriorityInputs(
            arr=5_000_000,
            smaller_arr_share=0.75,
            goodness=0.25,  # e.g. answers good, bad, bad, middle, middle... mean 0.25
            answers=4,
            complaints=[5, 9],
            unresolved=[9],
            churn_risk=[7, 8, 9],
            median_reply_hours=14.0,
            replies=6,
        )
    )
    terms = {t.key: t.points for t in prio.terms}
    assert terms == {
        "arr": 22.5,  # 30 x 0.75
        "dissatisfaction": 15.0,  # 20 x (1 - 0.25)
        "complaints": 6.7,  # 10 x 2/3
        "unresolved": 5.0,  # 15 x 1/3
        "churn_risk": 15.0,  # 15 x min(3, 2)/2
        "slow_replies": 5.0,  # 10 x (14 - 4) / (24 - 4)
    }
    assert prio.score == pytest.approx(69.2, abs=0.01)
    assert [t.key for t in prio.terms][:3] == ["arr", "dissatisfaction", "churn_risk"]
    churn = next(t for t in prio.terms if t.key == "churn_risk")
    assert churn.detail == {"n": 3, "cap": 2} and churn.evidence == [7, 8, 9]


def test_no_answers_count_as_neutral_and_fast_replies_add_nothing() -> None:
    prio = compute_priority(PriorityInputs(arr=0, smaller_arr_share=0.0, median_reply_hours=1.5, replies=3))
    terms = {t.key: t.points for t in prio.terms}
    assert terms["dissatisfaction"] == 10.0 and terms["slow_replies"] == 0.0 and prio.score == 10.0


def test_weights_and_caps_are_configurable() -> None:
    config = priority_config({"weights": {"arr": 0, "complaints": 40}, "caps": {"complaints": 1}})
    prio = compute_priority(
        PriorityInputs(arr=10, smaller_arr_share=1.0, goodness=1.0, answers=3, complaints=[1]), config
    )
    assert {t.key: t.points for t in prio.terms}["complaints"] == 40.0
    assert prio.score == 40.0
    for bad in (
        {"weights": {"vibes": 1}},
        {"caps": {"complaints": 0}},
        {"reply_target_hours": 10, "reply_slow_hours": 5},
        {"churn_tags": "type/churn-risk"},
    ):
        with pytest.raises(ValidationError):
            priority_config(bad)
