"""Background processing of stored webhook deliveries.

A delivery is claimed with one conditional UPDATE (so any number of workers, threads or
machines can race for it and exactly one wins), parsed by the source kind's
:class:`~frontdoor.integrations.webhooks.WebhookHandler`, and its records go through the
ingest pipeline like any import. Failures are recorded on the delivery with the reason;
transient ones are retried with backoff, a body the handler cannot read at all goes to
quarantine, and a delivery that failed :data:`MAX_ATTEMPTS` times is given up (and
quarantined, so nothing is lost). The lease, claim and backoff are the shared
:class:`~frontdoor.core.outbox.Outbox` rules; :func:`due_deliveries` is the sweep that
finds deliveries to take.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError

from frontdoor.core.outbox import LEASE, Outbox
from frontdoor.core.tasks.registry import RetryLater
from frontdoor.db.base import utcnow
from frontdoor.ingest.pipeline import ingest_records
from frontdoor.ingest.webhooks import decode_body
from frontdoor.integrations.registry import get_webhook_handler
from frontdoor.models import DeliveryStatus, QuarantinedRecord, Source, WebhookDelivery

if TYPE_CHECKING:
    from frontdoor.core.store import Store

log = logging.getLogger(__name__)

__all__ = [
    "LEASE",
    "MAX_ATTEMPTS",
    "TASK",
    "backoff",
    "claim_delivery",
    "due_deliveries",
    "process_webhook_delivery",
]

TASK = "process_webhook_delivery"
MAX_ATTEMPTS = 5
# Retries after 10 s, 40 s, 160 s, ... (at most an hour).
OUTBOX: Outbox[WebhookDelivery] = Outbox(
    WebhookDelivery,
    pending=DeliveryStatus.PENDING,
    working=DeliveryStatus.PROCESSING,
    failed=DeliveryStatus.FAILED,
    max_attempts=MAX_ATTEMPTS,
    first_delay=10,
    max_delay=3600,
    give_up_stamp="processed_at",
)
# Immediate re-runs of ingest after losing a unique-key race to a concurrent delivery.
RACE_RETRIES = 3


def backoff(attempts: int) -> float:
    """Seconds before the next try after ``attempts`` failed ones: 10 s, 40 s, 160 s, ..."""
    return OUTBOX.backoff(attempts)


def claim_delivery(store: Store, *, delivery_id: int) -> WebhookDelivery | None:
    """Take a delivery for processing; ``None`` when it is done, taken or not yet due."""
    return OUTBOX.claim(store, delivery_id)


def _finish(store: Store, delivery: WebhookDelivery, **values: Any) -> None:
    OUTBOX.finish(store, delivery, **values)


def _quarantine(store: Store, delivery: WebhookDelivery, *, kind: str, body: bytes, reason: str) -> None:
    with store.session() as session:
        session.add(
            QuarantinedRecord(
                workspace_id=delivery.workspace_id,
                source_id=delivery.source_id,
                kind=kind,
                file=f"webhook delivery {delivery.delivery_id}"[:1000],
                position="body",
                raw=body.decode("utf-8", "replace"),
                reason=reason[:1000],
            )
        )


def _reason(exc: BaseException) -> str:
    # The first line only: database errors go on with SQL text that helps nobody here.
    first = (str(exc).strip().splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first}"[:1000]


def process_webhook_delivery(store: Store, *, delivery_id: int) -> str:
    """Ingest one stored delivery.

    Parameters
    ----------
    store : Store
        The store.
    delivery_id : int
        :attr:`WebhookDelivery.id` (the row id, not the source's delivery id).

    Returns
    -------
    str
        ``done``, ``quarantined``, ``given up`` or ``skipped`` (done, taken by another
        worker, or not due).

    Raises
    ------
    RetryLater
        When the attempt failed and may succeed later (the delivery is ``failed`` with
        ``next_attempt_at`` set; any worker's sweep also picks it up).
    """
    delivery = claim_delivery(store, delivery_id=delivery_id)
    if delivery is None:
        return "skipped"
    with store.session() as session:
        source = session.get(Source, delivery.source_id)
        kind = source.kind if source is not None else ""
    body = decode_body(delivery.body, delivery.body_encoding)
    try:
        handler = get_webhook_handler(kind)
    except Exception as exc:  # a missing handler may come with an upgrade: retry
        return _failed(store, delivery, kind=kind, body=body, reason=_reason(exc))
    try:
        records = handler.records(body)
    except Exception as exc:
        # The same bytes will fail the same way: keep them in quarantine, do not retry.
        reason = f"unreadable webhook body: {_reason(exc)}"
        _quarantine(store, delivery, kind=kind, body=body, reason=reason)
        _finish(store, delivery, status=DeliveryStatus.FAILED, last_error=reason, processed_at=utcnow())
        log.warning("webhook delivery %s quarantined: %s", delivery.id, type(exc).__name__)
        return "quarantined"
    try:
        summary = _ingest(store, delivery, records)
    except Exception as exc:
        return _failed(store, delivery, kind=kind, body=body, reason=_reason(exc))
    to_dict = getattr(summary, "to_dict", None)
    _finish(
        store,
        delivery,
        status=DeliveryStatus.DONE,
        processed_at=utcnow(),
        last_error=None,
        result=to_dict() if callable(to_dict) else None,
    )
    return "done"


def _ingest(store: Store, delivery: WebhookDelivery, records: list[Any]) -> object:
    """Ingest the records; a unique-key race with a concurrent delivery is retried at once.

    Two deliveries for one new conversation (a burst of messages in one chat) may both try
    to create it; the loser's second run finds it and adds its message. Ingest is
    idempotent, so running again after a partial commit changes nothing twice.
    """
    for attempt in range(RACE_RETRIES + 1):
        try:
            return ingest_records(
                store,
                workspace_id=delivery.workspace_id,
                source_id=delivery.source_id,
                records=records,
                file=f"webhook delivery {delivery.delivery_id}"[:200],
            )
        except IntegrityError:
            if attempt == RACE_RETRIES:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def _failed(store: Store, delivery: WebhookDelivery, *, kind: str, body: bytes, reason: str) -> str:
    if delivery.attempts < MAX_ATTEMPTS:
        delay = backoff(delivery.attempts)
        OUTBOX.retry_later(store, delivery, reason=reason, delay=delay)
        raise RetryLater(f"webhook delivery {delivery.id} attempt {delivery.attempts} failed", delay=delay)
    reason = f"given up after {delivery.attempts} attempts: {reason}"[:1000]
    _quarantine(store, delivery, kind=kind, body=body, reason=reason)
    _finish(store, delivery, status=DeliveryStatus.FAILED, last_error=reason, processed_at=utcnow())
    log.warning("webhook delivery %s given up after %d attempts", delivery.id, delivery.attempts)
    return "given up"


def due_deliveries(store: Store, *, limit: int = 500) -> list[tuple[str, dict[str, Any]]]:
    """The sweep of webhook deliveries: pending, due for retry, or abandoned by a dead worker.

    Also gives up deliveries whose worker died on the last allowed attempt.
    """
    return [(TASK, {"delivery_id": i}) for i in OUTBOX.due_ids(store, limit=limit)]
