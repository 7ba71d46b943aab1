"""Fixtures for delivery tests: the task queue on PostgreSQL, quick inline retries."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from frontdoor.core.store import Store
from frontdoor.notifications import send as notifications
from local_servers import drop_queue, prepare_queue


@pytest.fixture
def queue(store: Store) -> Iterator[Store]:
    """The store with an empty task queue (procrastinate on PostgreSQL, inline on SQLite)."""
    prepare_queue(store)
    yield store
    drop_queue(store)


@pytest.fixture(autouse=True)
def _quick_inline_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    # Tries inside one attempt wait 0 s here; the waits themselves are tested on post_slack.
    monkeypatch.setattr(notifications, "INLINE_BACKOFF", 0.0)
