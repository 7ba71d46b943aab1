"""Roadmap items: create, look up and edit them, and the tags behind each one.

Shipping an item (its status becoming ``shipped``) drafts the close-the-loop messages to
everyone who asked (:mod:`frontdoor.roadmap.close_loop`). Demand and the ranked board are
:mod:`frontdoor.roadmap.demand`; the customers' words, :mod:`frontdoor.roadmap.quotes`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from frontdoor.core.errors import NotFound, ValidationError
from frontdoor.core.events import RoadmapItemShipped, emit_in_session
from frontdoor.insights.counting import tag_closure
from frontdoor.models import RoadmapItem, RoadmapStatus, Tag, User, roadmap_item_tag
from frontdoor.roadmap.links import parse_external_url
from frontdoor.workspace.permissions import Action, require

MAX_TITLE = 300
MAX_DESCRIPTION = 20_000
MAX_WEIGHT = 100.0


@dataclass(frozen=True)
class ItemInput:
    """What an editor sets on an item."""

    title: str
    description: str = ""
    status: str = RoadmapStatus.IDEA.value
    external_url: str = ""
    strategic_weight: float = 1.0
    tag_ids: list[int] = field(default_factory=list)


def _clean(
    session: Session, workspace_id: int, data: ItemInput
) -> tuple[str, str | None, RoadmapStatus, list[Tag]]:
    title = data.title.strip()
    if not title or len(title) > MAX_TITLE:
        raise ValidationError(f"title: required, at most {MAX_TITLE} characters")
    if len(data.description) > MAX_DESCRIPTION:
        raise ValidationError(f"description: at most {MAX_DESCRIPTION} characters")
    try:
        status = RoadmapStatus(data.status)
    except ValueError:
        raise ValidationError(f"status: must be one of {', '.join(s.value for s in RoadmapStatus)}") from None
    if not 0.0 <= data.strategic_weight <= MAX_WEIGHT or data.strategic_weight != data.strategic_weight:
        raise ValidationError(f"strategic_weight: must be between 0 and {MAX_WEIGHT:g}")
    url = parse_external_url(data.external_url).url if data.external_url.strip() else None
    ids = sorted(set(data.tag_ids))
    tags = (
        list(session.scalars(select(Tag).where(Tag.workspace_id == workspace_id, Tag.id.in_(ids))))
        if ids
        else []
    )
    if len(tags) != len(ids):
        missing = sorted(set(ids) - {t.id for t in tags})
        raise NotFound(f"no tag {missing[0]}")
    return title, url, status, tags


def create_item(session: Session, *, user: User, data: ItemInput) -> RoadmapItem:
    """Create an item in the user's workspace (product and admin roles).

    Raises
    ------
    PermissionDenied
        The user's role may not edit the roadmap.
    ValidationError, NotFound
        Bad fields, or a tag id of another workspace.
    """
    require(user, Action.EDIT_ROADMAP)
    title, url, status, tags = _clean(session, user.workspace_id, data)
    item = RoadmapItem(
        workspace_id=user.workspace_id,
        title=title,
        description=data.description,
        status=status,
        external_url=url,
        strategic_weight=float(data.strategic_weight),
        shipped_at=dt.datetime.now(dt.UTC) if status == RoadmapStatus.SHIPPED else None,
    )
    item.tags = tags
    session.add(item)
    session.flush()
    _announce_shipped(session, item)
    return item


def get_item(session: Session, *, workspace_id: int, item_id: int) -> RoadmapItem:
    """An item of this workspace.

    Raises
    ------
    NotFound
        No such item here (another workspace's id is not found either).
    """
    item = session.get(RoadmapItem, item_id)
    if item is None or item.workspace_id != workspace_id:
        raise NotFound(f"no roadmap item {item_id}")
    return item


def update_item(session: Session, *, user: User, item_id: int, data: ItemInput) -> RoadmapItem:
    """Replace an item's fields and linked tags (product and admin roles).

    ``shipped_at`` is set when the status becomes ``shipped`` and kept while it stays so.

    Raises
    ------
    PermissionDenied, ValidationError, NotFound
        As :func:`create_item`; also for an unknown item.
    """
    require(user, Action.EDIT_ROADMAP)
    item = get_item(session, workspace_id=user.workspace_id, item_id=item_id)
    title, url, status, tags = _clean(session, user.workspace_id, data)
    if status == RoadmapStatus.SHIPPED and item.shipped_at is None:
        item.shipped_at = dt.datetime.now(dt.UTC)
    elif status != RoadmapStatus.SHIPPED:
        item.shipped_at = None
    item.title, item.description, item.status = title, data.description, status
    item.external_url, item.strategic_weight = url, float(data.strategic_weight)
    session.execute(delete(roadmap_item_tag).where(roadmap_item_tag.c.roadmap_item_id == item.id))
    if tags:
        session.execute(
            insert(roadmap_item_tag), [{"roadmap_item_id": item.id, "tag_id": t.id} for t in tags]
        )
    session.flush()
    session.expire(item, ["tags"])
    _announce_shipped(session, item)
    return item


def _announce_shipped(session: Session, item: RoadmapItem) -> None:
    """A shipped item tells its subscribers in this transaction (close the loop drafts its messages)."""
    if item.status == RoadmapStatus.SHIPPED:
        shipped = RoadmapItemShipped(item.workspace_id, item.id, shipped_at=item.shipped_at)
        emit_in_session(session, shipped)


def list_items(session: Session, *, workspace_id: int) -> list[RoadmapItem]:
    """The workspace's items, oldest first."""
    return list(
        session.scalars(
            select(RoadmapItem).where(RoadmapItem.workspace_id == workspace_id).order_by(RoadmapItem.id)
        )
    )


def item_tag_ids(session: Session, *, workspace_id: int, item: RoadmapItem) -> list[int]:
    """The item's linked tags and all their descendants."""
    linked = [t.id for t in item.tags]
    if not linked:
        return []
    closure = tag_closure(workspace_id, linked).subquery()
    return sorted(set(session.scalars(select(closure.c.tag_id))))
