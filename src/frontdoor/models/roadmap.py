"""Roadmap items and their links to tags."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Column, Float, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from frontdoor.db.base import Base, BigId, UTCDateTime
from frontdoor.models._common import created_at, pk, str_enum, updated_at, workspace_fk
from frontdoor.models.conversation import Conversation
from frontdoor.models.tag import Tag, TagAssignment

roadmap_item_tag = Table(
    "roadmap_item_tag",
    Base.metadata,
    Column("roadmap_item_id", BigId, ForeignKey("roadmap_item.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", BigId, ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class RoadmapStatus(enum.StrEnum):
    """Where a roadmap item stands."""

    IDEA = "idea"
    PLANNED = "planned"
    BUILDING = "building"
    SHIPPED = "shipped"


class RoadmapItem(Base):
    """Something the team may build, linked to the tags that measure demand for it."""

    __tablename__ = "roadmap_item"

    id: Mapped[int] = pk()
    workspace_id: Mapped[int] = workspace_fk()
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[RoadmapStatus] = mapped_column(str_enum(RoadmapStatus), default=RoadmapStatus.IDEA)
    external_url: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    # Set top-down by product leadership; combined with measured demand into priority.
    strategic_weight: Mapped[float] = mapped_column(Float, default=1.0)
    shipped_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[dt.datetime] = created_at()
    updated_at: Mapped[dt.datetime] = updated_at()

    tags: Mapped[list[Tag]] = relationship(secondary=roadmap_item_tag, lazy="selectin")


# Insight aggregates (migration 0005): index-only reads of a tag's conversations, of a
# window's assignments (quotes included, unlike the partial 0004 index) and of a window's
# conversations with their account.
Index(
    "ix_tag_assignment_tag_status_conv",
    TagAssignment.tag_id,
    TagAssignment.status,
    TagAssignment.conversation_id,
)
Index(
    "ix_tag_assignment_conv_status_tag_all",
    TagAssignment.conversation_id,
    TagAssignment.status,
    TagAssignment.tag_id,
)
Index(
    "ix_conversation_ws_opened_account",
    Conversation.workspace_id,
    Conversation.opened_at,
    Conversation.id,
    Conversation.account_id,
)
