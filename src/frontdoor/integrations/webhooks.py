"""The webhook contract: how a source kind verifies and parses one delivery.

The HTTP endpoint (``POST /hooks/{source}``) stores a verified delivery durably, answers
at once, and hands the body to the handler's :meth:`WebhookHandler.records` in the
background; the records then go through the ingest pipeline like any import. Which
handler serves which source kind is listed in :mod:`frontdoor.integrations.registry`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Protocol, runtime_checkable

from frontdoor.core.errors import AdapterError
from frontdoor.integrations._common import body_hash, json_or_none, parse_json_bytes
from frontdoor.integrations.base import BadRecord, Record, raw_excerpt


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


class JsonWebhook:
    """What the JSON webhook handlers share: the body parsed once, what does not parse quarantined.

    A subclass names its ``kind`` and ``what`` (the body in error messages) and implements
    :meth:`verify`, :meth:`payload_records` and, when the body carries one,
    :meth:`delivery_key`.
    """

    kind: ClassVar[str]
    what: ClassVar[str] = "webhook body"

    def verify(
        self,
        *,
        secret: str,
        headers: Mapping[str, str],
        query: Mapping[str, str],
        body: bytes,
        now: float,
    ) -> bool:
        """Whether the delivery is authentic (constant-time compare; ``now`` in epoch s)."""
        raise NotImplementedError

    def delivery_id(self, *, headers: Mapping[str, str], body: bytes) -> str:
        """:meth:`delivery_key` of the parsed body, else a SHA-256 of the body."""
        return self.delivery_key(json_or_none(body)) or body_hash(body)

    def delivery_key(self, payload: Any) -> str | None:
        """The delivery's own id in the (leniently parsed) payload; ``None`` when it has none."""
        return None

    def records(self, body: bytes) -> list[Record]:
        """Records from one verified delivery; a body that is not JSON is one :class:`BadRecord`."""
        try:
            return self.payload_records(parse_json_bytes(body, what=self.what))
        except AdapterError as exc:
            return [
                BadRecord(
                    position="webhook", raw=raw_excerpt(body.decode("utf-8", "replace")), reason=str(exc)
                )
            ]

    def payload_records(self, payload: Any) -> list[Record]:
        """Records from the parsed body (an :class:`AdapterError` quarantines the whole body)."""
        raise NotImplementedError
