"""insights aggregates and roadmap

Indexes that let the insight aggregates read indexes only (PostgreSQL index-only scans):

- ``ix_tag_assignment_tag_status_conv``: the conversations of a tag and its descendants
  (tag trends, item quotes), sliced by conversation id range;
- ``ix_tag_assignment_conv_status_tag_all``: every tag of the conversations of a window
  (dimension breakdown, movers, roadmap ranking); unlike 0004's index of the same columns,
  not limited to whole-conversation assignments, because a tag on a quote counts too;
- ``ix_conversation_ws_opened_account``: the conversations of a window with their account.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 02:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_tag_assignment_tag_status_conv", "tag_assignment", ["tag_id", "status", "conversation_id"]),
    ("ix_tag_assignment_conv_status_tag_all", "tag_assignment", ["conversation_id", "status", "tag_id"]),
    ("ix_conversation_ws_opened_account", "conversation", ["workspace_id", "opened_at", "id", "account_id"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
