"""Insights and roadmap API: trends equal the list, ranking with terms, quotes pages, scopes, edits."""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from webseed import XSS_SCRIPT, add_user, seed, sign_in, token_for

from frontdoor.core.store import Store
from frontdoor.models import (
    Account,
    AssignmentStatus,
    Channel,
    Conversation,
    Origin,
    RoadmapItem,
    Role,
    Source,
    Tag,
    TagAssignment,
    TagDimension,
    User,
    Workspace,
)
from frontdoor.web.app import create_app

WINDOW = {"since": "2026-10-26", "until": "2026-11-08"}


def _h(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _confirm_xss_as_export(store: Store, ws: int, conversation_id: int, tag_id: int) -> int:
    with store.session() as s:
        s.add(
            TagAssignment(
                workspace_id=ws,
                conversation_id=conversation_id,
                tag_id=tag_id,
                scope="",
                origin=Origin.HUMAN,
                status=AssignmentStatus.CONFIRMED,
                attributes={},
            )
        )
        return s.scalars(select(RoadmapItem.id).where(RoadmapItem.workspace_id == ws)).one()


def test_trends_match_the_conversation_list(store: Store, workspace: Workspace) -> None:
    ids = seed(store, workspace_id=workspace.id)
    _confirm_xss_as_export(store, workspace.id, ids.xss_conversation_id, ids.tag_export_id)
    token = token_for(store, workspace_id=workspace.id, scopes=["read"])
    with TestClient(create_app(store)) as client:
        h = _h(token)
        for tag_id, suggested in (
            (ids.tag_export_id, False),
            (ids.tag_refund_id, False),
            (ids.tag_refund_id, True),
        ):
            params = {**WINDOW, "tag_id": tag_id, "include_suggested": suggested}
            trend = client.get("/api/v1/insights/trend", params=params, headers=h)
            assert trend.status_code == 200, trend.text
            listed = client.get("/api/v1/conversations", params=params, headers=h).json()["items"]
            assert trend.json()["totals"]["conversations"] == len(listed)
        body = client.get(
            "/api/v1/insights/trend", params={**WINDOW, "tag_id": ids.tag_export_id}, headers=h
        ).json()
        # Both export conversations open on 2026-11-01 (UTC morning = Sunday evening in Seoul).
        assert [(p["start"], p["conversations"], p["accounts"], p["arr"]) for p in body["points"]] == [
            ("2026-10-26", 2, 1, 12_000_000),
            ("2026-11-02", 0, 0, 0),
        ]
        dim = client.get(
            f"/api/v1/insights/dimensions/{ids.dimension_id}/trend", params=WINDOW, headers=h
        ).json()
        assert dim["overall"]["totals"]["conversations"] == 2
        assert {s["tag_path"]: s["totals"]["conversations"] for s in dim["series"]} == {
            "area/dashboard-export": 2,
            "area/billing": 0,
            "area/billing/refund": 0,
        }
        # Counts are cached per workspace; a tag decision made through the app drops them at once.
        refund = {**WINDOW, "tag_id": ids.tag_refund_id}
        assert (
            client.get("/api/v1/insights/trend", params=refund, headers=h).json()["totals"]["conversations"]
            == 0
        )
        with store.session() as s:
            admin_id = s.scalars(select(User.id).where(User.workspace_id == workspace.id)).first()
        writer = token_for(store, workspace_id=workspace.id, scopes=["write"], user_id=admin_id)
        confirmed = client.post(
            "/api/v1/assignments",
            json={"conversation_id": ids.refund_conversation_id, "tag_id": ids.tag_refund_id},
            headers=_h(writer),
        )
        assert confirmed.status_code == 201, confirmed.text
        assert (
            client.get("/api/v1/insights/trend", params=refund, headers=h).json()["totals"]["conversations"]
            == 1
        )
        movers = client.get("/api/v1/insights/movers", headers=h)
        assert movers.status_code == 200 and set(movers.json()) >= {"rising", "falling", "recent_start"}
        assert client.get("/api/v1/insights/trend", params={"period": "year"}, headers=h).status_code == 422
        assert client.get("/api/v1/insights/trend", params={"tag_id": 999_999}, headers=h).status_code == 404
        assert client.get("/api/v1/insights/trend").status_code == 401


def test_board_quotes_and_edits(store: Store, workspace: Workspace) -> None:
    ids = seed(store, workspace_id=workspace.id)
    item_id = _confirm_xss_as_export(store, workspace.id, ids.xss_conversation_id, ids.tag_export_id)
    add_user(store, workspace_id=workspace.id, email="pm@example.com", role=Role.PRODUCT)
    add_user(store, workspace_id=workspace.id, email="eng@example.com", role=Role.ENGINEER)
    with store.session() as s:
        users = {u.email: u.id for u in s.scalars(select(User).where(User.workspace_id == workspace.id))}
    read = token_for(store, workspace_id=workspace.id, scopes=["read"])
    pm = token_for(
        store, workspace_id=workspace.id, scopes=["read", "write"], user_id=users["pm@example.com"]
    )
    eng = token_for(
        store, workspace_id=workspace.id, scopes=["read", "write"], user_id=users["eng@example.com"]
    )
    anonymous_write = token_for(store, workspace_id=workspace.id, scopes=["write"])
    with TestClient(create_app(store)) as client:
        board = client.get("/api/v1/roadmap", headers=_h(read))
        assert board.status_code == 200, board.text
        row = board.json()["items"][0]
        assert row["id"] == item_id and row["rank"] == 1
        assert [t["key"] for t in row["terms"]] == ["conversations", "accounts", "arr_share"]
        assert abs(sum(t["contribution"] for t in row["terms"]) - row["demand"]) < 1e-9
        assert "strategic_weight" in board.json()["formula"]
        first = client.get(f"/api/v1/roadmap/{item_id}/quotes", params={"limit": 1}, headers=_h(read)).json()
        assert first["conversations"] == 1 and first["next_cursor"]
        rest = client.get(
            f"/api/v1/roadmap/{item_id}/quotes",
            params={"limit": 1, "cursor": first["next_cursor"]},
            headers=_h(read),
        ).json()
        assert rest["next_cursor"] is None
        texts = [q["text"] for page in (first, rest) for g in page["groups"] for q in g["quotes"]]
        # Newest first: the XSS conversation (hour 3) then the export one (hour 2); raw text in JSON.
        assert texts[0].startswith("look " + XSS_SCRIPT)
        assert texts[1] == "The dashboard CSV export times out for large date ranges."
        assert first["groups"][0]["name"] == "서울상회" and first["groups"][0]["arr"] == 12_000_000
        assert client.get("/api/v1/roadmap/999999/quotes", headers=_h(read)).status_code == 404

        body = {
            "title": "환불 자동화",
            "external_url": "https://github.com/acme/app/issues/9",
            "tag_ids": [ids.tag_refund_id],
            "strategic_weight": 2,
        }
        assert client.post("/api/v1/roadmap", json=body, headers=_h(read)).status_code == 403
        assert client.post("/api/v1/roadmap", json=body, headers=_h(anonymous_write)).status_code == 403
        assert client.post("/api/v1/roadmap", json=body, headers=_h(eng)).status_code == 403
        bad = client.post(
            "/api/v1/roadmap", json={**body, "external_url": "javascript:alert(1)"}, headers=_h(pm)
        )
        assert bad.status_code == 422 and "external_url" in bad.json()["detail"]
        made = client.post("/api/v1/roadmap", json=body, headers=_h(pm))
        assert made.status_code == 201, made.text
        assert made.json()["provider"] == "github" and made.json()["tag_ids"] == [ids.tag_refund_id]
        put = client.put(
            f"/api/v1/roadmap/{made.json()['id']}",
            json={**body, "status": "shipped", "tag_ids": [ids.tag_export_id]},
            headers=_h(pm),
        )
        assert (
            put.status_code == 200
            and put.json()["shipped_at"]
            and put.json()["tag_ids"] == [ids.tag_export_id]
        )


def _board_row_numbers(html: str, item_id: int) -> tuple[int, int]:
    """``(conversations, accounts)`` of the item's row on the roadmap page."""
    row = next(r for r in html.split('<tr class="row">')[1:] if f'href="/roadmap/{item_id}"' in r)
    numbers = re.findall(r'<td class="num">([\d,]+)</td>', row)  # rank, conversations, accounts, ...
    return int(numbers[1]), int(numbers[2])


def test_roadmap_demand_is_the_same_number_on_the_page_and_in_the_api(
    store: Store, workspace: Workspace
) -> None:
    # Two conversations inside the board's 12-week window (two accounts) and one long
    # before it: the demand is 2 conversations and 2 accounts everywhere (an all-time
    # count would say 3 and 3).
    now = dt.datetime.now(dt.UTC)
    with store.session() as s:
        source = Source(workspace_id=workspace.id, kind="csv", name="csv", settings={})
        accounts = [Account(workspace_id=workspace.id, name=f"account {i}", arr=1000) for i in range(3)]
        dim = TagDimension(workspace_id=workspace.id, key="area", name_ko="영역", name_en="Area")
        s.add_all([source, *accounts, dim])
        s.flush()
        tag = Tag(workspace_id=workspace.id, path="area/export", dimension_id=dim.id, name_en="Export")
        s.add(tag)
        s.flush()
        for i, days_ago in enumerate((14, 20, 400)):
            conv = Conversation(
                workspace_id=workspace.id,
                source_id=source.id,
                external_id=f"c{i}",
                account_id=accounts[i].id,
                channel=Channel.CHAT,
                subject="export",
                opened_at=now - dt.timedelta(days=days_ago),
                message_count=0,
                attributes={},
            )
            s.add(conv)
            s.flush()
            s.add(
                TagAssignment(
                    workspace_id=workspace.id,
                    conversation_id=conv.id,
                    tag_id=tag.id,
                    scope="",
                    origin=Origin.HUMAN,
                    status=AssignmentStatus.CONFIRMED,
                    attributes={},
                )
            )
        item = RoadmapItem(workspace_id=workspace.id, title="Faster exports", description="")
        item.tags = [tag]
        s.add(item)
        s.flush()
        item_id = item.id
    token = token_for(store, workspace_id=workspace.id, scopes=["read"])
    with TestClient(create_app(store)) as client:
        demand = client.get("/api/v1/roadmap/demand", headers=_h(token)).json()
        board = client.get("/api/v1/roadmap", headers=_h(token)).json()
        sign_in(client, "admin@example.com")
        page = client.get("/roadmap").text
    api = next(d for d in demand if d["id"] == item_id)
    ranked = next(r for r in board["items"] if r["id"] == item_id)
    assert (api["conversations"], api["accounts"]) == (2, 2)
    assert (ranked["conversations"], ranked["accounts"]) == (2, 2)
    assert _board_row_numbers(page, item_id) == (2, 2)
