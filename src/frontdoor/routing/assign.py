"""Routing conversations to teams: on arrival and in bulk, each changed route recorded once.

Every decision (:mod:`frontdoor.routing.decide`) is a :class:`~frontdoor.models.RouteEvent`
row; the conversation's ``route`` and ``route_reason`` hold the latest. Routing skips
conversations whose route a person confirmed (:mod:`frontdoor.routing.corrections`) and
records nothing when the decision is unchanged (re-running is idempotent). Each new route
goes to its team (:func:`frontdoor.routing.delivery.dispatch`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from frontdoor.core.events import ConversationsIngested
from frontdoor.models import Conversation, RouteEvent
from frontdoor.routing.config import routing_config, workspace_row
from frontdoor.routing.decide import RouteDecision, decide_routes
from frontdoor.routing.delivery import dispatch
from frontdoor.routing.facts import route_facts
from frontdoor.routing.model import current_model

if TYPE_CHECKING:  # pragma: no cover
    from frontdoor.core.store import Store

BATCH = 1000


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


def on_conversations_ingested(store: Store, event: ConversationsIngested) -> None:
    """Route the conversations of an ingest batch (subscribed after tagging: rules on tags see them)."""
    route_conversations(store, workspace_id=event.workspace_id, conversation_ids=event.conversation_ids)
