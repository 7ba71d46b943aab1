"""The signed-in landing page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from frontdoor.insights.overview import workspace_overview
from frontdoor.web.deps import CurrentUser, SessionDep
from frontdoor.web.templating import render

router = APIRouter()


@router.get("/", include_in_schema=False)
def home(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """Workspace overview: what is in the store."""
    overview = workspace_overview(session, workspace_id=user.workspace_id)
    return render(request, "home.html", {"overview": overview}, user=user)
