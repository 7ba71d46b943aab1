"""spike alerts and notifications

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 02:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import frontdoor.db.base

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _json() -> sa.JSON:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "notification",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("workspace_id", _ID, nullable=False),
        sa.Column(
            "channel",
            sa.Enum("slack", "email", name="notificationchannel", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("target", sa.String(length=2000), nullable=False),
        sa.Column("payload", _json(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "sending",
                "sent",
                "failed",
                name="notificationstatus",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=1000), nullable=True),
        sa.Column("created_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("next_attempt_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sent_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_notification_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
        sa.UniqueConstraint(
            "workspace_id", "dedupe_key", name=op.f("uq_notification_workspace_id_dedupe_key")
        ),
    )
    op.create_index(
        "ix_notification_status_next", "notification", ["status", "next_attempt_at"], unique=False
    )
    op.create_index(op.f("ix_notification_workspace_id"), "notification", ["workspace_id"], unique=False)

    op.create_table(
        "alert",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("workspace_id", _ID, nullable=False),
        sa.Column("tag_id", _ID, nullable=False),
        sa.Column("window_start", frontdoor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("window_end", frontdoor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("observed", sa.Integer(), nullable=False),
        sa.Column("expected", sa.Float(), nullable=False),
        sa.Column("p_value", sa.Float(), nullable=False),
        sa.Column("examples", _json(), nullable=False),
        sa.Column("accounts", _json(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("open", "acknowledged", name="alertstatus", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("created_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", _ID, nullable=True),
        sa.ForeignKeyConstraint(
            ["acknowledged_by"],
            ["user_account.id"],
            name=op.f("fk_alert_acknowledged_by_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["tag_id"], ["tag.id"], name=op.f("fk_alert_tag_id_tag"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_alert_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert")),
        sa.UniqueConstraint(
            "workspace_id", "tag_id", "window_start", name=op.f("uq_alert_workspace_id_tag_id_window_start")
        ),
    )
    op.create_index(op.f("ix_alert_tag_id"), "alert", ["tag_id"], unique=False)
    op.create_index(op.f("ix_alert_workspace_id"), "alert", ["workspace_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_alert_workspace_id"), table_name="alert")
    op.drop_index(op.f("ix_alert_tag_id"), table_name="alert")
    op.drop_table("alert")
    op.drop_index(op.f("ix_notification_workspace_id"), table_name="notification")
    op.drop_index("ix_notification_status_next", table_name="notification")
    op.drop_table("notification")
