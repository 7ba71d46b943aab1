"""Tag volume over time: one tag (with its descendants) or every tag of a dimension, per bucket.

What counts is :mod:`frontdoor.insights.counting`; the window and buckets are
:mod:`frontdoor.insights.windows`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor.conversations.filters import ConversationFilters, counted_statuses, day_start, filtered_query
from frontdoor.core.errors import NotFound
from frontdoor.insights.counting import (
    Rollup,
    Totals,
    TrendPoint,
    fact_ready,
    fact_scope,
    fill_series,
    id_range,
    read_rollup,
    rollup,
    tag_closure,
    tagged_by,
)
from frontdoor.insights.statements import RowCache, fetch_rows
from frontdoor.insights.trends import buckets_between
from frontdoor.insights.windows import bucket_sql, window, workspace_zone
from frontdoor.models import Conversation, Tag, TagAssignment, TagDimension
from frontdoor.models.tag import TagFact


@dataclass(frozen=True)
class Trend:
    """A tag's (or a dimension's) volume over time with the window's totals."""

    tag: Tag | None
    period: str
    since: dt.date
    until: dt.date
    points: list[TrendPoint]
    totals: Totals


@dataclass(frozen=True)
class TagSeries:
    """One tag of a dimension breakdown."""

    tag: Tag
    points: list[TrendPoint]
    totals: Totals


@dataclass(frozen=True)
class DimensionTrend:
    """Every tag of a dimension over time, and the dimension as a whole."""

    dimension: TagDimension
    period: str
    since: dt.date
    until: dt.date
    overall: Trend
    series: list[TagSeries]


def _tag_or_404(session: Session, workspace_id: int, tag_id: int) -> Tag:
    tag = session.get(Tag, tag_id)
    if tag is None or tag.workspace_id != workspace_id:
        raise NotFound(f"no tag {tag_id}")
    return tag


def _descendants(session: Session, workspace_id: int, tag_ids: list[int]) -> list[int]:
    closure = tag_closure(workspace_id, tag_ids).subquery()
    return sorted(set(session.scalars(select(closure.c.tag_id))))


def tag_trend(
    session: Session,
    *,
    workspace_id: int,
    tag_id: int | None,
    period: str = "week",
    filters: ConversationFilters | None = None,
    today: dt.date | None = None,
    cache: RowCache | None = None,
) -> Trend:
    """Volume of one tag (with descendants) per bucket, or of all conversations when ``tag_id`` is None.

    Parameters
    ----------
    session : Session
        Open session.
    workspace_id : int
        The workspace.
    tag_id : int or None
        The tag; ``filters.tag_id`` is replaced by it.
    period : str
        ``day``, ``week`` or ``month``.
    filters : ConversationFilters, optional
        Same meaning as in the conversation list. Without dates, the window is the last
        12 weeks or months, or 30 days, up to ``today``.
    today : date, optional
        The workspace's today (tests pin it).

    Raises
    ------
    NotFound
        ``tag_id`` is not a tag of this workspace.
    ValidationError
        Unknown period.
    """
    tz = workspace_zone(session, workspace_id)
    filters, since, until = window(period, filters or ConversationFilters(), tz, today=today)
    tag = _tag_or_404(session, workspace_id, tag_id) if tag_id is not None else None
    filters, tag_ids, dim_tags = _tag_sets(session, workspace_id, tag_id, filters)
    buckets = buckets_between(since, until, period)
    empty = Trend(tag, period, since, until, fill_series({}, buckets), Totals(0, 0, 0))
    start, end = day_start(since), day_start(until + dt.timedelta(days=1))
    wanted = tag_ids if dim_tags is None else dim_tags if tag_ids is None else None
    if wanted is not None and fact_ready(filters):
        # One tag set: its facts in the window, once per conversation.
        bucket = bucket_sql(session, TagFact.opened_at, tz, period, since, until)
        hits = (
            select(TagFact.conversation_id, TagFact.account_id.label("account_id"), bucket.label("bucket"))
            .where(TagFact.tag_id.in_(wanted), *fact_scope(workspace_id, filters, start, end))
            .distinct()
            .cte("hits")
        )
    else:
        ids = id_range(session, workspace_id=workspace_id, start=start, end=end, cache=cache)
        if ids is None:
            return empty
        statuses = counted_statuses(filters)
        query = filtered_query(session, workspace_id=workspace_id, filters=filters)
        if tag_ids is not None:
            query = query.where(tagged_by(tag_ids, statuses, ids))
        if dim_tags is not None:
            query = query.where(tagged_by(dim_tags, statuses, ids))
        bucket = bucket_sql(session, Conversation.opened_at, tz, period, since, until)
        hits = query.with_only_columns(
            Conversation.account_id.label("account_id"), bucket.label("bucket")
        ).cte("hits")
    found = read_rollup(fetch_rows(session, rollup(hits), cache), keyed=False)
    if None not in found:
        return empty
    points, totals = found[None]
    return Trend(
        tag=tag, period=period, since=since, until=until, points=fill_series(points, buckets), totals=totals
    )


def _tag_sets(
    session: Session, workspace_id: int, tag_id: int | None, filters: ConversationFilters
) -> tuple[ConversationFilters, list[int] | None, list[int] | None]:
    """Turn the tag (or the list's tag filter) and the dimension filter into tag sets.

    Returns the filters without them, the tag's ids with descendants (``None``: no tag)
    and the dimension's tag ids (``None``: no dimension filter), so both can be counted
    from tag facts.
    """
    tag_ids: list[int] | None = None
    if tag_id is not None:
        filters, tag_ids = replace(filters, tag_id=None), _descendants(session, workspace_id, [tag_id])
    elif filters.tag_id is not None:
        listed = _tag_or_404(session, workspace_id, filters.tag_id).id
        filters, tag_ids = replace(filters, tag_id=None), _descendants(session, workspace_id, [listed])
    dim_tags: list[int] | None = None
    if filters.dimension_id is not None:
        # The list's dimension filter: any tag of the dimension (as its own EXISTS).
        dim_tags = list(
            session.scalars(
                select(Tag.id).where(
                    Tag.workspace_id == workspace_id, Tag.dimension_id == filters.dimension_id
                )
            )
        )
        filters = replace(filters, dimension_id=None)
    return filters, tag_ids, dim_tags


def dimension_trend(
    session: Session,
    *,
    workspace_id: int,
    dimension_id: int,
    period: str = "week",
    filters: ConversationFilters | None = None,
    today: dt.date | None = None,
    cache: RowCache | None = None,
) -> DimensionTrend:
    """Volume per bucket of every tag of a dimension (each with its descendants).

    ``overall`` counts conversations with any tag of the dimension (the list's dimension
    filter); a conversation tagged twice within the dimension counts once there and once
    per tag in ``series``. Tags are ordered by total volume, largest first.

    Raises
    ------
    NotFound
        ``dimension_id`` is not a dimension of this workspace.
    """
    dim = session.get(TagDimension, dimension_id)
    if dim is None or dim.workspace_id != workspace_id:
        raise NotFound(f"no dimension {dimension_id}")
    tz = workspace_zone(session, workspace_id)
    filters, since, until = window(period, filters or ConversationFilters(), tz, today=today)
    overall = tag_trend(
        session,
        workspace_id=workspace_id,
        tag_id=None,
        period=period,
        filters=replace(filters, dimension_id=dimension_id),
        today=today,
        cache=cache,
    )
    tags = list(
        session.scalars(
            select(Tag)
            .where(Tag.workspace_id == workspace_id, Tag.dimension_id == dimension_id)
            .order_by(Tag.path)
        )
    )
    buckets = buckets_between(since, until, period)
    found = _per_tag(
        session,
        workspace_id=workspace_id,
        tag_ids=[t.id for t in tags],
        filters=filters,
        tz=tz,
        period=period,
        since=since,
        until=until,
        cache=cache,
    )
    series = []
    for t in tags:
        points, totals = found.get(t.id, ({}, Totals(0, 0, 0)))
        series.append(TagSeries(tag=t, points=fill_series(points, buckets), totals=totals))
    series.sort(key=lambda s: (-s.totals.conversations, s.tag.path))
    return DimensionTrend(
        dimension=dim, period=period, since=since, until=until, overall=overall, series=series
    )


def _per_tag(
    session: Session,
    *,
    workspace_id: int,
    tag_ids: list[int],
    filters: ConversationFilters,
    tz: ZoneInfo,
    period: str,
    since: dt.date,
    until: dt.date,
    cache: RowCache | None,
) -> Rollup:
    """Rollup rows keyed by each of ``tag_ids`` (with descendants) over the window's buckets."""
    start, end = day_start(since), day_start(until + dt.timedelta(days=1))
    from_facts = fact_ready(filters)
    ids = None
    if not from_facts:
        ids = id_range(session, workspace_id=workspace_id, start=start, end=end, cache=cache)
    if not tag_ids or (not from_facts and ids is None):
        return {}
    closure = tag_closure(workspace_id, tag_ids).subquery()
    if from_facts:
        bucket = bucket_sql(session, TagFact.opened_at, tz, period, since, until)
        hits = (
            select(
                closure.c.ancestor_id.label("key"),
                TagFact.conversation_id,
                TagFact.account_id.label("account_id"),
                bucket.label("bucket"),
            )
            .select_from(TagFact)
            .join(closure, closure.c.tag_id == TagFact.tag_id)
            .where(*fact_scope(workspace_id, filters, start, end))
            .distinct()
            .cte("hits")
        )
        return read_rollup(fetch_rows(session, rollup(hits, "key"), cache), keyed=True)
    assert ids is not None
    bucket = bucket_sql(session, Conversation.opened_at, tz, period, since, until)
    convs = (
        filtered_query(session, workspace_id=workspace_id, filters=filters)
        .with_only_columns(
            Conversation.id.label("id"),
            Conversation.account_id.label("account_id"),
            bucket.label("bucket"),
        )
        .subquery()
    )
    hits = (
        select(closure.c.ancestor_id.label("key"), convs.c.id, convs.c.account_id, convs.c.bucket)
        .select_from(convs)
        .join(TagAssignment, TagAssignment.conversation_id == convs.c.id)
        .join(closure, closure.c.tag_id == TagAssignment.tag_id)
        .where(
            TagAssignment.status.in_(counted_statuses(filters)),
            TagAssignment.conversation_id.between(*ids),
        )
        .distinct()
        .cte("hits")
    )
    return read_rollup(fetch_rows(session, rollup(hits, "key"), cache), keyed=True)
