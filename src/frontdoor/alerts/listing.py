"""Alerts as pages and the CLI read them: the list, newest first, and acknowledging one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor.core.errors import NotFound, ValidationError
from frontdoor.db.base import utcnow
from frontdoor.models import Alert, AlertStatus, Tag, User
from frontdoor.workspace.permissions import Action, require


@dataclass(frozen=True)
class AlertView:
    """An alert as pages and the CLI show it."""

    id: int
    tag_id: int
    tag_path: str
    tag_name_ko: str
    tag_name_en: str
    window_start: dt.datetime
    window_end: dt.datetime
    observed: int
    expected: float
    p_value: float
    examples: list[dict[str, Any]]
    accounts: list[dict[str, Any]]
    status: str
    created_at: dt.datetime
    acknowledged_at: dt.datetime | None
    acknowledged_by: str | None


def list_alerts(
    session: Session, *, workspace_id: int, status: str | None = None, limit: int = 100
) -> list[AlertView]:
    """The workspace's alerts, newest first.

    Raises
    ------
    ValidationError
        When ``status`` is not open or acknowledged.
    """
    query = (
        select(Alert, Tag.path, Tag.name_ko, Tag.name_en, User.name, User.email)
        .join(Tag, Tag.id == Alert.tag_id)
        .outerjoin(User, User.id == Alert.acknowledged_by)
        .where(Alert.workspace_id == workspace_id)
    )
    if status:
        try:
            query = query.where(Alert.status == AlertStatus(status))
        except ValueError:
            raise ValidationError("status must be open or acknowledged") from None
    rows = session.execute(
        query.order_by(Alert.window_end.desc(), Alert.id.desc()).limit(max(1, min(limit, 1000)))
    )
    return [
        AlertView(
            id=a.id,
            tag_id=a.tag_id,
            tag_path=path,
            tag_name_ko=name_ko,
            tag_name_en=name_en,
            window_start=a.window_start,
            window_end=a.window_end,
            observed=a.observed,
            expected=a.expected,
            p_value=a.p_value,
            examples=list(a.examples or []),
            accounts=list(a.accounts or []),
            status=a.status.value,
            created_at=a.created_at,
            acknowledged_at=a.acknowledged_at,
            acknowledged_by=(user_name or user_email) if (user_name or user_email) else None,
        )
        for a, path, name_ko, name_en, user_name, user_email in rows
    ]


def acknowledge_alert(session: Session, *, workspace_id: int, alert_id: int, actor: User) -> bool:
    """Mark an alert acknowledged by ``actor``; ``False`` when it already was.

    Raises
    ------
    NotFound
        When the workspace has no such alert.
    """
    require(actor, Action.READ)
    alert = session.get(Alert, alert_id)
    if alert is None or alert.workspace_id != workspace_id:
        raise NotFound(f"no alert {alert_id}")
    if alert.status is AlertStatus.ACKNOWLEDGED:
        return False
    alert.status = AlertStatus.ACKNOWLEDGED
    alert.acknowledged_at = utcnow()
    alert.acknowledged_by = actor.id
    session.flush()
    return True
