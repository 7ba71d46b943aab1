"""Demand per roadmap item and the ranked board: one definition for the pages, API and CLI.

Demand for an item counts, over the last 12 complete weeks of the workspace's timezone,
the conversations carrying a confirmed assignment of any tag linked to the item or of
one of their descendants (the list's tag semantics, see :mod:`frontdoor.insights.counting`),
their distinct accounts and those accounts' ARR. Its trend is the last 4 of those weeks
against the 8 before. The priority score and its formula are in
:mod:`frontdoor.roadmap.priority`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from frontdoor.conversations.filters import ConversationFilters
from frontdoor.insights.counting import Totals, tag_closure
from frontdoor.insights.movers import window_counts
from frontdoor.insights.statements import RowCache
from frontdoor.insights.trends import Movement, compare_to_baseline, local_midnight_utc
from frontdoor.insights.windows import (
    BASELINE_WEEKS,
    RECENT_WEEKS,
    local_today,
    recent_windows,
    workspace_zone,
)
from frontdoor.models import Account, RoadmapItem, roadmap_item_tag
from frontdoor.roadmap.items import list_items
from frontdoor.roadmap.links import provider_of
from frontdoor.roadmap.priority import PriorityScore, priority_score


@dataclass(frozen=True)
class Demand:
    """Measured demand of an item over the window, with its movement."""

    conversations: int
    accounts: int
    arr: int
    movement: Movement


@dataclass(frozen=True)
class RankedItem:
    """A row of the board."""

    item: RoadmapItem
    provider: str | None
    demand: Demand
    priority: PriorityScore


@dataclass(frozen=True)
class Board:
    """The ranked board and the window its demand was measured in."""

    items: list[RankedItem]
    start: dt.date
    recent_start: dt.date
    end: dt.date
    total_arr: int


@dataclass(frozen=True)
class DemandWindow:
    """Demand of every item over one window: ``[start, end)`` local days, trend from ``recent_start``."""

    start: dt.date
    recent_start: dt.date
    end: dt.date
    by_item: dict[int, Demand]


def item_demand(
    session: Session,
    *,
    workspace_id: int,
    items: list[RoadmapItem],
    filters: ConversationFilters | None = None,
    today: dt.date | None = None,
    cache: RowCache | None = None,
) -> DemandWindow:
    """Demand of each of ``items`` over the last 12 complete weeks before ``today``'s week.

    Parameters
    ----------
    items : list of RoadmapItem
        Items of the workspace; every one gets a :class:`Demand` (zero when nobody asked).
    filters : ConversationFilters, optional
        Narrow the demand (segment, plan, source, language); dates are ignored.
    today : date, optional
        The workspace's today (tests pin it).
    """
    tz = workspace_zone(session, workspace_id)
    today = today or local_today(tz)
    start, recent_start, end = recent_windows(tz, today)
    closure = tag_closure(workspace_id).subquery()
    key_tags = (
        select(roadmap_item_tag.c.roadmap_item_id, closure.c.tag_id)
        .join(closure, closure.c.ancestor_id == roadmap_item_tag.c.tag_id)
        .where(roadmap_item_tag.c.roadmap_item_id.in_([i.id for i in items]))
        .distinct()
    )
    counts = window_counts(
        session,
        workspace_id=workspace_id,
        key_tags=key_tags,
        filters=filters or ConversationFilters(),
        start=local_midnight_utc(start, tz),
        split=local_midnight_utc(recent_start, tz),
        end=local_midnight_utc(end, tz),
        cache=cache,
    )
    by_item: dict[int, Demand] = {}
    for item in items:
        totals, baseline, recent = counts.get(item.id, (Totals(0, 0, 0), 0, 0))
        movement = compare_to_baseline(
            recent, baseline, recent_weeks=RECENT_WEEKS, baseline_weeks=BASELINE_WEEKS
        )
        by_item[item.id] = Demand(totals.conversations, totals.accounts, totals.arr, movement)
    return DemandWindow(start=start, recent_start=recent_start, end=end, by_item=by_item)


def ranked_items(
    session: Session,
    *,
    workspace_id: int,
    filters: ConversationFilters | None = None,
    today: dt.date | None = None,
    cache: RowCache | None = None,
) -> Board:
    """Every item with its demand and priority, highest priority first (ties: title).

    Parameters
    ----------
    filters : ConversationFilters, optional
        Narrow the demand (segment, plan, source, language); dates are ignored, the
        window is the last 12 complete weeks before ``today``'s week (:func:`item_demand`).
    """
    items = list_items(session, workspace_id=workspace_id)
    window = item_demand(
        session, workspace_id=workspace_id, items=items, filters=filters, today=today, cache=cache
    )
    total_arr = int(
        session.scalar(
            select(func.coalesce(func.sum(Account.arr), 0)).where(Account.workspace_id == workspace_id)
        )
        or 0
    )
    ranked: list[RankedItem] = []
    for item in items:
        demand = window.by_item[item.id]
        score = priority_score(
            conversations=demand.conversations,
            accounts=demand.accounts,
            arr=demand.arr,
            total_arr=total_arr,
            direction=demand.movement.direction,
            strategic_weight=item.strategic_weight,
        )
        ranked.append(RankedItem(item, provider_of(item.external_url), demand, score))
    ranked.sort(key=lambda r: (-r.priority.score, r.item.title, r.item.id))
    return Board(
        items=ranked,
        start=window.start,
        recent_start=window.recent_start,
        end=window.end,
        total_arr=total_arr,
    )
