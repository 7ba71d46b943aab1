"""Insights, roadmap, surveys and on-call: simple pages over the existing tables."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from frontdoor.models import RoadmapItem, SurveyResponse
from frontdoor.services.tag_views import tag_stats, tag_tree
from frontdoor.web.api.roadmap import roadmap_demand
from frontdoor.web.cache import stats_cache
from frontdoor.web.deps import CurrentUser, SessionDep
from frontdoor.web.templating import render

router = APIRouter()


@router.get("/insights", include_in_schema=False)
def insights(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """Top tags by confirmed conversations."""
    ws = user.workspace_id
    stats = stats_cache(request).get(ws, "tag_stats", lambda: tag_stats(session, workspace_id=ws))
    nodes = [n for tree in tag_tree(session, workspace_id=ws, stats=stats) for n in tree.nodes]
    top = sorted((n for n in nodes if n.count), key=lambda n: -n.count)[:20]
    return render(request, "insights.html", {"top": top}, user=user)


@router.get("/roadmap", include_in_schema=False)
def roadmap(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """Roadmap items with their linked tags and demand."""
    items = list(
        session.scalars(
            select(RoadmapItem)
            .where(RoadmapItem.workspace_id == user.workspace_id)
            .order_by(RoadmapItem.title)
        )
    )
    demand = {d.id: d for d in roadmap_demand(session, workspace_id=user.workspace_id)}
    return render(request, "roadmap.html", {"items": items, "demand": demand}, user=user)


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


@router.get("/oncall", include_in_schema=False)
def oncall(request: Request, user: CurrentUser) -> Response:
    """The customer on-call rotation (arrives with the insights work)."""
    return render(request, "oncall.html", {}, user=user)
