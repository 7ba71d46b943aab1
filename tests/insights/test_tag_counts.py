"""Tag counts and trends read from tag_day_count, which database triggers keep exact."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import delete, func, select, update
from tests.web.webseed import Seeded, seed

from frontdoor.core.store import Store
from frontdoor.models import AssignmentStatus, Conversation, Message, Origin, TagAssignment, Workspace
from frontdoor.models.tag import TagDayCount
from frontdoor.tagging.assignments import assign_tag, decide
from frontdoor.tagging.taxonomy import views as tag_views
from frontdoor.tagging.taxonomy.restructure import merge_tag
from frontdoor.tagging.taxonomy.views import compact_tag_counts, tag_stats, tag_trends

NOW = dt.datetime(2026, 11, 22, tzinfo=dt.UTC)  # four weeks back: 10-25, 11-01, 11-08, 11-15


def _numbers(store: Store, ws: int) -> tuple[dict[int, int], dict[int, int], dict[int, list[int]]]:
    with store.session() as s:
        stats = tag_stats(s, workspace_id=ws, with_trends=False)
        return stats.confirmed, stats.suggested, tag_trends(s, workspace_id=ws, weeks=4, now=NOW)


def _from_assignments(store: Store, ws: int) -> tuple[dict[int, int], dict[int, int]]:
    """The same counts straight from tag_assignment (what the table stands in for)."""
    out: dict[str, dict[int, int]] = {"confirmed": {}, "suggested": {}}
    with store.session() as s:
        for tag_id, status, n in s.execute(
            select(TagAssignment.tag_id, TagAssignment.status, func.count())
            .where(TagAssignment.workspace_id == ws, TagAssignment.scope == "")
            .group_by(TagAssignment.tag_id, TagAssignment.status)
        ):
            if status in out:
                out[status][tag_id] = n
    return out["confirmed"], out["suggested"]


def _check(store: Store, ids: Seeded, confirmed: Any, suggested: Any, trends: Any) -> None:
    got = _numbers(store, ids.workspace_id)
    assert got == (confirmed, suggested, trends)
    assert _from_assignments(store, ids.workspace_id) == (confirmed, suggested)


def test_counts_and_trends_follow_every_kind_of_change(store: Store, workspace: Workspace) -> None:
    ids = seed(store, workspace_id=workspace.id)
    export, refund = ids.tag_export_id, ids.tag_refund_id
    ws = ids.workspace_id
    # Seeded: export confirmed on c-export (11-01 11:00), refund suggested on c-refund.
    _check(store, ids, {export: 1}, {refund: 1}, {export: [0, 1, 0, 0]})

    with store.session() as s:
        decide(s, workspace_id=ws, assignment_id=ids.suggestion_id, confirm=True)
    _check(store, ids, {export: 1, refund: 1}, {}, {export: [0, 1, 0, 0], refund: [0, 1, 0, 0]})

    with store.session() as s:
        assign_tag(
            s,
            workspace_id=ws,
            conversation_id=ids.xss_conversation_id,
            tag=refund,
            origin=Origin.HUMAN,
            status=AssignmentStatus.CONFIRMED,
        )
        # A quote is listed, never counted.
        message_id = s.scalars(
            select(Message.id).where(Message.conversation_id == ids.refund_conversation_id)
        ).first()
        assert message_id is not None
        assign_tag(
            s,
            workspace_id=ws,
            conversation_id=ids.refund_conversation_id,
            tag=export,
            message_id=message_id,
            span=(0, 5),
            status=AssignmentStatus.CONFIRMED,
        )
    _check(store, ids, {export: 1, refund: 2}, {}, {export: [0, 1, 0, 0], refund: [0, 2, 0, 0]})

    # Merge: refund's two conversations move to export, none counted twice.
    with store.session() as s:
        merge_tag(s, workspace_id=ws, source=refund, target=export)
    _check(store, ids, {export: 3}, {}, {export: [0, 3, 0, 0]})

    # A conversation that turns out to have opened a week earlier moves in the trend.
    with store.session() as s:
        s.execute(
            update(Conversation)
            .where(Conversation.id == ids.export_conversation_id)
            .values(opened_at=dt.datetime(2026, 10, 26, 8, 0, tzinfo=dt.UTC))
        )
    _check(store, ids, {export: 3}, {}, {export: [1, 2, 0, 0]})

    # Deleting a conversation takes its tags out (the cascade would, too).
    with store.session() as s:
        s.execute(delete(Conversation).where(Conversation.id == ids.xss_conversation_id))
    _check(store, ids, {export: 2}, {}, {export: [1, 1, 0, 0]})

    # Folding the deltas changes no number and leaves one row per (tag, status, day).
    with store.session() as s:
        before = s.scalar(select(func.count()).select_from(TagDayCount))
    assert compact_tag_counts(store.engine, workspace_id=ws) == 2 < int(before or 0)
    _check(store, ids, {export: 2}, {}, {export: [1, 1, 0, 0]})


def test_reading_many_deltas_folds_them(
    store: Store, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = seed(store, workspace_id=workspace.id)
    monkeypatch.setattr(tag_views, "COMPACT_AFTER", 3)
    with store.session() as s:
        for _ in range(3):  # suggest, reject, suggest again: six deltas for the refund tag
            s.execute(
                update(TagAssignment)
                .where(TagAssignment.id == ids.suggestion_id)
                .values(status=AssignmentStatus.REJECTED)
            )
            s.execute(
                update(TagAssignment)
                .where(TagAssignment.id == ids.suggestion_id)
                .values(status=AssignmentStatus.SUGGESTED)
            )
    _check(store, ids, {ids.tag_export_id: 1}, {ids.tag_refund_id: 1}, {ids.tag_export_id: [0, 1, 0, 0]})
    with store.session() as s:
        statuses = sorted(s.scalars(select(TagDayCount.status)).all())
    # The read folded the deltas: one row per key, and the rejected ones summed to nothing.
    assert statuses == ["confirmed", "suggested"]


def test_trend_window_ends_with_today() -> None:
    noon = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
    assert tag_views._trend_window(2, noon) == (dt.date(2026, 11, 9), dt.date(2026, 11, 23))
    assert tag_views._trend_window(2, NOW) == (dt.date(2026, 11, 8), dt.date(2026, 11, 22))
