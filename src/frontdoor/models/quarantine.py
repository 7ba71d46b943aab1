"""Records that could not be imported, kept with their reason for retry."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from frontdoor.db.base import Base, UTCDateTime
from frontdoor.models._common import created_at, fk, pk, str_enum, workspace_fk


class QuarantineStatus(enum.StrEnum):
    """Whether a quarantined record still waits for a fix."""

    OPEN = "open"
    RESOLVED = "resolved"


class QuarantinedRecord(Base):
    """A record an adapter could not parse: where it came from, what it was, why."""

    __tablename__ = "quarantined_record"

    id: Mapped[int] = pk()
    workspace_id: Mapped[int] = workspace_fk()
    source_id: Mapped[int | None] = fk("source.id", ondelete="CASCADE")
    kind: Mapped[str] = mapped_column(String(32))
    file: Mapped[str] = mapped_column(String(1000), default="")
    position: Mapped[str] = mapped_column(String(100), default="")
    raw: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(String(1000))
    status: Mapped[QuarantineStatus] = mapped_column(
        str_enum(QuarantineStatus), default=QuarantineStatus.OPEN, index=True
    )
    created_at: Mapped[dt.datetime] = created_at()
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
