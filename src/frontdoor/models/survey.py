"""Survey responses (NPS, CSAT, CES) with the scale each score was given on."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Float, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from frontdoor.core.domain import SurveyKind
from frontdoor.db.base import Base, JSONType, UTCDateTime
from frontdoor.models._common import created_at, fk, pk, str_enum, workspace_fk


class SurveyResponse(Base):
    """One answer; ``scale_min``/``scale_max`` travel with the score (CES is 1-5 or 1-7)."""

    __tablename__ = "survey_response"
    __table_args__ = (
        UniqueConstraint("source_id", "external_id"),
        Index("ix_survey_response_ws_kind_time", "workspace_id", "kind", "responded_at"),
    )

    id: Mapped[int] = pk()
    workspace_id: Mapped[int] = workspace_fk()
    source_id: Mapped[int] = fk("source.id", nullable=False, ondelete="CASCADE", index=False)
    external_id: Mapped[str] = mapped_column(String(200))
    kind: Mapped[SurveyKind] = mapped_column(str_enum(SurveyKind))
    score: Mapped[float] = mapped_column(Float)
    scale_min: Mapped[int] = mapped_column(Integer)
    scale_max: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    account_id: Mapped[int | None] = fk("account.id")
    contact_id: Mapped[int | None] = fk("contact.id")
    conversation_id: Mapped[int | None] = fk("conversation.id")
    team: Mapped[str | None] = mapped_column(String(100), nullable=True)
    agent: Mapped[str | None] = mapped_column(String(200), nullable=True)
    responded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[dt.datetime] = created_at()
