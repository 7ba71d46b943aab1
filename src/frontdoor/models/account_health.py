"""Account health snapshots (history with reasons) and the log of CX pipeline stage changes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Date, Float, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from frontdoor.db.base import Base, JSONType, UTCDateTime
from frontdoor.models._common import created_at, fk, pk, str_enum, workspace_fk
from frontdoor.models.account import PipelineStage


class AccountHealthSnapshot(Base):
    """An account's health on one day, with every signal that made it (for the change reasons)."""

    __tablename__ = "account_health_snapshot"
    # One snapshot per account and day: taking it again the same day replaces it.
    __table_args__ = (UniqueConstraint("account_id", "taken_on"),)

    id: Mapped[int] = pk()
    workspace_id: Mapped[int] = workspace_fk()
    account_id: Mapped[int] = fk("account.id", nullable=False, ondelete="CASCADE", index=False)
    taken_on: Mapped[dt.date] = mapped_column(Date)
    as_of: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    score: Mapped[float] = mapped_column(Float)
    band: Mapped[str] = mapped_column(String(16))
    # [{key, score, weight, value, detail, evidence}] as computed by insights.health.
    signals: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    created_at: Mapped[dt.datetime] = created_at()


class AccountStageChange(Base):
    """One move of an account in the CX pipeline (CSM -> ADR -> AM): who, when, why."""

    __tablename__ = "account_stage_change"
    __table_args__ = (Index("ix_account_stage_change_account_at", "account_id", "changed_at"),)

    id: Mapped[int] = pk()
    workspace_id: Mapped[int] = workspace_fk()
    account_id: Mapped[int] = fk("account.id", nullable=False, ondelete="CASCADE", index=False)
    from_stage: Mapped[PipelineStage | None] = mapped_column(str_enum(PipelineStage), nullable=True)
    to_stage: Mapped[PipelineStage] = mapped_column(str_enum(PipelineStage))
    from_owner_id: Mapped[int | None] = fk("user_account.id", index=False)
    to_owner_id: Mapped[int | None] = fk("user_account.id", index=False)
    changed_by_id: Mapped[int | None] = fk("user_account.id", index=False)
    reason: Mapped[str] = mapped_column(Text, default="")
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
