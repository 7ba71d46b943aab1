"""The stats cache: fresh hits, stale-while-revalidate, invalidation, bounded size."""

from __future__ import annotations

import threading

from fastapi.testclient import TestClient
from sqlalchemy import update
from webseed import seed, token_for

from frontdoor.core.store import Store
from frontdoor.models import AssignmentStatus, TagAssignment, Workspace
from frontdoor.web.app import create_app
from frontdoor.web.cache import StatsCache


class Counter:
    """A compute function that returns 1, 2, 3, ... and counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls


def test_fresh_values_are_reused_and_invalidation_drops_them() -> None:
    cache = StatsCache(ttl=3600)
    compute = Counter()
    assert cache.get(1, "a", compute) == 1
    assert cache.get(1, "a", compute) == 1
    assert cache.get(2, "a", compute) == 2  # another workspace, another value
    cache.invalidate(1)
    assert cache.get(1, "a", compute) == 3
    assert cache.get(2, "a", compute) == 2
    assert compute.calls == 3


def test_stale_value_is_served_while_one_refresh_runs() -> None:
    cache = StatsCache(ttl=0, max_stale=3600)
    assert cache.get(1, "a", lambda: "old") == "old"
    release = threading.Event()
    refreshes = Counter()

    def refresh() -> str:
        refreshes()
        release.wait(30)
        return "new"

    def never() -> str:
        raise AssertionError("a stale hit with a refresh must not compute synchronously")

    assert cache.get(1, "a", never, refresh) == "old"
    assert cache.get(1, "a", never, refresh) == "old"  # still running: not started twice
    release.set()
    assert cache.join(30)
    assert refreshes.calls == 1
    # ttl 0: the refreshed value is stale at once, but it is the one served now.
    release.clear()
    assert cache.get(1, "a", never, refresh) == "new"
    release.set()
    assert cache.join(30)


def test_without_refresh_or_too_stale_the_request_recomputes() -> None:
    cache = StatsCache(ttl=0, max_stale=3600)
    compute = Counter()
    assert cache.get(1, "a", compute) == 1
    assert cache.get(1, "a", compute) == 2  # stale and no refresh given
    too_stale = StatsCache(ttl=0, max_stale=0)
    assert too_stale.get(1, "a", lambda: "old") == "old"
    assert too_stale.get(1, "a", lambda: "now", lambda: "background") == "now"
    assert too_stale.join(30)


def test_a_refresh_started_before_a_change_is_not_kept() -> None:
    cache = StatsCache(ttl=0, max_stale=3600)
    cache.get(1, "a", lambda: "old")
    release = threading.Event()

    def refresh() -> str:
        release.wait(30)
        return "read before the change"

    assert cache.get(1, "a", lambda: "unused", refresh) == "old"
    cache.invalidate(1)  # the app changed tags while the refresh was reading
    release.set()
    assert cache.join(30)
    assert cache.get(1, "a", lambda: "after the change") == "after the change"


def test_failed_refresh_keeps_serving_the_stale_value() -> None:
    cache = StatsCache(ttl=0, max_stale=3600)
    cache.get(1, "a", lambda: "old")

    def broken() -> str:
        raise RuntimeError("database went away")

    assert cache.get(1, "a", lambda: "unused", broken) == "old"
    assert cache.join(30)
    assert cache.get(1, "a", lambda: "unused", lambda: "new") == "old"
    assert cache.join(30)
    assert cache.get(1, "a", lambda: "unused", lambda: "unused") == "new"
    assert cache.join(30)


def test_size_is_bounded_least_recently_used_first() -> None:
    cache = StatsCache(ttl=3600, max_entries=3)
    for name in ("a", "b", "c"):
        cache.get(1, name, lambda name=name: name)
    cache.get(1, "a", lambda: "recomputed")  # a is now the most recently used
    cache.get(1, "d", lambda: "d")
    assert len(cache) == 3
    assert cache.get(1, "a", lambda: "recomputed") == "a"
    assert cache.get(1, "b", lambda: "b again") == "b again"  # b was the least recently used
    many = StatsCache(ttl=0, max_stale=0, max_entries=2)
    for i in range(50):
        many.get(1, i, lambda i=i: i)
    assert len(many) == 2


def test_app_serves_stale_trend_then_the_refreshed_one(store: Store, workspace: Workspace) -> None:
    """A write of another process shows after the background refresh; the request never waits."""
    ids = seed(store, workspace_id=workspace.id)
    token = token_for(store, workspace_id=workspace.id, scopes=["read"])
    params = {"since": "2026-10-26", "until": "2026-11-08", "tag_id": ids.tag_refund_id}
    headers = {"Authorization": f"Bearer {token}"}
    app = create_app(store)
    with TestClient(app) as client:
        cache = StatsCache(ttl=0, max_stale=3600)
        app.state.stats_cache = cache

        def refunds() -> int:
            body = client.get("/api/v1/insights/trend", params=params, headers=headers)
            assert body.status_code == 200, body.text
            return int(body.json()["totals"]["conversations"])

        assert refunds() == 0
        with store.session() as s:  # as an import or the tagger would: not through the app
            s.execute(
                update(TagAssignment)
                .where(
                    TagAssignment.conversation_id == ids.refund_conversation_id,
                    TagAssignment.tag_id == ids.tag_refund_id,
                )
                .values(status=AssignmentStatus.CONFIRMED)
            )
        assert refunds() == 0  # stale value served, refresh started
        assert cache.join(30)
        assert refunds() == 1
        assert cache.join(30)
        listed = client.get("/api/v1/conversations", params=params, headers=headers).json()["items"]
        assert len(listed) == 1
