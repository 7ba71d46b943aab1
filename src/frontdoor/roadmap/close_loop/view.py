"""An item's close-the-loop state as the page and the CLI show it: rows, counts, who is left."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from frontdoor.models import Account, LoopNotification, LoopStatus, RoadmapItem
from frontdoor.roadmap.close_loop.recipients import Recipient, recipients
from frontdoor.roadmap.items import get_item


@dataclass
class LoopRow:
    """One drafted message as the page and the CLI show it."""

    id: int
    contact_id: int
    name: str
    email: str | None
    account_id: int | None
    account_name: str
    language: str
    status: str
    told_at: Any
    conversation_ids: list[int]
    subject: str
    body: str
    last_error: str | None


@dataclass
class LoopView:
    """An item's close-the-loop state: its rows, counts, and contacts not drafted yet."""

    item: RoadmapItem
    rows: list[LoopRow]
    counts: dict[str, int]
    undrafted: list[Recipient]

    @property
    def without_email(self) -> int:
        """Rows that cannot be emailed (export them)."""
        return sum(1 for r in self.rows if not r.email)


def loop_view(session: Session, *, workspace_id: int, item_id: int) -> LoopView:
    """The item's rows (contact name order) with status counts and new contacts to draft.

    Raises
    ------
    NotFound
        No such item.
    """
    item = get_item(session, workspace_id=workspace_id, item_id=item_id)
    records = session.execute(
        select(LoopNotification, Account.name)
        .outerjoin(Account, Account.id == LoopNotification.account_id)
        .where(
            and_(LoopNotification.workspace_id == workspace_id, LoopNotification.roadmap_item_id == item_id)
        )
    ).all()
    rows = sorted(
        (
            LoopRow(
                id=r.id,
                contact_id=r.contact_id,
                name=r.contact_name,
                email=r.email,
                account_id=r.account_id,
                account_name=account_name or "",
                language=r.language,
                status=str(r.status),
                told_at=r.told_at,
                conversation_ids=list(r.conversation_ids or []),
                subject=r.subject,
                body=r.body,
                last_error=r.last_error,
            )
            for r, account_name in records
        ),
        key=lambda r: (r.account_name, r.name, r.contact_id),
    )
    counts = {s.value: 0 for s in LoopStatus}
    for r in rows:
        counts[r.status] += 1
    drafted = {r.contact_id for r in rows}
    undrafted = [
        r
        for r in recipients(session, workspace_id=workspace_id, item_id=item_id)
        if r.contact_id not in drafted
    ]
    return LoopView(item=item, rows=rows, counts=counts, undrafted=undrafted)
