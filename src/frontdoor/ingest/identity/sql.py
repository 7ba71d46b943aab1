"""The identity tables and the inserts resolution runs on them: plain, or ignoring unique conflicts."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from frontdoor.models import Account, AccountDomain, Contact, Identity

__all__ = ["ACCOUNT", "CONTACT", "DOMAIN", "IDENTITY", "insert_ignore", "insert_returning", "statement"]

IDENTITY = cast(Table, Identity.__table__)
DOMAIN = cast(Table, AccountDomain.__table__)
CONTACT = cast(Table, Contact.__table__)
ACCOUNT = cast(Table, Account.__table__)


_STATEMENTS: dict[tuple[str, str, str, bool], Any] = {}


def statement(dialect: str, table: Table, returning: Any, ignore: bool) -> Any:
    """``INSERT`` into ``table`` (``ON CONFLICT DO NOTHING`` when ``ignore``), built once and reused."""
    # Built once per (dialect, table, returning): values come as parameters, so the
    # compiled form is reused instead of rebuilt for every row.
    key = (dialect, table.name, getattr(returning, "key", ""), ignore)
    stmt = _STATEMENTS.get(key)
    if stmt is None:
        if ignore:
            ins = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
            stmt = ins.on_conflict_do_nothing()
        else:
            stmt = table.insert()
        if returning is not None:
            stmt = stmt.returning(returning)
        _STATEMENTS[key] = stmt
    return stmt


def insert_ignore(session: Session, table: Table, values: dict[str, Any], returning: Any = None) -> Any:
    """``INSERT ... ON CONFLICT DO NOTHING`` on PostgreSQL or SQLite.

    Returns the ``returning`` column of the new row, or ``None`` when a conflicting row
    already existed (the caller re-selects).
    """
    stmt = statement(session.get_bind().dialect.name, table, returning, True)
    result = session.execute(stmt, values)
    return None if returning is None else result.scalar()


def insert_returning(session: Session, table: Table, values: dict[str, Any], returning: Any) -> Any:
    """A plain ``INSERT`` of one row, returning its ``returning`` column."""
    stmt = statement(session.get_bind().dialect.name, table, returning, False)
    return session.execute(stmt, values).scalar_one()
