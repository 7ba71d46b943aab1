"""CSV and JSONL imports end to end: exact counts, idempotence, edits, quarantine."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from frontdoor.core.errors import AdapterError
from frontdoor.core.store import Store
from frontdoor.ingest.pipeline import ingest_records
from frontdoor.ingest.sources import get_or_create_source
from frontdoor.ingest.summary import ImportSummary
from frontdoor.integrations.registry import get_adapter
from frontdoor.integrations.tabular.adapters import CsvAdapter, JsonlAdapter
from frontdoor.models import (
    Account,
    AccountDomain,
    Contact,
    Conversation,
    ConversationStatus,
    Message,
    QuarantinedRecord,
    SurveyResponse,
    Workspace,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _import(store: Store, ws: Workspace, kind: str, path: Path, **options: str) -> ImportSummary:
    with store.session() as s:
        src = get_or_create_source(s, workspace_id=ws.id, kind=kind).id
    adapter = get_adapter(kind)
    return ingest_records(
        store, workspace_id=ws.id, source_id=src, records=adapter.read(path, options=options), file=str(path)
    )


def _count(store: Store, model: Any) -> int:
    with store.session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_registry_has_csv_and_jsonl() -> None:
    assert isinstance(get_adapter("csv"), CsvAdapter)
    assert isinstance(get_adapter("jsonl"), JsonlAdapter)


def test_csv_import_counts_and_identities(store: Store, workspace: Workspace) -> None:
    summary = _import(store, workspace, "csv", FIXTURES / "csv" / "conversations.csv")
    assert summary.conversations.to_dict() == {"new": 4, "updated": 0, "unchanged": 0}
    assert summary.messages.to_dict() == {"new": 8, "updated": 0, "unchanged": 0}
    assert (summary.accounts_created, summary.contacts_created, summary.quarantined) == (2, 3, 0)
    assert (_count(store, Conversation), _count(store, Message)) == (4, 8)
    assert (_count(store, Account), _count(store, Contact)) == (2, 3)
    with store.session() as s:
        convs = {c.external_id: c for c in s.scalars(select(Conversation))}
        acme = s.scalars(select(Account).where(Account.name == "에이크미")).one()
        assert (
            s.scalar(select(AccountDomain.domain).where(AccountDomain.account_id == acme.id)) == "acme.co.kr"
        )
        # Bob has no company column: his email domain finds 에이크미.
        assert convs["c-102"].account_id == acme.id
        # c-103 names only member id m-1: the same contact as c-100.
        assert convs["c-103"].contact_id == convs["c-100"].contact_id
        bakery = s.scalars(select(Account).where(Account.name == "빵집 협동조합")).one()
        assert convs["c-101"].account_id == bakery.id
        assert s.scalar(select(func.count()).select_from(AccountDomain)) == 1  # gmail.com never recorded
        assert convs["c-100"].status == ConversationStatus.CLOSED
        assert convs["c-100"].message_count == 3 and convs["c-100"].language == "ko"
        assert convs["c-102"].language == "en"
        assert convs["c-100"].subject == "엑셀 다운로드 오류"
        text = s.scalar(select(Message.text).where(Message.external_id == "m-1011"))
        assert text == "환불 부탁드려요. 연락처는 [PHONE] 입니다."


def test_csv_reimport_is_unchanged_and_edit_updates(
    store: Store, workspace: Workspace, tmp_path: Path
) -> None:
    path = FIXTURES / "csv" / "conversations.csv"
    _import(store, workspace, "csv", path)
    again = _import(store, workspace, "csv", path)
    assert again.conversations.to_dict() == {"new": 0, "updated": 0, "unchanged": 4}
    assert again.messages.to_dict() == {"new": 0, "updated": 0, "unchanged": 8}
    assert (again.accounts_created, again.contacts_created) == (0, 0)
    edited = tmp_path / "edited.csv"
    edited.write_text(
        path.read_text(encoding="utf-8").replace(
            "환불 접수되었습니다.", "환불 접수되었습니다. 3영업일 소요됩니다."
        ),
        encoding="utf-8",
    )
    third = _import(store, workspace, "csv", edited)
    assert third.messages.to_dict() == {"new": 0, "updated": 1, "unchanged": 7}
    assert (_count(store, Message), _count(store, Conversation)) == (8, 4)
    with store.session() as s:
        assert s.scalar(select(Message.text).where(Message.external_id == "m-1012")).endswith("소요됩니다.")


def test_csv_bad_row_is_quarantined_rest_kept(store: Store, workspace: Workspace) -> None:
    summary = _import(store, workspace, "csv", FIXTURES / "csv" / "with_bad_row.csv")
    assert summary.quarantined == 1 and summary.exit_code == 1
    assert summary.messages.new == 3 and summary.conversations.new == 2
    with store.session() as s:
        q = s.scalars(select(QuarantinedRecord)).one()
    assert q.position == "line 4"
    assert "timestamp" in q.reason and "어제 오후" in q.reason
    assert '"c-201"' in q.raw and q.kind == "csv" and q.file.endswith("with_bad_row.csv")


def test_csv_column_mapping(store: Store, workspace: Workspace) -> None:
    path = FIXTURES / "csv" / "custom_columns.csv"
    with pytest.raises(AdapterError, match="missing column"):
        list(CsvAdapter().read(path, options={}))
    options = {
        "map.conversation_id": "ticket",
        "map.created_at": "when",
        "map.author_kind": "who",
        "map.text": "body",
        "map.email": "requester_email",
        "tz": "Asia/Seoul",
    }
    summary = _import(store, workspace, "csv", path, **options)
    assert (summary.conversations.new, summary.messages.new, summary.contacts_created) == (1, 2, 1)
    with store.session() as s:
        conv = s.scalars(select(Conversation)).one()
    # 09:00 in Seoul is 00:00 UTC.
    assert conv.opened_at.hour == 0


def test_jsonl_import_counts_surveys_and_reimport(store: Store, workspace: Workspace) -> None:
    path = FIXTURES / "jsonl" / "conversations.jsonl"
    summary = _import(store, workspace, "jsonl", path)
    assert summary.conversations.to_dict() == {"new": 3, "updated": 0, "unchanged": 0}
    assert summary.messages.to_dict() == {"new": 7, "updated": 0, "unchanged": 0}
    assert summary.surveys.to_dict() == {"new": 1, "updated": 0, "unchanged": 0}
    assert (summary.accounts_created, summary.contacts_created, summary.quarantined) == (2, 2, 0)
    with store.session() as s:
        j1 = s.scalars(select(Conversation).where(Conversation.external_id == "j-1")).one()
        j3 = s.scalars(select(Conversation).where(Conversation.external_id == "j-3")).one()
        survey = s.scalars(select(SurveyResponse)).one()
        card_text = s.scalar(select(Message.text).where(Message.external_id == "j-1-1"))
    assert j3.contact_id == j1.contact_id and j3.message_count == 2
    assert survey.conversation_id == j1.id and survey.contact_id == j1.contact_id
    assert (survey.scale_min, survey.scale_max) == (0, 10)
    assert "[CARD]" in card_text and "4111" not in card_text
    again = _import(store, workspace, "jsonl", path)
    assert again.to_dict()["messages"] == {"new": 0, "updated": 0, "unchanged": 7}
    assert again.surveys.unchanged == 1 and again.conversations.unchanged == 3
    assert _count(store, Message) == 7


def test_jsonl_bad_lines(store: Store, workspace: Workspace) -> None:
    summary = _import(store, workspace, "jsonl", FIXTURES / "jsonl" / "with_bad_line.jsonl")
    assert summary.quarantined == 1
    assert summary.conversations.new == 2
    with store.session() as s:
        q = s.scalars(select(QuarantinedRecord)).one()
    assert q.position == "line 2" and q.reason.startswith("invalid JSON")


def test_adapter_streams_large_input(tmp_path: Path) -> None:
    # The adapter is a generator: it yields before reading the whole file.
    path = tmp_path / "big.jsonl"
    shutil.copy(FIXTURES / "jsonl" / "conversations.jsonl", path)
    records = JsonlAdapter().read(path, options={})
    first = next(records)
    assert first.external_id == "j-1"  # type: ignore[union-attr]


def test_tabular_adapters_are_retryable() -> None:
    from frontdoor.integrations.base import Adapter, RetryableAdapter

    for adapter in (CsvAdapter(), JsonlAdapter()):
        assert isinstance(adapter, Adapter) and isinstance(adapter, RetryableAdapter)
