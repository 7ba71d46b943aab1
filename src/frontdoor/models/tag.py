"""The taxonomy (dimensions and tags) and tag assignments."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import Boolean, Date, Float, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from frontdoor.db.base import Base, BigId, JSONType, UTCDateTime
from frontdoor.models._common import created_at, fk, pk, str_enum, updated_at, workspace_fk


class TagDimension(Base):
    """A dimension of the taxonomy, e.g. product area, request type, sentiment."""

    __tablename__ = "tag_dimension"
    __table_args__ = (UniqueConstraint("workspace_id", "key"),)

    id: Mapped[int] = pk()
    workspace_id: Mapped[int] = workspace_fk()
    key: Mapped[str] = mapped_column(String(64))
    name_ko: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(200), default="")
    # Whether a conversation may carry several tags of this dimension at once.
    multi_label: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)


class TagStatus(enum.StrEnum):
    """Lifecycle of a tag; retired and merged tags keep their history."""

    ACTIVE = "active"
    RETIRED = "retired"
    MERGED = "merged"


class Tag(Base):
    """A node of the taxonomy, addressed by its path (``area/dashboard/export``)."""

    __tablename__ = "tag"
    __table_args__ = (UniqueConstraint("workspace_id", "path"),)

    id: Mapped[int] = pk()
    workspace_id: Mapped[int] = workspace_fk()
    path: Mapped[str] = mapped_column(String(500))
    parent_id: Mapped[int | None] = fk("tag.id")
    dimension_id: Mapped[int] = fk("tag_dimension.id", nullable=False, ondelete="CASCADE")
    name_ko: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    keywords: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # Regular expressions matched against normalized text (rules).
    patterns: Mapped[list[str]] = mapped_column(JSONType, default=list)
    examples: Mapped[list[str]] = mapped_column(JSONType, default=list)
    status: Mapped[TagStatus] = mapped_column(str_enum(TagStatus), default=TagStatus.ACTIVE)
    merged_into_id: Mapped[int | None] = fk("tag.id", index=False)
    created_at: Mapped[dt.datetime] = created_at()
    updated_at: Mapped[dt.datetime] = updated_at()


class Origin(enum.StrEnum):
    """Who proposed an assignment."""

    HUMAN = "human"
    RULE = "rule"
    MODEL = "model"


class AssignmentStatus(enum.StrEnum):
    """Review state of an assignment; only confirmed ones are counted."""

    SUGGESTED = "suggested"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class TagAssignment(Base):
    """A tag on a conversation, or on a quote (a span of one message)."""

    __tablename__ = "tag_assignment"
    __table_args__ = (
        # scope is "" for the whole conversation, "m<id>:<start>-<end>" for a quote;
        # a plain string keeps the key unique on both backends (NULLs would not be).
        UniqueConstraint("conversation_id", "tag_id", "scope"),
        Index("ix_tag_assignment_ws_tag_status", "workspace_id", "tag_id", "status"),
    )

    id: Mapped[int] = pk()
    workspace_id: Mapped[int] = workspace_fk()
    conversation_id: Mapped[int] = fk("conversation.id", nullable=False, ondelete="CASCADE", index=False)
    tag_id: Mapped[int] = fk("tag.id", nullable=False, ondelete="CASCADE", index=False)
    scope: Mapped[str] = mapped_column(String(64), default="")
    message_id: Mapped[int | None] = fk("message.id", ondelete="CASCADE")
    span_start: Mapped[int | None] = mapped_column(Integer, nullable=True)
    span_end: Mapped[int | None] = mapped_column(Integer, nullable=True)
    origin: Mapped[Origin] = mapped_column(str_enum(Origin))
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    status: Mapped[AssignmentStatus] = mapped_column(str_enum(AssignmentStatus))
    model_version: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_by_id: Mapped[int | None] = fk("user_account.id", index=False)
    decided_by_id: Mapped[int | None] = fk("user_account.id", index=False)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[dt.datetime] = created_at()
    updated_at: Mapped[dt.datetime] = updated_at()


class TagDayCount(Base):
    """Whole-conversation assignments per tag, status and conversation open day (UTC).

    Kept by database triggers (migration 0010) in the same transaction as every change to
    ``tag_assignment`` (and to a conversation's ``opened_at`` or its deletion), whatever
    code path or SQL made it: rows are *deltas* (+n/-n), summed when read, so concurrent
    writers only append and never wait on each other. ``compact_tag_counts`` folds them.
    No foreign keys: deltas of a deleted tag or workspace sum to zero.
    """

    __tablename__ = "tag_day_count"
    __table_args__ = (Index("ix_tag_day_count_ws_status_day", "workspace_id", "status", "day"),)

    id: Mapped[int] = pk()
    workspace_id: Mapped[int] = mapped_column(BigId)
    tag_id: Mapped[int] = mapped_column(BigId)
    status: Mapped[str] = mapped_column(String(24))
    # NULL when the conversation was already gone (deleted in the same statement).
    day: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    n: Mapped[int] = mapped_column(Integer)


class TagFact(Base):
    """Every tag assignment with its conversation's open time, account, source and language.

    The insights aggregates (trends, the roadmap board, rising tags) filter assignments by
    exactly these conversation columns; reading them here, from one covering index per tag
    and time range, avoids joining the window's conversations on every cold query. Kept by
    database triggers (migration 0011) in the same transaction as every change to
    ``tag_assignment`` and to those conversation columns, whatever code path or SQL made
    it. No foreign keys: the triggers delete a fact with its assignment.
    """

    __tablename__ = "tag_fact"
    __table_args__ = (
        Index(
            "ix_tag_fact_ws_tag_opened",
            "workspace_id",
            "tag_id",
            "opened_at",
            postgresql_include=["status", "conversation_id", "account_id", "source_id", "language"],
        ),
        Index("ix_tag_fact_conversation", "conversation_id"),
    )

    assignment_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    workspace_id: Mapped[int] = mapped_column(BigId)
    tag_id: Mapped[int] = mapped_column(BigId)
    status: Mapped[str] = mapped_column(String(24))
    conversation_id: Mapped[int] = mapped_column(BigId)
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    account_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    source_id: Mapped[int] = mapped_column(BigId)
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)
