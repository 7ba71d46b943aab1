"""What the web pages need from the taxonomy: the tree with counts and trends, the review
queue, and one-click decisions on assignments.

Counts are conversation-level: confirmed assignments with an empty scope (the unique key
``(conversation, tag, scope)`` makes that one per conversation). Quotes are listed, not
counted. Writes check :mod:`frontdoor.workspace.permissions` here, so the page and the API
cannot disagree about who may tag.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import cast

from sqlalchemy import Engine, Table, delete, func, insert, literal, select
from sqlalchemy.orm import Session

from frontdoor.db.base import utcnow
from frontdoor.models import (
    AssignmentStatus,
    Origin,
    Tag,
    TagAssignment,
    TagDimension,
    TagStatus,
    User,
)
from frontdoor.models.tag import TagDayCount
from frontdoor.tagging.assignments import assign_tag, decide
from frontdoor.tagging.taxonomy.restructure import merge_tag, move_tag
from frontdoor.tagging.taxonomy.tags import update_tag
from frontdoor.workspace.permissions import Action, require

TREND_WEEKS = 12


@dataclass
class TagNode:
    """A tag in the tree with its confirmed count, open suggestions and weekly trend."""

    tag: Tag
    depth: int
    count: int = 0
    suggested: int = 0
    trend: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class DimensionTree:
    """One dimension and its tags in path order (parents before children)."""

    dimension: TagDimension
    nodes: list[TagNode]


def _trend_window(weeks: int, now: dt.datetime | None) -> tuple[dt.date, dt.date]:
    """First day and the day after the last of ``weeks`` whole weeks ending with ``now``'s day."""
    now = (now or utcnow()).astimezone(dt.UTC)
    end = now.date()
    if now.time() != dt.time(0):
        end += dt.timedelta(days=1)  # today counts; a midnight ``now`` ends the day before
    return end - dt.timedelta(weeks=weeks), end


def tag_trends(
    session: Session, *, workspace_id: int, weeks: int = TREND_WEEKS, now: dt.datetime | None = None
) -> dict[int, list[int]]:
    """Confirmed conversations per tag per week (oldest first), by conversation open day (UTC).

    The weeks are whole UTC days ending with ``now``'s day (today included). Read from the
    per-day counts the database keeps (``tag_day_count``): one row per tag and day at most,
    however many conversations the window holds.
    """
    start, end = _trend_window(weeks, now)
    out: dict[int, list[int]] = {}
    for tag_id, day, n in session.execute(
        select(TagDayCount.tag_id, TagDayCount.day, func.sum(TagDayCount.n))
        .where(
            TagDayCount.workspace_id == workspace_id,
            TagDayCount.status == AssignmentStatus.CONFIRMED,
            TagDayCount.day >= start,
            TagDayCount.day < end,
        )
        .group_by(TagDayCount.tag_id, TagDayCount.day)
    ):
        if not n or day is None:
            continue
        week = (day - start).days // 7
        out.setdefault(int(tag_id), [0] * weeks)[week] += int(n)
    return {tag_id: trend for tag_id, trend in out.items() if any(trend)}


@dataclass(frozen=True)
class TagStats:
    """The numbers behind the tree: plain data, safe to cache between requests."""

    confirmed: dict[int, int]
    suggested: dict[int, int]
    trends: dict[int, list[int]]


# Delta rows of a workspace past which reading them folds them into one row per key.
COMPACT_AFTER = 20_000


def tag_stats(session: Session, *, workspace_id: int, with_trends: bool = True) -> TagStats:
    """Confirmed and suggested conversation counts per tag and (optionally) weekly trends.

    Both come from ``tag_day_count`` (migration 0010), which the database keeps in step
    with every assignment change; reading it costs the number of (tag, day) pairs, not
    the number of assignments. When the workspace has gathered more than
    :data:`COMPACT_AFTER` delta rows (and twice as many as after its last compaction)
    they are folded first, in their own transaction.
    """
    confirmed: dict[int, int] = {}
    suggested: dict[int, int] = {}
    rows = 0
    for tag_id, status, n, parts in session.execute(
        select(TagDayCount.tag_id, TagDayCount.status, func.sum(TagDayCount.n), func.count())
        .where(
            TagDayCount.workspace_id == workspace_id,
            TagDayCount.status.in_([AssignmentStatus.CONFIRMED, AssignmentStatus.SUGGESTED]),
        )
        .group_by(TagDayCount.tag_id, TagDayCount.status)
    ):
        rows += int(parts)
        if n:
            target = confirmed if status == AssignmentStatus.CONFIRMED else suggested
            target[int(tag_id)] = int(n)
    key = (str(session.get_bind().engine.url), workspace_id)
    if rows > max(COMPACT_AFTER, 2 * _compacted.get(key, 0)):
        _compacted[key] = compact_tag_counts(session.get_bind().engine, workspace_id=workspace_id)
    return TagStats(
        confirmed=confirmed,
        suggested=suggested,
        trends=tag_trends(session, workspace_id=workspace_id) if with_trends else {},
    )


_compacted: dict[tuple[str, int], int] = {}


def compact_tag_counts(engine: Engine, *, workspace_id: int) -> int:
    """Fold the workspace's ``tag_day_count`` deltas into one row per key; return the rows left.

    Runs in its own transaction. Safe beside writers and other compactions: it deletes
    only rows it read and re-inserts their sums, so a delta appended meanwhile is kept
    and a row two compactions both see is folded by one of them only.
    """
    t = cast(Table, TagDayCount.__table__)
    keys = (t.c.tag_id, t.c.status, t.c.day)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            gone = delete(t).where(t.c.workspace_id == workspace_id).returning(*keys, t.c.n).cte("gone")
            folded = (
                select(literal(workspace_id), gone.c.tag_id, gone.c.status, gone.c.day, func.sum(gone.c.n))
                .group_by(gone.c.tag_id, gone.c.status, gone.c.day)
                .having(func.sum(gone.c.n) != 0)
            )
            conn.execute(insert(t).from_select(["workspace_id", "tag_id", "status", "day", "n"], folded))
        else:
            # SQLite has one writer at a time: read, delete and re-insert in one transaction.
            sums = conn.execute(
                select(*keys, func.sum(t.c.n))
                .where(t.c.workspace_id == workspace_id)
                .group_by(*keys)
                .having(func.sum(t.c.n) != 0)
            ).all()
            conn.execute(delete(t).where(t.c.workspace_id == workspace_id))
            if sums:
                conn.execute(
                    insert(t),
                    [
                        {"workspace_id": workspace_id, "tag_id": tag, "status": st, "day": day, "n": n}
                        for tag, st, day, n in sums
                    ],
                )
        left = conn.execute(
            select(func.count()).select_from(t).where(t.c.workspace_id == workspace_id)
        ).scalar_one()
    return int(left)


def tag_tree(
    session: Session, *, workspace_id: int, with_trends: bool = True, stats: TagStats | None = None
) -> list[DimensionTree]:
    """Every dimension with its active tags, counts and (optionally) trends.

    Parameters
    ----------
    stats : TagStats, optional
        Precomputed (e.g. cached) numbers; computed now when omitted.
    """
    stats = stats or tag_stats(session, workspace_id=workspace_id, with_trends=with_trends)
    dimensions = list(
        session.scalars(
            select(TagDimension)
            .where(TagDimension.workspace_id == workspace_id)
            .order_by(TagDimension.position, TagDimension.key)
        )
    )
    tags_by_dim: dict[int, list[Tag]] = defaultdict(list)
    for tag in session.scalars(
        select(Tag).where(Tag.workspace_id == workspace_id, Tag.status == TagStatus.ACTIVE).order_by(Tag.path)
    ):
        tags_by_dim[tag.dimension_id].append(tag)
    empty = [0] * TREND_WEEKS
    return [
        DimensionTree(
            dimension=dim,
            nodes=[
                TagNode(
                    tag=t,
                    depth=t.path.count("/"),
                    count=stats.confirmed.get(t.id, 0),
                    suggested=stats.suggested.get(t.id, 0),
                    trend=stats.trends.get(t.id, empty) if with_trends else [],
                )
                for t in tags_by_dim.get(dim.id, [])
            ],
        )
        for dim in dimensions
    ]


def sparkline_points(values: list[int], *, width: int = 96, height: int = 20) -> str:
    """SVG ``points`` for a polyline of ``values`` (numbers only, safe to inline)."""
    if not values:
        return ""
    top = max(values) or 1
    step = width / max(1, len(values) - 1)
    return " ".join(
        f"{i * step:.1f},{height - 1 - (v / top) * (height - 2):.1f}" for i, v in enumerate(values)
    )


def active_tags(session: Session, *, workspace_id: int) -> list[Tag]:
    """Active tags of the workspace by path (for pickers)."""
    return list(
        session.scalars(
            select(Tag)
            .where(Tag.workspace_id == workspace_id, Tag.status == TagStatus.ACTIVE)
            .order_by(Tag.path)
        )
    )


def decide_assignment(
    session: Session, *, workspace_id: int, assignment_id: int, user: User, confirm: bool
) -> TagAssignment:
    """Confirm or reject an assignment (delegates to :func:`frontdoor.tagging.assignments.decide`).

    Raises
    ------
    PermissionDenied
        The user's role may not tag.
    NotFound
        No such assignment in this workspace.
    """
    require(user, Action.TAG)
    return decide(session, workspace_id=workspace_id, assignment_id=assignment_id, confirm=confirm, user=user)


def add_assignment(
    session: Session,
    *,
    workspace_id: int,
    conversation_id: int,
    tag_id: int,
    user: User | None,
    message_id: int | None = None,
    span: tuple[int, int] | None = None,
) -> TagAssignment:
    """Tag a conversation (or a quote) as a confirmed human decision.

    Delegates to :func:`frontdoor.tagging.assignments.assign_tag`; re-tagging the same
    scope confirms the existing row.

    Raises
    ------
    PermissionDenied
        The user's role may not tag.
    NotFound
        The conversation, tag or message is not in this workspace.
    ValidationError
        A span outside the message text, or a retired/merged tag.
    """
    if user is not None:
        require(user, Action.TAG)
    return assign_tag(
        session,
        workspace_id=workspace_id,
        conversation_id=conversation_id,
        tag=tag_id,
        origin=Origin.HUMAN,
        status=AssignmentStatus.CONFIRMED,
        message_id=message_id,
        span=span,
        user=user,
    )


def edit_tag(
    session: Session,
    *,
    workspace_id: int,
    tag_id: int,
    user: User,
    name_ko: str | None = None,
    name_en: str | None = None,
    description: str | None = None,
) -> Tag:
    """Rename a tag or change its description (path, history and counts are kept).

    Raises
    ------
    PermissionDenied
        The user's role may not edit the taxonomy.
    NotFound
        No such tag in this workspace.
    """
    require(user, Action.EDIT_TAXONOMY)
    return update_tag(
        session,
        workspace_id=workspace_id,
        tag=tag_id,
        name_ko=name_ko.strip()[:200] if name_ko is not None else None,
        name_en=name_en.strip()[:200] if name_en is not None else None,
        description=description.strip()[:5000] if description is not None else None,
        user=user,
    )


def move_or_merge(
    session: Session,
    *,
    workspace_id: int,
    tag_id: int,
    user: User,
    parent_id: int | None,
    merge_into_id: int | None,
) -> Tag:
    """Move a tag under ``parent_id`` (``None``: top level) or merge it into ``merge_into_id``.

    Delegates to :func:`frontdoor.tagging.taxonomy.restructure.move_tag` / ``merge_tag``, which keep
    history (merged tags stay, pointing at their target) and never count twice.
    """
    require(user, Action.EDIT_TAXONOMY)
    if merge_into_id is not None:
        return merge_tag(session, workspace_id=workspace_id, source=tag_id, target=merge_into_id, user=user)
    return move_tag(session, workspace_id=workspace_id, tag=tag_id, parent=parent_id, user=user)
