"""Column helpers shared by the ORM modules."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import Enum, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from frontdoor.db.base import BigId, UTCDateTime, utcnow


def str_enum(enum_cls: type[enum.StrEnum]) -> Enum:
    """A portable enum column: VARCHAR holding the value, validated in Python."""
    return Enum(
        enum_cls,
        native_enum=False,
        length=24,
        validate_strings=True,
        values_callable=lambda e: [m.value for m in e],
    )


def pk() -> Mapped[int]:
    """An autoincrementing 64-bit primary key (32-bit rowid on SQLite)."""
    return mapped_column(BigId, primary_key=True, autoincrement=True)


def workspace_fk() -> Mapped[int]:
    """The owning workspace: every row belongs to exactly one."""
    return mapped_column(BigId, ForeignKey("workspace.id", ondelete="CASCADE"), index=True)


def fk(target: str, *, nullable: bool = True, ondelete: str = "SET NULL", index: bool = True) -> Any:
    """A foreign key column to ``target`` (``table.column``)."""
    return mapped_column(BigId, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)


def created_at() -> Mapped[dt.datetime]:
    """Creation time, set by the application in UTC."""
    return mapped_column(UTCDateTime, default=utcnow, nullable=False)


def updated_at() -> Mapped[dt.datetime]:
    """Last change time, refreshed on every ORM update."""
    return mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)
