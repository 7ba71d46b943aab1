"""Typed in-process events: side effects subscribe here instead of hooking into models.

An event is a frozen dataclass that says what happened. Features emit events; other
features subscribe handlers; :mod:`frontdoor.bootstrap` is the one place that subscribes
them, in order. Two ways to emit, for two kinds of event:

- **after commit**, :func:`emit` ``(store, event)``: handlers run as ``fn(store, event)``,
  synchronously, in subscription order, after the data is committed; a handler that
  raises is logged and does not undo the change or stop the other handlers.
  :class:`ConversationsIngested` is one: tagging, routing and alerts react to it.
- **in the transaction**, :func:`emit_in_session` ``(session, event)``: handlers run as
  ``fn(session, event)`` inside the caller's unit of work, so what they write commits or
  rolls back with it, and an error propagates to the caller.
  :class:`RoadmapItemShipped` is one: close-the-loop drafts its messages with the change.

Example::

    from frontdoor.core import events

    def tag_new(store, event: events.ConversationsIngested) -> None:
        ...

    events.subscribe(events.ConversationsIngested, tag_new)
    events.emit(store, events.ConversationsIngested(workspace_id=1, conversation_ids=(7, 8)))
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # pragma: no cover
    from sqlalchemy.orm import Session

    from frontdoor.core.store import Store

__all__ = [
    "ConversationsIngested",
    "Event",
    "RoadmapItemShipped",
    "emit",
    "emit_in_session",
    "isolated_subscriptions",
    "subscribe",
    "subscribers",
    "unsubscribe",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """Base of every event."""


@dataclass(frozen=True)
class ConversationsIngested(Event):
    """An ingest batch committed: conversations created or changed (emitted after commit).

    ``conversation_ids`` holds new conversations and those with changed fields or new or
    edited messages, ascending.
    """

    workspace_id: int
    conversation_ids: tuple[int, ...]


@dataclass(frozen=True)
class RoadmapItemShipped(Event):
    """A roadmap item was saved in the ``shipped`` state (emitted inside the transaction).

    Emitted when it becomes shipped and on every later save while it stays shipped: its
    linked tags may have changed, so new customers may have asked for it since.
    """

    workspace_id: int
    item_id: int
    shipped_at: dt.datetime | None


E = TypeVar("E", bound=Event)
# fn(store, event) for after-commit events, fn(session, event) for in-transaction ones.
Handler = Callable[[Any, Any], object]
_HANDLERS: dict[type[Event], list[Handler]] = {}


def subscribe(event_type: type[E], handler: Callable[[Any, E], object]) -> None:
    """Call ``handler`` whenever an ``event_type`` is emitted (once per handler, in order)."""
    handlers = _HANDLERS.setdefault(event_type, [])
    if handler not in handlers:
        handlers.append(handler)


def unsubscribe(event_type: type[Event], handler: Handler) -> None:
    """Stop calling ``handler`` for ``event_type`` (no error when it was not subscribed)."""
    handlers = _HANDLERS.get(event_type, [])
    if handler in handlers:
        handlers.remove(handler)


def subscribers(event_type: type[Event]) -> list[Handler]:
    """The handlers of ``event_type``, in call order."""
    return list(_HANDLERS.get(event_type, []))


def emit(store: Store, event: Event) -> None:
    """Call every handler of an after-commit ``event``; failures are logged, not raised."""
    for handler in list(_HANDLERS.get(type(event), [])):
        try:
            handler(store, event)
        except Exception:
            log.exception("event handler %r for %s failed", handler, type(event).__name__)


def emit_in_session(session: Session, event: Event) -> None:
    """Call every handler of an in-transaction ``event`` with ``session``; errors propagate."""
    for handler in list(_HANDLERS.get(type(event), [])):
        handler(session, event)


@contextmanager
def isolated_subscriptions() -> Iterator[None]:
    """Leave the subscriptions as they were found when the block ends (for tests)."""
    saved = {event_type: list(handlers) for event_type, handlers in _HANDLERS.items()}
    try:
        yield
    finally:
        _HANDLERS.clear()
        _HANDLERS.update(saved)
