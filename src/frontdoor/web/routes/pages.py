"""Surveys (insights and roadmap: routes/insights.py; on-call: routes/oncall.py)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from frontdoor.web.deps import CurrentUser, SessionDep
from frontdoor.web.templating import render

router = APIRouter()


@router.get("/surveys", include_in_schema=False)
def surveys(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    group: str = "month",
    start: str = "",
    end: str = "",
    account: str = "",
) -> Response:
    """NPS, CSAT and CES overall and by time, team, agent, segment, plan or account."""
    from frontdoor.surveys.metrics import GROUPS
    from frontdoor.surveys.page import parse_day, survey_page

    group = group if group in GROUPS and group != "none" else "month"
    page = survey_page(
        session,
        workspace_id=user.workspace_id,
        group_by=group,
        start=parse_day(start, "start"),
        end=parse_day(end, "end"),
        account_id=int(account) if account.isdigit() else None,
    )
    params = {"group": group, "start": start[:10], "end": end[:10], "account": account[:20]}
    groups = [g for g in GROUPS if g != "none"]
    return render(request, "surveys.html", {"page": page, "params": params, "groups": groups}, user=user)
