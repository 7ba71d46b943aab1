"""Routing rules: each condition, first match wins, Korean and English text, bad input."""

from __future__ import annotations

import pytest

from frontdoor.core.errors import ValidationError
from frontdoor.routing.rules import RouteFacts, first_match, parse_rule, parse_rules


def test_keywords_korean_substring_and_english_whole_words() -> None:
    rule = parse_rule({"team": "sales", "keywords": "견적, pricing, api"})
    assert rule.match(RouteFacts(text="견적서는 언제 받을 수 있나요?")) == "keyword 견적"
    assert rule.match(RouteFacts(text="What is your PRICING for 50 seats?")) == "keyword pricing"
    # "api" is an ASCII keyword: whole words only, so "rapid" does not match.
    assert rule.match(RouteFacts(text="rapid growth")) is None
    assert rule.match(RouteFacts(text="the API returns 500")) == "keyword api"
    assert rule.match(RouteFacts(text="환불해 주세요")) is None


def test_all_conditions_must_hold_and_lists_are_any_of() -> None:
    rule = parse_rule(
        {
            "team": "sales",
            "channels": ["email", "chat"],
            "languages": ["ko"],
            "plans": ["Enterprise"],
            "arr_min": "10,000,000",
            "decision_maker": "true",
        }
    )
    facts = RouteFacts(channel="chat", language="ko", plan="enterprise", arr=12_000_000, decision_maker=True)
    assert rule.match(facts) == "channel=chat; language=ko; plan=enterprise; ARR=12,000,000; decision maker"
    assert rule.match(RouteFacts(**{**facts.__dict__, "arr": 9_999_999})) is None
    assert rule.match(RouteFacts(**{**facts.__dict__, "channel": "call"})) is None
    assert rule.match(RouteFacts(**{**facts.__dict__, "decision_maker": False})) is None
    assert rule.match(RouteFacts(**{**facts.__dict__, "arr": None})) is None  # no account: no ARR


def test_tags_match_descendants_and_segments_ignore_case() -> None:
    rule = parse_rule({"team": "support", "tags": ["area/billing"], "segments": ["SMB"]})
    facts = RouteFacts(tags=frozenset({"area/billing/refund"}), segment="smb")
    assert rule.match(facts) == "segment=smb; tag area/billing/refund"
    assert rule.match(RouteFacts(tags=frozenset({"area/billingx"}), segment="smb")) is None


def test_pattern_and_arr_max() -> None:
    rule = parse_rule({"team": "partnership", "pattern": r"제휴|reseller\s+program", "arr_max": 0})
    assert rule.match(RouteFacts(text="Reseller  program 문의", arr=0)) == "ARR=0; pattern Reseller  program"
    assert rule.match(RouteFacts(text="제휴 문의", arr=5)) is None


def test_first_match_wins_in_order() -> None:
    rules = parse_rules(
        [
            {"id": "r1", "name": "big accounts", "team": "sales", "arr_min": 50_000_000},
            {"id": "r2", "name": "refunds", "team": "support", "keywords": ["환불"]},
            {"id": "r3", "team": "self-serve"},
        ]
    )
    hit = first_match(rules, RouteFacts(text="환불 요청", arr=60_000_000))
    assert hit is not None and hit[0].id == "r1"
    hit = first_match(rules, RouteFacts(text="환불 요청", arr=1_000))
    assert hit is not None and (hit[0].id, hit[1]) == ("r2", "keyword 환불")
    hit = first_match(rules, RouteFacts(text="hello"))
    assert hit is not None and (hit[0].id, hit[1]) == ("r3", "always")
    assert first_match(rules[:2], RouteFacts(text="hello")) is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"team": "Sales!"}, "not a team key"),
        ({"team": "sales", "pattern": "("}, "not a valid regular expression"),
        ({"team": "sales", "pattern": "a" * 301}, "longer than 300"),
        ({"team": "sales", "arr_min": "lots"}, "not a whole number"),
        ({"team": "sales", "arr_min": 5, "arr_max": 1}, "arr_min is larger"),
        ({"team": "sales", "decision_maker": "maybe"}, "decision_maker"),
        ({"team": "sales", "keywords": [f"k{i}" for i in range(51)]}, "at most 50"),
    ],
)
def test_bad_rules_are_one_clear_error(raw: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_rule(raw)


def test_unknown_team_and_duplicate_ids() -> None:
    with pytest.raises(ValidationError, match="not one of this workspace's teams"):
        parse_rule({"team": "legal"}, teams=["sales", "support"])
    with pytest.raises(ValidationError, match="two rules have the id"):
        parse_rules([{"id": "a", "team": "sales"}, {"id": "a", "team": "support"}])


def test_stored_form_round_trips() -> None:
    rule = parse_rule(
        {"id": "x1", "team": "sales", "keywords": "견적,quote", "arr_min": 1, "decision_maker": False}
    )
    assert rule.to_dict() == {
        "id": "x1",
        "team": "sales",
        "keywords": ["견적", "quote"],
        "arr_min": 1,
        "decision_maker": False,
    }
    assert parse_rule(rule.to_dict()) == rule
