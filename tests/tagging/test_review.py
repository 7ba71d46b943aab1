"""The review queue asks the most informative questions first."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from tagging_helpers import conversation

from frontdoor.core.store import Store
from frontdoor.models import User, Workspace
from frontdoor.tagging import review
from frontdoor.tagging.assignments import assign_tag, decide
from frontdoor.tagging.suggestions import suggest_tag
from frontdoor.tagging.taxonomy.dimensions import create_dimension
from frontdoor.tagging.taxonomy.tags import create_tag, retire_tag


def test_priority_formula() -> None:
    at_threshold, reasons = review.priority(0.6, 0.6, 1_000_000)
    assert at_threshold == pytest.approx(1.0, abs=1e-3) and "near-threshold" in reasons
    certain, _ = review.priority(1.0, 0.6, 1_000_000)
    assert certain == pytest.approx(0.0, abs=1e-3)
    # Same uncertainty, fewer confirmed examples: higher priority.
    assert review.priority(0.5, 0.6, 0)[0] > review.priority(0.5, 0.6, 10)[0]
    assert review.priority(None, None, 100)[1][0] == "unscored"


def test_queue_order_rarity_and_dedup(store: Store, workspace: Workspace) -> None:
    ws = workspace.id
    with store.session() as s:
        admin = s.scalar(select(User).where(User.workspace_id == ws))
        create_dimension(s, workspace_id=ws, key="area")
        for path in ("area/common", "area/rare", "area/old"):
            create_tag(s, workspace_id=ws, path=path)
        # area/common has 8 confirmed examples, area/rare none.
        for i in range(8):
            c = conversation(s, ws, f"흔한 질문 {i}번 배송 문의 shipping question number {i}")
            assign_tag(s, workspace_id=ws, conversation_id=c.id, tag="area/common", user=admin)

        def suggest(text: str, tag: str, confidence: float, threshold: float = 0.5) -> int:
            c = conversation(s, ws, text)
            row = suggest_tag(
                s,
                workspace_id=ws,
                conversation_id=c.id,
                tag=tag,
                origin="model",
                confidence=confidence,
                attributes={"threshold": threshold, "needs_human": confidence < threshold},
            )
            assert row is not None
            return row.id

        at_threshold = suggest("대시보드 엑셀 내보내기가 느려요 dashboard export is slow", "area/common", 0.5)
        near_twin = suggest("대시보드 엑셀 내보내기가 느려요!! dashboard export is slow", "area/common", 0.51)
        sure = suggest("배송이 늦어요", "area/common", 0.97)
        slightly_below = suggest("환불 문의", "area/common", 0.44)
        rare_below = suggest("쿠폰 적용이 안 돼요", "area/rare", 0.3)
        decided = suggest("이미 결정됨", "area/common", 0.5)
        decide(s, workspace_id=ws, assignment_id=decided, confirm=False, user=admin)
        retired = suggest("은퇴한 태그", "area/old", 0.5)
        retire_tag(s, workspace_id=ws, tag="area/old")
        del near_twin, retired

        queue = review.review_queue(s, workspace_id=ws, limit=10)
        # common: boost 1 + 1/3 = 1.33; rare: x2.
        # at_threshold 1.0*1.33 = 1.33 > rare 0.6*2 = 1.2 > slightly_below 0.88*1.33 = 1.17 > sure 0.06*1.33
        assert [i.assignment_id for i in queue] == [at_threshold, rare_below, slightly_below, sure]
        first = queue[0]
        assert first.similar == 1  # its near-identical twin is folded into it
        assert "near-threshold" in first.reasons and first.path == "area/common"
        assert queue[1].needs_human and "rare-tag" in queue[1].reasons
        assert len(review.review_queue(s, workspace_id=ws, limit=2)) == 2
        assert [i.path for i in review.review_queue(s, workspace_id=ws, tag_id=queue[1].tag_id)] == [
            "area/rare"
        ]

        # One action answers; the item leaves the queue.
        review.answer(s, workspace_id=ws, assignment_id=rare_below, confirm=True, user=admin)
        after = [i.assignment_id for i in review.review_queue(s, workspace_id=ws, limit=10)]
        assert rare_below not in after and after[0] == at_threshold
