"""Webhook deliveries: find the source, store a verified delivery once, show its URL.

The endpoint (``POST /hooks/{source_id}``) calls these; the background task
:func:`frontdoor.ingest.deliveries.process_webhook_delivery` turns a stored delivery into
records. Functions take the session first and never commit.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from urllib.parse import quote

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from frontdoor.core.errors import NotFound, ValidationError
from frontdoor.db.base import utcnow
from frontdoor.models import DeliveryStatus, Source, WebhookDelivery

# Bodies above this are refused (413) before anything is read further or stored.
MAX_BODY_BYTES = 1024 * 1024

# Headers worth keeping for debugging. Everything else is dropped: above all tokens,
# signatures, cookies and authorization headers.
SAFE_HEADERS = frozenset(
    {
        "content-type",
        "content-length",
        "user-agent",
        "x-request-id",
        "x-slack-request-timestamp",
        "x-slack-retry-num",
        "x-slack-retry-reason",
        "x-zendesk-webhook-id",
        "x-zendesk-webhook-invocation-id",
        "x-zendesk-webhook-signature-timestamp",
        "x-intercom-webhook-subscription-id",
    }
)

# Sources whose deliveries carry the shared secret in the URL (no signature header).
TOKEN_IN_QUERY = frozenset({"channeltalk"})


def encode_body(body: bytes) -> tuple[str, str]:
    """Store a body losslessly as text: ``(text, "utf-8")`` or ``(base64, "base64")``."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    else:
        if "\x00" not in text:  # PostgreSQL text cannot hold NUL
            return text, "utf-8"
    return base64.b64encode(body).decode("ascii"), "base64"


def decode_body(text: str, encoding: str) -> bytes:
    """Inverse of :func:`encode_body`."""
    if encoding == "base64":
        return base64.b64decode(text)
    return text.encode("utf-8")


def body_digest(body: bytes) -> str:
    """A delivery id for sources that send none: the SHA-256 of the body."""
    return "sha256:" + hashlib.sha256(body).hexdigest()


def select_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The allow-listed headers (lower-case names, values bounded to 200 characters)."""
    return {k.lower(): v[:200] for k, v in headers.items() if k.lower() in SAFE_HEADERS}


def find_webhook_source(session: Session, *, source_id: int) -> Source:
    """The active source that receives deliveries at ``/hooks/{source_id}``.

    Raises
    ------
    NotFound
        When no active source has that id.
    """
    source = session.get(Source, source_id)
    if source is None or not source.is_active:
        raise NotFound(f"no webhook source {source_id}")
    return source


def record_delivery(
    session: Session,
    *,
    source: Source,
    delivery_id: str,
    headers: Mapping[str, str],
    body: bytes,
) -> tuple[int, bool]:
    """Store a verified delivery unless the source already sent one with that id.

    One ``INSERT ... ON CONFLICT DO NOTHING`` (SQLite and PostgreSQL), so concurrent
    redeliveries race safely and the request path stays short.

    Returns
    -------
    (id, created) : tuple
        The stored delivery's row id and whether it is new (``False``: a redelivery).

    Raises
    ------
    ValidationError
        When the body is larger than :data:`MAX_BODY_BYTES` or the id is empty.
    """
    if len(body) > MAX_BODY_BYTES:
        raise ValidationError(f"body larger than {MAX_BODY_BYTES} bytes")
    delivery_id = delivery_id.strip()[:200]
    if not delivery_id:
        raise ValidationError("empty delivery id")
    text, encoding = encode_body(body)
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    stmt = (
        insert(WebhookDelivery)
        .values(
            workspace_id=source.workspace_id,
            source_id=source.id,
            delivery_id=delivery_id,
            received_at=utcnow(),
            headers=select_headers(headers),
            body=text,
            body_encoding=encoding,
            status=DeliveryStatus.PENDING,
            attempts=0,
        )
        .on_conflict_do_nothing(index_elements=["source_id", "delivery_id"])
        .returning(WebhookDelivery.id)
    )
    new_id = session.execute(stmt).scalar()
    if new_id is not None:
        return int(new_id), True
    existing = session.scalar(
        select(WebhookDelivery.id).where(
            WebhookDelivery.source_id == source.id, WebhookDelivery.delivery_id == delivery_id
        )
    )
    if existing is None:  # pragma: no cover - the conflicting row cannot vanish in between
        raise ValidationError("delivery conflicted but was not found")
    return int(existing), False


def webhook_url(source: Source, *, base_url: str) -> str:
    """The URL to paste into the source's webhook settings.

    Channel Talk sends no signature, so its shared secret travels as ``?token=``; other
    kinds sign each request with ``webhook_secret`` and the URL carries no secret.

    Parameters
    ----------
    source : Source
        The receiving source.
    base_url : str
        The public address of this frontdoor, e.g. ``https://cx.example.com``.
    """
    url = f"{base_url.rstrip('/')}/hooks/{source.id}"
    if source.kind in TOKEN_IN_QUERY and source.webhook_secret:
        url += "?token=" + quote(source.webhook_secret, safe="")
    return url


def delivery_counts(session: Session, *, workspace_id: int, source_id: int | None = None) -> dict[str, int]:
    """Deliveries per status (every status present, zero when none)."""
    stmt = (
        select(WebhookDelivery.status, func.count())
        .where(WebhookDelivery.workspace_id == workspace_id)
        .group_by(WebhookDelivery.status)
    )
    if source_id is not None:
        stmt = stmt.where(WebhookDelivery.source_id == source_id)
    counts = {s.value: 0 for s in DeliveryStatus}
    for status, n in session.execute(stmt):
        counts[DeliveryStatus(status).value] = int(n)
    return counts


def retry_delivery(session: Session, *, workspace_id: int, delivery_id: int) -> WebhookDelivery:
    """Put a failed delivery back to pending (a worker picks it up on its next sweep).

    Raises
    ------
    NotFound
        When the workspace has no such delivery.
    ValidationError
        When the delivery did not fail.
    """
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.workspace_id != workspace_id:
        raise NotFound(f"no webhook delivery {delivery_id}")
    if delivery.status is not DeliveryStatus.FAILED:
        raise ValidationError(f"delivery {delivery_id} is {delivery.status.value}, not failed")
    delivery.status = DeliveryStatus.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = None
    return delivery
