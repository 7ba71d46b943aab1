"""CSRF tokens and login rate limiting."""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from typing import Any

CSRF_KEY = "csrf"


def csrf_token(session: dict[str, Any]) -> str:
    """The CSRF token bound to this browser session (created on first use)."""
    token = session.get(CSRF_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[CSRF_KEY] = token
    return token


def csrf_valid(session: dict[str, Any], submitted: str | None) -> bool:
    """Whether ``submitted`` matches the session's token (constant-time)."""
    expected = session.get(CSRF_KEY)
    if not isinstance(expected, str) or not submitted:
        return False
    return hmac.compare_digest(expected, submitted)


class RateLimiter:
    """Sliding-window limiter: at most ``limit`` events per ``window`` seconds per key.

    In memory, per process: enough to stop password guessing against one server.
    """

    def __init__(self, limit: int = 10, window: float = 300.0) -> None:
        self.limit = limit
        self.window = window
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, *, now: float | None = None) -> bool:
        """Record an attempt; return False when ``key`` is over its limit."""
        now = time.monotonic() if now is None else now
        with self._lock:
            events = self._events.setdefault(key, deque())
            while events and events[0] <= now - self.window:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(now)
            return True

    def reset(self, key: str) -> None:
        """Forget the attempts of ``key`` (after a successful sign-in)."""
        with self._lock:
            self._events.pop(key, None)
