"""UTC time buckets (day, week, month) in SQL on SQLite and PostgreSQL (the survey charts).

Timestamps are stored in UTC and bucketed in UTC here. The tag trends cut buckets in the
workspace's timezone instead: :func:`frontdoor.insights.windows.bucket_sql`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlalchemy.sql.elements import ColumnElement

from frontdoor.insights.trends import check_period


def bucket_expr(dialect: str, column: Any, period: str) -> ColumnElement[Any]:
    """A SQL expression giving the ISO date (``YYYY-MM-DD``) that starts ``column``'s bucket.

    Weeks start on Monday.
    """
    check_period(period)
    if dialect == "postgresql":
        return func.to_char(func.date_trunc(period, func.timezone("UTC", column)), "YYYY-MM-DD")
    if period == "day":
        return func.strftime("%Y-%m-%d", column)
    if period == "month":
        return func.strftime("%Y-%m-01", column)
    # SQLite: forward to the week's Sunday (same day if Sunday), then back six days to Monday.
    return func.date(column, "weekday 0", "-6 days")
