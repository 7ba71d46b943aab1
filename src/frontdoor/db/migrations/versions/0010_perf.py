"""tag counts kept by triggers (tag_day_count)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 03:00:00

The taxonomy page needs conversation counts per tag and weekly trends. Aggregating
``tag_assignment`` for that reads every assignment of the workspace (1.3 M rows at a
million conversations: over a second). ``tag_day_count`` holds the same numbers per tag,
status and conversation open day, kept by triggers in the same transaction as each
change, so no code path (services, bulk SQL, cascades) can leave it wrong:

- any INSERT/UPDATE/DELETE of ``tag_assignment`` appends +n/-n delta rows for
  whole-conversation assignments (``scope = ''``), with the day of the conversation's
  ``opened_at`` (UTC); an update that changes nothing counted appends nothing;
- a change of a conversation's open day moves its counts to the new day;
- before a conversation is deleted its assignments are deleted (the cascade would do it
  a moment later), so their deltas still find the conversation's day.

PostgreSQL uses statement triggers with transition tables (one grouped INSERT per
statement, bulk loads included); SQLite uses row triggers.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# Rows of a transition table (or OLD/NEW) with the open day of their conversation.
_PG_DELTAS = """
    SELECT a.workspace_id, a.tag_id, a.status, (c.opened_at AT TIME ZONE 'UTC')::date AS day, {sign} AS n
    FROM {rows} a LEFT JOIN conversation c ON c.id = a.conversation_id
    WHERE a.scope = ''
"""

_PG_FUNCTIONS = {
    "tag_day_count_on_insert": f"""
        INSERT INTO tag_day_count (workspace_id, tag_id, status, day, n)
        SELECT workspace_id, tag_id, status, day, sum(n) FROM ({_PG_DELTAS.format(sign=1, rows="new_rows")}) d
        GROUP BY workspace_id, tag_id, status, day
    """,
    "tag_day_count_on_delete": f"""
        INSERT INTO tag_day_count (workspace_id, tag_id, status, day, n)
        SELECT workspace_id, tag_id, status, day, sum(n) FROM ({_PG_DELTAS.format(sign=-1, rows="old_rows")}) d
        GROUP BY workspace_id, tag_id, status, day
    """,
    # Only rows whose counted columns changed (tagging also rewrites confidences).
    "tag_day_count_on_update": """
        INSERT INTO tag_day_count (workspace_id, tag_id, status, day, n)
        SELECT a.workspace_id, a.tag_id, a.status, (c.opened_at AT TIME ZONE 'UTC')::date, sum(a.sign)
        FROM old_rows o JOIN new_rows w ON w.id = o.id
        CROSS JOIN LATERAL (VALUES
            (o.workspace_id, o.conversation_id, o.tag_id, o.scope, o.status, -1),
            (w.workspace_id, w.conversation_id, w.tag_id, w.scope, w.status, 1)
        ) AS a(workspace_id, conversation_id, tag_id, scope, status, sign)
        LEFT JOIN conversation c ON c.id = a.conversation_id
        WHERE (o.workspace_id, o.conversation_id, o.tag_id, o.scope, o.status)
              IS DISTINCT FROM (w.workspace_id, w.conversation_id, w.tag_id, w.scope, w.status)
          AND a.scope = ''
        GROUP BY 1, 2, 3, 4
        HAVING sum(a.sign) <> 0
    """,
}

_PG_STATEMENT_TRIGGERS = {
    "tag_day_count_on_insert": ("INSERT", "NEW TABLE AS new_rows"),
    "tag_day_count_on_delete": ("DELETE", "OLD TABLE AS old_rows"),
    "tag_day_count_on_update": ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
}

_PG_CONVERSATION = """
CREATE FUNCTION tag_day_count_conversation_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO tag_day_count (workspace_id, tag_id, status, day, n)
    SELECT a.workspace_id, a.tag_id, a.status, d.day, d.sign * count(*)
    FROM tag_assignment a
    CROSS JOIN (VALUES ((OLD.opened_at AT TIME ZONE 'UTC')::date, -1),
                       ((NEW.opened_at AT TIME ZONE 'UTC')::date, 1)) AS d(day, sign)
    WHERE a.conversation_id = NEW.id AND a.scope = ''
    GROUP BY a.workspace_id, a.tag_id, a.status, d.day, d.sign;
    RETURN NULL;
END $$;
CREATE TRIGGER tag_day_count_conversation_moved AFTER UPDATE OF opened_at ON conversation
    FOR EACH ROW
    WHEN ((OLD.opened_at AT TIME ZONE 'UTC')::date IS DISTINCT FROM (NEW.opened_at AT TIME ZONE 'UTC')::date)
    EXECUTE FUNCTION tag_day_count_conversation_moved();
CREATE FUNCTION tag_day_count_conversation_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM tag_assignment WHERE conversation_id = OLD.id;
    RETURN OLD;
END $$;
CREATE TRIGGER tag_day_count_conversation_deleted BEFORE DELETE ON conversation
    FOR EACH ROW EXECUTE FUNCTION tag_day_count_conversation_deleted();
"""

_SQLITE_DAY = "date({col})"  # SQLite keeps UTC timestamps as 'YYYY-MM-DD HH:MM:SS...'

_SQLITE_TRIGGERS = [
    """
CREATE TRIGGER tag_day_count_on_insert AFTER INSERT ON tag_assignment WHEN NEW.scope = ''
BEGIN
    INSERT INTO tag_day_count (workspace_id, tag_id, status, day, n)
    VALUES (NEW.workspace_id, NEW.tag_id, NEW.status,
            (SELECT date(c.opened_at) FROM conversation c WHERE c.id = NEW.conversation_id), 1);
END
""",
    """
CREATE TRIGGER tag_day_count_on_delete AFTER DELETE ON tag_assignment WHEN OLD.scope = ''
BEGIN
    INSERT INTO tag_day_count (workspace_id, tag_id, status, day, n)
    VALUES (OLD.workspace_id, OLD.tag_id, OLD.status,
            (SELECT date(c.opened_at) FROM conversation c WHERE c.id = OLD.conversation_id), -1);
END
""",
    """
CREATE TRIGGER tag_day_count_on_update AFTER UPDATE OF workspace_id, conversation_id, tag_id, scope, status
ON tag_assignment
WHEN OLD.workspace_id IS NOT NEW.workspace_id OR OLD.conversation_id IS NOT NEW.conversation_id
    OR OLD.tag_id IS NOT NEW.tag_id OR OLD.scope IS NOT NEW.scope OR OLD.status IS NOT NEW.status
BEGIN
    INSERT INTO tag_day_count (workspace_id, tag_id, status, day, n)
    SELECT OLD.workspace_id, OLD.tag_id, OLD.status,
           (SELECT date(c.opened_at) FROM conversation c WHERE c.id = OLD.conversation_id), -1
    WHERE OLD.scope = '';
    INSERT INTO tag_day_count (workspace_id, tag_id, status, day, n)
    SELECT NEW.workspace_id, NEW.tag_id, NEW.status,
           (SELECT date(c.opened_at) FROM conversation c WHERE c.id = NEW.conversation_id), 1
    WHERE NEW.scope = '';
END
""",
    """
CREATE TRIGGER tag_day_count_conversation_moved AFTER UPDATE OF opened_at ON conversation
WHEN date(OLD.opened_at) IS NOT date(NEW.opened_at)
BEGIN
    INSERT INTO tag_day_count (workspace_id, tag_id, status, day, n)
    SELECT a.workspace_id, a.tag_id, a.status, date(OLD.opened_at), -count(*)
    FROM tag_assignment a WHERE a.conversation_id = NEW.id AND a.scope = ''
    GROUP BY a.workspace_id, a.tag_id, a.status;
    INSERT INTO tag_day_count (workspace_id, tag_id, status, day, n)
    SELECT a.workspace_id, a.tag_id, a.status, date(NEW.opened_at), count(*)
    FROM tag_assignment a WHERE a.conversation_id = NEW.id AND a.scope = ''
    GROUP BY a.workspace_id, a.tag_id, a.status;
END
""",
    """
CREATE TRIGGER tag_day_count_conversation_deleted BEFORE DELETE ON conversation
BEGIN
    DELETE FROM tag_assignment WHERE conversation_id = OLD.id;
END
""",
]

_TRIGGER_TABLES = {
    "tag_day_count_on_insert": "tag_assignment",
    "tag_day_count_on_delete": "tag_assignment",
    "tag_day_count_on_update": "tag_assignment",
    "tag_day_count_conversation_moved": "conversation",
    "tag_day_count_conversation_deleted": "conversation",
}


def upgrade() -> None:
    op.create_table(
        "tag_day_count",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("workspace_id", _ID, nullable=False),
        sa.Column("tag_id", _ID, nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tag_day_count")),
    )
    op.create_index("ix_tag_day_count_ws_status_day", "tag_day_count", ["workspace_id", "status", "day"])
    if op.get_bind().dialect.name == "postgresql":
        day = "(c.opened_at AT TIME ZONE 'UTC')::date"
        for name, body in _PG_FUNCTIONS.items():
            op.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                f"BEGIN\n{body};\nRETURN NULL;\nEND $$"
            )
            event, referencing = _PG_STATEMENT_TRIGGERS[name]
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON tag_assignment REFERENCING {referencing} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
            )
        op.execute(_PG_CONVERSATION)
    else:
        day = _SQLITE_DAY.format(col="c.opened_at")
        for statement in _SQLITE_TRIGGERS:
            op.execute(statement)
    # What is already there, in one row per key.
    op.execute(
        "INSERT INTO tag_day_count (workspace_id, tag_id, status, day, n) "
        f"SELECT a.workspace_id, a.tag_id, a.status, {day}, count(*) "
        "FROM tag_assignment a LEFT JOIN conversation c ON c.id = a.conversation_id "
        f"WHERE a.scope = '' GROUP BY a.workspace_id, a.tag_id, a.status, {day}"
    )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name, table in _TRIGGER_TABLES.items():
        op.execute(
            f"DROP TRIGGER IF EXISTS {name} ON {table}" if postgresql else f"DROP TRIGGER IF EXISTS {name}"
        )
        if postgresql:
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.drop_index("ix_tag_day_count_ws_status_day", table_name="tag_day_count")
    op.drop_table("tag_day_count")
