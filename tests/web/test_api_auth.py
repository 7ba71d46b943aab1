"""API auth: bearer tokens, scopes, revocation, workspace isolation."""

from __future__ import annotations

from fastapi.testclient import TestClient
from webseed import seed, token_for

from frontdoor.core.store import Store
from frontdoor.models import Workspace
from frontdoor.web.app import create_app
from frontdoor.workspace.api_tokens import revoke_token


def _h(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_missing_and_bad_tokens_are_401(store: Store, workspace: Workspace) -> None:
    with TestClient(create_app(store)) as client:
        missing = client.get("/api/v1/conversations")
        assert missing.status_code == 401 and missing.json()["detail"]
        assert missing.headers["www-authenticate"] == "Bearer"
        assert client.get("/api/v1/tags", headers=_h("fd_not-a-real-token")).status_code == 401
        assert client.get("/api/v1/tags", headers={"Authorization": "Basic abc"}).status_code == 401


def test_revoked_token_is_401(store: Store, workspace: Workspace) -> None:
    token = token_for(store, workspace_id=workspace.id, scopes=["read"])
    with TestClient(create_app(store)) as client:
        assert client.get("/api/v1/tags", headers=_h(token)).status_code == 200
        with store.session() as s:
            from frontdoor.models import ApiToken

            revoke_token(s, workspace_id=workspace.id, token_id=s.query(ApiToken).one().id)
        assert client.get("/api/v1/tags", headers=_h(token)).status_code == 401


def test_scopes_are_enforced(store: Store, workspace: Workspace) -> None:
    ids = seed(store, workspace_id=workspace.id)
    read = token_for(store, workspace_id=workspace.id, scopes=["read"])
    write = token_for(store, workspace_id=workspace.id, scopes=["write"])
    admin = token_for(store, workspace_id=workspace.id, scopes=["admin"])
    body = {"conversation_id": ids.refund_conversation_id, "tag_id": ids.tag_refund_id}
    with TestClient(create_app(store)) as client:
        denied = client.post("/api/v1/assignments", json=body, headers=_h(read))
        assert denied.status_code == 403 and "write" in denied.json()["detail"]
        assert client.get("/api/v1/conversations", headers=_h(write)).status_code == 403
        assert client.post("/api/v1/ingest", json={"conversations": []}, headers=_h(read)).status_code == 403
        created = client.post("/api/v1/assignments", json=body, headers=_h(write))
        assert created.status_code == 201 and created.json()["status"] == "confirmed"
        assert client.get("/api/v1/conversations", headers=_h(admin)).status_code == 200


def test_one_workspace_token_cannot_read_another(store: Store, workspace: Workspace) -> None:
    mine = seed(store, workspace_id=workspace.id)
    other = seed(store, slug="globex", prefix="g-")
    token = token_for(store, workspace_id=workspace.id, scopes=["read", "write"])
    with TestClient(create_app(store)) as client:
        h = _h(token)
        listed = client.get("/api/v1/conversations", headers=h).json()["items"]
        assert {c["id"] for c in listed} == {
            mine.refund_conversation_id,
            mine.export_conversation_id,
            mine.xss_conversation_id,
        }
        assert (
            client.get(f"/api/v1/conversations/{other.refund_conversation_id}", headers=h).status_code == 404
        )
        assert client.get(f"/api/v1/accounts/{other.account_id}", headers=h).status_code == 404
        assert (
            client.get("/api/v1/conversations", params={"tag_id": other.tag_refund_id}, headers=h).status_code
            == 404
        )
        assert (
            client.get(
                "/api/v1/assignments", params={"conversation_id": other.refund_conversation_id}, headers=h
            ).status_code
            == 404
        )
        cross = client.post(
            "/api/v1/assignments",
            json={"conversation_id": other.refund_conversation_id, "tag_id": other.tag_refund_id},
            headers=h,
        )
        assert cross.status_code == 404
        mixed = client.post(
            "/api/v1/assignments",
            json={"conversation_id": mine.refund_conversation_id, "tag_id": other.tag_refund_id},
            headers=h,
        )
        assert mixed.status_code == 404
        tags = {t["path"] for t in client.get("/api/v1/tags", headers=h).json()}
        assert tags == {"area/billing", "area/billing/refund", "area/dashboard-export"}
        accounts = client.get("/api/v1/accounts", headers=h).json()
        assert [a["name"] for a in accounts] == ["서울상회"]
        demand = client.get("/api/v1/roadmap/demand", headers=h).json()
        board = client.get("/api/v1/roadmap", headers=h).json()["items"]
        # Only this workspace's item, with the board's numbers (its window moves with the date).
        assert [(d["title"], d["conversations"]) for d in demand] == [
            (b["title"], b["conversations"]) for b in board
        ]
        assert [d["title"] for d in demand] == ["Faster exports"]
        assignments = client.get("/api/v1/assignments", headers=h).json()
        assert {a["conversation_id"] for a in assignments} <= {
            mine.refund_conversation_id,
            mine.export_conversation_id,
        }
