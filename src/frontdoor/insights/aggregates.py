"""Insight aggregates: tag volume over time, unique accounts, revenue-weighted demand, movers.

What is counted, and why it matches the conversation list:

- Every aggregate applies the same :class:`ConversationFilters` the list takes (segment,
  plan, source, language, dates, ...) with the list's meaning, so "42 conversations" here
  is the 42 rows the list shows for those filters. Tag aggregates read
  :class:`~frontdoor.models.tag.TagFact` (each assignment with its conversation's open
  time, account, source and language, kept by triggers) with the list's filters rewritten
  onto those columns; filters it does not carry (search text, route, channel, untagged)
  go through :func:`frontdoor.conversations.filters.filtered_query` itself.
- A tag counts a conversation when the conversation carries a **confirmed** assignment of
  the tag *or one of its descendants* (any scope: whole conversation or a quote), exactly
  like the list's tag filter. Model suggestions do not count unless
  ``include_suggested`` is set, again as in the list.
- A conversation counts once per tag however many of its descendants it carries.
- ``accounts`` are distinct accounts; ``arr`` is the sum of the ARR of those distinct
  accounts (an account asking ten times is counted once). Conversations without an account
  count as conversations only.
- Buckets (day, week from Monday, month) are cut in the workspace's timezone. The
  ``since``/``until`` filters are whole UTC days, as in the list.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, Protocol, cast
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Select,
    String,
    and_,
    any_,
    case,
    distinct,
    exists,
    func,
    literal,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session, aliased

from frontdoor.conversations.filters import (
    ConversationFilters,
    audience_accounts,
    filtered_query,
    search_terms,
)
from frontdoor.core.errors import NotFound
from frontdoor.insights.trends import (
    Movement,
    buckets_between,
    check_period,
    compare_to_baseline,
    local_bucket,
    local_midnight_utc,
    zone,
)
from frontdoor.models import (
    Account,
    AssignmentStatus,
    Conversation,
    Tag,
    TagAssignment,
    TagDimension,
    Workspace,
)
from frontdoor.models.tag import TagFact

#: Default windows when no dates are given: buckets back from today (inclusive).
DEFAULT_BUCKETS = {"day": 30, "week": 12, "month": 12}
#: Movers and roadmap trend: the last RECENT_WEEKS complete weeks against the BASELINE_WEEKS before.
RECENT_WEEKS = 4
BASELINE_WEEKS = 8


@dataclass(frozen=True)
class TrendPoint:
    """One bucket of a series."""

    start: dt.date
    conversations: int
    accounts: int
    arr: int


@dataclass(frozen=True)
class Totals:
    """A whole window: distinct conversations, distinct accounts, their ARR."""

    conversations: int
    accounts: int
    arr: int


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


@dataclass(frozen=True)
class Mover:
    """A tag's recent volume against its own baseline."""

    tag: Tag
    movement: Movement


@dataclass(frozen=True)
class Movers:
    """Tags rising and falling in the recent window (strongest first)."""

    recent_start: dt.date
    baseline_start: dt.date
    end: dt.date
    rising: list[Mover]
    falling: list[Mover]


def workspace_zone(session: Session, workspace_id: int) -> ZoneInfo:
    """The workspace's timezone (buckets and windows are cut in it)."""
    ws = session.get(Workspace, workspace_id)
    if ws is None:
        raise NotFound(f"no workspace {workspace_id}")
    return zone(ws.timezone or "UTC")


def local_today(tz: ZoneInfo, now: dt.datetime | None = None) -> dt.date:
    """Today's date in ``tz``."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(tz).date()


def _sqlite_bucket(value: Any, tz_name: Any, period: Any) -> str | None:
    if value is None:
        return None
    stamp = dt.datetime.fromisoformat(str(value))
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    return local_bucket(stamp, zone(str(tz_name)), str(period)).isoformat()


def _bucket_expr(
    session: Session, column: Any, tz: ZoneInfo, period: str, since: dt.date, until: dt.date
) -> ColumnElement[Any]:
    """SQL for the ISO date starting ``column``'s bucket in ``tz``, for values in the window.

    ``since``/``until`` are the window's whole UTC days; ``column`` must lie within them.
    PostgreSQL looks the value up among the UTC instants at which the buckets covering the
    window begin (``width_bucket`` on a sorted array: a binary search, about half the cost
    of converting every row with ``timezone()`` and ``to_char``; the instants come from
    :func:`local_midnight_utc`, so they are DST-correct). SQLite has no timezone support,
    so a deterministic Python function is registered on the connection instead.
    """
    check_period(period)
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        # A UTC day is within one local day either side of it in any timezone.
        starts = buckets_between(since - dt.timedelta(days=1), until + dt.timedelta(days=1), period)
        instants = postgresql.array(
            [local_midnight_utc(b, tz) for b in starts], type_=DateTime(timezone=True)
        )
        labels = postgresql.array([b.isoformat() for b in starts], type_=String())
        return labels[func.width_bucket(column, instants)]
    _register_sqlite(session)
    return func.fd_local_bucket(column, tz.key, period)


def _register_sqlite(session: Session) -> None:
    """Register ``fd_local_bucket`` on the session's SQLite connection (each connection needs it)."""
    raw = session.connection().connection.driver_connection
    if isinstance(raw, sqlite3.Connection):
        raw.create_function("fd_local_bucket", 3, _sqlite_bucket, deterministic=True)


def window(
    period: str, filters: ConversationFilters, tz: ZoneInfo, *, today: dt.date | None = None
) -> tuple[ConversationFilters, dt.date, dt.date]:
    """Filters with a date range filled in (default: the last few buckets up to today)."""
    check_period(period)
    until = filters.until or today or local_today(tz)
    since = filters.since
    if since is None:
        first = buckets_between(until, until, period)[0]
        for _ in range(DEFAULT_BUCKETS[period] - 1):
            first = buckets_between(first - dt.timedelta(days=1), first - dt.timedelta(days=1), period)[0]
        since = first
    return replace(filters, since=since, until=until), since, until


def _statuses(filters: ConversationFilters) -> list[AssignmentStatus]:
    out = [AssignmentStatus.CONFIRMED]
    if filters.include_suggested:
        out.append(AssignmentStatus.SUGGESTED)
    return out


def tag_closure(workspace_id: int, ancestor_ids: list[int] | None = None) -> Select[Any]:
    """``(ancestor_id, tag_id)`` for every tag and each of its descendants (itself included).

    Descendants are found by path prefix (``a/b`` is under ``a``), as in the list's tag
    filter; ``substr`` rather than ``LIKE`` so an ``_`` in a path is not a wildcard.
    ``ancestor_ids`` limits the ancestors.
    """
    anc, t = aliased(Tag), aliased(Tag)
    query = (
        select(anc.id.label("ancestor_id"), t.id.label("tag_id"))
        .select_from(anc)
        .join(
            t,
            and_(
                t.workspace_id == anc.workspace_id,
                or_(t.id == anc.id, func.substr(t.path, 1, func.length(anc.path) + 1) == anc.path + "/"),
            ),
        )
        .where(anc.workspace_id == workspace_id)
    )
    if ancestor_ids is not None:
        query = query.where(anc.id.in_(ancestor_ids))
    return cast("Select[Any]", query)


#: PostgreSQL ``work_mem`` for the aggregate statements (see :func:`_rows`).
AGGREGATE_WORK_MEM = "64MB"
#: Bucket label of the row that carries a window's totals.
TOTAL = "total"

Rows = list[tuple[Any, ...]]


class RowCache(Protocol):
    """``cache(key, compute, rerun)``: ``compute()`` or a value stored under ``key``.

    See :class:`frontdoor.web.cache.StatsCache`; aggregates cache plain result rows only.
    ``rerun(session)`` executes the same statement on another session: a cache may use it
    to refresh a stale value in the background, away from the request's session.
    """

    def __call__(
        self, key: Hashable, compute: Callable[[], Rows], rerun: Callable[[Session], Rows] | None = None
    ) -> Rows:
        """The rows for ``key``."""
        ...


def _freeze(value: Any) -> Hashable:
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(_freeze(v) for v in value)
    return cast(Hashable, value)


def _rows(session: Session, statement: Any, cache: RowCache | None) -> list[tuple[Any, ...]]:
    """Execute ``statement``; with ``cache``, keyed by its SQL and parameters (exact reuse only)."""

    def run(on: Session) -> Rows:
        if on.get_bind().dialect.name != "postgresql":
            _register_sqlite(on)  # ``on`` may be another connection than the one that built it
            return [tuple(r) for r in on.execute(statement)]
        # Distinct (key, conversation) sets of a 12-week window hold a few hundred thousand
        # rows: with the default 4 MB they spill to disk. Raised for this statement only.
        # (A failing statement aborts the transaction, and its rollback undoes the SET too.)
        on.execute(text(f"SET LOCAL work_mem = '{AGGREGATE_WORK_MEM}'"))
        rows = [tuple(r) for r in on.execute(statement)]
        on.execute(text("SET LOCAL work_mem TO DEFAULT"))
        return rows

    if cache is None:
        return run(session)
    compiled = statement.compile(dialect=session.get_bind().dialect)
    params = tuple(sorted((k, _freeze(v)) for k, v in compiled.params.items()))
    return cache(("insights-sql", str(compiled), params), lambda: run(session), run)


def _day_start(day: dt.date) -> dt.datetime:
    # The list's date filters are whole UTC days.
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _fact_ready(filters: ConversationFilters) -> bool:
    """Whether :class:`TagFact` carries every filter set.

    Search text, route, channel and "untagged" need the conversation (or its messages), and
    the list's tag and dimension filters another tag's assignments, so aggregates with them
    read conversations as the list does (:func:`tag_trend` turns its own tag or dimension
    into the tag set it counts before asking).
    """
    return not (
        search_terms(filters.q)
        or filters.route
        or filters.channel
        or filters.untagged
        or filters.tag_id is not None
        or filters.dimension_id is not None
    )


def _fact_scope(
    workspace_id: int, filters: ConversationFilters, start: dt.datetime, end: dt.datetime
) -> list[ColumnElement[bool]]:
    """The list's filters (audience, source, language, statuses) on tag facts opened in ``[start, end)``."""
    scope = [
        TagFact.workspace_id == workspace_id,
        TagFact.opened_at >= start,
        TagFact.opened_at < end,
        TagFact.status.in_([s.value for s in _statuses(filters)]),
    ]
    if filters.account_id is not None:
        scope.append(TagFact.account_id == filters.account_id)
    if filters.source_id is not None:
        scope.append(TagFact.source_id == filters.source_id)
    if filters.language:
        scope.append(TagFact.language == filters.language)
    accounts = audience_accounts(workspace_id=workspace_id, filters=filters)
    if accounts is not None:
        scope.append(TagFact.account_id.in_(accounts))
    return scope


def id_range(
    session: Session,
    *,
    workspace_id: int,
    start: dt.datetime,
    end: dt.datetime,
    cache: RowCache | None = None,
) -> tuple[int, int] | None:
    """Smallest and largest id of the conversations opened in ``[start, end)`` (None: none).

    Joins to assignments also say ``conversation_id BETWEEN lo AND hi``: it changes no
    result (every conversation of the window is inside), but lets PostgreSQL read only
    that slice of the assignment indexes. Ids grow with arrival, so the slice of a recent
    window is small.
    """
    # "+ 0" keeps PostgreSQL from answering min/max by walking the primary key (slow when
    # the window's ids are far from either end); the (workspace, opened_at, id) range is small.
    statement = select(func.min(Conversation.id + 0), func.max(Conversation.id + 0)).where(
        Conversation.workspace_id == workspace_id,
        Conversation.opened_at >= start,
        Conversation.opened_at < end,
    )
    lo, hi = _rows(session, statement, cache)[0]
    return None if lo is None else (int(lo), int(hi))


def _tagged(
    tag_ids: list[int], statuses: list[AssignmentStatus], ids: tuple[int, int]
) -> ColumnElement[bool]:
    """EXISTS a counted assignment of one of ``tag_ids`` on the conversation (the list's tag filter)."""
    return exists().where(
        TagAssignment.conversation_id == Conversation.id,
        TagAssignment.tag_id.in_(tag_ids),
        TagAssignment.status.in_(statuses),
        TagAssignment.conversation_id.between(*ids),
    )


def _rollup(hits: Any, key: str | None = None) -> Select[Any]:
    """Per (key,) bucket and per (key,) window: conversations, distinct accounts, their ARR.

    ``hits`` has one row per counted (key, conversation) with ``bucket`` and ``account_id``.
    The window rows carry the bucket label :data:`TOTAL`; accounts there are distinct over
    the whole window, not summed over buckets.
    """
    keys = [hits.c[key]] if key else []
    pairs = (
        select(*keys, hits.c.bucket, hits.c.account_id, func.count().label("n"))
        .group_by(*keys, hits.c.bucket, hits.c.account_id)
        .cte("pairs")
    )
    pk = [pairs.c[key]] if key else []
    per_bucket = (
        select(
            *pk, pairs.c.bucket, func.sum(pairs.c.n), func.count(pairs.c.account_id), func.sum(Account.arr)
        )
        .select_from(pairs)
        .outerjoin(Account, Account.id == pairs.c.account_id)
        .group_by(*pk, pairs.c.bucket)
    )
    accounts = (
        select(*pk, pairs.c.account_id, func.sum(pairs.c.n).label("n"))
        .group_by(*pk, pairs.c.account_id)
        .subquery()
    )
    ak = [accounts.c[key]] if key else []
    totals = (
        select(
            *ak,
            literal(TOTAL),
            func.sum(accounts.c.n),
            func.count(accounts.c.account_id),
            func.sum(Account.arr),
        )
        .select_from(accounts)
        .outerjoin(Account, Account.id == accounts.c.account_id)
    )
    if ak:
        totals = totals.group_by(*ak)
    return cast("Select[Any]", union_all(per_bucket, totals))


def _read(rows: Any, keyed: bool) -> dict[Any, tuple[dict[str, tuple[int, int, int]], Totals]]:
    out: dict[Any, tuple[dict[str, tuple[int, int, int]], Totals]] = {}
    for row in rows:
        key, rest = (row[0], row[1:]) if keyed else (None, row)
        bucket, n, a, arr = rest
        points, totals = out.get(key, ({}, Totals(0, 0, 0)))
        numbers = (int(n or 0), int(a or 0), int(arr or 0))
        if bucket == TOTAL:
            totals = Totals(*numbers)
        elif bucket is not None:
            points[str(bucket)] = numbers
        out[key] = (points, totals)
    return out


def _series(points: dict[str, tuple[int, int, int]], buckets: list[dt.date]) -> list[TrendPoint]:
    return [TrendPoint(b, *points.get(b.isoformat(), (0, 0, 0))) for b in buckets]


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
    tag = None
    tag_ids: list[int] | None = None
    if tag_id is not None:
        tag = _tag_or_404(session, workspace_id, tag_id)
        filters, tag_ids = replace(filters, tag_id=None), _descendants(session, workspace_id, [tag_id])
    elif filters.tag_id is not None:
        listed = _tag_or_404(session, workspace_id, filters.tag_id).id
        filters, tag_ids = replace(filters, tag_id=None), _descendants(session, workspace_id, [listed])
    if filters.dimension_id is not None:
        # The list's dimension filter: any tag of the dimension (as its own EXISTS below).
        dim_tags = list(
            session.scalars(
                select(Tag.id).where(
                    Tag.workspace_id == workspace_id, Tag.dimension_id == filters.dimension_id
                )
            )
        )
        filters = replace(filters, dimension_id=None)
    else:
        dim_tags = None
    buckets = buckets_between(since, until, period)
    empty = Trend(tag, period, since, until, _series({}, buckets), Totals(0, 0, 0))
    start, end = _day_start(since), _day_start(until + dt.timedelta(days=1))
    wanted = tag_ids if dim_tags is None else dim_tags if tag_ids is None else None
    if wanted is not None and _fact_ready(filters):
        # One tag set: its facts in the window, once per conversation.
        bucket = _bucket_expr(session, TagFact.opened_at, tz, period, since, until)
        hits = (
            select(TagFact.conversation_id, TagFact.account_id.label("account_id"), bucket.label("bucket"))
            .where(TagFact.tag_id.in_(wanted), *_fact_scope(workspace_id, filters, start, end))
            .distinct()
            .cte("hits")
        )
    else:
        ids = id_range(session, workspace_id=workspace_id, start=start, end=end, cache=cache)
        if ids is None:
            return empty
        statuses = _statuses(filters)
        query = filtered_query(session, workspace_id=workspace_id, filters=filters)
        if tag_ids is not None:
            query = query.where(_tagged(tag_ids, statuses, ids))
        if dim_tags is not None:
            query = query.where(_tagged(dim_tags, statuses, ids))
        bucket = _bucket_expr(session, Conversation.opened_at, tz, period, since, until)
        hits = query.with_only_columns(
            Conversation.account_id.label("account_id"), bucket.label("bucket")
        ).cte("hits")
    found = _read(_rows(session, _rollup(hits), cache), keyed=False)
    if None not in found:
        return empty
    points, totals = found[None]
    return Trend(
        tag=tag, period=period, since=since, until=until, points=_series(points, buckets), totals=totals
    )


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
    found: dict[Any, tuple[dict[str, tuple[int, int, int]], Totals]] = {}
    start, end = _day_start(since), _day_start(until + dt.timedelta(days=1))
    fact_ready = _fact_ready(filters)
    ids = None
    if not fact_ready:
        ids = id_range(session, workspace_id=workspace_id, start=start, end=end, cache=cache)
    if fact_ready and tags:
        closure = tag_closure(workspace_id, [t.id for t in tags]).subquery()
        bucket = _bucket_expr(session, TagFact.opened_at, tz, period, since, until)
        hits = (
            select(
                closure.c.ancestor_id.label("key"),
                TagFact.conversation_id,
                TagFact.account_id.label("account_id"),
                bucket.label("bucket"),
            )
            .select_from(TagFact)
            .join(closure, closure.c.tag_id == TagFact.tag_id)
            .where(*_fact_scope(workspace_id, filters, start, end))
            .distinct()
            .cte("hits")
        )
        found = _read(_rows(session, _rollup(hits, "key"), cache), keyed=True)
    elif ids is not None and tags:
        closure = tag_closure(workspace_id, [t.id for t in tags]).subquery()
        bucket = _bucket_expr(session, Conversation.opened_at, tz, period, since, until)
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
            .where(TagAssignment.status.in_(_statuses(filters)), TagAssignment.conversation_id.between(*ids))
            .distinct()
            .cte("hits")
        )
        found = _read(_rows(session, _rollup(hits, "key"), cache), keyed=True)
    series = []
    for t in tags:
        points, totals = found.get(t.id, ({}, Totals(0, 0, 0)))
        series.append(TagSeries(tag=t, points=_series(points, buckets), totals=totals))
    series.sort(key=lambda s: (-s.totals.conversations, s.tag.path))
    return DimensionTrend(
        dimension=dim, period=period, since=since, until=until, overall=overall, series=series
    )


def window_counts(
    session: Session,
    *,
    workspace_id: int,
    key_tags: Select[Any],
    filters: ConversationFilters,
    start: dt.datetime,
    split: dt.datetime,
    end: dt.datetime,
    cache: RowCache | None = None,
) -> dict[int, tuple[Totals, int, int]]:
    """Per key: totals over ``[start, end)``, and conversations before/after ``split``.

    ``key_tags`` selects ``(key, tag_id)`` pairs: a conversation counts once for a key when
    it carries (confirmed, or suggested too when the filters say so) any of the key's tags.
    Returns ``{key: (totals, baseline_conversations, recent_conversations)}``.
    """
    pairs = key_tags.subquery()
    key_col, tag_col = pairs.c[0], pairs.c[1]
    undated = replace(filters, since=None, until=None)
    if _fact_ready(filters):
        if session.get_bind().dialect.name == "postgresql":
            return _window_counts_pg(session, workspace_id, pairs, undated, start, split, end, cache)
        fact_half = case((TagFact.opened_at >= split, "recent"), else_="baseline")
        hits = (
            select(
                key_col.label("key"),
                TagFact.conversation_id,
                TagFact.account_id.label("account_id"),
                fact_half.label("bucket"),
            )
            .select_from(TagFact)
            .join(pairs, tag_col == TagFact.tag_id)
            .where(*_fact_scope(workspace_id, undated, start, end))
            .distinct()
            .cte("hits")
        )
        return _split_counts(_read(_rows(session, _rollup(hits, "key"), cache), keyed=True))
    ids = id_range(session, workspace_id=workspace_id, start=start, end=end, cache=cache)
    if ids is None:
        return {}
    half = case((Conversation.opened_at >= split, "recent"), else_="baseline")
    convs = (
        filtered_query(session, workspace_id=workspace_id, filters=undated)
        .where(Conversation.opened_at >= start, Conversation.opened_at < end)
        .with_only_columns(
            Conversation.id.label("id"), Conversation.account_id.label("account_id"), half.label("bucket")
        )
        .subquery()
    )
    hits = (
        select(key_col.label("key"), convs.c.id, convs.c.account_id, convs.c.bucket)
        .select_from(convs)
        .join(TagAssignment, TagAssignment.conversation_id == convs.c.id)
        .join(pairs, tag_col == TagAssignment.tag_id)
        .where(TagAssignment.status.in_(_statuses(filters)), TagAssignment.conversation_id.between(*ids))
        .distinct()
        .cte("hits")
    )
    return _split_counts(_read(_rows(session, _rollup(hits, "key"), cache), keyed=True))


def _window_counts_pg(
    session: Session,
    workspace_id: int,
    pairs: Any,
    filters: ConversationFilters,
    start: dt.datetime,
    split: dt.datetime,
    end: dt.datetime,
    cache: RowCache | None,
) -> dict[int, tuple[Totals, int, int]]:
    """:func:`window_counts` on PostgreSQL: one sorted pass over the keys' tag facts.

    The general form de-duplicates (key, conversation) pairs in a hash table before
    counting (a third of a million of them for a 12-week board: most of its time).
    Grouping by key alone with ``count(DISTINCT ...)`` and ``array_agg(DISTINCT ...)``
    sorts each key's values instead (half the time on the 1 M-conversation benchmark); the
    ARR of each key's distinct accounts is then summed from the account table. The keys
    are counted in two halves at once (:func:`_rows_at_once`).
    """
    key_col, tag_col = pairs.c[0], pairs.c[1]
    conversation = distinct(TagFact.conversation_id)
    scope = _fact_scope(workspace_id, filters, start, end)

    def statement(keys: list[int]) -> Select[Any]:
        per_key = (
            select(
                key_col.label("key"),
                func.count(conversation).filter(TagFact.opened_at < split).label("baseline"),
                func.count(conversation).filter(TagFact.opened_at >= split).label("recent"),
                func.array_agg(distinct(TagFact.account_id))
                .filter(TagFact.account_id.is_not(None))
                .label("accounts"),
            )
            .select_from(TagFact)
            .join(pairs, tag_col == TagFact.tag_id)
            .where(key_col.in_(keys), *scope)
            .group_by(key_col)
            .subquery()
        )
        arr = select(func.sum(Account.arr)).where(Account.id == any_(per_key.c.accounts)).scalar_subquery()
        return select(
            per_key.c.key,
            per_key.c.baseline,
            per_key.c.recent,
            func.coalesce(func.cardinality(per_key.c.accounts), 0),
            arr,
        )

    # DISTINCT aggregates keep PostgreSQL from running one statement on several cores, so
    # the keys are split in two halves (by their number of tags), counted at once.
    halves: tuple[list[int], list[int]] = ([], [])
    weight = [0, 0]
    sizes = session.execute(select(key_col, func.count()).group_by(key_col)).all()
    for key, n in sorted(((int(k), int(n)) for k, n in sizes), key=lambda kn: (-kn[1], kn[0])):
        side = 0 if weight[0] <= weight[1] else 1
        halves[side].append(key)
        weight[side] += n
    statements = [statement(sorted(h)) for h in halves if h]
    out: dict[int, tuple[Totals, int, int]] = {}
    for rows in _rows_at_once(session, statements, cache):
        for key, baseline, recent, accounts, arr_sum in rows:
            totals = Totals(int(baseline) + int(recent), int(accounts), int(arr_sum or 0))
            out[key] = (totals, int(baseline), int(recent))
    return out


def _rows_at_once(session: Session, statements: list[Any], cache: RowCache | None) -> list[Rows]:
    """:func:`_rows` of independent read-only statements, at once, each on its own connection.

    Used on PostgreSQL only; each statement sees its own snapshot (the numbers of a board
    may straddle a concurrent write, as they may between two page loads). When the
    session's transaction has written anything, the statements run on it, one by one.
    """
    # Other connections do not see this transaction's own writes: then run them here.
    wrote = len(statements) > 1 and session.scalar(text("SELECT pg_current_xact_id_if_assigned()"))
    # Each parallel run holds extra pooled connections while its request holds one: a burst
    # of cold boards must not wait on each other for the pool, so only a few run at once.
    if len(statements) < 2 or wrote is not None or not _PARALLEL_RUNS.acquire(blocking=False):
        return [_rows(session, st, cache) for st in statements]
    engine = session.get_bind()

    def run(statement: Any) -> Rows:
        with Session(bind=engine) as own:
            return _rows(own, statement, cache)

    try:
        with ThreadPoolExecutor(max_workers=len(statements), thread_name_prefix="insights") as pool:
            return list(pool.map(run, statements))
    finally:
        _PARALLEL_RUNS.release()


#: Statement groups run in parallel at once in this process (see :func:`_rows_at_once`).
_PARALLEL_RUNS = threading.BoundedSemaphore(2)


def _split_counts(
    found: dict[Any, tuple[dict[str, tuple[int, int, int]], Totals]],
) -> dict[int, tuple[Totals, int, int]]:
    """``{key: (totals, baseline conversations, recent conversations)}`` from keyed rollup rows."""
    return {
        key: (totals, points.get("baseline", (0, 0, 0))[0], points.get("recent", (0, 0, 0))[0])
        for key, (points, totals) in found.items()
    }


def recent_windows(tz: ZoneInfo, today: dt.date) -> tuple[dt.date, dt.date, dt.date]:
    """``(baseline_start, recent_start, end)`` local days: whole weeks ending before this week."""
    end = today - dt.timedelta(days=today.weekday())
    recent_start = end - dt.timedelta(weeks=RECENT_WEEKS)
    return recent_start - dt.timedelta(weeks=BASELINE_WEEKS), recent_start, end


def movers(
    session: Session,
    *,
    workspace_id: int,
    filters: ConversationFilters | None = None,
    dimension_id: int | None = None,
    today: dt.date | None = None,
    limit: int = 10,
    cache: RowCache | None = None,
) -> Movers:
    """Tags rising or falling: the last 4 complete weeks against the 8 weeks before.

    Each tag (with descendants) is judged against its own baseline rate with
    :func:`frontdoor.insights.trends.compare_to_baseline` (count guard, ratio and z-score).
    Date filters are ignored: the windows are fixed by ``today``.
    """
    tz = workspace_zone(session, workspace_id)
    today = today or local_today(tz)
    baseline_start, recent_start, end = recent_windows(tz, today)
    tag_query = select(Tag).where(Tag.workspace_id == workspace_id)
    if dimension_id is not None:
        tag_query = tag_query.where(Tag.dimension_id == dimension_id)
    tags = {t.id: t for t in session.scalars(tag_query)}
    counts = window_counts(
        session,
        workspace_id=workspace_id,
        key_tags=tag_closure(workspace_id, list(tags)),
        filters=filters or ConversationFilters(),
        start=local_midnight_utc(baseline_start, tz),
        split=local_midnight_utc(recent_start, tz),
        end=local_midnight_utc(end, tz),
        cache=cache,
    )
    rising: list[Mover] = []
    falling: list[Mover] = []
    for tag_id, (_, baseline, recent) in counts.items():
        movement = compare_to_baseline(
            recent, baseline, recent_weeks=RECENT_WEEKS, baseline_weeks=BASELINE_WEEKS
        )
        if movement.direction == "rising":
            rising.append(Mover(tags[tag_id], movement))
        elif movement.direction == "falling":
            falling.append(Mover(tags[tag_id], movement))
    rising.sort(key=lambda m: (-m.movement.z, m.tag.path))
    falling.sort(key=lambda m: (m.movement.z, m.tag.path))
    return Movers(
        recent_start=recent_start,
        baseline_start=baseline_start,
        end=end,
        rising=rising[:limit],
        falling=falling[:limit],
    )


__all__ = [
    "BASELINE_WEEKS",
    "RECENT_WEEKS",
    "ConversationFilters",
    "DimensionTrend",
    "Mover",
    "Movers",
    "RowCache",
    "Rows",
    "TagSeries",
    "Totals",
    "Trend",
    "TrendPoint",
    "dimension_trend",
    "local_today",
    "movers",
    "recent_windows",
    "tag_closure",
    "tag_trend",
    "window",
    "window_counts",
    "workspace_zone",
]
