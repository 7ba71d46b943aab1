"""Theme discovery finds planted clusters among uncovered conversations."""

from __future__ import annotations

from sqlalchemy import select
from tagging_helpers import conversation

from frontdoor.core.store import Store
from frontdoor.models import User, Workspace
from frontdoor.tagging import theme_discovery as svc
from frontdoor.tagging.assignments import assign_tag, list_assignments
from frontdoor.tagging.suggestions import suggest_tag
from frontdoor.tagging.taxonomy.dimensions import create_dimension
from frontdoor.tagging.taxonomy.tags import create_tag, get_tag
from frontdoor.tagging.themes import content_terms, discover_themes

PLANTED = {
    "coupon": [
        "쿠폰 코드가 적용이 안 돼요",
        "할인 쿠폰을 어디서 입력하나요",
        "쿠폰 사용 기한이 지났대요",
        "쿠폰이 사라졌어요",
        "쿠폰 중복 사용이 되나요",
        "쿠폰 발급이 안 됩니다",
    ],
    "dark": [
        "다크 모드를 지원해 주세요",
        "화면이 너무 밝아요 다크 모드 있나요",
        "다크 모드 추가 계획이 있나요",
        "다크 모드가 필요해요",
        "다크 모드에서 글자가 안 보여요",
        "대시보드에도 다크 모드 부탁드려요",
    ],
    "tax": [
        "세금계산서 발행은 어떻게 하나요",
        "세금계산서를 다시 받고 싶어요",
        "세금계산서에 사업자 번호가 틀렸어요",
        "세금계산서 메일이 안 왔어요",
        "세금계산서 발행 날짜 변경",
        "전자 세금계산서 요청합니다",
    ],
    "export": [
        "CSV export is missing columns",
        "the csv export times out",
        "export to csv fails for large reports",
        "can I schedule a csv export",
        "csv export has broken encoding",
        "where is the csv export button",
    ],
}


def test_content_terms_are_korean_aware() -> None:
    assert content_terms("배송이 너무 늦어요") == ["배송", "늦다"]
    assert content_terms("the CSV export is slow") == ["csv", "export", "slow"]


def test_discover_themes_recovers_planted_clusters() -> None:
    texts = [t for group in PLANTED.values() for t in group]
    themes = discover_themes(texts)
    found = sorted(sorted(t.members) for t in themes)
    expected = sorted([list(range(i * 6, i * 6 + 6)) for i in range(4)])
    assert found == expected
    terms = {t.key_terms[0] for t in themes}
    assert {"쿠폰", "csv"} <= terms or {"쿠폰", "export"} <= terms
    for theme in themes:
        assert theme.representatives == theme.members[:3]
        assert theme.similarities == sorted(theme.similarities, reverse=True)


def test_discover_skips_covered_conversations_and_promotes(store: Store, workspace: Workspace) -> None:
    ws = workspace.id
    with store.session() as s:
        admin = s.scalar(select(User).where(User.workspace_id == ws))
        create_dimension(s, workspace_id=ws, key="area")
        create_tag(s, workspace_id=ws, path="area/billing")
        ids: dict[str, list[int]] = {}
        for name, texts in PLANTED.items():
            ids[name] = [conversation(s, ws, t, ("agent", "확인하겠습니다")).id for t in texts]
        # The tax questions are already covered by a confirmed tag: not a new theme.
        for cid in ids["tax"]:
            assign_tag(s, workspace_id=ws, conversation_id=cid, tag="area/billing", user=admin)
        # A model guess made while abstaining does not count as coverage.
        suggest_tag(
            s,
            workspace_id=ws,
            conversation_id=ids["coupon"][0],
            tag="area/billing",
            origin="model",
            confidence=0.2,
            attributes={"needs_human": True},
        )
        uncovered = svc.uncovered_conversations(s, workspace_id=ws)
        assert sorted(uncovered) == sorted(ids["coupon"] + ids["dark"] + ids["export"])

    proposals = svc.discover(store, workspace_id=ws)
    groups = sorted(sorted(p.conversation_ids) for p in proposals)
    assert groups == sorted(sorted(ids[n]) for n in ("coupon", "dark", "export"))
    coupon = next(p for p in proposals if set(p.conversation_ids) == set(ids["coupon"]))
    assert coupon.key_terms[0] == "쿠폰" and coupon.suggested_name.startswith("쿠폰")
    assert len(coupon.quotes) == 3 and all("쿠폰" in q["text"] for q in coupon.quotes)

    with store.session() as s:
        admin = s.scalar(select(User).where(User.workspace_id == ws))
        run, stored = svc.last_themes(s, workspace_id=ws)
        assert run["dimension"] == "area" and len(stored) == len(proposals)
        assert svc.list_themes(s, workspace_id=ws)[0].label == proposals[0].label
        result = svc.promote_theme(s, workspace_id=ws, theme=coupon.index, path="area/coupon", user=admin)
        assert result.suggested == 6
        tag = get_tag(s, workspace_id=ws, tag="area/coupon")
        assert "쿠폰" in tag.keywords and len(tag.examples) == 3
        for cid in ids["coupon"]:
            infos = list_assignments(s, workspace_id=ws, conversation_id=cid)
            assert ("area/coupon", "suggested") in {(i.path, i.status) for i in infos}
        # Once suggested, the coupon conversations are covered.
        assert not set(ids["coupon"]) & set(svc.uncovered_conversations(s, workspace_id=ws))
