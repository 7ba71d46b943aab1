"""Counts per key before and after a split (:func:`window_counts`), and the tags rising or
falling against their own baseline (:func:`movers`).

``window_counts`` also serves the roadmap board (demand per item) and the on-call digest
(rising tags of a week).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Select, any_, case, distinct, func, select
from sqlalchemy.orm import Session

from frontdoor.conversations.filters import ConversationFilters, counted_statuses, filtered_query
from frontdoor.insights.counting import (
    Totals,
    fact_ready,
    fact_scope,
    id_range,
    read_rollup,
    rollup,
    tag_closure,
)
from frontdoor.insights.statements import RowCache, fetch_rows, fetch_rows_at_once
from frontdoor.insights.trends import Movement, compare_to_baseline, local_midnight_utc
from frontdoor.insights.windows import (
    BASELINE_WEEKS,
    RECENT_WEEKS,
    local_today,
    recent_windows,
    workspace_zone,
)
from frontdoor.models import Account, Conversation, Tag, TagAssignment
from frontdoor.models.tag import TagFact


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
    if fact_ready(filters):
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
            .where(*fact_scope(workspace_id, undated, start, end))
            .distinct()
            .cte("hits")
        )
        return _split_counts(read_rollup(fetch_rows(session, rollup(hits, "key"), cache), keyed=True))
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
        .where(
            TagAssignment.status.in_(counted_statuses(filters)),
            TagAssignment.conversation_id.between(*ids),
        )
        .distinct()
        .cte("hits")
    )
    return _split_counts(read_rollup(fetch_rows(session, rollup(hits, "key"), cache), keyed=True))


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
    are counted in two halves at once (:func:`fetch_rows_at_once`).
    """
    key_col, tag_col = pairs.c[0], pairs.c[1]
    conversation = distinct(TagFact.conversation_id)
    scope = fact_scope(workspace_id, filters, start, end)

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
    for rows in fetch_rows_at_once(session, statements, cache):
        for key, baseline, recent, accounts, arr_sum in rows:
            totals = Totals(int(baseline) + int(recent), int(accounts), int(arr_sum or 0))
            out[key] = (totals, int(baseline), int(recent))
    return out


def _split_counts(
    found: dict[Any, tuple[dict[str, tuple[int, int, int]], Totals]],
) -> dict[int, tuple[Totals, int, int]]:
    """``{key: (totals, baseline conversations, recent conversations)}`` from keyed rollup rows."""
    return {
        key: (totals, points.get("baseline", (0, 0, 0))[0], points.get("recent", (0, 0, 0))[0])
        for key, (points, totals) in found.items()
    }


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
