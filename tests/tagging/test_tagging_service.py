"""Train and apply the learned tagger end to end on a small synthetic workspace."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select
from tagging_helpers import BASE_TIME, conversation

from frontdoor.core import events
from frontdoor.core.errors import ValidationError
from frontdoor.core.store import Store
from frontdoor.models import TagAssignment, User, Workspace
from frontdoor.tagging.assignments import assign_tag, decide, list_assignments
from frontdoor.tagging.autotag import apply, on_conversations_ingested, tag_new_conversations
from frontdoor.tagging.quality import last_quality_report, quality_report
from frontdoor.tagging.saved_models import current_model, model_info
from frontdoor.tagging.suggestions import suggest_tag
from frontdoor.tagging.taxonomy.dimensions import create_dimension
from frontdoor.tagging.taxonomy.tags import create_tag, get_tag
from frontdoor.tagging.texts import conversation_texts
from frontdoor.tagging.training import train, training_data

TRAIN = {
    "area/billing": [
        "결제가 두 번 됐어요 환불해 주세요",
        "카드 결제가 실패합니다",
        "청구서 금액이 이상해요",
        "I was charged twice this month",
        "invoice amount is wrong",
        "결제 수단을 바꾸고 싶어요",
        "please refund my payment",
        "요금이 너무 많이 청구됐어요",
    ],
    "area/shipping": [
        "배송이 너무 늦어요",
        "택배가 아직 안 왔어요",
        "배송 조회가 안 됩니다",
        "my package has not arrived",
        "where is my delivery",
        "배송지 주소를 변경하고 싶어요",
        "the courier lost my parcel",
        "송장 번호를 알려주세요",
    ],
    "area/login": [
        "로그인이 안 돼요",
        "비밀번호를 잊어버렸어요",
        "계정이 잠겼습니다",
        "I cannot log in to my account",
        "password reset email never came",
        "로그인하면 오류가 나요",
        "two factor code is not accepted",
        "아이디를 찾고 싶어요",
    ],
}
KO_FRAMES = ["{} 문의드립니다", "{} 관련해서 질문이 있어요", "{} 문제가 생겼어요"]
EN_FRAMES = ["question about {}", "problem with {}", "help with {} please"]
KEYS = {
    "area/billing": (["결제", "청구서"], ["payment", "invoice"]),
    "area/shipping": (["배송", "택배"], ["delivery", "package"]),
    "area/login": (["로그인", "비밀번호"], ["login", "password"]),
    "area/coupon": (["쿠폰", "할인 코드"], ["coupon", "discount code"]),
}


def _generated(path: str) -> list[str]:
    ko, en = KEYS[path]
    return [f.format(k) for k in ko for f in KO_FRAMES] + [f.format(k) for k in en for f in EN_FRAMES]


for _path in TRAIN:
    TRAIN[_path] = TRAIN[_path] + _generated(_path)  # 8 written + 12 templated = 20 per tag
N_TRAIN = sum(len(v) for v in TRAIN.values())
COUPON = [
    "쿠폰 코드가 적용이 안 돼요",
    "할인 쿠폰을 어디서 입력하나요",
    "coupon code is invalid",
    "쿠폰 사용 기한이 지났대요",
    *_generated("area/coupon")[::2],
]


def _build(store: Store, ws: Workspace) -> dict[str, list[int]]:
    ids: dict[str, list[int]] = {}
    with store.session() as s:
        admin = s.scalar(select(User).where(User.workspace_id == ws.id))
        create_dimension(s, workspace_id=ws.id, key="area", name_ko="영역")
        create_dimension(s, workspace_id=ws.id, key="type", multi_label=True)
        for path in [*TRAIN, "area/coupon"]:
            create_tag(s, workspace_id=ws.id, path=path)
        for path, texts in TRAIN.items():
            for i, text in enumerate(texts):
                c = conversation(
                    s,
                    ws.id,
                    text,
                    ("agent", "확인해 보겠습니다"),
                    opened_at=BASE_TIME + dt.timedelta(hours=i),
                )
                assign_tag(s, workspace_id=ws.id, conversation_id=c.id, tag=path, user=admin)
                ids.setdefault(path, []).append(c.id)
    return ids


def _model_rows(store: Store, conversation_id: int) -> list[tuple[str, str, bool]]:
    with store.session() as s:
        return [
            (i.path, i.status, bool(i.confidence is not None))
            for i in list_assignments(s, workspace_id=1, conversation_id=conversation_id)
            if i.origin == "model"
        ]


def test_train_needs_enough_confirmed_tags(store: Store, workspace: Workspace) -> None:
    with pytest.raises(ValidationError):
        train(store, workspace_id=workspace.id)


def test_train_apply_round_trip(store: Store, workspace: Workspace) -> None:
    _build(store, workspace)
    result = train(store, workspace_id=workspace.id)
    assert result.n_train == N_TRAIN and result.dimensions == ["area"]
    assert result.path.exists() and result.path.parent == Path(store.settings.home) / "models" / "acme"
    with store.session() as s:
        info = model_info(s, workspace_id=workspace.id)
        assert info is not None and info["version"] == result.model_version

    later = BASE_TIME + dt.timedelta(days=30)
    with store.session() as s:
        ship = conversation(s, workspace.id, "택배 배송이 아직도 안 왔어요", opened_at=later)
        note = conversation(
            s, workspace.id, "where is my parcel delivery", ("agent", "결제 환불 처리", True), opened_at=later
        )
        ship_id, note_id = ship.id, note.id
    out = apply(store, workspace_id=workspace.id, since=later)
    assert out.conversations == 2 and out.model_version == result.model_version

    with store.session() as s:
        rows = s.scalars(
            select(TagAssignment).where(TagAssignment.conversation_id.in_([ship_id, note_id]))
        ).all()
        by_conv = {r.conversation_id: r for r in rows}
        paths = {r.conversation_id: get_tag(s, workspace_id=workspace.id, tag=r.tag_id).path for r in rows}
        assert len(rows) == 2  # one decision in the single-label dimension each
        # The internal note about payments does not pull the second one to billing.
        assert paths == {ship_id: "area/shipping", note_id: "area/shipping"}
        for r in rows:
            assert r.origin == "model" and r.status == "suggested" and r.model_version == result.model_version
            assert r.confidence is not None and 0 <= r.confidence <= 1
            assert "threshold" in r.attributes and "needs_human" in r.attributes
        # A person overrides one suggestion; apply again leaves their decision alone.
        admin = s.scalar(select(User).where(User.workspace_id == workspace.id))
        assign_tag(s, workspace_id=workspace.id, conversation_id=note_id, tag="area/login", user=admin)
        row_id = by_conv[ship_id].id
    apply(store, workspace_id=workspace.id, since=later)
    with store.session() as s:
        statuses = {
            i.path: i.status for i in list_assignments(s, workspace_id=workspace.id, conversation_id=note_id)
        }
        assert statuses == {"area/login": "confirmed", "area/shipping": "rejected"}
        assert s.get(TagAssignment, row_id) is not None  # same row refreshed, not duplicated


def test_confirmations_change_later_predictions(store: Store, workspace: Workspace) -> None:
    _build(store, workspace)
    train(store, workspace_id=workspace.id)
    probe_text = "쿠폰 코드를 입력했는데 적용이 안 돼요"
    with store.session() as s:
        probe = conversation(s, workspace.id, probe_text).id
    tag_new_conversations(store, workspace.id, [probe])
    before = _model_rows(store, probe)
    assert before and all(path != "area/coupon" for path, _, _ in before)

    # People confirm the new coupon tag on a few conversations; retraining picks it up.
    with store.session() as s:
        admin = s.scalar(select(User).where(User.workspace_id == workspace.id))
        for text in COUPON:
            c = conversation(s, workspace.id, text)
            assign_tag(s, workspace_id=workspace.id, conversation_id=c.id, tag="area/coupon", user=admin)
    second = train(store, workspace_id=workspace.id)
    assert second.n_train == N_TRAIN + len(COUPON)
    tag_new_conversations(store, workspace.id, [probe])
    after = _model_rows(store, probe)
    assert [path for path, _, _ in after] == ["area/coupon"]


def test_abstains_on_out_of_scope_text(store: Store, workspace: Workspace) -> None:
    _build(store, workspace)
    # People said these are none of the area tags: abstention targets.
    with store.session() as s:
        admin = s.scalar(select(User).where(User.workspace_id == workspace.id))
        for text in [
            "안녕하세요 좋은 하루 되세요",
            "thanks, have a nice day",
            "감사합니다 수고하세요",
            "hello there",
        ]:
            c = conversation(s, workspace.id, text)
            row = suggest_tag(
                s, workspace_id=workspace.id, conversation_id=c.id, tag="area/login", origin="model"
            )
            assert row is not None
            decide(s, workspace_id=workspace.id, assignment_id=row.id, user=admin, confirm=False)
        data = training_data(s, workspace_id=workspace.id)
        assert sum(1 for row in data.labels if row == {"area": set()}) == 4
    train(store, workspace_id=workspace.id)
    probes = ["날씨가 좋네요", "좋은 하루 보내세요 감사합니다", "qwerty zxcv", "택배 배송이 아직도 안 왔어요"]
    with store.session() as s:
        ids = [conversation(s, workspace.id, text).id for text in probes]
        loaded = current_model(store, s, workspace_id=workspace.id)
        assert loaded is not None
        decisions = loaded[0].decide(probes)
    abstained = [d["area"].abstained for d in decisions]
    assert any(abstained)
    result = tag_new_conversations(store, workspace.id, ids)
    assert result.needs_human == sum(abstained)
    with store.session() as s:
        for cid, decision, gave_up in zip(ids, decisions, abstained, strict=True):
            (row,) = s.scalars(select(TagAssignment).where(TagAssignment.conversation_id == cid)).all()
            # Abstaining still asks a person, with the best candidate, flagged as such.
            assert row.attributes["needs_human"] is gave_up
            assert str(row.tag_id) == decision["area"].candidates[0].tag
            assert row.status == "suggested"


def test_ingest_event_tags_new_conversations(store: Store, workspace: Workspace) -> None:
    with store.session() as s:
        create_dimension(s, workspace_id=workspace.id, key="area")
        create_tag(s, workspace_id=workspace.id, path="area/refund", keywords=["환불"])
        c = conversation(s, workspace.id, "환불은 언제 되나요").id
    events.subscribe(events.ConversationsIngested, on_conversations_ingested)
    events.emit(store, events.ConversationsIngested(workspace.id, (c,)))
    with store.session() as s:
        (info,) = list_assignments(s, workspace_id=workspace.id, conversation_id=c)
        assert (info.path, info.origin, info.status) == ("area/refund", "rule", "suggested")


def test_quality_report(store: Store, workspace: Workspace) -> None:
    _build(store, workspace)
    report = quality_report(store, workspace_id=workspace.id, folds=3)
    assert report.n_conversations == N_TRAIN and report.folds == 3
    area = report.dimensions["area"]
    assert area["conversations"] == N_TRAIN and 0 <= area["precision"] <= 1
    assert {t.path for t in report.tags} <= set(TRAIN)
    assert report.to_dict()["tags"]
    with store.session() as s:
        saved = last_quality_report(s, workspace_id=workspace.id)
        assert saved is not None and saved["n_conversations"] == N_TRAIN and "computed_at" in saved


def test_cli_train_apply_review_quality(store: Store, workspace: Workspace) -> None:
    import json

    from click.testing import CliRunner

    from frontdoor.cli import cli

    _build(store, workspace)
    with store.session() as s:
        conversation(s, workspace.id, "택배가 안 와요", opened_at=BASE_TIME + dt.timedelta(days=60))
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(cli, list(args), obj={"settings": store.settings})
        assert result.exit_code == 0, result.output
        return result.output

    trained = json.loads(run("tags", "train", "--json"))
    assert trained["n_train"] == N_TRAIN
    applied = json.loads(run("tags", "apply", "--since", "2026-03-01", "--json"))
    assert applied["conversations"] == 1 and applied["model_version"] == trained["model_version"]
    assert "택배" in run("tags", "review")
    quality = json.loads(run("tags", "quality", "--folds", "3", "--json"))
    assert quality["n_conversations"] == N_TRAIN
    bad = runner.invoke(cli, ["tags", "apply", "--since", "yesterday"], obj={"settings": store.settings})
    assert bad.exit_code != 0


def test_conversation_text_is_the_customers_words(store: Store, workspace: Workspace) -> None:
    with store.session() as s:
        echo = conversation(s, workspace.id, "배송이 너무 늦어요 언제 오나요", subject="배송이 너무 늦어요…")
        titled = conversation(s, workspace.id, "refund please", subject="Billing question")
        mixed = conversation(
            s,
            workspace.id,
            ("agent", "무엇을 도와드릴까요?"),
            "로그인이 안 돼요",
            ("agent", "internal: check SSO", True),
            ("customer", "note to self", True),
            ("bot", "자동 응답입니다"),
        )
        texts = conversation_texts(
            s, workspace_id=workspace.id, conversation_ids=[echo.id, titled.id, mixed.id]
        )
    assert texts == {
        echo.id: "배송이 너무 늦어요 언제 오나요",  # a subject that repeats the message is dropped
        titled.id: "Billing question\nrefund please",
        mixed.id: "로그인이 안 돼요",  # agents, bots and internal notes are not customer voice
    }
