"""invitations and search indexes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 22:19:21.396970
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import frontdoor.db.base

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _trgm_opclass() -> str:
    """Install pg_trgm once per database (in ``public``) and return its qualified opclass.

    Extensions are database-wide; qualifying the opclass keeps the index working when the
    connection's search_path is another schema (tests, multi-schema deployments).
    """
    bind = op.get_bind()
    bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
    schema = bind.execute(
        sa.text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'pg_trgm'"
        )
    ).scalar_one()
    return f'"{schema}".gin_trgm_ops'


def upgrade() -> None:
    op.create_table(
        "invitation",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("workspace_id", _ID, nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column(
            "role",
            sa.Enum("admin", "cx", "product", "engineer", name="role", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("token_hash", sa.String(length=128), nullable=False),
        sa.Column("invited_by_id", _ID, nullable=True),
        sa.Column("created_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("accepted_user_id", _ID, nullable=True),
        sa.Column("revoked_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["accepted_user_id"],
            ["user_account.id"],
            name=op.f("fk_invitation_accepted_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"],
            ["user_account.id"],
            name=op.f("fk_invitation_invited_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_invitation_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitation")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invitation_token_hash")),
    )
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invitation_workspace_id"), ["workspace_id"], unique=False)
    op.create_index("ix_conversation_ws_opened_id", "conversation", ["workspace_id", "opened_at", "id"])

    if op.get_bind().dialect.name == "postgresql":
        opclass = _trgm_opclass()
        op.execute(f"CREATE INDEX ix_message_text_trgm ON message USING gin (text {opclass})")
        op.execute(f"CREATE INDEX ix_conversation_subject_trgm ON conversation USING gin (subject {opclass})")
    else:
        # Empty placeholders on SQLite (see frontdoor.models.invitation).
        op.execute("CREATE INDEX ix_message_text_trgm ON message (text) WHERE 0")
        op.execute("CREATE INDEX ix_conversation_subject_trgm ON conversation (subject) WHERE 0")


def downgrade() -> None:
    op.drop_index("ix_message_text_trgm", table_name="message")
    op.drop_index("ix_conversation_subject_trgm", table_name="conversation")
    op.drop_index("ix_conversation_ws_opened_id", table_name="conversation")
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitation_workspace_id"))
    op.drop_table("invitation")
