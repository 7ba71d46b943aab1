"""assignments with their conversation's columns, kept by triggers (tag_fact)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 05:00:00

A cold trend, roadmap board or rising-tags answer joined every conversation of its window
(115 k for 12 weeks at a million conversations) to the tags' assignments: one to seven
seconds on the benchmark. ``tag_fact`` holds one row per assignment with the columns those
answers filter and group by (open time, account, source, language), so they read one
covering index range per tag instead. Triggers keep it exact in the same transaction as
each change:

- INSERT/DELETE of ``tag_assignment`` adds/removes the assignment's fact (with the
  conversation's columns); an UPDATE that changes its tag, status or conversation
  rewrites it (tagging also rewrites confidences, which changes nothing here);
- an UPDATE of a conversation's ``opened_at``, ``account_id``, ``source_id`` or
  ``language`` rewrites its facts (an account deleted sets ``account_id`` NULL that way);
- a deleted conversation first deletes its assignments (trigger of migration 0010).

PostgreSQL uses statement triggers with transition tables (one set-based statement per
statement, bulk loads included); SQLite uses row triggers.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

_COLUMNS = (
    "assignment_id, workspace_id, tag_id, status, conversation_id, opened_at, account_id, source_id, language"
)
_SELECT = (
    "SELECT a.id, a.workspace_id, a.tag_id, a.status, a.conversation_id, "
    "c.opened_at, c.account_id, c.source_id, c.language "
    "FROM {rows} a JOIN conversation c ON c.id = a.conversation_id"
)

_PG_FUNCTIONS = {
    "tag_fact_on_insert": (
        "INSERT",
        "NEW TABLE AS new_rows",
        f"""
        INSERT INTO tag_fact ({_COLUMNS}) {_SELECT.format(rows="new_rows")}
    """,
    ),
    "tag_fact_on_delete": (
        "DELETE",
        "OLD TABLE AS old_rows",
        """
        DELETE FROM tag_fact f USING old_rows o WHERE f.assignment_id = o.id
    """,
    ),
    # Only rows whose fact changed (tagging also rewrites confidences and timestamps).
    "tag_fact_on_update": (
        "UPDATE",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        f"""
        DELETE FROM tag_fact f USING old_rows o JOIN new_rows w ON w.id = o.id
        WHERE f.assignment_id = o.id
          AND (o.workspace_id, o.tag_id, o.status, o.conversation_id)
              IS DISTINCT FROM (w.workspace_id, w.tag_id, w.status, w.conversation_id);
        INSERT INTO tag_fact ({_COLUMNS})
        {_SELECT.format(rows="new_rows")}
        JOIN old_rows o ON o.id = a.id
        WHERE (o.workspace_id, o.tag_id, o.status, o.conversation_id)
              IS DISTINCT FROM (a.workspace_id, a.tag_id, a.status, a.conversation_id)
    """,
    ),
}

_PG_CONVERSATION = """
CREATE FUNCTION tag_fact_conversation_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tag_fact SET opened_at = NEW.opened_at, account_id = NEW.account_id,
                        source_id = NEW.source_id, language = NEW.language
    WHERE conversation_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER tag_fact_conversation_changed
    AFTER UPDATE OF opened_at, account_id, source_id, language ON conversation
    FOR EACH ROW
    WHEN ((OLD.opened_at, OLD.account_id, OLD.source_id, OLD.language)
          IS DISTINCT FROM (NEW.opened_at, NEW.account_id, NEW.source_id, NEW.language))
    EXECUTE FUNCTION tag_fact_conversation_changed();
"""

_SQLITE_TRIGGERS = [
    f"""
CREATE TRIGGER tag_fact_on_insert AFTER INSERT ON tag_assignment
BEGIN
    INSERT INTO tag_fact ({_COLUMNS})
    SELECT NEW.id, NEW.workspace_id, NEW.tag_id, NEW.status, NEW.conversation_id,
           c.opened_at, c.account_id, c.source_id, c.language
    FROM conversation c WHERE c.id = NEW.conversation_id;
END
""",
    """
CREATE TRIGGER tag_fact_on_delete AFTER DELETE ON tag_assignment
BEGIN
    DELETE FROM tag_fact WHERE assignment_id = OLD.id;
END
""",
    f"""
CREATE TRIGGER tag_fact_on_update AFTER UPDATE OF workspace_id, tag_id, status, conversation_id
ON tag_assignment
WHEN OLD.workspace_id IS NOT NEW.workspace_id OR OLD.tag_id IS NOT NEW.tag_id
    OR OLD.status IS NOT NEW.status OR OLD.conversation_id IS NOT NEW.conversation_id
BEGIN
    DELETE FROM tag_fact WHERE assignment_id = OLD.id;
    INSERT INTO tag_fact ({_COLUMNS})
    SELECT NEW.id, NEW.workspace_id, NEW.tag_id, NEW.status, NEW.conversation_id,
           c.opened_at, c.account_id, c.source_id, c.language
    FROM conversation c WHERE c.id = NEW.conversation_id;
END
""",
    """
CREATE TRIGGER tag_fact_conversation_changed
AFTER UPDATE OF opened_at, account_id, source_id, language ON conversation
WHEN OLD.opened_at IS NOT NEW.opened_at OR OLD.account_id IS NOT NEW.account_id
    OR OLD.source_id IS NOT NEW.source_id OR OLD.language IS NOT NEW.language
BEGIN
    UPDATE tag_fact SET opened_at = NEW.opened_at, account_id = NEW.account_id,
                        source_id = NEW.source_id, language = NEW.language
    WHERE conversation_id = NEW.id;
END
""",
]

_TRIGGER_TABLES = {
    "tag_fact_on_insert": "tag_assignment",
    "tag_fact_on_delete": "tag_assignment",
    "tag_fact_on_update": "tag_assignment",
    "tag_fact_conversation_changed": "conversation",
}


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "tag_fact",
        sa.Column("assignment_id", _ID, autoincrement=False, nullable=False),
        sa.Column("workspace_id", _ID, nullable=False),
        sa.Column("tag_id", _ID, nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("conversation_id", _ID, nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("account_id", _ID, nullable=True),
        sa.Column("source_id", _ID, nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.PrimaryKeyConstraint("assignment_id", name=op.f("pk_tag_fact")),
    )
    # What is already there (before the index: one sort instead of 3 M index inserts).
    op.execute(f"INSERT INTO tag_fact ({_COLUMNS}) {_SELECT.format(rows='tag_assignment')}")
    if postgresql:
        op.execute("SET LOCAL maintenance_work_mem = '256MB'")
    op.create_index(
        "ix_tag_fact_ws_tag_opened",
        "tag_fact",
        ["workspace_id", "tag_id", "opened_at"],
        postgresql_include=["status", "conversation_id", "account_id", "source_id", "language"],
    )
    op.create_index("ix_tag_fact_conversation", "tag_fact", ["conversation_id"])
    if postgresql:
        for name, (event, referencing, body) in _PG_FUNCTIONS.items():
            op.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                f"BEGIN\n{body};\nRETURN NULL;\nEND $$"
            )
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON tag_assignment REFERENCING {referencing} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
            )
        op.execute(_PG_CONVERSATION)
    else:
        for statement in _SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name, table in _TRIGGER_TABLES.items():
        op.execute(
            f"DROP TRIGGER IF EXISTS {name} ON {table}" if postgresql else f"DROP TRIGGER IF EXISTS {name}"
        )
        if postgresql:
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.drop_index("ix_tag_fact_conversation", table_name="tag_fact")
    op.drop_index("ix_tag_fact_ws_tag_opened", table_name="tag_fact")
    op.drop_table("tag_fact")
