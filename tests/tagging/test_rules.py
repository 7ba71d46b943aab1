"""Keyword rules match morphemes, not substrings; patterns stay in the safe subset."""

from __future__ import annotations

import pytest
from tagging_helpers import conversation

from frontdoor.core.errors import ValidationError
from frontdoor.core.store import Store
from frontdoor.models import Workspace
from frontdoor.tagging.assignments import decide, list_assignments
from frontdoor.tagging.rule_suggestions import apply_rules
from frontdoor.tagging.rules import LINE_WINDOW, RuleSet, TagRules, validate_pattern
from frontdoor.tagging.taxonomy.auto_confirm import set_auto_confirm
from frontdoor.tagging.taxonomy.dimensions import create_dimension
from frontdoor.tagging.taxonomy.tags import create_tag


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return RuleSet(
        [
            TagRules(1, keywords=("환불",)),
            TagRules(2, keywords=("차",)),
            TagRules(3, keywords=("결제 오류",)),
            TagRules(4, keywords=("refund", "charge")),
            TagRules(5, patterns=(r"(환불|반품).{0,20}(안|못)",)),
            TagRules(6, patterns=(r"\d{1,3}(,\d{3})*원",)),
        ]
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("환불해주세요", {1}),
        ("환불을 원합니다", {1}),
        ("환불은 언제 되나요?", {1}),
        ("계정이 차단되었어요", set()),  # 차 is not a morpheme of 차단
        ("차가 고장났어요", {2}),
        ("결제오류가 났어요", {3}),
        ("결제 중 오류", set()),  # the phrase's morphemes must be contiguous
        ("I want a REFUND", {4}),
        ("you refunded me twice", {4}),
        ("why was I charged?", {4}),
        ("a surcharge applies", set()),  # a word token, not a substring
        ("반품이 아직 안 됐어요", {5}),
        ("총 15,000원 결제", {6}),
        ("", set()),
    ],
)
def test_matches(rules: RuleSet, text: str, expected: set[int]) -> None:
    assert rules.tags(text) == expected


def test_pattern_hits_carry_spans(rules: RuleSet) -> None:
    text = "안녕하세요\n환불이 안 돼요"
    (hit,) = [h for h in rules.match(text) if h.kind == "pattern"]
    assert hit.start is not None and hit.end is not None
    assert text[hit.start : hit.end] == "환불이 안"


@pytest.mark.parametrize(
    "pattern",
    [r"(a+)+b", r"(a|ab)*c", r"\d+-\d+", r"(\w)\1", r"(?=x)y", r"(?<!x)y", "x*", "[", "a" * 400, r"x{5000}"],
)
def test_unsafe_patterns_are_refused(pattern: str) -> None:
    with pytest.raises(ValidationError):
        validate_pattern(pattern)


def test_long_text_is_matched_in_bounded_windows(rules: RuleSet) -> None:
    # A long line still finds a hit past the first window (windows overlap).
    text = "가" * (LINE_WINDOW * 3) + " 환불이 안 돼요"
    assert 5 in rules.tags(text)


def test_rule_hits_become_suggestions(store: Store, workspace: Workspace) -> None:
    with store.session() as s:
        create_dimension(s, workspace_id=workspace.id, key="area")
        create_tag(s, workspace_id=workspace.id, path="area/refund", keywords=["환불", "refund"])
        create_tag(
            s, workspace_id=workspace.id, path="area/login", keywords=["로그인"], patterns=[r"log ?in"]
        )
        set_auto_confirm(s, workspace_id=workspace.id, tag="area/login", enabled=True)
        c1 = conversation(s, workspace.id, "환불 부탁드립니다", ("agent", "로그인 해보세요"))
        c2 = conversation(s, workspace.id, "I cannot log in", ("agent", "refund issued", True))
        c3 = conversation(s, workspace.id, "hello")
        n = apply_rules(s, workspace_id=workspace.id, conversation_ids=[c1.id, c2.id, c3.id])
        assert n == 2
        got = {
            c.id: [
                (i.path, i.origin, i.status)
                for i in list_assignments(s, workspace_id=workspace.id, conversation_id=c.id)
            ]
            for c in (c1, c2, c3)
        }
        # Agent messages and internal notes are not customer voice.
        assert got[c1.id] == [("area/refund", "rule", "suggested")]
        assert got[c2.id] == [("area/login", "rule", "confirmed")]
        assert got[c3.id] == []
        # Re-running changes nothing; a rejected rule suggestion stays rejected.
        row = list_assignments(s, workspace_id=workspace.id, conversation_id=c1.id)[0]
        decide(s, workspace_id=workspace.id, assignment_id=row.id, confirm=False)
        apply_rules(s, workspace_id=workspace.id, conversation_ids=[c1.id, c2.id, c3.id])
        again = list_assignments(s, workspace_id=workspace.id, conversation_id=c1.id)
        assert [(i.path, i.status) for i in again] == [("area/refund", "rejected")]
