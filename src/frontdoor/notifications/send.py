"""Send a notification at most once: record it durably, then deliver it from the task queue.

The contract others build on (see also :mod:`frontdoor.integrations.outbound`)::

    from frontdoor.integrations.outbound import email_payload, slack_payload
    from frontdoor.notifications.send import send_once

    recorded = send_once(
        store,
        workspace_id=ws.id,
        key="alert:42:slack",              # unique per workspace; <= 200 characters
        channel="slack",                   # "slack" (target = webhook URL) or "email"
        target=webhook_url,                # email: "a@x.kr" or "a@x.kr, b@y.com"
        payload=slack_payload("fallback text", blocks=[...]),
        # email: payload=email_payload(subject="제목", text="...", html="<p>...</p>")
    )
    recorded.id, recorded.created          # created is False when the key was seen before

- Call it after your own transaction committed (it opens its own session).
- The first call with a key inserts a ``notification`` row (``pending``) and enqueues task
  ``deliver_notification(notification_id=)``; any later call with the same key inserts
  nothing, enqueues nothing and returns the existing row's id with ``created=False``.
- Delivery claims the row with one conditional UPDATE (any number of workers may race;
  one wins), sends (Slack: :func:`~frontdoor.integrations.outbound.slack.post_slack`; email:
  :func:`~frontdoor.integrations.outbound.email.send_email` with a Message-ID derived from the key), and
  marks it ``sent`` with ``sent_at``. A transient failure marks it ``failed`` with
  ``next_attempt_at`` (backoff 30 s, 2 min, 8 min, ... or the server's Retry-After) and
  the worker sweep retries it, also after a restart; a permanent failure (Slack 4xx,
  SMTP 5xx, no SMTP configured) or the :data:`MAX_ATTEMPTS`-th failure gives up
  (``failed``, ``next_attempt_at`` empty, reason in ``last_error``).
- :func:`list_notifications` shows the record; :func:`retry_notification` re-arms a given-up
  row (same key, so still at most one success).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from frontdoor.core.errors import NotFound, ValidationError
from frontdoor.core.outbox import Outbox
from frontdoor.core.store import Store
from frontdoor.core.tasks import RetryLater, enqueue
from frontdoor.db.base import utcnow
from frontdoor.integrations.outbound.base import DeliveryError
from frontdoor.integrations.outbound.email import SmtpConfig, message_id_for, send_email
from frontdoor.integrations.outbound.slack import post_slack
from frontdoor.models import Notification, NotificationChannel, NotificationStatus

log = logging.getLogger(__name__)

__all__ = [
    "MAX_ATTEMPTS",
    "Recorded",
    "deliver_notification",
    "due_notifications",
    "list_notifications",
    "retry_notification",
    "send_once",
]

TASK = "deliver_notification"
MAX_ATTEMPTS = 6
# Retries after 30 s, 2 min, 8 min, ... (at most six hours), or the server's Retry-After.
OUTBOX: Outbox[Notification] = Outbox(
    Notification,
    pending=NotificationStatus.PENDING,
    working=NotificationStatus.SENDING,
    failed=NotificationStatus.FAILED,
    max_attempts=MAX_ATTEMPTS,
    first_delay=30,
    max_delay=6 * 3600,
)
# Tries inside one attempt (short waits; longer ones go through the queue).
INLINE_TRIES = 3
INLINE_BACKOFF = 1.0


@dataclass(frozen=True)
class Recorded:
    """What :func:`send_once` did: the row's id, and whether this call created it."""

    id: int
    created: bool
    status: str


def backoff(attempts: int) -> float:
    """Seconds before the next attempt after ``attempts`` failed ones: 30 s, 2 min, 8 min, ..."""
    return OUTBOX.backoff(attempts)


def _validate(key: str, channel: str, target: str, payload: dict[str, Any]) -> NotificationChannel:
    if not key or len(key) > 200:
        raise ValidationError("notification key must be 1..200 characters")
    try:
        kind = NotificationChannel(channel)
    except ValueError:
        raise ValidationError(f"notification channel must be slack or email, got {channel!r}") from None
    if not target or len(target) > 2000:
        raise ValidationError("notification target must be 1..2000 characters")
    if kind is NotificationChannel.SLACK:
        if not target.startswith(("https://", "http://")):
            raise ValidationError("a Slack target must be an incoming-webhook URL (https://...)")
        if not isinstance(payload.get("text"), str):
            raise ValidationError("a Slack payload needs a fallback 'text'")
    else:
        if "@" not in target:
            raise ValidationError("an email target must be one or more addresses")
        if not isinstance(payload.get("subject"), str) or not isinstance(payload.get("text"), str):
            raise ValidationError("an email payload needs 'subject' and 'text'")
    return kind


def send_once(
    store: Store,
    *,
    workspace_id: int,
    key: str,
    channel: str,
    target: str,
    payload: dict[str, Any],
) -> Recorded:
    """Record a notification under ``key`` and queue its delivery, unless ``key`` was seen.

    Parameters
    ----------
    store : Store
        The store.
    workspace_id : int
        The workspace it belongs to.
    key : str
        Dedupe key, unique per workspace (e.g. ``"alert:42:email"``).
    channel : {"slack", "email"}
        How to send.
    target : str
        Slack incoming-webhook URL, or comma-separated email addresses.
    payload : dict
        Slack JSON body (:func:`~frontdoor.integrations.outbound.slack.slack_payload`) or
        :func:`~frontdoor.integrations.outbound.email.email_payload`.

    Returns
    -------
    Recorded

    Raises
    ------
    ValidationError
        When the channel, target or payload is malformed (nothing is recorded).
    """
    kind = _validate(key, channel, target, payload)
    try:
        with store.session() as session:
            row = Notification(
                workspace_id=workspace_id,
                channel=kind,
                dedupe_key=key,
                target=target,
                payload=payload,
                status=NotificationStatus.PENDING,
                attempts=0,
            )
            session.add(row)
            session.flush()
            new_id = int(row.id)
    except IntegrityError:
        with store.session() as session:
            existing = session.execute(
                select(Notification.id, Notification.status).where(
                    Notification.workspace_id == workspace_id, Notification.dedupe_key == key
                )
            ).one_or_none()
        if existing is None:  # not a duplicate key after all (e.g. the workspace is gone)
            raise
        return Recorded(id=int(existing[0]), created=False, status=str(existing[1]))
    try:
        enqueue(store, TASK, notification_id=new_id)
    except Exception:  # recorded durably: a worker's sweep will send it
        log.exception("queueing notification %s failed; the sweep will pick it up", new_id)
    return Recorded(id=new_id, created=True, status=NotificationStatus.PENDING.value)


def _send(store: Store, row: Notification) -> None:
    payload = dict(row.payload or {})
    if row.channel is NotificationChannel.SLACK:
        post_slack(row.target, payload, attempts=INLINE_TRIES, backoff=INLINE_BACKOFF)
        return
    config = SmtpConfig.from_settings(store.settings)
    if config is None:
        raise DeliveryError("email is off: set FRONTDOOR_SMTP_URL", transient=False)
    send_email(
        config,
        to=row.target,
        subject=str(payload.get("subject", "")),
        text=str(payload.get("text", "")),
        html=payload.get("html") if isinstance(payload.get("html"), str) else None,
        message_id=message_id_for(f"{row.workspace_id}:{row.dedupe_key}"),
        attempts=INLINE_TRIES,
        backoff=INLINE_BACKOFF,
    )


def deliver_notification(store: Store, *, notification_id: int) -> str:
    """Send one recorded notification (the ``deliver_notification`` task).

    Returns
    -------
    str
        ``sent``, ``given up`` or ``skipped`` (already sent, taken by another worker, or
        not yet due).

    Raises
    ------
    RetryLater
        After a transient failure; the row is ``failed`` with ``next_attempt_at`` set.
    """
    row = OUTBOX.claim(store, notification_id)
    if row is None:
        return "skipped"
    try:
        _send(store, row)
    except (DeliveryError, ValueError) as exc:
        transient = bool(getattr(exc, "transient", False))
        reason = (str(exc).strip() or type(exc).__name__)[:1000]
        if transient and row.attempts < MAX_ATTEMPTS:
            delay = max(backoff(row.attempts), float(getattr(exc, "retry_after", None) or 0.0))
            OUTBOX.retry_later(store, row, reason=reason, delay=delay)
            raise RetryLater(f"notification {row.id} attempt {row.attempts} failed", delay=delay) from None
        if transient:
            reason = f"given up after {row.attempts} attempts: {reason}"[:1000]
        OUTBOX.finish(store, row, status=NotificationStatus.FAILED, last_error=reason, next_attempt_at=None)
        log.warning("notification %s given up: %s", row.id, reason)
        return "given up"
    OUTBOX.finish(store, row, status=NotificationStatus.SENT, sent_at=utcnow(), last_error=None)
    return "sent"


def due_notifications(store: Store, *, limit: int = 500) -> list[tuple[str, dict[str, Any]]]:
    """The sweep of notifications: pending, due for retry, or abandoned by a dead worker.

    Also gives up rows whose worker died during the last allowed attempt.
    """
    return [(TASK, {"notification_id": i}) for i in OUTBOX.due_ids(store, limit=limit)]


def list_notifications(
    store: Store, *, workspace_id: int, prefix: str | None = None, limit: int = 200
) -> list[Notification]:
    """The workspace's notifications, newest first (``prefix`` filters keys)."""
    with store.session() as session:
        query = select(Notification).where(Notification.workspace_id == workspace_id)
        if prefix:
            query = query.where(Notification.dedupe_key.startswith(prefix, autoescape=True))
        rows = list(session.scalars(query.order_by(Notification.id.desc()).limit(limit)))
        for row in rows:
            session.expunge(row)
        return rows


def retry_notification(store: Store, *, workspace_id: int, notification_id: int) -> None:
    """Re-arm a given-up notification for one more round of attempts.

    Raises
    ------
    NotFound
        When no failed notification has that id in the workspace.
    """
    with store.session() as session:
        result = session.execute(
            update(Notification)
            .where(
                Notification.id == notification_id,
                Notification.workspace_id == workspace_id,
                Notification.status == NotificationStatus.FAILED,
            )
            .values(status=NotificationStatus.PENDING, attempts=0, next_attempt_at=None)
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 0) != 1:
            raise NotFound(f"no failed notification {notification_id}")
    enqueue(store, TASK, notification_id=notification_id)
