"""GET /roadmap/demand: simple demand per roadmap item through its linked tags."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from frontdoor.models import AssignmentStatus, Conversation, RoadmapItem, TagAssignment, roadmap_item_tag
from frontdoor.web.api.deps import ReadToken
from frontdoor.web.api.schemas import RoadmapDemand
from frontdoor.web.deps import SessionDep

router = APIRouter(tags=["roadmap"])


def roadmap_demand(session: Session, *, workspace_id: int) -> list[RoadmapDemand]:
    """Distinct confirmed conversations and accounts per roadmap item (until insights land)."""
    items = list(
        session.scalars(
            select(RoadmapItem).where(RoadmapItem.workspace_id == workspace_id).order_by(RoadmapItem.id)
        )
    )
    counts = {
        item_id: (conversations, accounts)
        for item_id, conversations, accounts in session.execute(
            select(
                roadmap_item_tag.c.roadmap_item_id,
                func.count(distinct(TagAssignment.conversation_id)),
                func.count(distinct(Conversation.account_id)),
            )
            .join(TagAssignment, TagAssignment.tag_id == roadmap_item_tag.c.tag_id)
            .join(Conversation, Conversation.id == TagAssignment.conversation_id)
            .where(
                TagAssignment.workspace_id == workspace_id,
                TagAssignment.status == AssignmentStatus.CONFIRMED,
                roadmap_item_tag.c.roadmap_item_id.in_([i.id for i in items]),
            )
            .group_by(roadmap_item_tag.c.roadmap_item_id)
        )
    }
    return [
        RoadmapDemand(
            id=i.id,
            title=i.title,
            status=str(i.status),
            tags=[t.path for t in i.tags],
            conversations=counts.get(i.id, (0, 0))[0],
            accounts=counts.get(i.id, (0, 0))[1],
        )
        for i in items
    ]


@router.get("/roadmap/demand", response_model=list[RoadmapDemand])
def demand(session: SessionDep, token: ReadToken) -> list[RoadmapDemand]:
    """Demand per roadmap item, most recent items last."""
    return roadmap_demand(session, workspace_id=token.workspace_id)
