"""Background processing of stored webhook deliveries.

A delivery is claimed with one conditional UPDATE (so any number of workers, threads or
machines can race for it and exactly one wins), parsed by the source kind's
:class:`~frontdoor.integrations.webhooks.WebhookHandler`, and its records go through the
ingest pipeline like any import. Failures are recorded on the delivery with the reason;
transient ones are retried with backoff, a body the handler cannot read at all goes to
quarantine, and a delivery that failed :data:`MAX_ATTEMPTS` times is given up (and
quarantined, so nothing is lost).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement

from frontdoor.core.tasks.registry import RetryLater
from frontdoor.db.base import utcnow
from frontdoor.ingest.webhooks import decode_body
from frontdoor.models import DeliveryStatus, QuarantinedRecord, Source, WebhookDelivery

if TYPE_CHECKING:
    from frontdoor.core.store import Store

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A claim older than this is taken to belong to a worker that died mid-way.
LEASE = dt.timedelta(minutes=5)
# Clocks of the machines that schedule and run a retry may differ a little.
CLOCK_SLACK = dt.timedelta(seconds=5)
# Immediate re-runs of ingest after losing a unique-key race to a concurrent delivery.
RACE_RETRIES = 3


def backoff(attempts: int) -> float:
    """Seconds before the next try after ``attempts`` failed ones: 10 s, 40 s, 160 s, ..."""
    return float(min(3600, 10 * 4 ** max(0, attempts - 1)))


def _claimable(now: dt.datetime) -> ColumnElement[bool]:
    d = WebhookDelivery
    return or_(
        d.status == DeliveryStatus.PENDING,
        and_(
            d.status == DeliveryStatus.FAILED,
            d.next_attempt_at.is_not(None),
            d.next_attempt_at <= now + CLOCK_SLACK,
        ),
        and_(
            d.status == DeliveryStatus.PROCESSING,
            d.claimed_at < now - LEASE,
            d.attempts < MAX_ATTEMPTS,
        ),
    )


def claim_delivery(store: Store, *, delivery_id: int) -> WebhookDelivery | None:
    """Take a delivery for processing; ``None`` when it is done, taken or not yet due."""
    now = utcnow()
    with store.session() as session:
        result = session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == delivery_id, _claimable(now))
            .values(
                status=DeliveryStatus.PROCESSING,
                claimed_at=now,
                attempts=WebhookDelivery.attempts + 1,
                next_attempt_at=None,
            )
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 0) != 1:
            return None
        delivery = session.get(WebhookDelivery, delivery_id)
        return delivery


def _finish(store: Store, delivery: WebhookDelivery, **values: Any) -> None:
    """Update our claimed delivery; ``claimed_at`` fences off a worker that lost its lease."""
    with store.session() as session:
        session.execute(
            update(WebhookDelivery)
            .where(
                WebhookDelivery.id == delivery.id,
                WebhookDelivery.status == DeliveryStatus.PROCESSING,
                WebhookDelivery.claimed_at == delivery.claimed_at,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )


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
    from frontdoor.integrations.webhooks import get_webhook_handler

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
    from frontdoor.ingest.pipeline import ingest_records

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
        _finish(
            store,
            delivery,
            status=DeliveryStatus.FAILED,
            last_error=reason,
            next_attempt_at=utcnow() + dt.timedelta(seconds=delay),
        )
        raise RetryLater(f"webhook delivery {delivery.id} attempt {delivery.attempts} failed", delay=delay)
    reason = f"given up after {delivery.attempts} attempts: {reason}"[:1000]
    _quarantine(store, delivery, kind=kind, body=body, reason=reason)
    _finish(store, delivery, status=DeliveryStatus.FAILED, last_error=reason, processed_at=utcnow())
    log.warning("webhook delivery %s given up after %d attempts", delivery.id, delivery.attempts)
    return "given up"


def due_work(store: Store, *, limit: int = 500) -> list[tuple[str, dict[str, Any]]]:
    """Work a worker should take now: deliveries pending, due for retry or abandoned; due notifications
    and weekly on-call digests.

    Also gives up deliveries whose worker died on the last allowed attempt.
    """
    now = utcnow()
    with store.session() as session:
        session.execute(
            update(WebhookDelivery)
            .where(
                WebhookDelivery.status == DeliveryStatus.PROCESSING,
                WebhookDelivery.claimed_at < now - LEASE,
                WebhookDelivery.attempts >= MAX_ATTEMPTS,
            )
            .values(
                status=DeliveryStatus.FAILED,
                last_error=f"worker stopped during the last of {MAX_ATTEMPTS} attempts",
                processed_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        ids = session.scalars(
            select(WebhookDelivery.id).where(_claimable(now)).order_by(WebhookDelivery.id).limit(limit)
        ).all()
    work: list[tuple[str, dict[str, Any]]] = [
        ("process_webhook_delivery", {"delivery_id": int(i)}) for i in ids
    ]
    # Outbound notifications are durable work too; one sweep serves both.
    from frontdoor.accounts.health import due_snapshots
    from frontdoor.notifications.send import due_notifications
    from frontdoor.oncall.digest_delivery import due_digests

    return work + due_notifications(store, limit=limit) + due_digests(store) + due_snapshots(store)


def sweep_webhook_deliveries(store: Store, **_: Any) -> int:
    """Enqueue every due delivery (run periodically by workers); returns how many."""
    from frontdoor.core.tasks import enqueue

    due = due_work(store)
    for name, kwargs in due:
        enqueue(store, name, **kwargs)
    return len(due)
