"""Insights and roadmap pages: Korean and English, customer text escaped, roles, export."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from webseed import PASSWORD, XSS_IMG, XSS_SCRIPT, Seeded, add_user, csrf_of, seed, sign_in

from frontdoor.core.store import Store
from frontdoor.models import (
    AssignmentStatus,
    Origin,
    RoadmapItem,
    Role,
    TagAssignment,
    Workspace,
)
from frontdoor.web.app import create_app

TITLE = "<b>내보내기</b> 속도 개선"


def _setup(store: Store, workspace: Workspace) -> tuple[Seeded, int]:
    ids = seed(store, workspace_id=workspace.id)
    with store.session() as s:
        # The XSS conversation asks about exports too: its markup must show as text in quotes.
        s.add(
            TagAssignment(
                workspace_id=workspace.id,
                conversation_id=ids.xss_conversation_id,
                tag_id=ids.tag_export_id,
                scope="",
                origin=Origin.HUMAN,
                status=AssignmentStatus.CONFIRMED,
                attributes={},
            )
        )
        item = s.scalars(select(RoadmapItem).where(RoadmapItem.workspace_id == workspace.id)).one()
        item.title = TITLE
        item.external_url = "https://github.com/acme/app/issues/7"
        item.status = "shipped"  # type: ignore[assignment]
        item_id = item.id
    return ids, item_id


def _no_inline(html: str) -> None:
    assert ' style="' not in html and "<style" not in html
    assert "<script>" not in html and " onclick=" not in html


def test_board_and_item_render_escaped_in_both_languages(store: Store, workspace: Workspace) -> None:
    ids, item_id = _setup(store, workspace)
    with TestClient(create_app(store)) as client:
        sign_in(client, "admin@example.com")
        board = client.get("/roadmap")
        assert board.status_code == 200
        assert "&lt;b&gt;내보내기&lt;/b&gt; 속도 개선" in board.text and TITLE not in board.text
        assert "GitHub" in board.text and "Priority" in board.text and "arr_share" in board.text
        _no_inline(board.text)
        item = client.get(f"/roadmap/{item_id}")
        assert item.status_code == 200
        html = item.text
        # Customer words verbatim, escaped; agent replies and internal notes never appear.
        assert "The dashboard CSV export times out for large date ranges." in html
        assert (
            "&lt;script&gt;alert(1)&lt;/script&gt;" in html and XSS_SCRIPT not in html and XSS_IMG not in html
        )
        assert "네, 환불 도와드리겠습니다." not in html
        assert f'href="/conversations/{ids.export_conversation_id}"' in html
        assert "서울상회" in html and "12,000,000" in html
        assert f'href="/roadmap/{item_id}/loop"' in html  # shipped: the close-the-loop slot
        assert f'href="/roadmap/{item_id}/export.md"' in html
        _no_inline(html)
        client.post("/me/language", data={"language": "ko", "csrf": csrf_of(html), "back": "/roadmap"})
        ko = client.get(f"/roadmap/{item_id}").text
        assert "고객의 말" in ko and "고객사" in ko and "출시됨" in ko
        assert "우선순위" in client.get("/roadmap").text


def test_insights_page_tag_and_dimension_views(store: Store, workspace: Workspace) -> None:
    ids, _ = _setup(store, workspace)
    with TestClient(create_app(store)) as client:
        sign_in(client, "admin@example.com")
        dim = client.get("/insights", params={"since": "2026-10-26", "until": "2026-11-08"})
        assert dim.status_code == 200
        _no_inline(dim.text)
        # export tag: c-export and c-xss (both Nov 1, Korea time); refund only suggested.
        assert "Export" in dim.text and "Rising and falling tags" in dim.text
        tag = client.get(
            "/insights",
            params={"tag": ids.tag_export_id, "since": "2026-10-26", "until": "2026-11-08", "period": "week"},
        )
        assert tag.status_code == 200
        totals = re.search(r'<tr class="total">.*?<a href="([^"]+)">(\d+)</a>', tag.text, re.S)
        assert totals is not None and totals.group(2) == "2"
        # The total links to the conversation list with the same filters: it lists the same two.
        listed = client.get(totals.group(1).replace("&amp;", "&"))
        assert listed.status_code == 200
        assert listed.text.count('<tr class="row"') == 2
        assert f'data-href="/conversations/{ids.xss_conversation_id}"' in listed.text
        assert f'data-href="/conversations/{ids.refund_conversation_id}"' not in listed.text
        client.post("/me/language", data={"language": "ko", "csrf": csrf_of(tag.text), "back": "/insights"})
        ko = client.get("/insights", params={"tag": ids.tag_export_id}).text
        assert "인사이트" in ko and "급증·급감 태그" in ko
        assert client.get("/insights", params={"period": "year"}).status_code == 400


def test_edit_roles_validation_and_export(store: Store, workspace: Workspace) -> None:
    ids, item_id = _setup(store, workspace)
    add_user(store, workspace_id=workspace.id, email="pm@example.com", role=Role.PRODUCT)
    add_user(store, workspace_id=workspace.id, email="eng@example.com", role=Role.ENGINEER)
    with TestClient(create_app(store)) as client:
        sign_in(client, "eng@example.com", PASSWORD)
        page = client.get("/roadmap").text
        assert "New item" not in page
        denied = client.post("/roadmap", data={"csrf": csrf_of(page), "title": "x"})
        assert denied.status_code == 403
    with TestClient(create_app(store)) as client:
        sign_in(client, "pm@example.com", PASSWORD)
        page = client.get("/roadmap").text
        token = csrf_of(page)
        bad = client.post(
            "/roadmap",
            data={"csrf": token, "title": "x", "external_url": "https://evil.example/a/b/issues/1"},
        )
        assert bad.status_code == 400 and "external_url" in bad.text
        made = client.post(
            "/roadmap",
            data={
                "csrf": token,
                "title": "환불 자동화",
                "external_url": "https://acme.atlassian.net/browse/CX-12",
                "strategic_weight": "3",
                "tag_ids": [str(ids.tag_refund_id)],
            },
            follow_redirects=False,
        )
        assert made.status_code == 303
        new_id = int(made.headers["location"].rsplit("/", 1)[1])
        edited = client.post(
            f"/roadmap/{new_id}",
            data={
                "csrf": token,
                "title": "환불 자동화 2",
                "status": "building",
                "tag_ids": [str(ids.tag_export_id)],
            },
            follow_redirects=False,
        )
        assert edited.status_code == 303
        view = client.get(f"/roadmap/{new_id}").text
        assert "환불 자동화 2" in view and "The dashboard CSV export" in view and "/loop" not in view
        export = client.get(f"/roadmap/{item_id}/export.md")
        assert export.status_code == 200
        assert export.headers["content-type"].startswith("text/markdown")
        assert "attachment" in export.headers["content-disposition"]
        md = export.text
        assert md.startswith("# \\<b\\>내보내기\\</b\\> 속도 개선")
        assert (
            "> look \\<script\\>alert\\(1\\)\\</script\\> and \\<img src=x onerror=alert\\(1\\)\\> please"
            in md
        )
        assert "http://testserver/conversations/" in md
        assert client.get("/roadmap/999999").status_code == 404
