"""In-process events: side effects subscribe here instead of hooking into models.

The ingest pipeline emits :data:`CONVERSATIONS_INGESTED` after each committed batch
with the ids of the conversations it created or changed (new conversations, changed
fields, new or edited messages). Tagging, routing and alerts subscribe::

    from frontdoor.services import events

    def tag_new(store, *, workspace_id, conversation_ids):
        ...

    events.subscribe(events.CONVERSATIONS_INGESTED, tag_new)

Handlers run synchronously, in subscription order, after the data is committed; a
handler that raises is logged and does not undo the import or stop other handlers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from frontdoor.core.store import Store

__all__ = [
    "CONVERSATIONS_INGESTED",
    "emit",
    "on_conversations_ingested",
    "subscribe",
    "subscribers",
    "unsubscribe",
]

log = logging.getLogger(__name__)

CONVERSATIONS_INGESTED = "conversations_ingested"

Handler = Callable[..., Any]
_HANDLERS: dict[str, list[Handler]] = {}


def subscribe(event: str, handler: Handler) -> None:
    """Call ``handler(store, **payload)`` whenever ``event`` is emitted (once per handler)."""
    handlers = _HANDLERS.setdefault(event, [])
    if handler not in handlers:
        handlers.append(handler)


def unsubscribe(event: str, handler: Handler) -> None:
    """Stop calling ``handler`` for ``event`` (no error when it was not subscribed)."""
    handlers = _HANDLERS.get(event, [])
    if handler in handlers:
        handlers.remove(handler)


def subscribers(event: str) -> list[Handler]:
    """The handlers of ``event``, in call order."""
    return list(_HANDLERS.get(event, []))


def emit(event: str, store: Store, **payload: Any) -> None:
    """Call every handler of ``event``; failures are logged, not raised."""
    for handler in list(_HANDLERS.get(event, [])):
        try:
            handler(store, **payload)
        except Exception:
            log.exception("event handler %r for %s failed", handler, event)


def on_conversations_ingested(store: Store, workspace_id: int, conversation_ids: Sequence[int]) -> None:
    """Emit :data:`CONVERSATIONS_INGESTED` for committed conversations."""
    if conversation_ids:
        emit(
            CONVERSATIONS_INGESTED,
            store,
            workspace_id=workspace_id,
            conversation_ids=list(conversation_ids),
        )
