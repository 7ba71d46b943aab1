"""Routing conversations to teams: rules, the learned model, human corrections, accuracy.

How a route is decided (:func:`decide_routes`), in order:

1. **Rules** (``Workspace.settings["routing"]["rules"]``, see
   :mod:`frontdoor.routing.rules`): the first rule that matches wins; the reason names the
   rule and the conditions that held.
2. **The model**: a :class:`~frontdoor.tagging.model.learned.LearnedTagger` with one
   single-label dimension ``route`` over team keys, trained on human-confirmed routes.
   Its best team is taken when its calibrated confidence is at least ``min_confidence``
   (default 0.5: more likely right than wrong). The tagger's per-tag precision thresholds
   are not applied: they keep tag *suggestions* clean, while a route must land somewhere
   and a doubtful one lands on the default team, which is the abstention.
3. **The default team** (``default_team``), with why the model abstained.

Every decision is a :class:`~frontdoor.models.RouteEvent` row; the conversation's
``route`` and ``route_reason`` hold the latest. Routing skips conversations whose route
a person confirmed and records nothing when the decision is unchanged (re-running is
idempotent).

Human corrections (:func:`set_route`) set ``route_confirmed`` and record a ``human``
event with the machine's previous route. The model learns from them: after each human
decision :func:`after_human_route` queues a full retrain while the workspace has at
most :data:`RETRAIN_EACH_UP_TO` confirmed routes (training takes seconds at that size);
above it, every :data:`RETRAIN_BATCH` th decision retrains, and ``frontdoor routing train``
retrains at any time. So a correction changes the next prediction for similar
conversations as soon as the retrain finishes.

Accuracy (:func:`routing_accuracy`): for each conversation a person decided, the last
machine prediction before the first human decision against the route the person chose.

Destinations (:func:`dispatch`): each new route is posted to its team's Slack incoming
webhook (durably and at most once, through :func:`frontdoor.notifications.send.send_once`),
and a Channel Talk chat is assigned to the team's Channel Talk team when the source has
API credentials and the team a ``channeltalk_team_id``.

Settings (``Workspace.settings["routing"]``)::

    {"teams": [{"key": "sales", "name_ko": "영업", "name_en": "Sales",
                "slack_webhook_url": "https://hooks.slack.com/...", "channeltalk_team_id": "123"}],
     "default_team": "support",
     "rules": [{"id": "a1", "name": "...", "team": "sales", "keywords": ["견적", "pricing"]}],
     "min_confidence": 0.5,
     "model": {"version": ..., "file": ..., "trained_at": ..., "n_train": ..., "teams": [...]}}
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from frontdoor.core.errors import NotFound, ValidationError
from frontdoor.models import (
    Account,
    AssignmentStatus,
    Contact,
    Conversation,
    RouteEvent,
    RouteMethod,
    Tag,
    TagAssignment,
    User,
)
from frontdoor.routing.config import (
    RoutingConfig,
    routing_config,
    routing_settings,
    save_routing_settings,
    workspace_row,
)
from frontdoor.routing.delivery import dispatch
from frontdoor.routing.model import DIMENSION, MIN_TRAIN, current_model
from frontdoor.routing.rules import RouteFacts, first_match
from frontdoor.workspace.permissions import Action, require

if TYPE_CHECKING:  # pragma: no cover
    from frontdoor.core.store import Store
    from frontdoor.tagging.model.learned import LearnedTagger

__all__ = [
    "RETRAIN_BATCH",
    "RETRAIN_EACH_UP_TO",
    "RouteDecision",
    "RouteResult",
    "after_human_route",
    "decide_routes",
    "register_event_handlers",
    "route_conversations",
    "route_facts",
    "route_unconfirmed",
    "set_route",
]

RETRAIN_EACH_UP_TO = 2000
RETRAIN_BATCH = 50
BATCH = 1000


# --- facts ------------------------------------------------------------------------------


def route_facts(
    session: Session, *, workspace_id: int, conversation_ids: Sequence[int], texts: Mapping[int, str]
) -> dict[int, RouteFacts]:
    """What rules look at, per conversation, in a constant number of queries."""
    ids = list(conversation_ids)
    rows = session.execute(
        select(
            Conversation.id,
            Conversation.channel,
            Conversation.language,
            Account.plan,
            Account.segment,
            Account.arr,
            Contact.is_decision_maker,
        )
        .outerjoin(Account, Account.id == Conversation.account_id)
        .outerjoin(Contact, Contact.id == Conversation.contact_id)
        .where(Conversation.workspace_id == workspace_id, Conversation.id.in_(ids))
    ).all()
    tags: dict[int, set[str]] = defaultdict(set)
    for cid, path, attributes in session.execute(
        select(TagAssignment.conversation_id, Tag.path, TagAssignment.attributes)
        .join(Tag, Tag.id == TagAssignment.tag_id)
        .where(
            TagAssignment.workspace_id == workspace_id,
            TagAssignment.conversation_id.in_(ids),
            TagAssignment.status.in_([AssignmentStatus.CONFIRMED, AssignmentStatus.SUGGESTED]),
        )
    ):
        # A model's "ask a person" candidate is not an assigned tag.
        if not (attributes or {}).get("needs_human"):
            tags[cid].add(path)
    out: dict[int, RouteFacts] = {}
    for cid, channel, language, plan, segment, arr, dm in rows:
        out[cid] = RouteFacts(
            channel=str(channel) if channel else None,
            language=language,
            plan=plan,
            segment=segment,
            arr=int(arr) if arr is not None else None,
            tags=frozenset(tags.get(cid, ())),
            text=texts.get(cid, ""),
            decision_maker=bool(dm),
        )
    return out


# --- deciding ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RouteDecision:
    """Where one conversation goes and why."""

    route: str
    method: RouteMethod
    reason: str
    rule_name: str | None = None
    confidence: float | None = None
    model_version: str | None = None


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def decide_routes(
    cfg: RoutingConfig,
    facts: Mapping[int, RouteFacts],
    *,
    model: LearnedTagger | None = None,
    model_version: str | None = None,
) -> dict[int, RouteDecision]:
    """Decide the route of each conversation: rules, then the model, then the default team.

    Parameters
    ----------
    cfg : RoutingConfig
        Teams, rules, default team and the model's confidence floor.
    facts : mapping of conversation id to RouteFacts
        What the rules look at (and the text the model reads).
    model : LearnedTagger, optional
        The routing model (dimension ``route``); None when not trained.
    model_version : str, optional
        Recorded with model decisions.

    Returns
    -------
    dict of int to RouteDecision
    """
    out: dict[int, RouteDecision] = {}
    left: list[int] = []
    for cid, f in facts.items():
        hit = first_match(cfg.rules, f)
        if hit is not None:
            rule, why = hit
            out[cid] = RouteDecision(
                route=rule.team,
                method=RouteMethod.RULE,
                reason=f"rule {rule.label!r}: {why}"[:500],
                rule_name=rule.label[:200],
            )
        else:
            left.append(cid)
    keys = set(cfg.team_keys)
    texts = {cid: facts[cid].text for cid in left if facts[cid].text.strip()}
    predicted: dict[int, tuple[str, float]] = {}
    if model is not None and texts and DIMENSION in getattr(model, "classifiers_", {}):
        order = list(texts)
        for cid, row in zip(order, model.decide([texts[c] for c in order], [DIMENSION]), strict=True):
            cands = [c for c in row[DIMENSION].candidates if c.tag in keys]
            if cands:
                predicted[cid] = (cands[0].tag, float(cands[0].confidence))
    for cid in left:
        best = predicted.get(cid)
        if best is not None and best[1] >= cfg.min_confidence:
            out[cid] = RouteDecision(
                route=best[0],
                method=RouteMethod.MODEL,
                reason=f"model {model_version or ''}: {best[0]} at {_pct(best[1])} confidence".replace(
                    "  ", " "
                ),
                confidence=round(best[1], 4),
                model_version=model_version,
            )
            continue
        if model is None:
            why = "no rule matched; no routing model trained yet"
        elif best is None:
            why = "no rule matched; no customer text for the model"
        else:
            why = (
                f"no rule matched; model abstained (best {best[0]} at {_pct(best[1])}, "
                f"under {_pct(cfg.min_confidence)})"
            )
        out[cid] = RouteDecision(
            route=cfg.default_team,
            method=RouteMethod.DEFAULT,
            reason=f"default team: {why}",
            confidence=round(best[1], 4) if best else None,
            model_version=model_version if best else None,
        )
    return out


@dataclass
class RouteResult:
    """What :func:`route_conversations` did."""

    conversations: int = 0
    routed: int = 0
    unchanged: int = 0
    confirmed_skipped: int = 0
    by_method: dict[str, int] = field(default_factory=dict)
    by_team: dict[str, int] = field(default_factory=dict)
    event_ids: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output (event ids left out)."""
        return {k: v for k, v in self.__dict__.items() if k != "event_ids"}


def route_conversations(
    store: Store, *, workspace_id: int, conversation_ids: Sequence[int], notify: bool = True
) -> RouteResult:
    """Route conversations that no person has confirmed, recording each changed route.

    Parameters
    ----------
    store : Store
        The store.
    workspace_id : int
        The workspace.
    conversation_ids : sequence of int
        Conversations to route (confirmed ones are skipped).
    notify : bool
        Notify each new route's team (Slack) and assign Channel Talk chats (:func:`dispatch`).

    Returns
    -------
    RouteResult
    """
    from frontdoor.tagging.texts import conversation_texts

    result = RouteResult()
    max_chars = store.settings.max_text_chars
    with store.session() as session:
        cfg = routing_config(session, workspace_id=workspace_id)
        slug = workspace_row(session, workspace_id).slug
    model = current_model(store, cfg, slug)
    version = str(cfg.model.get("version")) if (model is not None and cfg.model) else None
    ids = sorted(set(conversation_ids))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        with store.session() as session:
            current = {
                cid: (route, confirmed)
                for cid, route, confirmed in session.execute(
                    select(Conversation.id, Conversation.route, Conversation.route_confirmed).where(
                        Conversation.workspace_id == workspace_id, Conversation.id.in_(chunk)
                    )
                )
            }
            todo = [cid for cid, (_, confirmed) in current.items() if not confirmed]
            result.conversations += len(current)
            result.confirmed_skipped += len(current) - len(todo)
            if not todo:
                continue
            texts = conversation_texts(
                session, workspace_id=workspace_id, conversation_ids=todo, max_chars=max_chars
            )
            facts = route_facts(session, workspace_id=workspace_id, conversation_ids=todo, texts=texts)
            decisions = decide_routes(cfg, facts, model=model, model_version=version)
            changed = [
                (cid, d)
                for cid in todo
                if (d := decisions.get(cid)) is not None and current[cid][0] != d.route
            ]
            result.unchanged += sum(
                1 for cid in todo if (d := decisions.get(cid)) is not None and current[cid][0] == d.route
            )
            batch_ids = _write_routes(session, workspace_id=workspace_id, changed=changed, result=result)
        result.event_ids.extend(batch_ids)
        if notify and batch_ids:
            dispatch(store, workspace_id=workspace_id, event_ids=batch_ids, live_only=True)
    return result


_CONV = cast(Table, Conversation.__table__)
# Executemany, bound by id: one statement for every changed route of a chunk.
_SET_ROUTE = (
    update(_CONV)
    .where(_CONV.c.id == bindparam("b_id"), _CONV.c.route_confirmed.is_(False))
    .values(route=bindparam("b_route"), route_reason=bindparam("b_reason"))
)


def _write_routes(
    session: Session,
    *,
    workspace_id: int,
    changed: Sequence[tuple[int, RouteDecision]],
    result: RouteResult,
) -> list[int]:
    """Write changed routes in three statements: one UPDATE and one INSERT for all, one check.

    The UPDATE is conditional (a person who confirmed a route meanwhile keeps it); the
    conversations it did change are read back in the same transaction, and only those get
    a route event. On PostgreSQL the UPDATE holds the row locks of the conversations it
    changed until commit, so a person's concurrent confirmation either came first (and is
    seen here) or waits for this commit.
    """
    if not changed:
        return []
    session.execute(
        _SET_ROUTE,
        [{"b_id": cid, "b_route": d.route, "b_reason": d.reason[:500]} for cid, d in changed],
    )
    applied = set(
        session.scalars(
            select(Conversation.id).where(
                Conversation.workspace_id == workspace_id,
                Conversation.id.in_([cid for cid, _ in changed]),
                Conversation.route_confirmed.is_(False),
            )
        )
    )
    rows: list[dict[str, Any]] = []
    for cid, d in changed:
        if cid not in applied:
            result.confirmed_skipped += 1
            continue
        rows.append(
            {
                "workspace_id": workspace_id,
                "conversation_id": cid,
                "route": d.route,
                "method": d.method,
                "reason": d.reason[:500],
                "rule_name": d.rule_name,
                "confidence": d.confidence,
                "model_version": d.model_version,
                "attributes": {},
            }
        )
        result.routed += 1
        result.by_method[d.method.value] = result.by_method.get(d.method.value, 0) + 1
        result.by_team[d.route] = result.by_team.get(d.route, 0) + 1
    if not rows:
        return []
    # insertmanyvalues: a few multi-row INSERT .. RETURNING statements, ids in parameter order.
    return list(
        session.scalars(
            insert(RouteEvent).returning(RouteEvent.id, sort_by_parameter_order=True),
            rows,
        )
    )


def route_unconfirmed(store: Store, *, workspace_id: int, since: dt.datetime | None = None) -> RouteResult:
    """Route every conversation without a confirmed route (opened since ``since``), without notifying.

    Used by ``frontdoor route`` to (re)route history; notifications are for arrivals.
    """
    with store.session() as session:
        workspace_row(session, workspace_id)
        stmt = select(Conversation.id).where(
            Conversation.workspace_id == workspace_id, Conversation.route_confirmed.is_(False)
        )
        if since is not None:
            stmt = stmt.where(Conversation.opened_at >= since)
        ids = list(session.scalars(stmt.order_by(Conversation.id)))
    return route_conversations(store, workspace_id=workspace_id, conversation_ids=ids, notify=False)


def _on_ingested(store: Store, *, workspace_id: int, conversation_ids: Sequence[int], **_: Any) -> None:
    route_conversations(store, workspace_id=workspace_id, conversation_ids=conversation_ids)


def register_event_handlers() -> None:
    """Subscribe routing to the ingest event (idempotent); call after tagging subscribes.

    Routing runs after tagging so that rules on tags see the tags of new conversations.
    """
    from frontdoor.core import events

    events.subscribe(events.CONVERSATIONS_INGESTED, _on_ingested)


# --- human decisions --------------------------------------------------------------------


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
    from frontdoor.core import tasks

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
    tasks.enqueue(store, "routing_retrain", workspace_id=workspace_id)
    return "queued"


def _register_tasks() -> None:
    from frontdoor.core.tasks import register_task

    register_task(
        "routing_assign_channeltalk",
        "frontdoor.routing.delivery:assign_channeltalk_task",
        dedupe_by=("event_id",),
    )
    register_task("routing_retrain", "frontdoor.routing.model:retrain_task", dedupe_by=("workspace_id",))


_register_tasks()
