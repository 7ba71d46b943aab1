"""What the /surveys page shows: NPS, CSAT and CES overall and per group, with the latest answers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor.core.errors import ValidationError
from frontdoor.models import Account, SurveyKind, SurveyResponse
from frontdoor.surveys.metrics import GROUPS, SurveyRow, survey_report

#: Groups shown per metric; the rest are counted in ``hidden`` (largest samples first).
MAX_GROUPS = 100


@dataclass(frozen=True)
class SurveyPage:
    """Overall and grouped metrics per kind, and the latest answers."""

    group_by: str
    overall: dict[str, list[SurveyRow]]
    groups: dict[str, list[SurveyRow]]
    hidden: dict[str, int] = field(default_factory=dict)
    recent: list[SurveyResponse] = field(default_factory=list)
    account: Account | None = None


def parse_day(value: str, name: str) -> dt.datetime | None:
    """``YYYY-MM-DD`` as midnight UTC; empty is None.

    Raises
    ------
    ValidationError
        Not a date.
    """
    value = value.strip()[:10]
    if not value:
        return None
    try:
        return dt.datetime.combine(dt.date.fromisoformat(value), dt.time(0), tzinfo=dt.UTC)
    except ValueError:
        raise ValidationError(f"{name}: a date YYYY-MM-DD") from None


def survey_page(
    session: Session,
    *,
    workspace_id: int,
    group_by: str = "month",
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    account_id: int | None = None,
) -> SurveyPage:
    """Compute every kind overall and by ``group_by`` (time, team, agent, segment, plan, account).

    Grouping by a period keeps time order; other groupings show the largest samples first, at
    most :data:`MAX_GROUPS` of them.
    """
    if group_by not in GROUPS or group_by == "none":
        raise ValidationError(f"group_by must be one of {', '.join(g for g in GROUPS if g != 'none')}")
    account = None
    if account_id is not None:
        account = session.get(Account, account_id)
        if account is None or account.workspace_id != workspace_id:
            raise ValidationError(f"no account {account_id}")
    overall: dict[str, list[SurveyRow]] = {}
    groups: dict[str, list[SurveyRow]] = {}
    hidden: dict[str, int] = {}
    for kind in SurveyKind:
        common = {
            "workspace_id": workspace_id,
            "kind": kind,
            "start": start,
            "end": end,
            "account_id": account_id,
        }
        overall[kind.value] = survey_report(session, group_by="none", **common)  # type: ignore[arg-type]
        rows = survey_report(session, group_by=group_by, **common)  # type: ignore[arg-type]
        if group_by not in ("day", "week", "month"):
            rows.sort(key=lambda r: (-r.metric.n, r.group, r.scale or ""))
        hidden[kind.value] = max(0, len(rows) - MAX_GROUPS)
        groups[kind.value] = rows[:MAX_GROUPS]
    query = select(SurveyResponse).where(SurveyResponse.workspace_id == workspace_id)
    if account_id is not None:
        query = query.where(SurveyResponse.account_id == account_id)
    if start is not None:
        query = query.where(SurveyResponse.responded_at >= start)
    if end is not None:
        query = query.where(SurveyResponse.responded_at < end)
    recent = list(session.scalars(query.order_by(SurveyResponse.responded_at.desc()).limit(50)))
    return SurveyPage(group_by, overall, groups, hidden, recent, account)
