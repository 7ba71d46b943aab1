"""Trend buckets across a DST change and at the window's edges (both backends)."""

from __future__ import annotations

import datetime as dt

from frontdoor.conversations.filters import ConversationFilters
from frontdoor.core.store import Store
from frontdoor.insights.tag_trends import tag_trend
from frontdoor.models import (
    AssignmentStatus,
    Conversation,
    Origin,
    Source,
    Tag,
    TagAssignment,
    TagDimension,
    Workspace,
)

# New York leaves daylight time on Sunday 2026-11-01 at 06:00 UTC (02:00 EDT -> 01:00 EST).
OPENED = [
    dt.datetime(2026, 10, 31, 3, 59, tzinfo=dt.UTC),  # Fri Oct 30 23:59 EDT
    dt.datetime(2026, 10, 31, 4, 0, tzinfo=dt.UTC),  # Sat Oct 31 00:00 EDT
    dt.datetime(2026, 11, 1, 4, 30, tzinfo=dt.UTC),  # Sun Nov 1 00:30 EDT
    dt.datetime(2026, 11, 1, 6, 30, tzinfo=dt.UTC),  # Sun Nov 1 01:30 EST
    dt.datetime(2026, 11, 2, 4, 59, tzinfo=dt.UTC),  # Sun Nov 1 23:59 EST
    dt.datetime(2026, 11, 2, 5, 0, tzinfo=dt.UTC),  # Mon Nov 2 00:00 EST
]


def _build(store: Store, workspace_id: int) -> int:
    with store.session() as s:
        ws = s.get(Workspace, workspace_id)
        assert ws is not None
        ws.timezone = "America/New_York"
        src = Source(workspace_id=ws.id, kind="api", name="api", settings={})
        dim = TagDimension(workspace_id=ws.id, key="area")
        s.add_all([src, dim])
        s.flush()
        tag = Tag(workspace_id=ws.id, path="area/billing", dimension_id=dim.id)
        s.add(tag)
        s.flush()
        for i, when in enumerate(OPENED):
            c = Conversation(
                workspace_id=ws.id, source_id=src.id, external_id=f"c{i}", opened_at=when, attributes={}
            )
            s.add(c)
            s.flush()
            s.add(
                TagAssignment(
                    workspace_id=ws.id,
                    conversation_id=c.id,
                    tag_id=tag.id,
                    scope="",
                    origin=Origin.HUMAN,
                    status=AssignmentStatus.CONFIRMED,
                    attributes={},
                )
            )
        return tag.id


def test_day_buckets_follow_local_midnight_across_dst(store: Store, workspace: Workspace) -> None:
    tag_id = _build(store, workspace.id)
    window = ConversationFilters(since=dt.date(2026, 10, 31), until=dt.date(2026, 11, 2))
    with store.session() as s:
        trend = tag_trend(s, workspace_id=workspace.id, tag_id=tag_id, period="day", filters=window)
    # The window is whole UTC days (as in the list): the first conversation is in it, but on
    # local Oct 30, a bucket outside the series; it still counts in the window's total.
    assert [(p.start, p.conversations) for p in trend.points] == [
        (dt.date(2026, 10, 31), 1),
        (dt.date(2026, 11, 1), 3),
        (dt.date(2026, 11, 2), 1),
    ]
    assert (trend.totals.conversations, trend.totals.accounts, trend.totals.arr) == (6, 0, 0)


def test_week_buckets_start_at_local_monday(store: Store, workspace: Workspace) -> None:
    tag_id = _build(store, workspace.id)
    window = ConversationFilters(since=dt.date(2026, 10, 26), until=dt.date(2026, 11, 8))
    with store.session() as s:
        trend = tag_trend(s, workspace_id=workspace.id, tag_id=tag_id, period="week", filters=window)
    assert [(p.start, p.conversations) for p in trend.points] == [
        (dt.date(2026, 10, 26), 5),
        (dt.date(2026, 11, 2), 1),
    ]
    assert trend.totals.conversations == 6
