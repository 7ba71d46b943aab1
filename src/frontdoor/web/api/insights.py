"""GET /insights/trend, /insights/dimensions/{id}/trend and /insights/movers."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from frontdoor.conversations.filters import ConversationFilters
from frontdoor.insights import movers as insight_movers
from frontdoor.insights import tag_trends
from frontdoor.insights.counting import Totals, TrendPoint
from frontdoor.insights.tag_trends import Trend
from frontdoor.web.api.deps import ReadToken
from frontdoor.web.deps import SessionDep
from frontdoor.web.routes.insights import row_cache

router = APIRouter(tags=["insights"])


class PointPublic(BaseModel):
    """One bucket: distinct conversations, distinct accounts, ARR of those accounts."""

    start: dt.date
    conversations: int
    accounts: int
    arr: int


class TotalsPublic(BaseModel):
    """The whole window (accounts and ARR are distinct over the window, not summed buckets)."""

    conversations: int
    accounts: int
    arr: int


class TrendPublic(BaseModel):
    """A tag's volume (or all conversations' when no tag) per bucket in the workspace timezone."""

    tag_id: int | None
    tag_path: str | None
    period: str
    since: dt.date
    until: dt.date
    points: list[PointPublic]
    totals: TotalsPublic


class SeriesPublic(BaseModel):
    """One tag of a dimension (descendants included)."""

    tag_id: int
    tag_path: str
    points: list[PointPublic]
    totals: TotalsPublic


class DimensionTrendPublic(BaseModel):
    """Every tag of a dimension over time, and the dimension as a whole."""

    dimension_id: int
    period: str
    since: dt.date
    until: dt.date
    overall: TrendPublic
    series: list[SeriesPublic]


class MovementPublic(BaseModel):
    """A tag's last 4 complete weeks against its previous 8."""

    tag_id: int
    tag_path: str
    direction: str
    recent: int
    baseline: int
    expected: float
    ratio: float | None
    z: float


class MoversPublic(BaseModel):
    """Rising and falling tags, strongest first."""

    baseline_start: dt.date
    recent_start: dt.date
    end: dt.date
    rising: list[MovementPublic]
    falling: list[MovementPublic]


Period = Annotated[str, Query(pattern="^(day|week|month)$")]
Short = Annotated[str | None, Query(max_length=64)]
Language = Annotated[str | None, Query(max_length=8)]


def audience_filters(
    segment: Short = None,
    plan: Short = None,
    source_id: int | None = None,
    language: Language = None,
) -> ConversationFilters:
    """Who asked: the account and source filters an insights request names (as ``GET /conversations``)."""
    return ConversationFilters(
        segment=segment or None, plan=plan or None, source_id=source_id, language=language or None
    )


def dated_filters(
    audience: Annotated[ConversationFilters, Depends(audience_filters)],
    since: dt.date | None = None,
    until: dt.date | None = None,
    include_suggested: bool = False,
) -> ConversationFilters:
    """:func:`audience_filters` plus the date range and whether suggestions count."""
    return replace(audience, since=since, until=until, include_suggested=include_suggested)


AudienceFilters = Annotated[ConversationFilters, Depends(audience_filters)]
DatedFilters = Annotated[ConversationFilters, Depends(dated_filters)]


def _points(points: list[TrendPoint]) -> list[PointPublic]:
    return [
        PointPublic(start=p.start, conversations=p.conversations, accounts=p.accounts, arr=p.arr)
        for p in points
    ]


def _totals(t: Totals) -> TotalsPublic:
    return TotalsPublic(conversations=t.conversations, accounts=t.accounts, arr=t.arr)


def _trend(t: Trend) -> TrendPublic:
    return TrendPublic(
        tag_id=t.tag.id if t.tag else None,
        tag_path=t.tag.path if t.tag else None,
        period=t.period,
        since=t.since,
        until=t.until,
        points=_points(t.points),
        totals=_totals(t.totals),
    )


@router.get("/insights/trend", response_model=TrendPublic)
def trend(
    request: Request,
    session: SessionDep,
    token: ReadToken,
    filters: DatedFilters,
    tag_id: int | None = None,
    period: Period = "week",
) -> TrendPublic:
    """Volume of a tag (with descendants) per day/week/month; all conversations without ``tag_id``."""
    return _trend(
        tag_trends.tag_trend(
            session,
            workspace_id=token.workspace_id,
            tag_id=tag_id,
            period=period,
            filters=filters,
            cache=row_cache(request, token.workspace_id),
        )
    )


@router.get("/insights/dimensions/{dimension_id}/trend", response_model=DimensionTrendPublic)
def dimension_trend(
    request: Request,
    dimension_id: int,
    session: SessionDep,
    token: ReadToken,
    filters: DatedFilters,
    period: Period = "week",
) -> DimensionTrendPublic:
    """Volume per bucket of every tag of a dimension, largest first."""
    d = tag_trends.dimension_trend(
        session,
        workspace_id=token.workspace_id,
        dimension_id=dimension_id,
        period=period,
        filters=filters,
        cache=row_cache(request, token.workspace_id),
    )
    return DimensionTrendPublic(
        dimension_id=d.dimension.id,
        period=d.period,
        since=d.since,
        until=d.until,
        overall=_trend(d.overall),
        series=[
            SeriesPublic(
                tag_id=s.tag.id, tag_path=s.tag.path, points=_points(s.points), totals=_totals(s.totals)
            )
            for s in d.series
        ],
    )


def _movement(m: insight_movers.Mover) -> MovementPublic:
    v = m.movement
    return MovementPublic(
        tag_id=m.tag.id,
        tag_path=m.tag.path,
        direction=v.direction,
        recent=v.recent,
        baseline=v.baseline,
        expected=v.expected,
        ratio=v.ratio,
        z=v.z,
    )


@router.get("/insights/movers", response_model=MoversPublic)
def movers(
    request: Request,
    session: SessionDep,
    token: ReadToken,
    filters: AudienceFilters,
    dimension_id: int | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> MoversPublic:
    """Tags rising or falling against their own baseline (last 4 complete weeks vs the 8 before)."""
    m = insight_movers.movers(
        session,
        workspace_id=token.workspace_id,
        filters=filters,
        dimension_id=dimension_id,
        limit=limit,
        cache=row_cache(request, token.workspace_id),
    )
    return MoversPublic(
        baseline_start=m.baseline_start,
        recent_start=m.recent_start,
        end=m.end,
        rising=[_movement(x) for x in m.rising],
        falling=[_movement(x) for x in m.falling],
    )
