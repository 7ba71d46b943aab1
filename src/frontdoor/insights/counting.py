"""What the insight aggregates count, and the statement parts every one of them shares.

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
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    exists,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from frontdoor.conversations.filters import (
    ConversationFilters,
    audience_accounts,
    counted_statuses,
    search_terms,
)
from frontdoor.insights.statements import RowCache, fetch_rows
from frontdoor.models import Account, AssignmentStatus, Conversation, Tag, TagAssignment
from frontdoor.models.tag import TagFact

#: Bucket label of the row that carries a window's totals.
TOTAL = "total"


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


def fact_ready(filters: ConversationFilters) -> bool:
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


def fact_scope(
    workspace_id: int, filters: ConversationFilters, start: dt.datetime, end: dt.datetime
) -> list[ColumnElement[bool]]:
    """The list's filters (audience, source, language, statuses) on tag facts opened in ``[start, end)``."""
    scope = [
        TagFact.workspace_id == workspace_id,
        TagFact.opened_at >= start,
        TagFact.opened_at < end,
        TagFact.status.in_([s.value for s in counted_statuses(filters)]),
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
    lo, hi = fetch_rows(session, statement, cache)[0]
    return None if lo is None else (int(lo), int(hi))


def tagged_by(
    tag_ids: list[int], statuses: list[AssignmentStatus], ids: tuple[int, int]
) -> ColumnElement[bool]:
    """EXISTS a counted assignment of one of ``tag_ids`` on the conversation (the list's tag filter)."""
    return exists().where(
        TagAssignment.conversation_id == Conversation.id,
        TagAssignment.tag_id.in_(tag_ids),
        TagAssignment.status.in_(statuses),
        TagAssignment.conversation_id.between(*ids),
    )


def rollup(hits: Any, key: str | None = None) -> Select[Any]:
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


#: Per key: ``({bucket label: (conversations, accounts, arr)}, window totals)``.
Rollup = dict[Any, tuple[dict[str, tuple[int, int, int]], Totals]]


def read_rollup(rows: Any, keyed: bool) -> Rollup:
    """Rows of :func:`rollup` as ``{key: (points by bucket label, totals)}`` (key ``None`` unkeyed)."""
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


def fill_series(points: dict[str, tuple[int, int, int]], buckets: list[dt.date]) -> list[TrendPoint]:
    """One point per bucket, zero where ``points`` has none."""
    return [TrendPoint(b, *points.get(b.isoformat(), (0, 0, 0))) for b in buckets]
