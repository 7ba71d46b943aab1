"""The webhook contract: how a source kind verifies and parses one delivery.

The HTTP endpoint (``POST /hooks/{source}``) stores a verified delivery durably, answers
at once, and hands the body to the handler's :meth:`WebhookHandler.records` in the
background; the records then go through the ingest pipeline like any import. Which
handler serves which source kind is listed in :mod:`frontdoor.integrations.registry`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Protocol, runtime_checkable

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
