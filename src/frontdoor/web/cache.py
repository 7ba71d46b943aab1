"""A small per-app cache for expensive workspace aggregates (tag counts and trends).

At a million conversations the taxonomy page's counts and 12-week trends scan over a
million assignment rows; recomputing them on every page view is what makes the page
slow, not the page itself. The app keeps the numbers (never ORM objects) for ``ttl``
seconds per workspace and drops them as soon as a request of this app changes tags or
assignments. Writers in other processes (imports, the tagger) are seen within ``ttl``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from fastapi import Request
from sqlalchemy.orm import Session

T = TypeVar("T")


class StatsCache:
    """Thread-safe TTL cache keyed by ``(workspace_id, name)``."""

    def __init__(self, ttl: float = 60.0) -> None:
        self.ttl = ttl
        self._data: dict[tuple[int, Hashable], tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, workspace_id: int, name: Hashable, compute: Callable[[], T]) -> T:
        """The cached value, or ``compute()`` stored for ``ttl`` seconds."""
        key = (workspace_id, name)
        now = time.monotonic()
        with self._lock:
            hit = self._data.get(key)
            if hit is not None and hit[0] > now:
                return hit[1]
        value = compute()
        with self._lock:
            self._data[key] = (now + self.ttl, value)
        return value

    def invalidate(self, workspace_id: int) -> None:
        """Forget everything about ``workspace_id``."""
        with self._lock:
            for key in [k for k in self._data if k[0] == workspace_id]:
                del self._data[key]


def stats_cache(request: Request) -> StatsCache:
    """The app's cache (created on first use)."""
    cache = getattr(request.app.state, "stats_cache", None)
    if cache is None:
        cache = StatsCache()
        request.app.state.stats_cache = cache
    return cache


def tags_changed(request: Request, workspace_id: int, session: Session | None = None) -> None:
    """Call after a request changed tags or assignments of ``workspace_id``.

    Commits ``session`` first when given: invalidating before the commit would let a
    concurrent page view cache the old numbers again.
    """
    if session is not None:
        session.commit()
    stats_cache(request).invalidate(workspace_id)
