"""CSRF tokens, login rate limiting and the security headers of every response."""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

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


# No third-party origins at all: pages work offline and injected markup cannot load scripts.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'"
)


async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    """HTTP middleware: the headers every response carries (unless a route set its own)."""
    response = await call_next(request)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    return response
