"""Routing over the API: confirm or correct a route, read a route history and the accuracy."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from frontdoor.models import User
from frontdoor.routing import corrections
from frontdoor.routing.report import route_events, routing_accuracy
from frontdoor.web.api.deps import ReadToken, WriteToken
from frontdoor.web.deps import SessionDep

router = APIRouter(tags=["routing"])


class RouteSet(BaseModel):
    """A person's route for a conversation (a team key)."""

    route: str = Field(min_length=1, max_length=64)


class RouteEventPublic(BaseModel):
    """One routing decision."""

    model_config = {"from_attributes": True}

    id: int
    conversation_id: int
    route: str
    method: str
    reason: str
    rule_name: str | None
    confidence: float | None
    model_version: str | None
    previous_route: str | None
    user_id: int | None
    created_at: dt.datetime


@router.post("/conversations/{conversation_id}/route", response_model=RouteEventPublic)
def set_route(
    request: Request, conversation_id: int, body: RouteSet, session: SessionDep, token: WriteToken
) -> RouteEventPublic:
    """Confirm (same team) or correct (another team) a route as the token's user; the model learns."""
    user = session.get(User, token.user_id) if token.user_id else None
    event = corrections.set_route(
        session,
        workspace_id=token.workspace_id,
        conversation_id=conversation_id,
        route=body.route,
        user=user,
        via="api",
    )
    out = RouteEventPublic.model_validate(event)
    session.commit()  # the retrain reads this decision
    corrections.after_human_route(request.app.state.store, workspace_id=token.workspace_id, event_id=event.id)
    return out


@router.get("/conversations/{conversation_id}/route-events", response_model=list[RouteEventPublic])
def list_route_events(conversation_id: int, session: SessionDep, token: ReadToken) -> list[RouteEventPublic]:
    """The conversation's routing decisions, oldest first."""
    rows = route_events(session, workspace_id=token.workspace_id, conversation_id=conversation_id)
    return [RouteEventPublic.model_validate(e) for e in rows]


@router.get("/routing/accuracy")
def accuracy(session: SessionDep, token: ReadToken, since: dt.date | None = None) -> dict[str, Any]:
    """Predicted routes against the routes people confirmed (overall, per method and team)."""
    when = dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC) if since else None
    return routing_accuracy(session, workspace_id=token.workspace_id, since=when).to_dict()
