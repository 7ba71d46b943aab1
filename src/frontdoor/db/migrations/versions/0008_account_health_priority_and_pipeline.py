"""account health priority and pipeline

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 02:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import frontdoor.db.base

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_STAGE = ("csm", "adr", "am")


def upgrade() -> None:
    op.create_table(
        "account_health_snapshot",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("workspace_id", _ID, nullable=False),
        sa.Column("account_id", _ID, nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("as_of", frontdoor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("band", sa.String(length=16), nullable=False),
        sa.Column(
            "signals",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_account_health_snapshot_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_account_health_snapshot_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_health_snapshot")),
        sa.UniqueConstraint(
            "account_id", "taken_on", name=op.f("uq_account_health_snapshot_account_id_taken_on")
        ),
    )
    with op.batch_alter_table("account_health_snapshot", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_account_health_snapshot_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "account_stage_change",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("workspace_id", _ID, nullable=False),
        sa.Column("account_id", _ID, nullable=False),
        sa.Column(
            "from_stage",
            sa.Enum(*_STAGE, name="pipelinestage", native_enum=False, length=24),
            nullable=True,
        ),
        sa.Column(
            "to_stage",
            sa.Enum(*_STAGE, name="pipelinestage", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("from_owner_id", _ID, nullable=True),
        sa.Column("to_owner_id", _ID, nullable=True),
        sa.Column("changed_by_id", _ID, nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changed_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_account_stage_change_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["user_account.id"],
            name=op.f("fk_account_stage_change_changed_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["from_owner_id"],
            ["user_account.id"],
            name=op.f("fk_account_stage_change_from_owner_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["to_owner_id"],
            ["user_account.id"],
            name=op.f("fk_account_stage_change_to_owner_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_account_stage_change_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_stage_change")),
    )
    with op.batch_alter_table("account_stage_change", schema=None) as batch_op:
        batch_op.create_index(
            "ix_account_stage_change_account_at", ["account_id", "changed_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_account_stage_change_workspace_id"), ["workspace_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("account_stage_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_stage_change_workspace_id"))
        batch_op.drop_index("ix_account_stage_change_account_at")
    op.drop_table("account_stage_change")
    with op.batch_alter_table("account_health_snapshot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_health_snapshot_workspace_id"))
    op.drop_table("account_health_snapshot")
