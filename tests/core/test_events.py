"""Typed events: after-commit handlers are isolated from each other, in-transaction ones are not."""

from __future__ import annotations

from typing import Any

import pytest

from frontdoor.core import events
from frontdoor.core.events import ConversationsIngested, RoadmapItemShipped


def test_after_commit_handlers_run_in_order_and_a_failure_stops_nobody() -> None:
    seen: list[tuple[str, ConversationsIngested]] = []

    def first(_store: Any, event: ConversationsIngested) -> None:
        seen.append(("first", event))

    def broken(_store: Any, _event: ConversationsIngested) -> None:
        raise RuntimeError("boom")

    def last(_store: Any, event: ConversationsIngested) -> None:
        seen.append(("last", event))

    for handler in (first, broken, last, first):  # subscribing twice changes nothing
        events.subscribe(ConversationsIngested, handler)
    assert events.subscribers(ConversationsIngested) == [first, broken, last]
    event = ConversationsIngested(workspace_id=1, conversation_ids=(4, 5))
    events.emit(object(), event)  # type: ignore[arg-type]
    assert seen == [("first", event), ("last", event)]


def test_in_transaction_handlers_get_the_session_and_their_errors_propagate() -> None:
    got: list[object] = []
    session = object()

    def draft(s: Any, event: RoadmapItemShipped) -> None:
        got.append(s)
        raise ValueError(f"template broken for item {event.item_id}")

    events.subscribe(RoadmapItemShipped, draft)
    with pytest.raises(ValueError, match="item 9"):
        events.emit_in_session(session, RoadmapItemShipped(1, 9, shipped_at=None))  # type: ignore[arg-type]
    assert got == [session]


def test_isolated_subscriptions_restore_what_was_there() -> None:
    def handler(_store: Any, _event: ConversationsIngested) -> None:
        pass

    before = events.subscribers(ConversationsIngested)
    with events.isolated_subscriptions():
        events.subscribe(ConversationsIngested, handler)
        assert handler in events.subscribers(ConversationsIngested)
    assert events.subscribers(ConversationsIngested) == before
    # Other event types are not mixed up with this one.
    assert handler not in events.subscribers(RoadmapItemShipped)
