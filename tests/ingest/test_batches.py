"""Imports larger than one batch: the next batch is prepared while one is stored."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from frontdoor.core import events
from frontdoor.core.store import Store
from frontdoor.ingest import prepare
from frontdoor.ingest.pipeline import ingest_records
from frontdoor.ingest.sources import get_or_create_source
from frontdoor.integrations.base import AccountRef, ContactRef, ConversationRecord, MessageRecord, Record
from frontdoor.models import AuthorKind, Channel, Conversation, Message, Workspace

T0 = dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)


def _conv(ext: str, *mids: str) -> ConversationRecord:
    return ConversationRecord(
        external_id=ext,
        channel=Channel.CHAT,
        opened_at=T0,
        subject="배송 문의",
        contact=ContactRef(email=f"{ext}@acme.co.kr", account=AccountRef(name="에이크미")),
        messages=[
            MessageRecord(
                external_id=mid,
                author_kind=AuthorKind.CUSTOMER,
                text=f"{mid} 언제 오나요",
                sent_at=T0 + dt.timedelta(minutes=i),
            )
            for i, mid in enumerate(mids)
        ],
    )


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prepare, "BATCH_RECORDS", 3)


def _source(store: Store, ws: Workspace) -> int:
    with store.session() as s:
        return get_or_create_source(s, workspace_id=ws.id, kind="api").id


@pytest.mark.usefixtures("small_batches")
def test_batches_keep_their_order_counts_and_events(store: Store, workspace: Workspace) -> None:
    src = _source(store, workspace)
    # c0 comes back in the fourth batch with one more message: merged, not duplicated.
    records = [_conv(f"c{i}", f"m{i}") for i in range(9)] + [_conv("c0", "m0", "m0b")]
    seen: list[list[int]] = []
    progress: list[int] = []

    def handler(_store: Store, event: events.ConversationsIngested) -> None:
        seen.append(list(event.conversation_ids))

    events.subscribe(events.ConversationsIngested, handler)
    try:
        first = ingest_records(
            store, workspace_id=workspace.id, source_id=src, records=records, progress=progress.append
        )
        again = ingest_records(store, workspace_id=workspace.id, source_id=src, records=records)
    finally:
        events.unsubscribe(events.ConversationsIngested, handler)
    assert progress == [3, 3, 3, 1]
    assert first.conversations.to_dict() == {"new": 9, "updated": 0, "unchanged": 1}
    assert first.messages.to_dict() == {"new": 10, "updated": 0, "unchanged": 1}
    assert again.conversations.to_dict() == {"new": 0, "updated": 0, "unchanged": 10}
    assert again.messages.to_dict() == {"new": 0, "updated": 0, "unchanged": 11}
    with store.session() as s:
        ids = {ext: cid for ext, cid in s.execute(select(Conversation.external_id, Conversation.id))}
        assert s.scalar(select(func.count()).select_from(Message)) == 10
        c0 = s.get(Conversation, ids["c0"])
        assert c0 is not None and c0.message_count == 2
    # One event per committed batch, in input order; the re-import changed nothing.
    assert seen == [
        sorted(ids[f"c{i}"] for i in (0, 1, 2)),
        sorted(ids[f"c{i}"] for i in (3, 4, 5)),
        sorted(ids[f"c{i}"] for i in (6, 7, 8)),
        [ids["c0"]],
    ]


@pytest.mark.usefixtures("small_batches")
def test_a_read_error_is_raised_after_the_batches_before_it(store: Store, workspace: Workspace) -> None:
    src = _source(store, workspace)

    def records() -> Iterator[Record]:
        for i in range(7):
            yield _conv(f"c{i}", f"m{i}")
        raise OSError("disk went away")

    with pytest.raises(OSError, match="disk went away"):
        ingest_records(store, workspace_id=workspace.id, source_id=src, records=records())
    with store.session() as s:
        stored = s.scalars(select(Conversation.external_id).order_by(Conversation.external_id)).all()
    # Two full batches were committed; the third was still being read when the error came.
    assert stored == [f"c{i}" for i in range(6)]
