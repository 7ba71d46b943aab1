"""The webhook contract: how a source kind verifies and parses one delivery.

The HTTP endpoint (``POST /hooks/{source}``) stores a verified delivery durably, answers
at once, and hands the body to the handler's :meth:`WebhookHandler.records` in the
background; the records then go through the ingest pipeline like any import.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import ClassVar, Protocol, runtime_checkable

from frontdoor.core.errors import ValidationError
from frontdoor.integrations.base import Record


@runtime_checkable
class WebhookHandler(Protocol):
    """Verify and parse deliveries of one source kind."""

    kind: ClassVar[str]

    def verify(
        self,
        *,
        secret: str,
        headers: Mapping[str, str],
        query: Mapping[str, str],
        body: bytes,
        now: float,
    ) -> bool:
        """Whether the delivery is authentic (constant-time compare; ``now`` in epoch s).

        ``headers`` keys are lower-case.
        """
        ...

    def delivery_id(self, *, headers: Mapping[str, str], body: bytes) -> str:
        """A stable id for the delivery, used to drop duplicates (a hash of the body if none)."""
        ...

    def records(self, body: bytes) -> list[Record]:
        """Parse a verified body into records; unparseable parts come back as BadRecord."""
        ...


# kind -> "module:Class"; modules import lazily.
WEBHOOK_HANDLERS: dict[str, str] = {}


def register_webhook(kind: str, target: str) -> None:
    """Register a handler ("module:Class") for ``kind``."""
    WEBHOOK_HANDLERS[kind] = target


def get_webhook_handler(kind: str) -> WebhookHandler:
    """Instantiate the webhook handler for ``kind``.

    Raises
    ------
    ValidationError
        When the kind has no webhook handler.
    """
    target = WEBHOOK_HANDLERS.get(kind)
    if target is None:
        raise ValidationError(f"source kind {kind!r} takes no webhooks")
    module_name, _, cls_name = target.partition(":")
    handler: WebhookHandler = getattr(importlib.import_module(module_name), cls_name)()
    return handler
