"""COPY and preallocated ids (PostgreSQL's bulk path of the ingest pipeline)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import pytest
from sqlalchemy import Table, select, text

from frontdoor.core.store import Store
from frontdoor.db import bulk
from frontdoor.ingest.sources import get_or_create_source
from frontdoor.models import Channel, Conversation, ConversationStatus, Workspace

_CONV = cast(Table, Conversation.__table__)


def test_copy_rows_stores_values_enums_json_and_python_defaults(
    store: Store, workspace: Workspace, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("COPY and sequences are PostgreSQL's")
    opened = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    subject = "환불\t탭\n줄바꿈 \\ 백슬래시"  # characters COPY's text format must escape
    with store.session() as s:
        source_id = get_or_create_source(s, workspace_id=workspace.id, kind="jsonl").id
        ids = bulk.next_ids(s, _CONV, 3)
        assert len(set(ids)) == 3
        rows: list[dict[str, Any]] = [
            {
                "id": cid,
                "workspace_id": workspace.id,
                "source_id": source_id,
                "external_id": f"c{n}",
                "channel": Channel.EMAIL,
                "status": ConversationStatus.CLOSED,
                "subject": subject,
                "opened_at": opened + dt.timedelta(hours=n),
                "attributes": {"tier": ["골드", n]},
            }
            for n, cid in enumerate(ids)
        ]
        bulk.copy_rows(s, _CONV, rows)
    with store.session() as s:
        convs = s.scalars(select(Conversation).order_by(Conversation.external_id)).all()
        assert [(c.id, c.external_id) for c in convs] == [(ids[0], "c0"), (ids[1], "c1"), (ids[2], "c2")]
        first = convs[0]
        assert (first.channel, first.status, first.subject) == (
            Channel.EMAIL,
            ConversationStatus.CLOSED,
            subject,
        )
        assert convs[2].opened_at == dt.datetime(2026, 1, 2, 5, 4, 5, tzinfo=dt.UTC)
        assert convs[1].attributes == {"tier": ["골드", 1]}
        # Python-side defaults, as a Core INSERT would set them.
        assert (first.message_count, first.content_hash, first.route_confirmed) == (0, "", False)
        assert first.created_at.tzinfo is not None
        # Enums are stored by value, not by member name.
        assert s.scalar(text("SELECT channel FROM conversation WHERE id = :i"), {"i": ids[0]}) == "email"
        # The sequence goes on after the copied ids.
        later = Conversation(
            workspace_id=workspace.id,
            source_id=source_id,
            external_id="later",
            opened_at=opened,
        )
        s.add(later)
        s.flush()
        assert later.id > max(ids)


def test_next_ids_of_nothing_is_empty(store: Store, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("sequences are PostgreSQL's")
    with store.session() as s:
        assert bulk.next_ids(s, _CONV, 0) == []
