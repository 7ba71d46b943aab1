"""Close the loop: who was told that a roadmap item shipped, how and when."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from frontdoor.db.base import Base, JSONType, UTCDateTime
from frontdoor.models._common import created_at, fk, pk, str_enum, updated_at, workspace_fk


class LoopStatus(enum.StrEnum):
    """Where one contact's message stands; ``sent`` and ``exported`` mean told."""

    DRAFTED = "drafted"
    # Claimed by one sender; nobody else may send it (the guard against telling twice).
    SENDING = "sending"
    SENT = "sent"
    EXPORTED = "exported"
    FAILED = "failed"


class LoopNotification(Base):
    """One contact's message about one shipped roadmap item (at most one per pair)."""

    __tablename__ = "loop_notification"
    __table_args__ = (UniqueConstraint("workspace_id", "roadmap_item_id", "contact_id"),)

    id: Mapped[int] = pk()
    workspace_id: Mapped[int] = workspace_fk()
    roadmap_item_id: Mapped[int] = fk("roadmap_item.id", nullable=False, ondelete="CASCADE")
    contact_id: Mapped[int] = fk("contact.id", nullable=False, ondelete="CASCADE")
    account_id: Mapped[int | None] = fk("account.id", index=False)
    # Copied at draft time: the record says what was sent to which address.
    email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    contact_name: Mapped[str] = mapped_column(String(300), default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    subject: Mapped[str] = mapped_column(String(500), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    conversation_ids: Mapped[list[int]] = mapped_column(JSONType, default=list)
    status: Mapped[LoopStatus] = mapped_column(str_enum(LoopStatus), default=LoopStatus.DRAFTED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    drafted_at: Mapped[dt.datetime] = created_at()
    told_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    told_by_id: Mapped[int | None] = fk("user_account.id", index=False)
    updated_at: Mapped[dt.datetime] = updated_at()
