"""Spike alerts: a tag's volume in a window far above what its history predicts."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import Float, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from frontdoor.db.base import Base, JSONType, UTCDateTime
from frontdoor.models._common import created_at, fk, pk, str_enum, workspace_fk


class AlertStatus(enum.StrEnum):
    """Open until someone acknowledges it."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"


class Alert(Base):
    """One spike of one tag in one window (unique per tag and window start).

    ``expected`` is the seasonal baseline for the window, ``p_value`` the chance of at
    least ``observed`` under it. ``examples`` holds up to a few
    ``{"conversation_id", "quote"}`` and ``accounts`` the affected
    ``{"account_id", "name", "arr"}``, copied when the alert fired so it reads the same later.
    """

    __tablename__ = "alert"
    __table_args__ = (UniqueConstraint("workspace_id", "tag_id", "window_start"),)

    id: Mapped[int] = pk()
    workspace_id: Mapped[int] = workspace_fk()
    tag_id: Mapped[int] = fk("tag.id", nullable=False, ondelete="CASCADE")
    window_start: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    window_end: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    observed: Mapped[int] = mapped_column(Integer)
    expected: Mapped[float] = mapped_column(Float)
    p_value: Mapped[float] = mapped_column(Float)
    examples: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    accounts: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    status: Mapped[AlertStatus] = mapped_column(str_enum(AlertStatus), default=AlertStatus.OPEN)
    created_at: Mapped[dt.datetime] = created_at()
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    acknowledged_by: Mapped[int | None] = fk("user_account.id", index=False)
