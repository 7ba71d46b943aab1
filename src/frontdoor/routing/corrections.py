"""People confirming or correcting a route, and the model learning from it.

Human corrections (:func:`set_route`) set ``route_confirmed`` and record a ``human``
event with the machine's previous route. The model learns from them: after each human
decision :func:`after_human_route` queues a full retrain while the workspace has at
most :data:`RETRAIN_EACH_UP_TO` confirmed routes (training takes seconds at that size);
above it, every :data:`RETRAIN_BATCH` th decision retrains, and ``frontdoor routing train``
retrains at any time. So a correction changes the next prediction for similar
conversations as soon as the retrain finishes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from frontdoor.core import tasks
from frontdoor.core.errors import NotFound, ValidationError
from frontdoor.models import Conversation, RouteEvent, RouteMethod, User
from frontdoor.routing.config import routing_config, routing_settings, save_routing_settings, workspace_row
from frontdoor.routing.delivery import dispatch
from frontdoor.routing.model import MIN_TRAIN, RETRAIN_TASK
from frontdoor.workspace.permissions import Action, require

if TYPE_CHECKING:  # pragma: no cover
    from frontdoor.core.store import Store

RETRAIN_EACH_UP_TO = 2000
RETRAIN_BATCH = 50


def set_route(
    session: Session,
    *,
    workspace_id: int,
    conversation_id: int,
    route: str,
    user: User | None,
    via: str = "web",
) -> RouteEvent:
    """A person confirms (same team) or corrects (another team) a conversation's route.

    Sets ``route_confirmed`` so routing never changes it again, and records a ``human``
    event with the machine's route before it (for accuracy). Call
    :func:`after_human_route` after committing, so the model learns from it.

    Parameters
    ----------
    session : Session
        Open session (the caller commits).
    workspace_id, conversation_id : int
        The conversation.
    route : str
        A team key of the workspace.
    user : User or None
        Who decided (None for an API token without a user); needs the ``route`` permission.
    via : str
        ``web``, ``api`` or ``cli`` (recorded).

    Raises
    ------
    NotFound
        No such conversation in the workspace.
    ValidationError
        Unknown team.
    PermissionDenied
        The user may not route.
    """
    if user is not None:
        require(user, Action.ROUTE)
    cfg = routing_config(session, workspace_id=workspace_id)
    if route not in cfg.team_keys:
        raise ValidationError(f"unknown team {route[:64]!r}; teams: {', '.join(cfg.team_keys)}")
    conv = session.get(Conversation, conversation_id, with_for_update=False)
    if conv is None or conv.workspace_id != workspace_id:
        raise NotFound(f"no conversation {conversation_id}")
    previous = conv.route
    who = (user.name or user.email) if user is not None else "API"
    if previous == route:
        reason = f"confirmed by {who}"
    elif previous:
        reason = f"corrected by {who} (was {previous})"
    else:
        reason = f"set by {who}"
    conv.route = route
    conv.route_reason = reason[:500]
    conv.route_confirmed = True
    event = RouteEvent(
        workspace_id=workspace_id,
        conversation_id=conversation_id,
        route=route,
        method=RouteMethod.HUMAN,
        reason=reason[:500],
        previous_route=previous,
        user_id=user.id if user is not None else None,
        attributes={"via": via},
    )
    session.add(event)
    session.flush()
    return event


def after_human_route(store: Store, *, workspace_id: int, event_id: int | None = None) -> str:
    """Teach the model after a human decision and notify a changed destination.

    Retrain policy: while the workspace has at most :data:`RETRAIN_EACH_UP_TO` confirmed
    routes, every decision queues a full retrain (task ``routing_retrain``, deduplicated
    while one waits); above that, every :data:`RETRAIN_BATCH` th decision does.

    Returns
    -------
    str
        ``"queued"``, ``"deferred"`` (batch not full yet) or ``"too-few"`` (not enough
        confirmed routes or teams to train).
    """
    with store.session() as session:
        ws = workspace_row(session, workspace_id)
        raw = routing_settings(ws)
        model = dict(raw.get("model") or {})
        model["decisions_since"] = int(model.get("decisions_since", 0)) + 1
        if raw.get("model"):
            raw["model"] = model
            save_routing_settings(ws, raw)
        confirmed = session.execute(
            select(Conversation.route, func.count())
            .where(Conversation.workspace_id == workspace_id, Conversation.route_confirmed.is_(True))
            .group_by(Conversation.route)
        ).all()
        event = session.get(RouteEvent, event_id) if event_id else None
        notify_event = (
            event.id
            if event is not None
            and event.workspace_id == workspace_id
            and event.previous_route != event.route
            else None
        )
    if notify_event is not None:
        dispatch(store, workspace_id=workspace_id, event_ids=[notify_event])
    total = sum(int(n) for _, n in confirmed)
    if total < MIN_TRAIN or len(confirmed) < 2:
        return "too-few"
    if total > RETRAIN_EACH_UP_TO and model.get("decisions_since", 0) < RETRAIN_BATCH and raw.get("model"):
        return "deferred"
    tasks.enqueue(store, RETRAIN_TASK, workspace_id=workspace_id)
    return "queued"
