"""Destinations of a route: the Channel Talk team assignment and the team's Slack webhook.

Every call goes to a real HTTP server on loopback: method, path, headers and body are checked.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select
from tests.routing.conftest import RecordingServer, conversation, run_deferred, source

from frontdoor.core.errors import AuthenticationError
from frontdoor.core.store import Store
from frontdoor.db.base import utcnow
from frontdoor.integrations.channeltalk.assign import AssignmentFailed, ChannelTalkTeamAssigner
from frontdoor.models import ConversationStatus, Notification, RouteEvent, User, Workspace
from frontdoor.routing import config as routing_config
from frontdoor.routing.assign import route_conversations
from frontdoor.routing.delivery import dispatch


def test_assign_team_patches_the_chat_and_waits_out_429(http_server: RecordingServer) -> None:
    http_server.script = [
        (429, {"Retry-After": "7"}, b'{"message":"too many"}'),
        (200, {}, b'{"userChat": {"id": "chat-1", "teamId": "77"}}'),
    ]
    waits: list[float] = []
    with ChannelTalkTeamAssigner(
        access_key="key-1",
        access_secret="secret-1",
        base_url=f"{http_server.url}/open/v5",
        sleep=waits.append,
    ) as client:
        answer = client.assign_team("chat-1", "77")
    assert answer == {"userChat": {"id": "chat-1", "teamId": "77"}}
    assert waits == [7.0]
    assert len(http_server.seen) == 2
    for seen in http_server.seen:
        assert (seen.method, seen.path) == ("PATCH", "/open/v5/user-chats/chat-1")
        assert seen.headers["x-access-key"] == "key-1"
        assert seen.headers["x-access-secret"] == "secret-1"
        assert seen.headers["content-type"] == "application/json"
        assert seen.json() == {"teamId": "77"}


def test_assign_team_errors(http_server: RecordingServer) -> None:
    def client(**kw: Any) -> ChannelTalkTeamAssigner:
        return ChannelTalkTeamAssigner(
            access_key="k", access_secret="s", base_url=http_server.url, sleep=lambda _s: None, **kw
        )

    http_server.script = [(401, {}, b"{}")]
    with pytest.raises(AuthenticationError, match="HTTP 401"):
        client().assign_team("a/b", "1")
    assert http_server.seen[-1].path == "/user-chats/a%2Fb"  # ids are escaped into one path segment
    http_server.seen.clear()
    http_server.script = [(404, {}, b"{}")]
    with pytest.raises(AssignmentFailed, match="HTTP 404") as not_found:
        client().assign_team("x", "1")
    assert not not_found.value.transient and len(http_server.seen) == 1
    http_server.seen.clear()
    http_server.script = [(503, {}, b"{}")]
    with pytest.raises(AssignmentFailed, match="HTTP 503 after 3 tries") as unavailable:
        client(max_retries=2).assign_team("x", "1")
    assert unavailable.value.transient and len(http_server.seen) == 3


def test_new_route_tells_slack_and_assigns_the_channeltalk_team(
    queue: Store, backend: str, workspace: Workspace, admin: User, http_server: RecordingServer
) -> None:
    store = queue
    ws = workspace.id
    http_server.script = [(200, {}, b"{}")]
    with store.session() as s:
        source(
            s,
            ws,
            kind="channeltalk",
            settings={"access_key": "ak", "access_secret": "as", "base_url": f"{http_server.url}/open/v5"},
        )
        routing_config.save_team(
            s,
            workspace_id=ws,
            user=admin,
            key="sales",
            name_ko="영업",
            name_en="Sales",
            slack_webhook_url=f"{http_server.url}/slack/T1",
            channeltalk_team_id="77",
        )
        routing_config.add_rule(
            s, workspace_id=ws, user=admin, rule={"name": "quotes", "team": "sales", "keywords": "견적"}
        )
        cid = conversation(
            s,
            ws,
            "견적 부탁드려요",
            kind="channeltalk",
            external_id="chat-9",
            subject="견적 <!channel>",
            opened_at=utcnow(),
        ).id
    result = route_conversations(store, workspace_id=ws, conversation_ids=[cid])
    assert result.routed == 1
    run_deferred(store, backend)

    by_path = {(r.method, r.path): r for r in http_server.seen}
    assert len(http_server.seen) == 2
    assign = by_path[("PATCH", "/open/v5/user-chats/chat-9")]
    assert assign.json() == {"teamId": "77"}
    assert (assign.headers["x-access-key"], assign.headers["x-access-secret"]) == ("ak", "as")
    slack = by_path[("POST", "/slack/T1")].json()
    assert slack["text"].startswith("New conversation for Sales (영업): 견적 &lt;!channel&gt;")
    assert "<!channel>" not in json.dumps(slack, ensure_ascii=False)
    assert "rule 'quotes': keyword 견적" in json.dumps(slack, ensure_ascii=False)
    with store.session() as s:
        event = s.scalars(select(RouteEvent)).one()
        assert event.attributes["channeltalk"]["status"] == "assigned"
        assert event.attributes["channeltalk"]["team_id"] == "77"
        notes = s.scalars(select(Notification)).all()
        assert [(n.dedupe_key, n.target) for n in notes] == [
            (f"route:{event.id}:slack", f"{http_server.url}/slack/T1")
        ]
        event_id = event.id

    # Routing again changes nothing; dispatching the same event again sends nothing new.
    assert route_conversations(store, workspace_id=ws, conversation_ids=[cid]).routed == 0
    dispatch(store, workspace_id=ws, event_ids=[event_id])
    run_deferred(store, backend)
    assert len(http_server.seen) == 2


def test_failed_assignment_is_recorded_on_the_event(
    queue: Store, backend: str, workspace: Workspace, admin: User, http_server: RecordingServer
) -> None:
    store = queue
    ws = workspace.id
    http_server.script = [(403, {}, b"{}")]
    with store.session() as s:
        source(
            s,
            ws,
            kind="channeltalk",
            settings={"access_key": "ak", "access_secret": "bad", "base_url": http_server.url},
        )
        routing_config.save_team(s, workspace_id=ws, user=admin, key="support", channeltalk_team_id="5")
        cid = conversation(s, ws, "hi", kind="channeltalk", external_id="chat-3", opened_at=utcnow()).id
    route_conversations(store, workspace_id=ws, conversation_ids=[cid])
    run_deferred(store, backend)
    with store.session() as s:
        outcome = s.scalars(select(RouteEvent)).one().attributes["channeltalk"]
    assert outcome["status"] == "failed" and "HTTP 403" in outcome["error"]
    assert [r.path for r in http_server.seen] == ["/user-chats/chat-3"]


def test_history_and_closed_conversations_notify_nobody(
    queue: Store, backend: str, workspace: Workspace, admin: User, http_server: RecordingServer
) -> None:
    store = queue
    ws = workspace.id
    with store.session() as s:
        source(
            s,
            ws,
            kind="channeltalk",
            settings={"access_key": "a", "access_secret": "b", "base_url": http_server.url},
        )
        routing_config.save_team(
            s,
            workspace_id=ws,
            user=admin,
            key="support",
            slack_webhook_url=f"{http_server.url}/slack",
            channeltalk_team_id="5",
        )
        old = conversation(s, ws, "imported last year", kind="channeltalk", external_id="old-1").id
        closed = conversation(
            s, ws, "closed today", kind="channeltalk", external_id="closed-1", opened_at=utcnow()
        )
        closed.status = ConversationStatus.CLOSED
        closed_id = closed.id
    result = route_conversations(store, workspace_id=ws, conversation_ids=[old, closed_id])
    run_deferred(store, backend)
    assert result.routed == 2
    assert http_server.seen == []
    with store.session() as s:
        assert s.scalars(select(Notification)).all() == []
