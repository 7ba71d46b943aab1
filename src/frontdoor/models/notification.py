"""Outbound notifications: one durable row per message, so nothing is sent twice."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from frontdoor.db.base import Base, JSONType, UTCDateTime
from frontdoor.models._common import created_at, pk, str_enum, workspace_fk


class NotificationChannel(enum.StrEnum):
    """How a notification goes out."""

    SLACK = "slack"
    EMAIL = "email"


class NotificationStatus(enum.StrEnum):
    """Recorded, being sent, sent, or failed (retried while ``next_attempt_at`` is set)."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class Notification(Base):
    """One outbound message, recorded before it is sent.

    ``dedupe_key`` is unique per workspace: recording the same key again sends nothing.
    ``target`` is the Slack webhook URL or the comma-separated email recipients;
    ``payload`` the Slack JSON body or ``{"subject", "text", "html"}``. A ``failed`` row
    with ``next_attempt_at`` set will be retried; without it, it was given up.
    """

    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("workspace_id", "dedupe_key"),
        Index("ix_notification_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[int] = pk()
    workspace_id: Mapped[int] = workspace_fk()
    channel: Mapped[NotificationChannel] = mapped_column(str_enum(NotificationChannel))
    dedupe_key: Mapped[str] = mapped_column(String(200))
    target: Mapped[str] = mapped_column(String(2000))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    status: Mapped[NotificationStatus] = mapped_column(
        str_enum(NotificationStatus), default=NotificationStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    created_at: Mapped[dt.datetime] = created_at()
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
