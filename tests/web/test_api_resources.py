"""API resources: pagination, filters, search, validation errors, ingest, OpenAPI."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from webseed import seed, token_for

from frontdoor.core.store import Store
from frontdoor.models import Account, Workspace
from frontdoor.web.app import create_app


def _h(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_keyset_pagination_walks_every_conversation_once(store: Store, workspace: Workspace) -> None:
    seed(store, workspace_id=workspace.id)
    token = token_for(store, workspace_id=workspace.id, scopes=["read"])
    with TestClient(create_app(store)) as client:
        seen: list[int] = []
        cursor = None
        pages = 0
        while True:
            params: dict[str, str | int] = {"limit": 1}
            if cursor:
                params["cursor"] = cursor
            page = client.get("/api/v1/conversations", params=params, headers=_h(token)).json()
            seen += [c["id"] for c in page["items"]]
            pages += 1
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert pages == 3 and len(seen) == len(set(seen)) == 3
        everything = client.get("/api/v1/conversations", headers=_h(token)).json()
        assert [c["id"] for c in everything["items"]] == seen  # newest first, same order
        assert everything["next_cursor"] is None


def test_filters_and_korean_search(store: Store, workspace: Workspace) -> None:
    ids = seed(store, workspace_id=workspace.id)
    token = token_for(store, workspace_id=workspace.id, scopes=["read"])
    with TestClient(create_app(store)) as client:

        def ids_for(**params: object) -> set[int]:
            response = client.get("/api/v1/conversations", params=params, headers=_h(token))
            assert response.status_code == 200, response.text
            return {c["id"] for c in response.json()["items"]}

        assert ids_for(q="환불") == {ids.refund_conversation_id}
        assert ids_for(q="환불 주문번호") == {ids.refund_conversation_id}
        assert ids_for(q="환불 export") == set()
        assert ids_for(q="csv EXPORT") == {ids.export_conversation_id}
        assert ids_for(q="100%") == set()  # LIKE metacharacters match literally
        assert ids_for(tag_id=ids.tag_export_id) == {ids.export_conversation_id}
        billing_parent = ids_for(tag_id=ids.tag_refund_id, include_suggested=True)
        assert billing_parent == {ids.refund_conversation_id}
        assert ids_for(language="ko") == {ids.refund_conversation_id}
        assert ids_for(untagged=True) == {ids.refund_conversation_id, ids.xss_conversation_id}
        assert ids_for(since="2026-11-01", until="2026-11-01") == {
            ids.refund_conversation_id,
            ids.export_conversation_id,
            ids.xss_conversation_id,
        }
        assert ids_for(since="2026-11-02") == set()
        assert ids_for(dimension_id=ids.dimension_id) == {ids.export_conversation_id}
        assert ids_for(account_id=ids.account_id, route="support", source_id=ids.source_id) == ids_for()
        # Account filters, as on the list page and in the insights API.
        with store.session() as s:
            account = s.get(Account, ids.account_id)
            assert account is not None
            account.plan, account.segment = "pro", "smb"
        assert ids_for(plan="pro", segment="smb", channel="chat") == ids_for()
        assert ids_for(plan="enterprise") == ids_for(segment="mid") == ids_for(channel="email") == set()
        detail = client.get(f"/api/v1/conversations/{ids.refund_conversation_id}", headers=_h(token)).json()
        assert [m["author_kind"] for m in detail["messages"]] == ["customer", "agent", "agent"]
        assert detail["messages"][2]["is_internal"] is True
        assert detail["assignments"][0]["tag_path"] == "area/billing/refund"


def test_validation_errors_are_clear_4xx(store: Store, workspace: Workspace) -> None:
    ids = seed(store, workspace_id=workspace.id)
    token = token_for(store, workspace_id=workspace.id, scopes=["read", "write", "ingest"])
    with TestClient(create_app(store)) as client:
        h = _h(token)
        bad_limit = client.get("/api/v1/conversations", params={"limit": 0}, headers=h)
        assert bad_limit.status_code == 422 and bad_limit.json()["detail"][0]["loc"] == ["query", "limit"]
        bad_cursor = client.get("/api/v1/conversations", params={"cursor": "garbage!"}, headers=h)
        assert bad_cursor.status_code == 422 and "cursor" in bad_cursor.json()["detail"]
        bad_date = client.get("/api/v1/conversations", params={"since": "yesterday"}, headers=h)
        assert bad_date.status_code == 422
        missing = client.post("/api/v1/assignments", json={"tag_id": ids.tag_refund_id}, headers=h)
        assert missing.status_code == 422 and missing.json()["detail"][0]["loc"] == [
            "body",
            "conversation_id",
        ]
        span = client.post(
            "/api/v1/assignments",
            json={
                "conversation_id": ids.refund_conversation_id,
                "tag_id": ids.tag_refund_id,
                "message_id": 10**9,
                "span_start": 0,
                "span_end": 3,
            },
            headers=h,
        )
        assert span.status_code == 404
        naive = client.post(
            "/api/v1/ingest",
            json={
                "conversations": [{"external_id": "x", "opened_at": "2026-11-01T10:00:00", "messages": []}]
            },
            headers=h,
        )
        assert naive.status_code == 422 and naive.json()["detail"][0]["loc"][-1] == "opened_at"
        assert client.get("/api/v1/conversations/999999", headers=h).status_code == 404


def test_ingest_goes_through_the_pipeline_and_is_idempotent(store: Store, workspace: Workspace) -> None:
    token = token_for(store, workspace_id=workspace.id, scopes=["ingest", "read"])
    opened = dt.datetime(2026, 11, 20, 1, 0, tzinfo=dt.UTC)
    body = {
        "source": "partner-api",
        "conversations": [
            {
                "external_id": "api-1",
                "opened_at": opened.isoformat(),
                "subject": "대시보드 내보내기 오류",
                "contact": {"email": "kim@seoul.example", "name": "김민지"},
                "messages": [
                    {
                        "external_id": "api-1-m1",
                        "author_kind": "customer",
                        "text": "엑셀 내보내기가 안 돼요",
                        "sent_at": opened.isoformat(),
                    }
                ],
            }
        ],
    }
    with TestClient(create_app(store)) as client:
        first = client.post("/api/v1/ingest", json=body, headers=_h(token))
        assert first.status_code == 200, first.text
        assert first.json()["conversations"]["new"] == 1 and first.json()["messages"]["new"] == 1
        again = client.post("/api/v1/ingest", json=body, headers=_h(token))
        assert again.status_code == 200
        assert again.json()["conversations"] == {"new": 0, "updated": 0, "unchanged": 1}
        listed = client.get("/api/v1/conversations", params={"q": "내보내기"}, headers=_h(token)).json()[
            "items"
        ]
        assert len(listed) == 1 and listed[0]["subject"] == "대시보드 내보내기 오류"


def test_openapi_schema_lists_the_resources(store: Store) -> None:
    with TestClient(create_app(store)) as client:
        schema = client.get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/conversations",
        "/api/v1/conversations/{conversation_id}",
        "/api/v1/ingest",
        "/api/v1/tags",
        "/api/v1/assignments",
        "/api/v1/roadmap/demand",
        "/api/v1/accounts",
    ):
        assert path in schema["paths"], path
