"""Close-the-loop rows as CSV, for telling contacts by hand (those without email included).

With ``mark_told`` the untold rows become ``exported`` (told by hand), so a later send
skips them.
"""

from __future__ import annotations

import csv
import io

from sqlalchemy import update
from sqlalchemy.orm import Session

from frontdoor.core.errors import ValidationError
from frontdoor.db.base import utcnow
from frontdoor.models import LoopNotification, LoopStatus, RoadmapStatus, User
from frontdoor.roadmap.close_loop.sending import sync_delivery
from frontdoor.roadmap.close_loop.view import loop_view
from frontdoor.roadmap.items import get_item
from frontdoor.workspace.permissions import Action, require

CSV_COLUMNS = (
    "contact_id",
    "name",
    "email",
    "account",
    "language",
    "status",
    "told_at",
    "conversation_ids",
    "subject",
    "body",
)


def _cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (customer text is untrusted)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_csv(
    session: Session, *, workspace_id: int, item_id: int, mark_told: bool = False, user: User | None = None
) -> str:
    """Every drafted contact of an item as CSV (contacts without email included).

    Parameters
    ----------
    mark_told : bool
        Record the rows not yet told as ``exported`` (told by hand, now): a later
        :func:`send` skips them.
    user : User, optional
        Who exports (needs roadmap rights when ``mark_told``).

    Returns
    -------
    str
        CSV text with a header row (:data:`CSV_COLUMNS`), one row per contact.
    """
    item = get_item(session, workspace_id=workspace_id, item_id=item_id)
    if mark_told:
        if user is not None:
            require(user, Action.EDIT_ROADMAP)
        if item.status != RoadmapStatus.SHIPPED:
            raise ValidationError(
                f"roadmap item {item_id} is {item.status}, not shipped: mark it shipped first"
            )
        session.execute(
            update(LoopNotification)
            .where(
                LoopNotification.workspace_id == workspace_id,
                LoopNotification.roadmap_item_id == item_id,
                LoopNotification.status == LoopStatus.DRAFTED,
            )
            .values(
                status=LoopStatus.EXPORTED,
                told_at=utcnow(),
                told_by_id=user.id if user is not None else None,
                updated_at=utcnow(),
            )
        )
        session.expire_all()
    sync_delivery(session, workspace_id=workspace_id, item_id=item_id)
    view = loop_view(session, workspace_id=workspace_id, item_id=item_id)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in view.rows:
        writer.writerow(
            [
                _cell(v)
                for v in (
                    row.contact_id,
                    row.name,
                    row.email or "",
                    row.account_name,
                    row.language,
                    row.status,
                    row.told_at.isoformat() if row.told_at else "",
                    " ".join(str(c) for c in row.conversation_ids),
                    row.subject,
                    row.body,
                )
            ]
        )
    return buf.getvalue()
