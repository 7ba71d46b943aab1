"""Durable work rows taken by one worker at a time: lease, claim, fenced finish, backoff.

Webhook deliveries (in) and notifications (out) are both an *outbox*: a row is written
in the same transaction as what caused it, then a task works it off. Any number of
workers, threads or machines may race for a row; one conditional UPDATE decides who
wins. A claim older than the lease belongs to a worker that died; the row is taken
again until ``max_attempts`` is spent. A failed attempt waits ``backoff(attempts)``
seconds (growing four-fold) before the row is claimable again.

The row's table needs ``id``, ``status``, ``attempts``, ``claimed_at``,
``next_attempt_at`` and ``last_error`` columns. Each feature describes its table once::

    DELIVERIES = Outbox(
        WebhookDelivery, pending=DeliveryStatus.PENDING, working=DeliveryStatus.PROCESSING,
        failed=DeliveryStatus.FAILED, max_attempts=5, first_delay=10, max_delay=3600,
    )
    row = DELIVERIES.claim(store, row_id)      # None: done, taken, or not due
    ...
    DELIVERIES.finish(store, row, status=DeliveryStatus.DONE)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from sqlalchemy import and_, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from frontdoor.core.clock import utcnow

if TYPE_CHECKING:
    from frontdoor.core.store import Store

__all__ = ["CLOCK_SLACK", "LEASE", "Outbox"]

R = TypeVar("R")

# A claim older than this is taken to belong to a worker that died mid-way.
LEASE = dt.timedelta(minutes=5)
# Clocks of the machines that schedule and run a retry may differ a little.
CLOCK_SLACK = dt.timedelta(seconds=5)


@dataclass(frozen=True)
class Outbox(Generic[R]):
    """How the rows of one table of durable work are claimed, finished and retried.

    Parameters
    ----------
    model : type
        The ORM class of the rows.
    pending, working, failed
        Its status values: waiting, claimed by a worker, failed (retried while
        ``next_attempt_at`` is set).
    max_attempts : int
        Attempts before a row is given up.
    first_delay, max_delay : float
        Seconds before the first retry, and the cap; each retry waits four times longer.
    give_up_stamp : str or None
        A time column set when :meth:`due_ids` gives up a row whose worker died during
        its last attempt.
    """

    model: type[R]
    pending: Any
    working: Any
    failed: Any
    max_attempts: int
    first_delay: float
    max_delay: float
    give_up_stamp: str | None = None
    lease: dt.timedelta = LEASE
    clock_slack: dt.timedelta = CLOCK_SLACK

    def backoff(self, attempts: int) -> float:
        """Seconds before the next try after ``attempts`` failed ones."""
        return float(min(self.max_delay, self.first_delay * 4 ** max(0, attempts - 1)))

    def claimable(self, now: dt.datetime) -> ColumnElement[bool]:
        """Rows a worker may take at ``now``: pending, due for retry, or abandoned."""
        m: Any = self.model
        return or_(
            m.status == self.pending,
            and_(
                m.status == self.failed,
                m.next_attempt_at.is_not(None),
                m.next_attempt_at <= now + self.clock_slack,
            ),
            and_(m.status == self.working, m.claimed_at < now - self.lease, m.attempts < self.max_attempts),
        )

    def claim(self, store: Store, row_id: int) -> R | None:
        """Take row ``row_id`` for one attempt (detached); ``None`` when done, taken or not due."""
        m: Any = self.model
        now = utcnow()
        with store.session() as session:
            result = session.execute(
                update(m)
                .where(m.id == row_id, self.claimable(now))
                .values(status=self.working, claimed_at=now, attempts=m.attempts + 1, next_attempt_at=None)
                .execution_options(synchronize_session=False)
            )
            if getattr(result, "rowcount", 0) != 1:
                return None
            row: R | None = session.get(self.model, row_id)
            if row is not None:
                session.expunge(row)
            return row

    def finish(self, store: Store, row: Any, **values: Any) -> None:
        """Update a claimed row; ``claimed_at`` fences off a worker whose lease ran out."""
        m: Any = self.model
        with store.session() as session:
            session.execute(
                update(m)
                .where(m.id == row.id, m.status == self.working, m.claimed_at == row.claimed_at)
                .values(**values)
                .execution_options(synchronize_session=False)
            )

    def retry_later(self, store: Store, row: Any, *, reason: str, delay: float) -> None:
        """Mark a claimed row failed, claimable again in ``delay`` seconds."""
        self.finish(
            store,
            row,
            status=self.failed,
            last_error=reason,
            next_attempt_at=utcnow() + dt.timedelta(seconds=delay),
        )

    def due_ids(self, store: Store, *, limit: int = 500) -> list[int]:
        """Ids of rows a worker should take now, oldest first.

        Also gives up rows whose worker died during the last allowed attempt.
        """
        m: Any = self.model
        now = utcnow()
        given_up: dict[str, Any] = {
            "status": self.failed,
            "last_error": f"worker stopped during the last of {self.max_attempts} attempts",
        }
        if self.give_up_stamp:
            given_up[self.give_up_stamp] = now
        with store.session() as session:
            session.execute(
                update(m)
                .where(
                    m.status == self.working,
                    m.claimed_at < now - self.lease,
                    m.attempts >= self.max_attempts,
                )
                .values(**given_up)
                .execution_options(synchronize_session=False)
            )
            ids = session.scalars(select(m.id).where(self.claimable(now)).order_by(m.id).limit(limit)).all()
        return [int(i) for i in ids]
