"""Sources: configured channels, one adapter key plus its settings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from frontdoor.db.base import Base, JSONType, UTCDateTime
from frontdoor.models._common import created_at, pk, workspace_fk


class Source(Base):
    """One configured channel: an adapter ``kind`` and its checked settings."""

    __tablename__ = "source"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: Mapped[int] = pk()
    workspace_id: Mapped[int] = workspace_fk()
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    settings: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # Shared secret for webhook checks (token or HMAC key); never logged.
    webhook_secret: Mapped[str | None] = mapped_column(String(200), nullable=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    cursor: Mapped[str | None] = mapped_column(String(500), nullable=True)
    last_synced_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[dt.datetime] = created_at()
