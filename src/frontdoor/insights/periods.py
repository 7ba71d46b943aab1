"""Portable time buckets (day, week, month) for SQL on SQLite and PostgreSQL.

Buckets are computed in the workspace's UTC offset-free calendar: timestamps are stored in
UTC and bucketed in UTC; a later change can shift by the workspace's timezone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func
from sqlalchemy.sql.elements import ColumnElement

from frontdoor.core.errors import ValidationError

PERIODS = ("day", "week", "month")


def bucket_expr(dialect: str, column: Any, period: str) -> ColumnElement[Any]:
    """A SQL expression giving the ISO date (``YYYY-MM-DD``) that starts ``column``'s bucket.

    Weeks start on Monday.
    """
    if period not in PERIODS:
        raise ValidationError(f"period must be one of {', '.join(PERIODS)}")
    if dialect == "postgresql":
        return func.to_char(func.date_trunc(period, func.timezone("UTC", column)), "YYYY-MM-DD")
    if period == "day":
        return func.strftime("%Y-%m-%d", column)
    if period == "month":
        return func.strftime("%Y-%m-01", column)
    # SQLite: forward to the week's Sunday (same day if Sunday), then back six days to Monday.
    return func.date(column, "weekday 0", "-6 days")


def bucket_start(value: dt.datetime, period: str) -> dt.date:
    """The first day of ``value``'s bucket, computed in Python (for tests and gaps)."""
    day = value.astimezone(dt.UTC).date()
    if period == "day":
        return day
    if period == "week":
        return day - dt.timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    raise ValidationError(f"period must be one of {', '.join(PERIODS)}")
