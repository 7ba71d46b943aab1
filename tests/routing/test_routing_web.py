"""Routing page, the conversation page's route form and the REST API, on both backends."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.routing.conftest import conversation
from tests.web.webseed import PASSWORD, add_user, csrf_of, sign_in, token_for

from frontdoor.core.store import Store
from frontdoor.models import Conversation, Role, RouteEvent, RouteMethod, User, Workspace
from frontdoor.routing.assign import route_conversations
from frontdoor.web.app import create_app


def test_rules_page_correction_and_accuracy(queue: Store, workspace: Workspace, admin_password: str) -> None:
    store = queue
    ws = workspace.id
    with store.session() as s:
        cid = conversation(s, ws, "견적서 요청드립니다").id
    with TestClient(create_app(store)) as client:
        sign_in(client, "admin@example.com", admin_password)
        page = client.get("/routing")
        assert page.status_code == 200
        token = csrf_of(page.text)
        added = client.post(
            "/routing/rules",
            data={
                "csrf": token,
                "name": "<script>alert(1)</script>",
                "team": "sales",
                "keywords": "견적, quote",
            },
            follow_redirects=False,
        )
        assert added.status_code == 303
        bad = client.post("/routing/rules", data={"csrf": token, "team": "sales", "pattern": "("})
        assert bad.status_code == 400 and "not a valid regular expression" in bad.text
        route_conversations(store, workspace_id=ws, conversation_ids=[cid], notify=False)

        detail = client.get(f"/conversations/{cid}").text
        assert (
            'id="route-panel"' in detail
            and "keyword 견적" in detail
            and 'data-route="sales">Sales<' in detail
        )
        moved = client.post(
            f"/conversations/{cid}/route",
            data={"csrf": csrf_of(detail), "route": "partnership"},
            follow_redirects=False,
        )
        assert moved.status_code == 303

        page = client.get("/routing").text
        for html in (page, client.get(f"/conversations/{cid}").text):
            assert ' style="' not in html and "<script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        # One prediction (sales, by rule) that a person moved: 0 of 1 kept.
        assert "0.0%" in page and "0 / 1" in page
    with store.session() as s:
        conv = s.get(Conversation, cid)
        assert conv is not None and (conv.route, conv.route_confirmed) == ("partnership", True)
        events = s.scalars(select(RouteEvent).order_by(RouteEvent.id)).all()
        assert [(e.route, e.method, e.previous_route) for e in events] == [
            ("sales", RouteMethod.RULE, None),
            ("partnership", RouteMethod.HUMAN, "sales"),
        ]
        assert events[1].user_id is not None


def test_api_confirms_and_corrects_with_scopes(queue: Store, workspace: Workspace) -> None:
    store = queue
    ws = workspace.id
    with store.session() as s:
        user_id = s.scalars(select(User.id).where(User.workspace_id == ws)).one()
        cid = conversation(s, ws, "hello").id
    route_conversations(store, workspace_id=ws, conversation_ids=[cid], notify=False)
    write = token_for(store, workspace_id=ws, scopes=["read", "write"], user_id=user_id)
    read = token_for(store, workspace_id=ws, scopes=["read"])
    with TestClient(create_app(store)) as client:
        url = f"/api/v1/conversations/{cid}/route"
        denied = client.post(url, json={"route": "sales"}, headers={"Authorization": f"Bearer {read}"})
        assert denied.status_code == 403
        unknown = client.post(url, json={"route": "legal"}, headers={"Authorization": f"Bearer {write}"})
        assert unknown.status_code == 422 and "unknown team" in unknown.json()["detail"]
        ok = client.post(url, json={"route": "support"}, headers={"Authorization": f"Bearer {write}"})
        assert ok.status_code == 200
        body = ok.json()
        assert (body["route"], body["method"], body["previous_route"], body["user_id"]) == (
            "support",
            "human",
            "support",
            user_id,
        )
        history = client.get(
            f"/api/v1/conversations/{cid}/route-events", headers={"Authorization": f"Bearer {read}"}
        ).json()
        assert [(e["route"], e["method"]) for e in history] == [("support", "default"), ("support", "human")]
        acc = client.get("/api/v1/routing/accuracy", headers={"Authorization": f"Bearer {read}"}).json()
        assert (acc["decided"], acc["compared"], acc["correct"], acc["accuracy"]) == (1, 1, 1, 1.0)


def test_engineers_may_not_route(queue: Store, workspace: Workspace) -> None:
    store = queue
    ws = workspace.id
    add_user(store, workspace_id=ws, email="eng@example.com", role=Role.ENGINEER)
    with store.session() as s:
        cid = conversation(s, ws, "hello").id
    with TestClient(create_app(store)) as client:
        sign_in(client, "eng@example.com", PASSWORD)
        detail = client.get(f"/conversations/{cid}").text
        assert 'id="route-form"' not in detail
        response = client.post(
            f"/conversations/{cid}/route", data={"csrf": csrf_of(detail), "route": "sales"}
        )
        assert response.status_code == 403
        assert client.get("/routing").status_code == 200
        rule = client.post("/routing/rules", data={"csrf": csrf_of(detail), "team": "sales"})
        assert rule.status_code == 403
