"""The ingest pipeline on hand-built records: idempotence, edits, merges, quarantine, events."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from frontdoor.core import events
from frontdoor.core.store import Store
from frontdoor.ingest.pipeline import ingest_records
from frontdoor.ingest.sources import get_or_create_source, list_sources
from frontdoor.integrations.base import (
    AccountRef,
    BadRecord,
    ContactRef,
    ConversationRecord,
    MessageRecord,
    SurveyRecord,
)
from frontdoor.models import (
    Account,
    AuthorKind,
    Channel,
    Contact,
    Conversation,
    ConversationStatus,
    Message,
    QuarantinedRecord,
    SurveyKind,
    SurveyResponse,
    Workspace,
)

T0 = dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)


def _source(store: Store, ws: Workspace, kind: str = "api") -> int:
    with store.session() as s:
        return get_or_create_source(s, workspace_id=ws.id, kind=kind).id


def _conv(ext: str, *msgs: tuple[str, str], email: str = "minji@acme.co.kr", **kw: Any) -> ConversationRecord:
    return ConversationRecord(
        external_id=ext,
        channel=Channel.CHAT,
        opened_at=T0,
        subject=kw.pop("subject", "결제 문의"),
        contact=ContactRef(email=email, name="김민지", account=AccountRef(name="에이크미")),
        messages=[
            MessageRecord(
                external_id=mid,
                author_kind=AuthorKind.CUSTOMER if i % 2 == 0 else AuthorKind.AGENT,
                text=text,
                sent_at=T0 + dt.timedelta(minutes=i),
            )
            for i, (mid, text) in enumerate(msgs)
        ],
        **kw,
    )


def _count(store: Store, model: Any) -> int:
    with store.session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_ingest_is_idempotent_and_updates_edits(store: Store, workspace: Workspace) -> None:
    src = _source(store, workspace)
    records = [
        _conv("c1", ("m1", "환불 요청드립니다. 연락처 010-1234-5678"), ("m2", "확인해 드릴게요")),
        _conv("c2", ("m3", "Export to Excel fails"), email="bob@acme.co.kr"),
    ]
    first = ingest_records(store, workspace_id=workspace.id, source_id=src, records=records)
    assert first.conversations.to_dict() == {"new": 2, "updated": 0, "unchanged": 0}
    assert first.messages.to_dict() == {"new": 3, "updated": 0, "unchanged": 0}
    assert first.accounts_created == 1
    assert first.contacts_created == 2
    assert first.exit_code == 0

    again = ingest_records(store, workspace_id=workspace.id, source_id=src, records=records)
    assert again.conversations.to_dict() == {"new": 0, "updated": 0, "unchanged": 2}
    assert again.messages.to_dict() == {"new": 0, "updated": 0, "unchanged": 3}
    assert (again.accounts_created, again.contacts_created) == (0, 0)
    assert _count(store, Message) == 3
    assert _count(store, Conversation) == 2

    edited = [_conv("c1", ("m1", "환불 요청드립니다 (수정)"), ("m2", "확인해 드릴게요"))]
    third = ingest_records(store, workspace_id=workspace.id, source_id=src, records=edited)
    assert third.messages.to_dict() == {"new": 0, "updated": 1, "unchanged": 1}
    assert _count(store, Message) == 3
    with store.session() as s:
        text = s.scalar(select(Message.text).where(Message.external_id == "m1"))
        assert text == "환불 요청드립니다 (수정)"
        conv = s.scalars(select(Conversation).where(Conversation.external_id == "c1")).one()
        assert conv.message_count == 2
        assert conv.language == "ko"
        assert conv.contact_id is not None and conv.account_id is not None


def test_text_is_redacted_and_normalized(store: Store, workspace: Workspace) -> None:
    src = _source(store, workspace)
    ingest_records(
        store,
        workspace_id=workspace.id,
        source_id=src,
        records=[_conv("c1", ("m1", "  연락처는 010-1234-5678, 메일 kim@acme.co.kr\u200b  "))],
    )
    with store.session() as s:
        msg = s.scalars(select(Message)).one()
    assert msg.text == "연락처는 [PHONE], 메일 [EMAIL]"
    assert msg.language == "ko"
    assert not msg.text_truncated


def test_partial_records_merge_and_keep_messages(store: Store, workspace: Workspace) -> None:
    src = _source(store, workspace)
    ingest_records(
        store, workspace_id=workspace.id, source_id=src, records=[_conv("c1", ("m1", "안녕하세요"))]
    )
    part = _conv("c1", ("m1", "안녕하세요"), ("m2", "답변입니다"), subject="")
    part.messages = part.messages[1:]
    part.contact = None
    summary = ingest_records(store, workspace_id=workspace.id, source_id=src, records=[part])
    assert summary.messages.new == 1
    with store.session() as s:
        conv = s.scalars(select(Conversation)).one()
        assert conv.message_count == 2
        assert conv.subject == "결제 문의"  # kept: the partial record had none
        assert conv.contact_id is not None
        assert conv.last_message_at == T0 + dt.timedelta(minutes=1)
    assert _count(store, Message) == 2


def test_bad_records_are_quarantined_and_the_rest_kept(store: Store, workspace: Workspace) -> None:
    src = _source(store, workspace)
    records = [
        _conv("c1", ("m1", "좋아요")),
        BadRecord(position="line 7", raw='{"broken": ', reason="invalid JSON"),
        _conv("", ("m9", "no id")),
    ]
    summary = ingest_records(store, workspace_id=workspace.id, source_id=src, records=records, file="x.jsonl")
    assert summary.quarantined == 2
    assert summary.exit_code == 1
    assert summary.conversations.new == 1
    with store.session() as s:
        rows = s.scalars(select(QuarantinedRecord).order_by(QuarantinedRecord.id)).all()
    assert (rows[0].position, rows[0].reason, rows[0].file, rows[0].kind) == (
        "line 7",
        "invalid JSON",
        "x.jsonl",
        "api",
    )
    assert rows[0].raw == '{"broken": '
    assert "external_id" in rows[1].reason


def test_surveys_upsert_and_link_conversation(store: Store, workspace: Workspace) -> None:
    src = _source(store, workspace)
    survey = SurveyRecord(
        external_id="s1",
        kind=SurveyKind.NPS,
        score=9,
        scale_min=0,
        scale_max=10,
        responded_at=T0,
        comment="좋아요! 010-9999-8888",
        contact=ContactRef(email="minji@acme.co.kr"),
        conversation_external_id="c1",
    )
    records = [_conv("c1", ("m1", "좋아요")), survey]
    first = ingest_records(store, workspace_id=workspace.id, source_id=src, records=records)
    assert first.surveys.new == 1
    again = ingest_records(store, workspace_id=workspace.id, source_id=src, records=records)
    assert again.surveys.unchanged == 1
    survey.score = 10
    third = ingest_records(store, workspace_id=workspace.id, source_id=src, records=[survey])
    assert third.surveys.updated == 1
    with store.session() as s:
        row = s.scalars(select(SurveyResponse)).one()
        conv_id = s.scalar(select(Conversation.id))
    assert row.score == 10 and row.conversation_id == conv_id
    assert row.comment == "좋아요! [PHONE]"
    assert row.contact_id is not None


def test_survey_outside_scale_is_quarantined(store: Store, workspace: Workspace) -> None:
    src = _source(store, workspace)
    bad = SurveyRecord(
        external_id="s1",
        kind=SurveyKind.CSAT,
        score=7,
        scale_min=1,
        scale_max=5,
        responded_at=T0,
        position="row 2",
    )
    summary = ingest_records(store, workspace_id=workspace.id, source_id=src, records=[bad])
    assert summary.quarantined == 1 and summary.surveys.new == 0


def test_event_fires_with_changed_conversations(store: Store, workspace: Workspace) -> None:
    src = _source(store, workspace)
    seen: list[list[int]] = []

    def handler(_store: Store, event: events.ConversationsIngested) -> None:
        assert event.workspace_id == workspace.id
        seen.append(list(event.conversation_ids))

    events.subscribe(events.ConversationsIngested, handler)
    try:
        records = [_conv("c1", ("m1", "a")), _conv("c2", ("m2", "b"))]
        ingest_records(store, workspace_id=workspace.id, source_id=src, records=records)
        ingest_records(store, workspace_id=workspace.id, source_id=src, records=records)
    finally:
        events.unsubscribe(events.ConversationsIngested, handler)
    assert len(seen) == 1 and len(seen[0]) == 2


def test_long_text_is_truncated_and_flagged(store: Store, workspace: Workspace) -> None:
    src = _source(store, workspace)
    limit = store.settings.max_text_chars
    ingest_records(
        store, workspace_id=workspace.id, source_id=src, records=[_conv("c1", ("m1", "가" * (limit * 3)))]
    )
    with store.session() as s:
        msg = s.scalars(select(Message)).one()
    assert msg.text_truncated and len(msg.text) == limit


def test_sources_get_or_create(store: Store, workspace: Workspace) -> None:
    with store.session() as s:
        a = get_or_create_source(s, workspace_id=workspace.id, kind="csv")
        b = get_or_create_source(s, workspace_id=workspace.id, kind="csv")
        c = get_or_create_source(s, workspace_id=workspace.id, kind="csv", name="crm export")
        assert a.id == b.id != c.id
        assert [x.name for x in list_sources(s, workspace_id=workspace.id)] == ["crm export", "csv"]


def test_many_batches(store: Store, workspace: Workspace) -> None:
    src = _source(store, workspace)
    records = [
        _conv(f"c{i}", (f"m{i}a", "질문"), (f"m{i}b", "답변"), email=f"u{i % 50}@acme.co.kr")
        for i in range(1500)
    ]
    first = ingest_records(store, workspace_id=workspace.id, source_id=src, records=records)
    assert first.messages.new == 3000
    assert first.contacts_created == 50
    assert first.accounts_created == 1  # every contact names the same company
    assert _count(store, Contact) == 50 and _count(store, Account) == 1
    again = ingest_records(store, workspace_id=workspace.id, source_id=src, records=records)
    assert again.messages.unchanged == 3000 and again.conversations.unchanged == 1500
    assert _count(store, Message) == 3000
    assert _count(store, Conversation) == 1500
    with store.session() as s:
        assert s.scalar(select(func.sum(Conversation.message_count))) == 3000
    _ = ConversationStatus


def test_progress_reports_records(store: Store, workspace: Workspace) -> None:
    src = _source(store, workspace)
    seen: list[int] = []
    records = [_conv(f"c{i}", (f"m{i}", "질문")) for i in range(5)]
    summary = ingest_records(
        store, workspace_id=workspace.id, source_id=src, records=records, progress=seen.append
    )
    assert sum(seen) == summary.records == 5


def test_unknown_source_is_refused(store: Store, workspace: Workspace) -> None:
    import pytest

    from frontdoor.core.errors import NotFound

    with pytest.raises(NotFound):
        ingest_records(store, workspace_id=workspace.id, source_id=9999, records=[])
