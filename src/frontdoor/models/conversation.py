"""Conversations (threads from one source) and their messages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from frontdoor.core.domain import AuthorKind, Channel, ConversationStatus
from frontdoor.db.base import Base, JSONType, UTCDateTime
from frontdoor.models._common import created_at, fk, pk, str_enum, updated_at, workspace_fk


class Conversation(Base):
    """One thread from one source, linked to an account and contact when known."""

    __tablename__ = "conversation"
    __table_args__ = (
        UniqueConstraint("source_id", "external_id"),
        Index("ix_conversation_ws_opened", "workspace_id", "opened_at"),
        Index("ix_conversation_ws_account", "workspace_id", "account_id"),
    )

    id: Mapped[int] = pk()
    workspace_id: Mapped[int] = workspace_fk()
    source_id: Mapped[int] = fk("source.id", nullable=False, ondelete="CASCADE", index=False)
    external_id: Mapped[str] = mapped_column(String(200))
    account_id: Mapped[int | None] = fk("account.id", index=False)
    contact_id: Mapped[int | None] = fk("contact.id")
    channel: Mapped[Channel] = mapped_column(str_enum(Channel), default=Channel.OTHER)
    subject: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[ConversationStatus] = mapped_column(
        str_enum(ConversationStatus), default=ConversationStatus.OPEN
    )
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_message_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    message_count: Mapped[int] = mapped_column(Integer, default=0)
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)
    # Destination team (sales, support, self-serve, partnership, or the team's own).
    route: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    route_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    route_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Hash of the source fields we store, so a re-import can tell unchanged from updated.
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[dt.datetime] = created_at()
    updated_at: Mapped[dt.datetime] = updated_at()


class Message(Base):
    """One message of a conversation; ``text`` is normalized and PII-redacted."""

    __tablename__ = "message"
    __table_args__ = (
        UniqueConstraint("source_id", "external_id"),
        Index("ix_message_conversation_sent", "conversation_id", "sent_at"),
    )

    id: Mapped[int] = pk()
    workspace_id: Mapped[int] = workspace_fk()
    conversation_id: Mapped[int] = fk("conversation.id", nullable=False, ondelete="CASCADE", index=False)
    source_id: Mapped[int] = fk("source.id", nullable=False, ondelete="CASCADE", index=False)
    external_id: Mapped[str] = mapped_column(String(200))
    author_kind: Mapped[AuthorKind] = mapped_column(str_enum(AuthorKind))
    author_name: Mapped[str] = mapped_column(String(300), default="")
    contact_id: Mapped[int | None] = fk("contact.id")
    # Internal notes are kept for context but never counted as customer voice.
    is_internal: Mapped[bool] = mapped_column(Boolean, default=False)
    text: Mapped[str] = mapped_column(Text, default="")
    text_truncated: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)
    sent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[dt.datetime] = created_at()
    updated_at: Mapped[dt.datetime] = updated_at()
