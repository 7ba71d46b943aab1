"""Surveys (insights and roadmap: routes/insights.py; on-call: routes/oncall.py)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from frontdoor.models import SurveyResponse
from frontdoor.web.deps import CurrentUser, SessionDep
from frontdoor.web.templating import render

router = APIRouter()


@router.get("/surveys", include_in_schema=False)
def surveys(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """Latest survey responses."""
    rows = list(
        session.scalars(
            select(SurveyResponse)
            .where(SurveyResponse.workspace_id == user.workspace_id)
            .order_by(SurveyResponse.responded_at.desc())
            .limit(100)
        )
    )
    return render(request, "surveys.html", {"rows": rows}, user=user)

