"""Sending close-the-loop emails once, retrying the failed ones, and carrying delivery state back.

Each drafted row with an email address goes to
:func:`frontdoor.notifications.send.send_once` under the key ``loop:<item>:<contact>``
(recorded once, delivered by the task queue with retries); the row turns ``sending``,
then ``sent`` when the delivery record says so (:func:`sync_delivery`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from frontdoor.core.errors import NotFound, ValidationError
from frontdoor.core.store import Store
from frontdoor.db.base import utcnow
from frontdoor.models import (
    LoopNotification,
    LoopStatus,
    Notification,
    NotificationStatus,
    RoadmapStatus,
    User,
)
from frontdoor.roadmap.items import get_item
from frontdoor.workspace.permissions import Action, require


def notification_key(item_id: int, contact_id: int) -> str:
    """The delivery record's dedupe key for one contact's message about one item."""
    return f"loop:{item_id}:{contact_id}"


@dataclass
class SendResult:
    """What :func:`send` did: counts of rows by what happened to them."""

    item_id: int
    queued: int
    already_told: int
    without_email: int
    failed: int
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready counts."""
        return dict(self.__dict__)


def sync_delivery(session: Session, *, workspace_id: int, item_id: int) -> int:
    """Carry delivery outcomes (sent, given up) from the delivery records into the rows.

    Returns
    -------
    int
        Rows changed.
    """
    rows = list(
        session.scalars(
            select(LoopNotification).where(
                LoopNotification.workspace_id == workspace_id,
                LoopNotification.roadmap_item_id == item_id,
                LoopNotification.status.in_([LoopStatus.SENDING, LoopStatus.FAILED]),
            )
        )
    )
    if not rows:
        return 0
    keys = {notification_key(item_id, r.contact_id): r for r in rows}
    changed = 0
    for note in session.scalars(
        select(Notification).where(
            Notification.workspace_id == workspace_id, Notification.dedupe_key.in_(list(keys))
        )
    ):
        row = keys[note.dedupe_key]
        row.attempts = note.attempts
        if note.status == NotificationStatus.SENT and row.status != LoopStatus.SENT:
            row.status = LoopStatus.SENT
            row.told_at = note.sent_at or utcnow()
            row.last_error = None
            changed += 1
        elif note.status == NotificationStatus.FAILED and note.next_attempt_at is None:
            if row.status != LoopStatus.FAILED:
                row.status = LoopStatus.FAILED
                changed += 1
            row.last_error = (note.last_error or "delivery failed")[:1000]
        elif note.status != NotificationStatus.FAILED and row.status == LoopStatus.FAILED:
            # Re-armed by a retry: it is on its way again.
            row.status = LoopStatus.SENDING
            changed += 1
    session.flush()
    return changed


def _require_email(store: Store) -> None:
    """Refuse before claiming anything when email is off: rows stay drafted, nothing is lost."""
    from frontdoor.integrations.outbound.email import SmtpConfig

    if SmtpConfig.from_settings(store.settings) is None:
        raise ValidationError("email is off: set FRONTDOOR_SMTP_URL to send, or export CSV instead")


def send(store: Store, *, workspace_id: int, item_id: int, user: User | None = None) -> SendResult:
    """Email every drafted message of a shipped item that has an address, once.

    Each row is claimed (``drafted`` -> ``sending``) with one conditional UPDATE before
    it is handed to :func:`~frontdoor.notifications.send.send_once`, whose key makes
    the delivery itself unique too; a row left ``sending`` by a crash is handed over
    again under the same key, which records and sends nothing new.

    Parameters
    ----------
    store : Store
        The store (delivery records are written in their own transactions).
    workspace_id, item_id : int
        The item.
    user : User, optional
        Who sends (checked for roadmap rights; recorded as ``told_by``).

    Raises
    ------
    NotFound
        No such item.
    ValidationError
        The item is not shipped, or email is off (no ``FRONTDOOR_SMTP_URL``).
    """
    if user is not None:
        require(user, Action.EDIT_ROADMAP)
    _require_email(store)
    with store.session() as session:
        item = get_item(session, workspace_id=workspace_id, item_id=item_id)
        if item.status != RoadmapStatus.SHIPPED:
            raise ValidationError(
                f"roadmap item {item_id} is {item.status}, not shipped: mark it shipped first"
            )
        sync_delivery(session, workspace_id=workspace_id, item_id=item_id)
        rows = [
            _Row(r.id, r.contact_id, r.email, r.subject, r.body, LoopStatus(r.status))
            for r in session.scalars(
                select(LoopNotification)
                .where(
                    LoopNotification.workspace_id == workspace_id, LoopNotification.roadmap_item_id == item_id
                )
                .order_by(LoopNotification.id)
            )
        ]
    result = SendResult(item_id=item_id, queued=0, already_told=0, without_email=0, failed=0)
    user_id = user.id if user is not None else None
    for row in rows:
        if row.status in (LoopStatus.SENT, LoopStatus.EXPORTED, LoopStatus.FAILED):
            # Failed ones are retried through the delivery record, never re-sent from here.
            result.already_told += row.status != LoopStatus.FAILED
            result.failed += row.status == LoopStatus.FAILED
            continue
        if not row.email:
            result.without_email += 1
            continue
        if row.status == LoopStatus.DRAFTED and not _claim(store, row.id, user_id):
            result.already_told += 1  # another sender took it (or it was exported) meanwhile
            continue
        _hand_over(store, workspace_id=workspace_id, item_id=item_id, row=row, result=result)
    with store.session() as session:
        sync_delivery(session, workspace_id=workspace_id, item_id=item_id)
    return result


@dataclass(frozen=True)
class _Row:
    """A drafted message as read before sending (no session is held while sending)."""

    id: int
    contact_id: int
    email: str | None
    subject: str
    body: str
    status: LoopStatus


def _claim(store: Store, row_id: int, user_id: int | None) -> bool:
    """``drafted`` -> ``sending`` in one conditional UPDATE; false when someone else moved it first."""
    with store.session() as session:
        claimed = getattr(
            session.execute(
                update(LoopNotification)
                .where(LoopNotification.id == row_id, LoopNotification.status == LoopStatus.DRAFTED)
                .values(status=LoopStatus.SENDING, told_by_id=user_id, updated_at=utcnow())
            ),
            "rowcount",
            0,
        )
    return bool(claimed)


def _hand_over(store: Store, *, workspace_id: int, item_id: int, row: _Row, result: SendResult) -> None:
    """Give one claimed row to the delivery service under its once-only key; count the outcome."""
    from frontdoor.integrations.outbound import email_payload
    from frontdoor.notifications.send import send_once

    assert row.email is not None
    try:
        recorded = send_once(
            store,
            workspace_id=workspace_id,
            key=notification_key(item_id, row.contact_id),
            channel="email",
            target=row.email,
            payload=email_payload(subject=row.subject, text=row.body),
        )
    except ValidationError as exc:  # e.g. an address the delivery layer refuses
        with store.session() as session:
            session.execute(
                update(LoopNotification)
                .where(LoopNotification.id == row.id)
                .values(status=LoopStatus.FAILED, last_error=str(exc)[:1000], updated_at=utcnow())
            )
        result.failed += 1
        result.errors.append(f"contact {row.contact_id}: {exc}")
        return
    if recorded.created:
        result.queued += 1
    else:
        result.already_told += 1


def retry_failed(store: Store, *, workspace_id: int, item_id: int, user: User | None = None) -> int:
    """Try the failed emails of an item once more, under the same delivery keys.

    A delivery that was given up is re-armed (:func:`~frontdoor.notifications.send.
    retry_notification`), so each contact still gets at most one email. Rows that never
    reached the delivery service (an address it refused) stay failed.

    Returns
    -------
    int
        Emails handed over again.
    """
    from frontdoor.notifications.send import retry_notification

    if user is not None:
        require(user, Action.EDIT_ROADMAP)
    _require_email(store)
    with store.session() as session:
        get_item(session, workspace_id=workspace_id, item_id=item_id)
        sync_delivery(session, workspace_id=workspace_id, item_id=item_id)
        failed = {
            notification_key(item_id, r.contact_id): r.id
            for r in session.scalars(
                select(LoopNotification).where(
                    LoopNotification.workspace_id == workspace_id,
                    LoopNotification.roadmap_item_id == item_id,
                    LoopNotification.status == LoopStatus.FAILED,
                )
            )
        }
        given_up = [
            (n.id, failed[n.dedupe_key])
            for n in session.scalars(
                select(Notification).where(
                    Notification.workspace_id == workspace_id,
                    Notification.dedupe_key.in_(list(failed)),
                    Notification.status == NotificationStatus.FAILED,
                    Notification.next_attempt_at.is_(None),
                )
            )
        ]
    retried = 0
    for notification_id, row_id in given_up:
        with store.session() as session:
            session.execute(
                update(LoopNotification)
                .where(LoopNotification.id == row_id, LoopNotification.status == LoopStatus.FAILED)
                .values(status=LoopStatus.SENDING, last_error=None, updated_at=utcnow())
            )
        try:
            retry_notification(store, workspace_id=workspace_id, notification_id=notification_id)
        except NotFound:  # re-armed by someone else meanwhile
            continue
        retried += 1
    with store.session() as session:
        sync_delivery(session, workspace_id=workspace_id, item_id=item_id)
    return retried
