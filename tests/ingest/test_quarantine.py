"""Quarantine: list, retry after fixing the payload or the options, resolve."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from frontdoor.core.errors import ValidationError
from frontdoor.core.store import Store
from frontdoor.ingest.pipeline import ingest_records
from frontdoor.ingest.quarantine import (
    count_quarantined,
    list_quarantined,
    resolve_quarantined,
    retry_quarantined,
)
from frontdoor.ingest.sources import get_or_create_source
from frontdoor.integrations.base import BadRecord
from frontdoor.integrations.registry import get_adapter
from frontdoor.models import Message, QuarantineStatus, Workspace

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _import(store: Store, ws: Workspace, kind: str, path: Path) -> None:
    with store.session() as s:
        src = get_or_create_source(s, workspace_id=ws.id, kind=kind).id
    ingest_records(
        store,
        workspace_id=ws.id,
        source_id=src,
        records=get_adapter(kind).read(path, options={}),
        file=str(path),
    )


def test_retry_after_fixing_the_payload(store: Store, workspace: Workspace) -> None:
    _import(store, workspace, "csv", FIXTURES / "csv" / "with_bad_row.csv")
    with store.session() as s:
        (q,) = list_quarantined(s, workspace_id=workspace.id)
        qid, raw = q.id, q.raw
    # Unchanged payload: still failing, reason kept, still open.
    result = retry_quarantined(store, workspace_id=workspace.id, record_ids=[qid])
    assert result.failed == 1 and "timestamp" in result.outcomes[0].reason
    fixed = raw.replace("어제 오후", "2026-05-03T15:00:00+09:00")
    result = retry_quarantined(store, workspace_id=workspace.id, record_ids=[qid], raw=fixed)
    assert result.fixed == 1 and result.summary.messages.new == 1
    with store.session() as s:
        assert count_quarantined(s, workspace_id=workspace.id) == 0
        assert (
            s.scalar(select(Message.text).where(Message.external_id == "m-2011"))
            == "결제 영수증을 다시 받고 싶어요."
        )
        (row,) = list_quarantined(s, workspace_id=workspace.id, status=None)
        assert row.status == QuarantineStatus.RESOLVED and row.resolved_at is not None


def test_retry_with_corrected_options(store: Store, workspace: Workspace) -> None:
    _import(store, workspace, "jsonl", FIXTURES / "jsonl" / "with_bad_line.jsonl")
    with store.session() as s:
        (q,) = list_quarantined(s, workspace_id=workspace.id)
    # A line that is not JSON cannot be fixed by options: it stays.
    result = retry_quarantined(store, workspace_id=workspace.id)
    assert result.failed == 1
    fixed = q.raw + '"}'
    result = retry_quarantined(store, workspace_id=workspace.id, record_ids=[q.id], raw=fixed)
    assert result.fixed == 1


def test_resolve_and_raw_needs_one_id(store: Store, workspace: Workspace) -> None:
    _import(store, workspace, "csv", FIXTURES / "csv" / "with_bad_row.csv")
    with store.session() as s:
        (q,) = list_quarantined(s, workspace_id=workspace.id)
        resolve_quarantined(s, workspace_id=workspace.id, record_id=q.id)
    with store.session() as s:
        assert count_quarantined(s, workspace_id=workspace.id) == 0
    with pytest.raises(ValidationError):
        retry_quarantined(store, workspace_id=workspace.id, raw="{}")


def test_reimport_adds_no_quarantine_rows(store: Store, workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("conversation_id,text,created_at\nc1,hello,2026-01-01\nc2,hi,not-a-date\n")
    _import(store, workspace, "csv", path)
    _import(store, workspace, "csv", path)
    with store.session() as s:
        assert count_quarantined(s, workspace_id=workspace.id) == 1


def test_nul_bytes_in_a_bad_payload_are_kept_visible(store: Store, workspace: Workspace) -> None:
    with store.session() as s:
        src = get_or_create_source(s, workspace_id=workspace.id, kind="email").id
    bad = BadRecord(position="message 1", raw="From: a@b\x00c\n\nbody", reason="bad\x00header")
    summary = ingest_records(store, workspace_id=workspace.id, source_id=src, records=[bad], file="x.mbox")
    assert summary.quarantined == 1
    with store.session() as s:
        (record,) = list_quarantined(s, workspace_id=workspace.id)
    # PostgreSQL text refuses NUL; the byte is spelled out rather than the record lost.
    assert record.raw == "From: a@b\\x00c\n\nbody"
    assert record.reason == "bad\\x00header"
