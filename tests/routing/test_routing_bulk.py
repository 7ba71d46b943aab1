"""Routing's set-based writes on both backends: one event per changed route, mapped right."""

from __future__ import annotations

from sqlalchemy import select
from tests.routing.conftest import conversation

from frontdoor.core.store import Store
from frontdoor.models import Conversation, RouteEvent, RouteMethod, User, Workspace
from frontdoor.routing import config as routing_config
from frontdoor.routing.assign import RouteResult, _write_routes, route_conversations
from frontdoor.routing.corrections import set_route
from frontdoor.routing.decide import RouteDecision


def test_many_routes_in_one_chunk_each_get_their_own_event(
    store: Store, workspace: Workspace, admin: User
) -> None:
    ws = workspace.id
    with store.session() as s:
        routing_config.add_rule(
            s, workspace_id=ws, user=admin, rule={"name": "quotes", "team": "sales", "keywords": "견적"}
        )
        # Alternate rule and default so a shifted id-to-event mapping would show.
        ids = [conversation(s, ws, "견적 부탁" if i % 2 == 0 else f"hello {i}").id for i in range(30)]
    result = route_conversations(store, workspace_id=ws, conversation_ids=ids, notify=False)
    assert (result.conversations, result.routed, result.unchanged) == (30, 30, 0)
    assert result.by_team == {"sales": 15, "support": 15}
    with store.session() as s:
        events = {e.id: e for e in s.scalars(select(RouteEvent))}
        convs = {c.id: c for c in s.scalars(select(Conversation).where(Conversation.id.in_(ids)))}
    assert sorted(events) == sorted(result.event_ids) and len(events) == 30
    assert sorted(e.conversation_id for e in events.values()) == sorted(ids)
    for event in events.values():
        conv = convs[event.conversation_id]
        expected = "sales" if ids.index(conv.id) % 2 == 0 else "support"
        assert (event.route, conv.route, conv.route_reason) == (expected, expected, event.reason)
        method = RouteMethod.RULE if expected == "sales" else RouteMethod.DEFAULT
        assert (event.method, event.attributes, event.workspace_id) == (method, {}, ws)
        assert event.rule_name == ("quotes" if expected == "sales" else None)


def test_a_route_confirmed_after_deciding_is_kept_and_gets_no_event(
    store: Store, workspace: Workspace, admin: User
) -> None:
    ws = workspace.id
    with store.session() as s:
        kept = conversation(s, ws, "hello").id
        free = conversation(s, ws, "hi").id
    decision = RouteDecision(route="sales", method=RouteMethod.DEFAULT, reason="default team: test")
    # A person confirms between routing's read and its write.
    with store.session() as s:
        set_route(s, workspace_id=ws, conversation_id=kept, route="support", user=admin)
    result = RouteResult()
    with store.session() as s:
        ids = _write_routes(s, workspace_id=ws, changed=[(kept, decision), (free, decision)], result=result)
    assert (result.routed, result.confirmed_skipped) == (1, 1)
    with store.session() as s:
        machine = s.scalars(select(RouteEvent).where(RouteEvent.method != RouteMethod.HUMAN)).all()
        assert [(e.id, e.conversation_id, e.route) for e in machine] == [(ids[0], free, "sales")]
        k, f = s.get(Conversation, kept), s.get(Conversation, free)
        assert k is not None and f is not None
        assert (k.route, k.route_confirmed) == ("support", True)
        assert (f.route, f.route_reason, f.route_confirmed) == ("sales", "default team: test", False)
