"""Relationship depth ("partner or tool") against hand-computed values (pure, no database)."""

from __future__ import annotations

import pytest

from frontdoor.accounts.depth_score import ConversationFacts, compute_depth, depth_config, find_keyword
from frontdoor.core.errors import ValidationError


def _facts(i: int, *paths: str, text: str = "", dm: tuple[int, ...] = ()) -> ConversationFacts:
    return ConversationFacts(i, tuple(paths), text, dm)


def test_tags_first_then_korean_and_english_keywords() -> None:
    facts = [
        _facts(1, "goal/repurchase", "type/feature-request"),  # business tag wins
        _facts(2, "type/bug"),
        _facts(3, "type/question/how-to"),  # child of a feature tag
        _facts(4, text="이번 분기 매출이 떨어져서 전략을 다시 짜고 있어요", dm=(70,)),  # 매출 inside 매출이
        _facts(5, text="How do I change the button color?"),
        _facts(6, text="Our retention dropped last quarter.", dm=(70, 71)),
        _facts(7, "type/praise", text="감사합니다"),  # no class
    ]
    depth = compute_depth(facts)
    kinds = {c.conversation_id: (c.kind, c.by, c.matched) for c in depth.conversations}
    assert kinds == {
        1: ("business", "tag", "goal/repurchase"),
        2: ("feature", "tag", "type/bug"),
        3: ("feature", "tag", "type/question/how-to"),
        4: ("business", "keyword", "매출"),
        5: ("feature", "keyword", "button"),
        6: ("business", "keyword", "retention"),
        7: ("other", None, None),
    }
    assert (depth.business, depth.feature, depth.other) == (3, 3, 1)
    assert depth.business_share == 0.5
    assert depth.decision_maker_conversations == 2 and depth.decision_makers == 2
    assert depth.label == "partner"  # share 0.5 >= 0.25 and a decision maker took part


def test_labels_tool_between_unknown() -> None:
    features = [_facts(i, "type/bug") for i in range(9)]
    # 1 business of 10 classified = 0.10: not below tool_share 0.10, not partner -> between.
    assert compute_depth([*features, _facts(99, "goal/aov")]).label == "between"
    # 1 of 11 = 0.0909 < 0.10 -> tool.
    assert compute_depth([*features, _facts(98, "type/bug"), _facts(99, "goal/aov")]).label == "tool"
    # Business-heavy but no decision maker ever took part -> between, not partner.
    assert compute_depth([_facts(i, "goal/aov") for i in range(4)]).label == "between"
    # Two classified conversations are too few to say.
    unknown = compute_depth([_facts(1, "type/bug"), _facts(2, "goal/aov"), _facts(3)])
    assert unknown.label == "unknown" and unknown.business_share == 0.5


def test_latin_keywords_match_whole_words_only() -> None:
    assert find_keyword("goalkeeper training", ("goal",)) is None
    assert find_keyword("Our GOAL: more repeat buyers", ("goal",)) == "goal"


def test_configuration_per_workspace() -> None:
    config = depth_config(
        {"business_tags": ["type/renewal"], "business_keywords": ["본사"], "min_conversations": 1}
    )
    depth = compute_depth([_facts(1, "goal/aov"), _facts(2, text="본사 보고용입니다", dm=(3,))], config)
    assert [c.kind for c in depth.conversations] == ["other", "business"]
    assert depth.label == "partner"
    for bad in ({"partner_share": 2}, {"tool_share": 0.5, "partner_share": 0.2}, {"business_tags": "goal"}):
        with pytest.raises(ValidationError):
            depth_config(bad)
