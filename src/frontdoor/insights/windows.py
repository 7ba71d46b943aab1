"""The time window of an aggregate and its buckets, cut in the workspace's timezone.

Buckets (day, week from Monday, month) are labelled in SQL by :func:`bucket_sql`; the
``since``/``until`` filters are whole UTC days, as in the conversation list. The recent
and baseline windows that movers, the roadmap trend and the on-call digest compare are
whole weeks (:func:`recent_windows`).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, DateTime, String, func
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from frontdoor.conversations.filters import ConversationFilters
from frontdoor.core.errors import NotFound
from frontdoor.insights.trends import buckets_between, check_period, local_bucket, local_midnight_utc, zone
from frontdoor.models import Workspace

#: Default windows when no dates are given: buckets back from today (inclusive).
DEFAULT_BUCKETS = {"day": 30, "week": 12, "month": 12}
#: Movers and roadmap trend: the last RECENT_WEEKS complete weeks against the BASELINE_WEEKS before.
RECENT_WEEKS = 4
BASELINE_WEEKS = 8


def workspace_zone(session: Session, workspace_id: int) -> ZoneInfo:
    """The workspace's timezone (buckets and windows are cut in it)."""
    ws = session.get(Workspace, workspace_id)
    if ws is None:
        raise NotFound(f"no workspace {workspace_id}")
    return zone(ws.timezone or "UTC")


def local_today(tz: ZoneInfo, now: dt.datetime | None = None) -> dt.date:
    """Today's date in ``tz``."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(tz).date()


def _sqlite_bucket(value: Any, tz_name: Any, period: Any) -> str | None:
    if value is None:
        return None
    stamp = dt.datetime.fromisoformat(str(value))
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    return local_bucket(stamp, zone(str(tz_name)), str(period)).isoformat()


def bucket_sql(
    session: Session, column: Any, tz: ZoneInfo, period: str, since: dt.date, until: dt.date
) -> ColumnElement[Any]:
    """SQL for the ISO date starting ``column``'s bucket in ``tz``, for values in the window.

    ``since``/``until`` are the window's whole UTC days; ``column`` must lie within them.
    PostgreSQL looks the value up among the UTC instants at which the buckets covering the
    window begin (``width_bucket`` on a sorted array: a binary search, about half the cost
    of converting every row with ``timezone()`` and ``to_char``; the instants come from
    :func:`local_midnight_utc`, so they are DST-correct). SQLite has no timezone support,
    so a deterministic Python function is registered on the connection instead.
    """
    check_period(period)
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        # A UTC day is within one local day either side of it in any timezone.
        starts = buckets_between(since - dt.timedelta(days=1), until + dt.timedelta(days=1), period)
        instants = postgresql.array(
            [local_midnight_utc(b, tz) for b in starts], type_=DateTime(timezone=True)
        )
        labels = postgresql.array([b.isoformat() for b in starts], type_=String())
        return labels[func.width_bucket(column, instants)]
    register_sqlite_bucket(session)
    return func.fd_local_bucket(column, tz.key, period)


def register_sqlite_bucket(session: Session) -> None:
    """Register ``fd_local_bucket`` on the session's SQLite connection (each connection needs it)."""
    raw = session.connection().connection.driver_connection
    if isinstance(raw, sqlite3.Connection):
        raw.create_function("fd_local_bucket", 3, _sqlite_bucket, deterministic=True)


def window(
    period: str, filters: ConversationFilters, tz: ZoneInfo, *, today: dt.date | None = None
) -> tuple[ConversationFilters, dt.date, dt.date]:
    """Filters with a date range filled in (default: the last few buckets up to today)."""
    check_period(period)
    until = filters.until or today or local_today(tz)
    since = filters.since
    if since is None:
        first = buckets_between(until, until, period)[0]
        for _ in range(DEFAULT_BUCKETS[period] - 1):
            first = buckets_between(first - dt.timedelta(days=1), first - dt.timedelta(days=1), period)[0]
        since = first
    return replace(filters, since=since, until=until), since, until


def recent_windows(tz: ZoneInfo, today: dt.date) -> tuple[dt.date, dt.date, dt.date]:
    """``(baseline_start, recent_start, end)`` local days: whole weeks ending before this week."""
    end = today - dt.timedelta(days=today.weekday())
    recent_start = end - dt.timedelta(weeks=RECENT_WEEKS)
    return recent_start - dt.timedelta(weeks=BASELINE_WEEKS), recent_start, end
