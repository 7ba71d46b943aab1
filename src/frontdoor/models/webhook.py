"""Webhook deliveries: verified request bodies kept durably until they are ingested."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from frontdoor.db.base import Base, JSONType, UTCDateTime, utcnow
from frontdoor.models._common import fk, pk, str_enum, workspace_fk


class DeliveryStatus(enum.StrEnum):
    """Where a delivery is in its life: stored, being worked on, ingested, or given up."""

    PENDING = "pending"
    PROCESSING = "processing"
    DONE = "done"
    FAILED = "failed"


class WebhookDelivery(Base):
    """One verified webhook request, stored before it is answered.

    ``delivery_id`` is the source's own id for the delivery (or a hash of the body) and
    is unique per source, so a redelivered request stores nothing new. ``body`` is the
    raw request body: UTF-8 text as is, anything else base64 (``body_encoding``).
    ``headers`` keeps only an allow-list of harmless headers: never tokens or signatures.
    A ``failed`` delivery with ``next_attempt_at`` set will be retried; without it, it was
    given up (the reason is in ``last_error`` and the body went to quarantine).
    """

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        UniqueConstraint("source_id", "delivery_id"),
        Index("ix_webhook_delivery_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[int] = pk()
    workspace_id: Mapped[int] = workspace_fk()
    source_id: Mapped[int] = fk("source.id", nullable=False, ondelete="CASCADE", index=False)
    delivery_id: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    headers: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    body: Mapped[str] = mapped_column(Text, default="")
    body_encoding: Mapped[str] = mapped_column(String(8), default="utf-8")
    status: Mapped[DeliveryStatus] = mapped_column(str_enum(DeliveryStatus), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    # When a worker took it; a claim older than the lease is considered abandoned.
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    processed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The ingest summary (counts per entity) of a processed delivery.
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
