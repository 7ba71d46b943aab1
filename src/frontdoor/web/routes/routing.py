"""The routing page (teams, rules in order, accuracy, recent routes) and route corrections."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from frontdoor.models import User
from frontdoor.routing.config import (
    add_rule,
    delete_rule,
    move_rule,
    routing_config,
    save_team,
    set_default_team,
)
from frontdoor.routing.corrections import after_human_route, set_route
from frontdoor.routing.report import recent_events, route_events, routing_accuracy
from frontdoor.web.deps import CsrfChecked, CurrentUser, SessionDep
from frontdoor.web.templating import render
from frontdoor.workspace.permissions import Action, can

router = APIRouter()

FORM_FIELDS = ("name", "team", "channels", "languages", "plans", "segments", "tags", "keywords", "pattern")


def route_panel(session: Session, *, user: User, conversation_id: int) -> dict[str, Any]:
    """What the conversation page shows about routing: teams, history, whether the user may route."""
    cfg = routing_config(session, workspace_id=user.workspace_id)
    return {
        "teams": cfg.teams,
        "events": route_events(session, workspace_id=user.workspace_id, conversation_id=conversation_id),
        "can_route": can(user, Action.ROUTE),
    }


@router.get("/routing", include_in_schema=False)
def routing_page(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """Teams, rules in the order they are tried, accuracy on confirmed routes, recent routes."""
    ws = user.workspace_id
    cfg = routing_config(session, workspace_id=ws)
    ctx = {
        "cfg": cfg,
        "accuracy": routing_accuracy(session, workspace_id=ws),
        "recent": recent_events(session, workspace_id=ws, limit=50),
        "is_admin": can(user, Action.ADMIN),
    }
    return render(request, "routing.html", ctx, user=user)


@router.post("/routing/rules", dependencies=[CsrfChecked])
async def add_rule_form(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """Add a rule from the form (last, or at ``position``)."""
    form = await request.form()
    raw: dict[str, Any] = {k: str(form.get(k, ""))[:2000] for k in FORM_FIELDS}
    raw["arr_min"] = str(form.get("arr_min", ""))[:30]
    raw["arr_max"] = str(form.get("arr_max", ""))[:30]
    raw["decision_maker"] = str(form.get("decision_maker", ""))[:10]
    position = str(form.get("position", "")).strip()
    add_rule(
        session,
        workspace_id=user.workspace_id,
        user=user,
        rule=raw,
        position=int(position) - 1 if position.isdigit() else None,
    )
    return RedirectResponse("/routing", status_code=303)


@router.post("/routing/rules/{rule_id}/delete", dependencies=[CsrfChecked])
def delete_rule_form(rule_id: str, session: SessionDep, user: CurrentUser) -> Response:
    """Remove a rule."""
    delete_rule(session, workspace_id=user.workspace_id, user=user, rule_id=rule_id[:40])
    return RedirectResponse("/routing", status_code=303)


@router.post("/routing/rules/{rule_id}/move", dependencies=[CsrfChecked])
def move_rule_form(
    rule_id: str, session: SessionDep, user: CurrentUser, direction: Annotated[str, Form()]
) -> Response:
    """Move a rule one place up (tried earlier) or down."""
    offset = -1 if direction == "up" else 1
    move_rule(session, workspace_id=user.workspace_id, user=user, rule_id=rule_id[:40], offset=offset)
    return RedirectResponse("/routing", status_code=303)


@router.post("/routing/teams", dependencies=[CsrfChecked])
def save_team_form(
    session: SessionDep,
    user: CurrentUser,
    key: Annotated[str, Form(max_length=64)],
    name_ko: Annotated[str, Form(max_length=100)] = "",
    name_en: Annotated[str, Form(max_length=100)] = "",
    slack_webhook_url: Annotated[str, Form(max_length=2000)] = "",
    channeltalk_team_id: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Add or update a team (name, Slack webhook, Channel Talk team id)."""
    save_team(
        session,
        workspace_id=user.workspace_id,
        user=user,
        key=key,
        name_ko=name_ko,
        name_en=name_en,
        slack_webhook_url=slack_webhook_url,
        channeltalk_team_id=channeltalk_team_id,
    )
    return RedirectResponse("/routing", status_code=303)


@router.post("/routing/default", dependencies=[CsrfChecked])
def default_team_form(
    session: SessionDep, user: CurrentUser, team: Annotated[str, Form(max_length=64)]
) -> Response:
    """Choose the default team."""
    set_default_team(session, workspace_id=user.workspace_id, user=user, team=team)
    return RedirectResponse("/routing", status_code=303)


@router.post("/conversations/{conversation_id}/route", dependencies=[CsrfChecked])
def set_route_form(
    request: Request,
    conversation_id: int,
    session: SessionDep,
    user: CurrentUser,
    route: Annotated[str, Form(max_length=64)],
) -> Response:
    """Confirm or correct the conversation's route; the model learns from it."""
    event = set_route(
        session, workspace_id=user.workspace_id, conversation_id=conversation_id, route=route, user=user
    )
    event_id = event.id
    session.commit()  # the retrain and the notification read what was just decided
    after_human_route(request.app.state.store, workspace_id=user.workspace_id, event_id=event_id)
    return RedirectResponse(f"/conversations/{conversation_id}", status_code=303)
