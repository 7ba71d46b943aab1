"""Bulk row writes for PostgreSQL: COPY and preallocated ids.

The ingest pipeline stores thousands of rows per transaction. A Core executemany sends
them as pipelined one-row INSERTs (or, with RETURNING, as huge multi-row statements that
the driver re-parses in Python every time); ``COPY ... FROM STDIN`` streams the same rows
in one command, which is several times cheaper on both sides::

    ids = next_ids(session, table, len(rows))      # ids first, so no RETURNING is needed
    copy_rows(session, table, [{**r, "id": i} for r, i in zip(rows, ids)])

Both run inside the session's transaction. Columns the rows do not mention get their
Python-side ``default`` exactly as a Core INSERT would give them; columns with a server
default are left to the server.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Column, Enum, Table, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

__all__ = ["copy_rows", "next_ids"]


def _enum_value(value: Any) -> Any:
    # psycopg would dump an Enum by its *name*; the columns hold the value.
    return value.value if isinstance(value, enum.Enum) else value


def _default_of(column: Column[Any]) -> tuple[bool, Any]:
    """``(True, value)`` for a column's Python-side insert default, ``(False, None)`` if none."""
    default = column.default
    if default is None:
        return False, None
    if default.is_scalar:
        return True, default.arg  # type: ignore[attr-defined]
    if default.is_callable:
        # SQLAlchemy wraps callables to take an execution context; ours ignore it.
        return True, default.arg(None)  # type: ignore[attr-defined]
    raise ValueError(f"{column} has a SQL-expression default; COPY cannot apply it")


def copy_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` into ``table`` with one PostgreSQL ``COPY`` in the session's transaction.

    Parameters
    ----------
    session : Session
        A session bound to PostgreSQL (psycopg 3).
    table : Table
        The target table.
    rows : sequence of dict
        Column key to value; every row has the keys of the first. Enum members are stored
        by value and JSON columns are sent as JSONB, as a Core INSERT would.

    Raises
    ------
    ValueError
        When a column missing from the rows has a SQL-expression default.
    """
    if not rows:
        return
    from psycopg import sql
    from psycopg.types.json import Jsonb

    dialect = session.get_bind().dialect
    given = list(rows[0])
    defaults: dict[str, Any] = {}
    for column in table.columns:
        if column.key in rows[0] or column.server_default is not None:
            continue
        has, value = _default_of(column)
        if has:
            defaults[column.key] = value
    keys = given + list(defaults)
    converters: list[Callable[[Any], Any] | None] = []
    for key in keys:
        column_type = table.c[key].type
        if isinstance(column_type.dialect_impl(dialect), JSONB):
            converters.append(Jsonb)
        elif isinstance(column_type, Enum):
            converters.append(_enum_value)
        else:
            converters.append(None)
    names = [table.c[k].name for k in keys]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(*([table.schema] if table.schema else []), table.name),
        sql.SQL(", ").join(sql.Identifier(n) for n in names),
    )
    convert = [(i, conv) for i, conv in enumerate(converters[: len(given)]) if conv is not None]
    tail = [
        value if conv is None else conv(value)
        for value, conv in zip(defaults.values(), converters[len(given) :], strict=True)
    ]
    raw = session.connection().connection.driver_connection
    if raw is None:  # pragma: no cover - an open session always has a driver connection
        raise RuntimeError("no database connection")
    with raw.cursor() as cur, cur.copy(statement) as copy:
        write = copy.write_row
        for row in rows:
            values = [row[k] for k in given]
            for i, conv in convert:
                values[i] = conv(values[i])
            write(values + tail)


def next_ids(session: Session, table: Table, n: int) -> list[int]:
    """Take ``n`` values from the sequence behind ``table.id`` (PostgreSQL) in one round trip.

    Rows copied with these ids need no ``RETURNING``; the sequence never hands an id out
    twice, so concurrent writers cannot collide.
    """
    if n <= 0:
        return []
    name = f"{table.schema}.{table.name}" if table.schema else table.name
    stmt = text(
        "WITH s AS (SELECT CAST(pg_get_serial_sequence(:t, 'id') AS regclass) AS seq) "
        "SELECT nextval(s.seq) FROM s, generate_series(1, :n)"
    )
    return [int(i) for i in session.execute(stmt, {"t": name, "n": n}).scalars()]
