"""The one clock: aware UTC datetimes (the database stores UTC; pages convert to the workspace zone)."""

from __future__ import annotations

import datetime as dt

__all__ = ["utcnow"]


def utcnow() -> dt.datetime:
    """Return the current time, timezone-aware in UTC."""
    return dt.datetime.now(dt.UTC)
