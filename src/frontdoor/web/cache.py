"""A small per-app cache for expensive workspace aggregates (tag counts, trends, the roadmap).

At a million conversations the taxonomy page's counts, the 12-week trends and the roadmap
ranking scan hundreds of thousands of assignment rows (up to seconds on a loaded host);
recomputing them on every page view is what makes the pages slow, not the pages
themselves. The app keeps the numbers (never ORM objects) per workspace.

Freshness contract:

- A value is **fresh** for ``ttl`` seconds (60) after it was computed and is served as is.
- A request of this app that changes tags, assignments or roadmap links calls
  :func:`tags_changed`, which drops the workspace's values at once: the next view (the
  editor's own included) recomputes them synchronously, and a computation that started
  before the change is not stored (a generation counter per workspace).
- After ``ttl`` a value is **stale**. When the caller gave a ``refresh`` function (one that
  opens its own session), the stale value is still served and one background thread
  recomputes it (stale-while-revalidate), so nobody waits for the recomputation. Without
  ``refresh``, or when the value is more than ``max_stale`` seconds past its ``ttl``, or
  when the refresh keeps failing that long, the request recomputes synchronously as before.
  So writes of other processes (imports, the tagger) show within ``ttl`` plus one
  recomputation, and never later than ``ttl + max_stale``.
- At most ``max_entries`` values are kept (least recently used dropped first); values past
  their stale limit are dropped whenever the cache is full, so many filter combinations
  cannot make it grow without bound.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import Request
from sqlalchemy.orm import Session

T = TypeVar("T")
log = logging.getLogger(__name__)

Key = tuple[int, Hashable]


@dataclass
class _Entry:
    expires: float
    value: Any
    generation: int


class StatsCache:
    """Thread-safe bounded TTL cache keyed by ``(workspace_id, name)``, with stale-while-revalidate.

    Parameters
    ----------
    ttl : float
        Seconds a value is fresh.
    max_stale : float
        Seconds past ``ttl`` a value may still be served while a refresh runs.
    max_entries : int
        Values kept at most (least recently used dropped first).
    max_refreshes : int
        Background refreshes running at once; more stale hits wait for a free slot
        (they are still served the stale value).
    """

    def __init__(
        self, ttl: float = 60.0, *, max_stale: float = 600.0, max_entries: int = 2000, max_refreshes: int = 2
    ) -> None:
        self.ttl = ttl
        self.max_stale = max_stale
        self.max_entries = max_entries
        self.max_refreshes = max_refreshes
        self._data: OrderedDict[Key, _Entry] = OrderedDict()
        self._generation: dict[int, int] = {}
        self._refreshing: set[Key] = set()
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)

    def __len__(self) -> int:
        with self._lock:
            return len(self._data)

    def get(
        self,
        workspace_id: int,
        name: Hashable,
        compute: Callable[[], T],
        refresh: Callable[[], T] | None = None,
    ) -> T:
        """The cached value, or ``compute()`` stored for ``ttl`` seconds.

        ``refresh`` recomputes the value without the caller's session (it runs in a
        background thread); given, a stale value is served while it runs.
        """
        key: Key = (workspace_id, name)
        now = time.monotonic()
        with self._lock:
            generation = self._generation.get(workspace_id, 0)
            hit = self._data.get(key)
            if hit is not None and hit.generation == generation:
                if hit.expires > now:
                    self._data.move_to_end(key)
                    return hit.value
                if refresh is not None and hit.expires + self.max_stale > now:
                    self._data.move_to_end(key)
                    if key not in self._refreshing and len(self._refreshing) < self.max_refreshes:
                        self._refreshing.add(key)
                        threading.Thread(
                            target=self._refresh,
                            args=(key, refresh, generation),
                            name="stats-cache-refresh",
                            daemon=True,
                        ).start()
                    return hit.value
        value = compute()
        self._store(key, value, generation, now)
        return value

    def _refresh(self, key: Key, refresh: Callable[[], Any], generation: int) -> None:
        try:
            started = time.monotonic()
            value = refresh()
            self._store(key, value, generation, started)
        except Exception:
            # The stale value stays (until max_stale); the next stale hit tries again.
            log.exception("stats cache: background refresh of %r failed", key)
        finally:
            with self._lock:
                self._refreshing.discard(key)
                self._idle.notify_all()

    def join(self, timeout: float | None = None) -> bool:
        """Wait until no background refresh runs (tests, benchmarks); False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: not self._refreshing, timeout)

    def _store(self, key: Key, value: Any, generation: int, started: float) -> None:
        """Keep ``value`` unless the workspace changed since it was computed; bound the size."""
        with self._lock:
            if self._generation.get(key[0], 0) != generation:
                return  # computed from data older than a change of this app: not kept
            self._data[key] = _Entry(started + self.ttl, value, generation)
            self._data.move_to_end(key)
            if len(self._data) > self.max_entries:
                now = time.monotonic()
                for k in [k for k, e in self._data.items() if e.expires + self.max_stale <= now]:
                    del self._data[k]
                while len(self._data) > self.max_entries:
                    self._data.popitem(last=False)

    def invalidate(self, workspace_id: int) -> None:
        """Forget everything about ``workspace_id`` (and discard computations already running)."""
        with self._lock:
            self._generation[workspace_id] = self._generation.get(workspace_id, 0) + 1
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
