"""routing: route events (predictions and human confirmations) for accuracy and history

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 02:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import frontdoor.db.base

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "route_event",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("workspace_id", _ID, nullable=False),
        sa.Column("conversation_id", _ID, nullable=False),
        sa.Column("route", sa.String(length=64), nullable=False),
        sa.Column(
            "method",
            sa.Enum("rule", "model", "default", "human", name="routemethod", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("rule_name", sa.String(length=200), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("model_version", sa.String(length=64), nullable=True),
        sa.Column("previous_route", sa.String(length=64), nullable=True),
        sa.Column("user_id", _ID, nullable=True),
        sa.Column(
            "attributes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
            name=op.f("fk_route_event_conversation_id_conversation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_route_event_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_route_event_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_route_event")),
    )
    with op.batch_alter_table("route_event", schema=None) as batch_op:
        batch_op.create_index("ix_route_event_conversation", ["conversation_id", "created_at"], unique=False)
        batch_op.create_index("ix_route_event_ws_created", ["workspace_id", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_route_event_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_route_event_workspace_id"), ["workspace_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("route_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_route_event_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_route_event_user_id"))
        batch_op.drop_index("ix_route_event_ws_created")
        batch_op.drop_index("ix_route_event_conversation")

    op.drop_table("route_event")
