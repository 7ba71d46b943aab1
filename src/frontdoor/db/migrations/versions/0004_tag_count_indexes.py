"""tag count indexes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 22:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for name, columns in (
        ("ix_tag_assignment_ws_status_tag", ["workspace_id", "status", "tag_id"]),
        ("ix_tag_assignment_conv_status_tag", ["conversation_id", "status", "tag_id"]),
    ):
        op.create_index(
            name,
            "tag_assignment",
            columns,
            postgresql_where=sa.text("scope = ''"),
            sqlite_where=sa.text("scope = ''"),
        )


def downgrade() -> None:
    op.drop_index("ix_tag_assignment_conv_status_tag", table_name="tag_assignment")
    op.drop_index("ix_tag_assignment_ws_status_tag", table_name="tag_assignment")
