"""Invitations of teammates into a workspace, and the search indexes of the web app."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, String, false, text
from sqlalchemy.orm import Mapped, mapped_column

from frontdoor.db.base import Base, UTCDateTime
from frontdoor.models._common import created_at, fk, pk, str_enum, workspace_fk
from frontdoor.models.conversation import Conversation, Message
from frontdoor.models.tag import TagAssignment
from frontdoor.models.workspace import Role


class Invitation(Base):
    """A single-use, expiring link that lets someone join a workspace with a role.

    Only the SHA-256 of the token is stored: a database leak does not leak usable links.
    """

    __tablename__ = "invitation"

    id: Mapped[int] = pk()
    workspace_id: Mapped[int] = workspace_fk()
    email: Mapped[str] = mapped_column(String(320))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    invited_by_id: Mapped[int | None] = fk("user_account.id", index=False)
    created_at: Mapped[dt.datetime] = created_at()
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    accepted_user_id: Mapped[int | None] = fk("user_account.id", index=False, ondelete="SET NULL")
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


# Keyset pagination of the conversation list walks (opened_at, id) newest first.
Index("ix_conversation_ws_opened_id", Conversation.workspace_id, Conversation.opened_at, Conversation.id)
# Trigram indexes for substring search (Korean has no word boundaries a tsvector could use),
# created with the pg_trgm extension by migration 0002. SQLite has no trigram index type:
# there the index is declared empty (WHERE false) so both schemas match the models at no cost,
# and search falls back to LIKE, which is fine at embedded scale.
Index(
    "ix_message_text_trgm",
    Message.text,
    postgresql_using="gin",
    postgresql_ops={"text": "gin_trgm_ops"},
    sqlite_where=false(),
)
Index(
    "ix_conversation_subject_trgm",
    Conversation.subject,
    postgresql_using="gin",
    postgresql_ops={"subject": "gin_trgm_ops"},
    sqlite_where=false(),
)
# Conversation-level tag counts (taxonomy page, insights) read only this index on PostgreSQL
# (index-only scans), and weekly trends join conversations to it without touching the heap.
Index(
    "ix_tag_assignment_ws_status_tag",
    TagAssignment.workspace_id,
    TagAssignment.status,
    TagAssignment.tag_id,
    postgresql_where=text("scope = ''"),
    sqlite_where=text("scope = ''"),
)
Index(
    "ix_tag_assignment_conv_status_tag",
    TagAssignment.conversation_id,
    TagAssignment.status,
    TagAssignment.tag_id,
    postgresql_where=text("scope = ''"),
    sqlite_where=text("scope = ''"),
)
