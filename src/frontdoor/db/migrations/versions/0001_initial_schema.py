"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 22:10:32.390790
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import frontdoor.db.base

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workspace",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("default_language", sa.String(length=8), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column(
            "settings",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workspace")),
        sa.UniqueConstraint("slug", name=op.f("uq_workspace_slug")),
    )
    op.create_table(
        "roadmap_item",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "idea", "planned", "building", "shipped", name="roadmapstatus", native_enum=False, length=24
            ),
            nullable=False,
        ),
        sa.Column("external_url", sa.String(length=1000), nullable=True),
        sa.Column("strategic_weight", sa.Float(), nullable=False),
        sa.Column("shipped_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_roadmap_item_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roadmap_item")),
    )
    with op.batch_alter_table("roadmap_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_roadmap_item_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "source",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "settings",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("webhook_secret", sa.String(length=200), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("cursor", sa.String(length=500), nullable=True),
        sa.Column("last_synced_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_source_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source")),
        sa.UniqueConstraint("workspace_id", "name", name=op.f("uq_source_workspace_id_name")),
    )
    with op.batch_alter_table("source", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_source_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "tag_dimension",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name_ko", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("multi_label", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_tag_dimension_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tag_dimension")),
        sa.UniqueConstraint("workspace_id", "key", name=op.f("uq_tag_dimension_workspace_id_key")),
    )
    with op.batch_alter_table("tag_dimension", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tag_dimension_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "user_account",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "role",
            sa.Enum("admin", "cx", "product", "engineer", name="role", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("product_area", sa.String(length=200), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_user_account_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("workspace_id", "email", name=op.f("uq_user_account_workspace_id_email")),
    )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_account_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "account",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("plan", sa.String(length=64), nullable=True),
        sa.Column("segment", sa.String(length=64), nullable=True),
        sa.Column("arr", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "stage",
            sa.Enum("csm", "adr", "am", name="pipelinestage", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column(
            "attributes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["user_account.id"],
            name=op.f("fk_account_owner_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_account_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account")),
    )
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_account_workspace_id"), ["workspace_id"], unique=False)
        batch_op.create_index("ix_account_ws_name", ["workspace_id", "name"], unique=False)

    op.create_table(
        "api_token",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("token_hash", sa.String(length=128), nullable=False),
        sa.Column(
            "scopes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_api_token_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_api_token_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_token_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_api_token_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "quarantined_record",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("source_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("file", sa.String(length=1000), nullable=False),
        sa.Column("position", sa.String(length=100), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column(
            "status",
            sa.Enum("open", "resolved", name="quarantinestatus", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("created_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["source.id"],
            name=op.f("fk_quarantined_record_source_id_source"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_quarantined_record_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarantined_record")),
    )
    with op.batch_alter_table("quarantined_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quarantined_record_source_id"), ["source_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_quarantined_record_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_quarantined_record_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "tag",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("parent_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("dimension_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name_ko", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "keywords",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "patterns",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "examples",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum("active", "retired", "merged", name="tagstatus", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("merged_into_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dimension_id"],
            ["tag_dimension.id"],
            name=op.f("fk_tag_dimension_id_tag_dimension"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["merged_into_id"], ["tag.id"], name=op.f("fk_tag_merged_into_id_tag"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["tag.id"], name=op.f("fk_tag_parent_id_tag"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_tag_workspace_id_workspace"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tag")),
        sa.UniqueConstraint("workspace_id", "path", name=op.f("uq_tag_workspace_id_path")),
    )
    with op.batch_alter_table("tag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tag_dimension_id"), ["dimension_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tag_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tag_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "account_domain",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_account_domain_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_account_domain_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_domain")),
        sa.UniqueConstraint("workspace_id", "domain", name=op.f("uq_account_domain_workspace_id_domain")),
    )
    with op.batch_alter_table("account_domain", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_domain_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_account_domain_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "contact",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("phone", sa.String(length=64), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("is_decision_maker", sa.Boolean(), nullable=False),
        sa.Column("member_id", sa.String(length=200), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column(
            "attributes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_contact_account_id_account"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_contact_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact")),
        sa.UniqueConstraint("workspace_id", "email", name=op.f("uq_contact_workspace_id_email")),
        sa.UniqueConstraint("workspace_id", "member_id", name=op.f("uq_contact_workspace_id_member_id")),
    )
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contact_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "roadmap_item_tag",
        sa.Column("roadmap_item_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("tag_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["roadmap_item_id"],
            ["roadmap_item.id"],
            name=op.f("fk_roadmap_item_tag_roadmap_item_id_roadmap_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tag.id"], name=op.f("fk_roadmap_item_tag_tag_id_tag"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("roadmap_item_id", "tag_id", name=op.f("pk_roadmap_item_tag")),
    )
    with op.batch_alter_table("roadmap_item_tag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_roadmap_item_tag_tag_id"), ["tag_id"], unique=False)

    op.create_table(
        "conversation",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("source_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("contact_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "channel",
            sa.Enum(
                "chat",
                "email",
                "call",
                "slack",
                "helpdesk",
                "survey",
                "api",
                "other",
                name="channel",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column(
            "status",
            sa.Enum("open", "snoozed", "closed", name="conversationstatus", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("opened_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_message_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("message_count", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("route", sa.String(length=64), nullable=True),
        sa.Column("route_reason", sa.String(length=500), nullable=True),
        sa.Column("route_confirmed", sa.Boolean(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "attributes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_conversation_account_id_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
            name=op.f("fk_conversation_contact_id_contact"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_conversation_source_id_source"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_conversation_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation")),
        sa.UniqueConstraint("source_id", "external_id", name=op.f("uq_conversation_source_id_external_id")),
    )
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conversation_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_conversation_route"), ["route"], unique=False)
        batch_op.create_index(batch_op.f("ix_conversation_workspace_id"), ["workspace_id"], unique=False)
        batch_op.create_index("ix_conversation_ws_account", ["workspace_id", "account_id"], unique=False)
        batch_op.create_index("ix_conversation_ws_opened", ["workspace_id", "opened_at"], unique=False)

    op.create_table(
        "identity",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("source_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("account", "contact", name="identitykind", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("contact_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_identity_account_id_account"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contact.id"], name=op.f("fk_identity_contact_id_contact"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_identity_source_id_source"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_identity_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity")),
        sa.UniqueConstraint(
            "source_id", "kind", "external_id", name=op.f("uq_identity_source_id_kind_external_id")
        ),
    )
    with op.batch_alter_table("identity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_identity_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_identity_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_identity_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "message",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("conversation_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("source_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column(
            "author_kind",
            sa.Enum("customer", "agent", "bot", "system", name="authorkind", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("author_name", sa.String(length=300), nullable=False),
        sa.Column("contact_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("is_internal", sa.Boolean(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_truncated", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("sent_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "attributes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contact.id"], name=op.f("fk_message_contact_id_contact"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
            name=op.f("fk_message_conversation_id_conversation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_message_source_id_source"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_message_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message")),
        sa.UniqueConstraint("source_id", "external_id", name=op.f("uq_message_source_id_external_id")),
    )
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_message_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index("ix_message_conversation_sent", ["conversation_id", "sent_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_message_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "survey_response",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("source_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("nps", "csat", "ces", name="surveykind", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("scale_min", sa.Integer(), nullable=False),
        sa.Column("scale_max", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("contact_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("conversation_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("team", sa.String(length=100), nullable=True),
        sa.Column("agent", sa.String(length=200), nullable=True),
        sa.Column("responded_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "attributes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_survey_response_account_id_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
            name=op.f("fk_survey_response_contact_id_contact"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
            name=op.f("fk_survey_response_conversation_id_conversation"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_survey_response_source_id_source"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_survey_response_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_response")),
        sa.UniqueConstraint(
            "source_id", "external_id", name=op.f("uq_survey_response_source_id_external_id")
        ),
    )
    with op.batch_alter_table("survey_response", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_response_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_survey_response_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_survey_response_conversation_id"), ["conversation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_survey_response_workspace_id"), ["workspace_id"], unique=False)
        batch_op.create_index(
            "ix_survey_response_ws_kind_time", ["workspace_id", "kind", "responded_at"], unique=False
        )

    op.create_table(
        "tag_assignment",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("conversation_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("tag_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("message_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("span_start", sa.Integer(), nullable=True),
        sa.Column("span_end", sa.Integer(), nullable=True),
        sa.Column(
            "origin",
            sa.Enum("human", "rule", "model", name="origin", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "suggested", "confirmed", "rejected", name="assignmentstatus", native_enum=False, length=24
            ),
            nullable=False,
        ),
        sa.Column("model_version", sa.String(length=64), nullable=True),
        sa.Column("created_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("decided_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("decided_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "attributes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", frontdoor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
            name=op.f("fk_tag_assignment_conversation_id_conversation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_tag_assignment_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user_account.id"],
            name=op.f("fk_tag_assignment_decided_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["message.id"],
            name=op.f("fk_tag_assignment_message_id_message"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tag.id"], name=op.f("fk_tag_assignment_tag_id_tag"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_tag_assignment_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tag_assignment")),
        sa.UniqueConstraint(
            "conversation_id", "tag_id", "scope", name=op.f("uq_tag_assignment_conversation_id_tag_id_scope")
        ),
    )
    with op.batch_alter_table("tag_assignment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tag_assignment_message_id"), ["message_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tag_assignment_workspace_id"), ["workspace_id"], unique=False)
        batch_op.create_index(
            "ix_tag_assignment_ws_tag_status", ["workspace_id", "tag_id", "status"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("tag_assignment", schema=None) as batch_op:
        batch_op.drop_index("ix_tag_assignment_ws_tag_status")
        batch_op.drop_index(batch_op.f("ix_tag_assignment_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_tag_assignment_message_id"))

    op.drop_table("tag_assignment")
    with op.batch_alter_table("survey_response", schema=None) as batch_op:
        batch_op.drop_index("ix_survey_response_ws_kind_time")
        batch_op.drop_index(batch_op.f("ix_survey_response_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_survey_response_conversation_id"))
        batch_op.drop_index(batch_op.f("ix_survey_response_contact_id"))
        batch_op.drop_index(batch_op.f("ix_survey_response_account_id"))

    op.drop_table("survey_response")
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_workspace_id"))
        batch_op.drop_index("ix_message_conversation_sent")
        batch_op.drop_index(batch_op.f("ix_message_contact_id"))

    op.drop_table("message")
    with op.batch_alter_table("identity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_identity_contact_id"))
        batch_op.drop_index(batch_op.f("ix_identity_account_id"))

    op.drop_table("identity")
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_index("ix_conversation_ws_opened")
        batch_op.drop_index("ix_conversation_ws_account")
        batch_op.drop_index(batch_op.f("ix_conversation_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_conversation_route"))
        batch_op.drop_index(batch_op.f("ix_conversation_contact_id"))

    op.drop_table("conversation")
    with op.batch_alter_table("roadmap_item_tag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_roadmap_item_tag_tag_id"))

    op.drop_table("roadmap_item_tag")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_contact_account_id"))

    op.drop_table("contact")
    with op.batch_alter_table("account_domain", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_domain_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_account_domain_account_id"))

    op.drop_table("account_domain")
    with op.batch_alter_table("tag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tag_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_tag_parent_id"))
        batch_op.drop_index(batch_op.f("ix_tag_dimension_id"))

    op.drop_table("tag")
    with op.batch_alter_table("quarantined_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quarantined_record_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_quarantined_record_status"))
        batch_op.drop_index(batch_op.f("ix_quarantined_record_source_id"))

    op.drop_table("quarantined_record")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_token_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_api_token_user_id"))

    op.drop_table("api_token")
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_index("ix_account_ws_name")
        batch_op.drop_index(batch_op.f("ix_account_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_account_owner_id"))

    op.drop_table("account")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_account_workspace_id"))

    op.drop_table("user_account")
    with op.batch_alter_table("tag_dimension", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tag_dimension_workspace_id"))

    op.drop_table("tag_dimension")
    with op.batch_alter_table("source", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_source_workspace_id"))

    op.drop_table("source")
    with op.batch_alter_table("roadmap_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_roadmap_item_workspace_id"))

    op.drop_table("roadmap_item")
    op.drop_table("workspace")
