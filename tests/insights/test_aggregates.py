"""Insight aggregates against hand-computed counts (see aggregates_fixture's table)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy.orm import Session

from aggregates_fixture import Fixture, build, utc
from frontdoor.conversations.filters import ConversationFilters
from frontdoor.conversations.listing import list_conversations
from frontdoor.core.errors import NotFound, ValidationError
from frontdoor.core.store import Store
from frontdoor.insights.counting import Totals
from frontdoor.insights.movers import movers
from frontdoor.insights.tag_trends import Trend, dimension_trend, tag_trend
from frontdoor.models import (
    Account,
    AssignmentStatus,
    Conversation,
    Origin,
    Source,
    Tag,
    TagAssignment,
    TagDimension,
    Workspace,
)

NOV2, NOV9 = dt.date(2026, 11, 2), dt.date(2026, 11, 9)
WINDOW = ConversationFilters(since=dt.date(2026, 11, 2), until=dt.date(2026, 11, 15))


@pytest.fixture
def fx(store: Store, workspace: Workspace) -> Fixture:
    with store.session() as s:
        return build(s, workspace.id)


def _points(trend: Trend) -> list[tuple[dt.date, int, int, int]]:
    return [(p.start, p.conversations, p.accounts, p.arr) for p in trend.points]


def _list_count(s: Session, fx: Fixture, filters: ConversationFilters) -> int:
    return len(list_conversations(s, workspace_id=fx.workspace_id, filters=filters, limit=200).rows)


def test_tag_trend_counts_descendants_once_in_local_weeks(store: Store, fx: Fixture) -> None:
    with store.session() as s:
        trend = tag_trend(s, workspace_id=fx.workspace_id, tag_id=fx.tags["B"], filters=WINDOW)
    # c4 opened Sunday 20:00 UTC, Monday 05:00 in Seoul: it belongs to the week of Nov 9.
    # c2 carries refund and invoice: billing counts it once. c6 (suggested) and c7 (rejected) do not count.
    assert _points(trend) == [(NOV2, 3, 2, 150), (NOV9, 3, 2, 1100)]
    assert (trend.totals.conversations, trend.totals.accounts, trend.totals.arr) == (6, 3, 1150)


def test_tag_trend_with_suggestions_and_filters(store: Store, fx: Fixture) -> None:
    b = fx.tags["B"]
    with store.session() as s:
        ws = fx.workspace_id
        sugg = tag_trend(
            s,
            workspace_id=ws,
            tag_id=b,
            filters=ConversationFilters(**{**WINDOW.__dict__, "include_suggested": True}),
        )
        pro = tag_trend(
            s,
            workspace_id=ws,
            tag_id=b,
            filters=ConversationFilters(since=NOV2, until=dt.date(2026, 11, 15), plan="pro"),
        )
        en = tag_trend(
            s,
            workspace_id=ws,
            tag_id=b,
            filters=ConversationFilters(since=NOV2, until=dt.date(2026, 11, 15), language="en"),
        )
        ent = tag_trend(
            s,
            workspace_id=ws,
            tag_id=b,
            filters=ConversationFilters(since=NOV2, until=dt.date(2026, 11, 15), segment="enterprise"),
        )
        mail = tag_trend(
            s,
            workspace_id=ws,
            tag_id=b,
            filters=ConversationFilters(
                since=NOV2, until=dt.date(2026, 11, 15), source_id=fx.sources["mail"]
            ),
        )
    assert _points(sugg) == [(NOV2, 3, 2, 150), (NOV9, 4, 3, 1150)]
    assert (sugg.totals.conversations, sugg.totals.accounts, sugg.totals.arr) == (7, 3, 1150)
    assert _points(pro) == [(NOV2, 2, 1, 100), (NOV9, 2, 2, 1100)]
    assert (pro.totals.conversations, pro.totals.accounts, pro.totals.arr) == (4, 2, 1100)
    assert _points(en) == [(NOV2, 1, 1, 50), (NOV9, 1, 1, 100)]
    assert _points(ent) == [(NOV2, 0, 0, 0), (NOV9, 1, 1, 1000)]
    assert _points(mail) == [(NOV2, 1, 1, 50), (NOV9, 0, 0, 0)]


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"plan": "pro"},
        {"segment": "smb"},
        {"language": "ko"},
        {"include_suggested": True},
        {"since": dt.date(2026, 11, 9)},
        # Filters the tag facts do not carry: these read conversations (and messages).
        {"q": "환불"},
        {"channel": "chat", "language": "ko"},
    ],
)
def test_totals_equal_the_conversation_list(store: Store, fx: Fixture, extra: dict[str, object]) -> None:
    base = {"since": NOV2, "until": dt.date(2026, 11, 15), **extra}
    with store.session() as s:
        for key in ("B", "R", "I", "E"):
            filters = ConversationFilters(**base)  # type: ignore[arg-type]
            trend = tag_trend(s, workspace_id=fx.workspace_id, tag_id=fx.tags[key], filters=filters)
            listed = _list_count(s, fx, ConversationFilters(**{**base, "tag_id": fx.tags[key]}))  # type: ignore[arg-type]
            assert trend.totals.conversations == listed, key
            assert sum(p.conversations for p in trend.points) == listed


def test_fact_and_conversation_paths_agree(store: Store, fx: Fixture) -> None:
    """Every conversation is a chat, so ``channel="chat"`` changes no number, only the path."""
    with store.session() as s:
        for key in ("B", "R", "I", "E"):
            for extra in ({}, {"include_suggested": True}, {"plan": "pro"}):
                fast = tag_trend(
                    s, workspace_id=fx.workspace_id, tag_id=fx.tags[key], filters=replace(WINDOW, **extra)
                )
                slow = tag_trend(
                    s,
                    workspace_id=fx.workspace_id,
                    tag_id=fx.tags[key],
                    filters=replace(WINDOW, channel="chat", **extra),
                )
                assert (_points(fast), fast.totals) == (_points(slow), slow.totals), (key, extra)
        fast_dim = dimension_trend(
            s, workspace_id=fx.workspace_id, dimension_id=fx.dimensions["area"], filters=WINDOW
        )
        slow_dim = dimension_trend(
            s,
            workspace_id=fx.workspace_id,
            dimension_id=fx.dimensions["area"],
            filters=replace(WINDOW, channel="chat"),
        )
        assert [(t.tag.path, _points(t), t.totals) for t in fast_dim.series] == [
            (t.tag.path, _points(t), t.totals) for t in slow_dim.series
        ]
        assert fast_dim.series[0].totals.conversations > 0


def test_day_and_month_buckets_fill_gaps(store: Store, fx: Fixture) -> None:
    with store.session() as s:
        days = tag_trend(
            s,
            workspace_id=fx.workspace_id,
            tag_id=fx.tags["R"],
            period="day",
            filters=ConversationFilters(since=dt.date(2026, 11, 8), until=dt.date(2026, 11, 10)),
        )
        months = tag_trend(
            s,
            workspace_id=fx.workspace_id,
            tag_id=fx.tags["R"],
            period="month",
            filters=ConversationFilters(since=dt.date(2026, 10, 1), until=dt.date(2026, 11, 30)),
        )
    # c4 is the 9th in Seoul; c5 the 10th; nothing on the 8th (local).
    assert [(p.start.day, p.conversations) for p in days.points] == [(8, 0), (9, 1), (10, 1)]
    assert [(p.start, p.conversations, p.accounts, p.arr) for p in months.points] == [
        (dt.date(2026, 10, 1), 0, 0, 0),
        (dt.date(2026, 11, 1), 4, 2, 1100),
    ]


def test_dimension_trend(store: Store, fx: Fixture) -> None:
    with store.session() as s:
        dim = dimension_trend(
            s, workspace_id=fx.workspace_id, dimension_id=fx.dimensions["area"], filters=WINDOW
        )
    got = {
        s.tag.path: ([(p.conversations, p.accounts, p.arr) for p in s.points], s.totals) for s in dim.series
    }
    assert got["area/billing"] == ([(3, 2, 150), (3, 2, 1100)], Totals(6, 3, 1150))
    assert got["area/billing/refund"] == ([(2, 1, 100), (2, 1, 1000)], Totals(4, 2, 1100))
    assert got["area/billing/invoice"] == ([(2, 2, 150), (0, 0, 0)], Totals(2, 2, 150))
    assert got["area/export"] == ([(0, 0, 0), (1, 1, 1000)], Totals(1, 1, 1000))
    assert [s.tag.path for s in dim.series][:2] == ["area/billing", "area/billing/refund"]
    # Any area tag: c1 c2 c3 | c4 c5 c7 c8 (c6 only suggested).
    assert _points(dim.overall) == [(NOV2, 3, 2, 150), (NOV9, 4, 2, 1100)]
    assert dim.overall.totals == Totals(7, 3, 1150)


def test_unknown_tag_dimension_and_period(store: Store, fx: Fixture) -> None:
    with store.session() as s:
        with pytest.raises(NotFound):
            tag_trend(s, workspace_id=fx.workspace_id, tag_id=999_999)
        with pytest.raises(NotFound):
            dimension_trend(s, workspace_id=fx.workspace_id, dimension_id=999_999)
        with pytest.raises(ValidationError):
            tag_trend(s, workspace_id=fx.workspace_id, tag_id=fx.tags["B"], period="year")


def test_default_window_is_twelve_weeks_to_today(store: Store, fx: Fixture) -> None:
    with store.session() as s:
        trend = tag_trend(s, workspace_id=fx.workspace_id, tag_id=fx.tags["B"], today=dt.date(2026, 11, 18))
    assert len(trend.points) == 12
    assert trend.points[-1].start == dt.date(2026, 11, 16)
    assert trend.points[0].start == dt.date(2026, 8, 31)
    assert trend.totals.conversations == 6


def _add(s: Session, ws: int, source: int, tag: int, when: dt.datetime, n: int, tag_key: str) -> None:
    for i in range(n):
        c = Conversation(
            workspace_id=ws,
            source_id=source,
            external_id=f"{tag_key}-{when.date()}-{i}",
            opened_at=when + dt.timedelta(minutes=i),
            attributes={},
        )
        s.add(c)
        s.flush()
        s.add(
            TagAssignment(
                workspace_id=ws,
                conversation_id=c.id,
                tag_id=tag,
                scope="",
                origin=Origin.RULE,
                status=AssignmentStatus.CONFIRMED,
                attributes={},
            )
        )


def test_movers_against_own_baseline(store: Store, workspace: Workspace) -> None:
    # today Wed 2026-11-18 (UTC workspace): recent = Oct 19 .. Nov 15, baseline = Aug 24 .. Oct 18.
    with store.session() as s:
        ws = s.get(Workspace, workspace.id)
        assert ws is not None
        ws.timezone = "UTC"
        dim = TagDimension(workspace_id=ws.id, key="area")
        src = Source(workspace_id=ws.id, kind="api", name="api", settings={})
        s.add_all([dim, src, Account(workspace_id=ws.id, name="x")])
        s.flush()
        tags = {}
        for key in ("rise", "fall", "small", "flat"):
            t = Tag(workspace_id=ws.id, path=f"area/{key}", dimension_id=dim.id)
            s.add(t)
            s.flush()
            tags[key] = t.id
        baseline_weeks = [
            dt.datetime(2026, 8, 24, 12, tzinfo=dt.UTC) + dt.timedelta(weeks=k) for k in range(8)
        ]
        recent_weeks = [
            dt.datetime(2026, 10, 19, 12, tzinfo=dt.UTC) + dt.timedelta(weeks=k) for k in range(4)
        ]
        for week in baseline_weeks:
            _add(s, ws.id, src.id, tags["rise"], week, 1, "rise")  # 8 -> expected 4
            _add(s, ws.id, src.id, tags["fall"], week, 2, "fall")  # 16 -> expected 8
            _add(s, ws.id, src.id, tags["flat"], week, 3, "flat")  # 24 -> expected 12
        _add(s, ws.id, src.id, tags["small"], baseline_weeks[0], 1, "small")
        for week in recent_weeks:
            _add(s, ws.id, src.id, tags["rise"], week, 5, "rise")  # 20: ratio 5, z = 16/2 = 8
            _add(s, ws.id, src.id, tags["flat"], week, 3, "flat")  # 12: ratio 1
        _add(s, ws.id, src.id, tags["small"], recent_weeks[0], 3, "small")  # 1 -> 3: guarded
        # This week (not complete) is outside both windows.
        _add(s, ws.id, src.id, tags["fall"], dt.datetime(2026, 11, 16, 12, tzinfo=dt.UTC), 30, "now")
        ws_id = ws.id
    with store.session() as s:
        m = movers(s, workspace_id=ws_id, today=dt.date(2026, 11, 18))
    assert (m.baseline_start, m.recent_start, m.end) == (
        dt.date(2026, 8, 24),
        dt.date(2026, 10, 19),
        dt.date(2026, 11, 16),
    )
    assert [x.tag.path for x in m.rising] == ["area/rise"]
    assert (m.rising[0].movement.recent, m.rising[0].movement.baseline) == (20, 8)
    assert m.rising[0].movement.z == pytest.approx(8.0)
    assert [x.tag.path for x in m.falling] == ["area/fall"]
    assert (m.falling[0].movement.recent, m.falling[0].movement.baseline) == (0, 16)


def test_other_workspace_is_not_counted(store: Store, fx: Fixture) -> None:
    with store.session() as s:
        other = Workspace(slug="other", name="Other")
        s.add(other)
        s.flush()
        src = Source(workspace_id=other.id, kind="api", name="api", settings={})
        s.add(src)
        s.flush()
        c = Conversation(
            workspace_id=other.id,
            source_id=src.id,
            external_id="x",
            opened_at=utc(2026, 11, 3, 1),
            attributes={},
        )
        s.add(c)
        s.flush()
        # A (deliberately inconsistent) row pointing at acme's tag must still not count for acme.
        s.add(
            TagAssignment(
                workspace_id=other.id,
                conversation_id=c.id,
                tag_id=fx.tags["R"],
                scope="",
                origin=Origin.HUMAN,
                status=AssignmentStatus.CONFIRMED,
                attributes={},
            )
        )
    with store.session() as s:
        trend = tag_trend(s, workspace_id=fx.workspace_id, tag_id=fx.tags["B"], filters=WINDOW)
    assert trend.totals.conversations == 6
