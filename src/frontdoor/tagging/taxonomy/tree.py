"""The taxonomy as a tree with its counts, from the assignments themselves (the CLI listing).

Counts come from one grouped query, so listing 2,000+ tags is two queries. (The web pages
read the per-day counts the database keeps instead: :mod:`frontdoor.tagging.taxonomy.views`.)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from frontdoor.models import AssignmentStatus, Conversation, Tag, TagAssignment, TagStatus
from frontdoor.tagging.taxonomy.dimensions import list_dimensions


@dataclass
class TagNode:
    """One tag of the tree listing with its counts (confirmed assignments only)."""

    id: int
    path: str
    name: str
    name_ko: str
    name_en: str
    dimension: str
    status: str
    depth: int
    parent_id: int | None
    assignments: int = 0
    conversations: int = 0
    merged_into_id: int | None = None
    children: list[TagNode] = field(default_factory=list)

    @property
    def subtree_assignments(self) -> int:
        """Confirmed assignments of this tag and all its descendants."""
        return self.assignments + sum(c.subtree_assignments for c in self.children)


def tag_counts(
    session: Session,
    *,
    workspace_id: int,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    status: AssignmentStatus = AssignmentStatus.CONFIRMED,
) -> dict[int, tuple[int, int]]:
    """Assignments and distinct conversations per tag, in one grouped query.

    Parameters
    ----------
    since, until : datetime, optional
        Only conversations opened in ``[since, until)``. Retired tags are counted like any
        other, so past periods keep their numbers.
    status : AssignmentStatus
        Which assignments count (confirmed by default).

    Returns
    -------
    dict
        ``tag_id -> (assignments, distinct conversations)``.
    """
    stmt = (
        select(
            TagAssignment.tag_id,
            func.count(TagAssignment.id),
            func.count(func.distinct(TagAssignment.conversation_id)),
        )
        .where(TagAssignment.workspace_id == workspace_id, TagAssignment.status == status)
        .group_by(TagAssignment.tag_id)
    )
    if since is not None or until is not None:
        stmt = stmt.join(Conversation, Conversation.id == TagAssignment.conversation_id)
        if since is not None:
            stmt = stmt.where(Conversation.opened_at >= since)
        if until is not None:
            stmt = stmt.where(Conversation.opened_at < until)
    return {int(tid): (int(n), int(c)) for tid, n, c in session.execute(stmt)}


def tag_tree(
    session: Session,
    *,
    workspace_id: int,
    dimension: str | None = None,
    include_retired: bool = True,
    include_merged: bool = False,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    language: str = "en",
) -> list[TagNode]:
    """The taxonomy as a forest of :class:`TagNode` with counts (two queries in all).

    Parameters
    ----------
    dimension : str, optional
        Only this dimension.
    include_retired, include_merged : bool
        Whether to list retired (default yes) and merged (default no) tags.
    language : {"en", "ko"}
        Which name fills ``TagNode.name`` (the other is the fallback).

    Returns
    -------
    list of TagNode
        Top-level nodes by dimension position then path; children ordered by path.
    """
    dims = {d.id: d for d in list_dimensions(session, workspace_id=workspace_id)}
    counts = tag_counts(session, workspace_id=workspace_id, since=since, until=until)
    stmt = select(
        Tag.id,
        Tag.path,
        Tag.name_ko,
        Tag.name_en,
        Tag.dimension_id,
        Tag.status,
        Tag.parent_id,
        Tag.merged_into_id,
    ).where(Tag.workspace_id == workspace_id)
    if dimension is not None:
        stmt = stmt.where(Tag.dimension_id.in_([d.id for d in dims.values() if d.key == dimension]))
    nodes: dict[int, TagNode] = {}
    for tid, path, ko, en, dim_id, status, parent_id, merged_into in session.execute(stmt.order_by(Tag.path)):
        if status == TagStatus.MERGED and not include_merged:
            continue
        if status == TagStatus.RETIRED and not include_retired:
            continue
        n, c = counts.get(tid, (0, 0))
        seg = path.rsplit("/", 1)[1]
        name = (ko or en or seg) if language == "ko" else (en or ko or seg)
        nodes[tid] = TagNode(
            id=tid,
            path=path,
            name=name,
            name_ko=ko,
            name_en=en,
            dimension=dims[dim_id].key if dim_id in dims else "",
            status=str(TagStatus(status).value),
            depth=path.count("/") - 1,
            parent_id=parent_id,
            assignments=n,
            conversations=c,
            merged_into_id=merged_into,
        )
    roots: list[TagNode] = []
    for node in nodes.values():
        parent = nodes.get(node.parent_id) if node.parent_id is not None else None
        if parent is not None:
            parent.children.append(node)
        else:
            roots.append(node)
    order = {d.key: (d.position, d.id) for d in dims.values()}
    roots.sort(key=lambda n: (order.get(n.dimension, (0, 0)), n.path))
    return roots
