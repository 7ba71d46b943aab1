"""Customer on-call for engineers: what the on-call engineer read, and weekly digests."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import Date, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from frontdoor.db.base import Base, JSONType, UTCDateTime
from frontdoor.models._common import created_at, fk, pk, str_enum, updated_at, workspace_fk


class OncallRead(Base):
    """A conversation an engineer has read on call, with their note."""

    __tablename__ = "oncall_read"
    __table_args__ = (UniqueConstraint("conversation_id", "user_id"),)

    id: Mapped[int] = pk()
    workspace_id: Mapped[int] = workspace_fk()
    conversation_id: Mapped[int] = fk("conversation.id", nullable=False, ondelete="CASCADE", index=False)
    user_id: Mapped[int] = fk("user_account.id", nullable=False, ondelete="CASCADE")
    note: Mapped[str] = mapped_column(Text, default="")
    read_at: Mapped[dt.datetime] = created_at()
    updated_at: Mapped[dt.datetime] = updated_at()


class DigestStatus(enum.StrEnum):
    """Delivery state of one week's digest."""

    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class OncallDigest(Base):
    """The weekly on-call digest of one workspace: at most one per week."""

    __tablename__ = "oncall_digest"
    __table_args__ = (UniqueConstraint("workspace_id", "week_start"),)

    id: Mapped[int] = pk()
    workspace_id: Mapped[int] = workspace_fk()
    # The local (workspace timezone) date the week starts on.
    week_start: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[DigestStatus] = mapped_column(str_enum(DigestStatus), default=DigestStatus.SENDING)
    content: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    channels: Mapped[list[str]] = mapped_column(JSONType, default=list)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    created_at: Mapped[dt.datetime] = created_at()
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    sent_by_id: Mapped[int | None] = fk("user_account.id", index=False)
    updated_at: Mapped[dt.datetime] = updated_at()
