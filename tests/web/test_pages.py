"""Pages: every main page renders (empty and seeded), customer text is escaped, roles hold."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from webseed import XSS_IMG, XSS_SCRIPT, add_user, csrf_of, seed, sign_in

from frontdoor.core.store import Store
from frontdoor.models import Role, TagAssignment, Workspace
from frontdoor.web.app import create_app

PAGES = [
    "/",
    "/conversations",
    "/taxonomy",
    "/taxonomy/review",
    "/taxonomy/themes",
    "/accounts",
    "/insights",
    "/roadmap",
    "/surveys",
    "/oncall",
    "/settings",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_with_empty_data(store: Store, workspace: Workspace, path: str) -> None:
    with TestClient(create_app(store)) as client:
        sign_in(client, "admin@example.com")
        response = client.get(path)
    assert response.status_code == 200, response.text[:800]
    assert "<html" in response.text


def test_seeded_pages_render_in_korean_and_english(store: Store, workspace: Workspace) -> None:
    ids = seed(store, workspace_id=workspace.id)
    with TestClient(create_app(store)) as client:
        sign_in(client, "admin@example.com")
        for path in [*PAGES, f"/conversations/{ids.refund_conversation_id}", f"/accounts/{ids.account_id}"]:
            assert client.get(path).status_code == 200, path
        page = client.get("/conversations")
        assert "Conversations" in page.text and "환불 문의" in page.text
        client.post(
            "/me/language", data={"language": "ko", "csrf": csrf_of(page.text), "back": "/conversations"}
        )
        assert "대화" in client.get("/conversations").text


def test_customer_markup_renders_as_text(store: Store, workspace: Workspace) -> None:
    ids = seed(store, workspace_id=workspace.id)
    with TestClient(create_app(store)) as client:
        sign_in(client, "admin@example.com")
        for path in (f"/conversations/{ids.xss_conversation_id}", "/conversations"):
            html = client.get(path).text
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
            assert XSS_SCRIPT not in html
            assert XSS_IMG not in html
            assert "<img" not in html
        detail = client.get(f"/conversations/{ids.xss_conversation_id}").text
        assert "&lt;img src=x onerror=alert(1)&gt;" in detail
        # No inline script at all: the CSP forbids it and the page needs none.
        assert "<script>" not in detail and 'src="/static/app.js"' in detail
        assert "default-src 'self'" in client.get("/conversations").headers["content-security-policy"]


def test_internal_notes_are_marked(store: Store, workspace: Workspace) -> None:
    ids = seed(store, workspace_id=workspace.id)
    with TestClient(create_app(store)) as client:
        sign_in(client, "admin@example.com")
        html = client.get(f"/conversations/{ids.refund_conversation_id}").text
    assert 'class="message agent internal"' in html and "Internal note" in html


def test_filters_and_korean_search(store: Store, workspace: Workspace) -> None:
    ids = seed(store, workspace_id=workspace.id)
    with TestClient(create_app(store)) as client:
        sign_in(client, "admin@example.com")
        found = client.get("/conversations", params={"q": "환불"}).text
        assert "환불 문의" in found and "CSV export is broken" not in found
        by_tag = client.get("/conversations", params={"tag": ids.tag_export_id}).text
        assert "CSV export is broken" in by_tag and "환불 문의" not in by_tag
        untagged = client.get("/conversations", params={"untagged": "1"}).text
        assert "환불 문의" in untagged and "CSV export is broken" not in untagged
        assert client.get("/conversations", params={"since": "nope"}).status_code == 400


def test_confirm_suggestion_then_taxonomy_counts_it(store: Store, workspace: Workspace) -> None:
    ids = seed(store, workspace_id=workspace.id)
    with TestClient(create_app(store)) as client:
        sign_in(client, "admin@example.com")
        row = re.compile(r'data-tag-path="area/billing/refund">.*?<td class="num count">(\d+)</td>', re.S)
        assert row.search(client.get("/taxonomy").text).group(1) == "0"  # type: ignore[union-attr]
        page = client.get(f"/conversations/{ids.refund_conversation_id}")
        response = client.post(
            f"/conversations/{ids.refund_conversation_id}/assignments/{ids.suggestion_id}",
            data={"decision": "confirm", "csrf": csrf_of(page.text)},
            follow_redirects=False,
        )
        assert response.status_code == 303
        # The cached counts are dropped by the change, so the page shows it at once.
        assert row.search(client.get("/taxonomy").text).group(1) == "1"  # type: ignore[union-attr]
    with store.session() as s:
        assert s.get(TagAssignment, ids.suggestion_id).status == "confirmed"  # type: ignore[union-attr]


def test_post_without_csrf_is_refused(store: Store, workspace: Workspace) -> None:
    ids = seed(store, workspace_id=workspace.id)
    with TestClient(create_app(store)) as client:
        sign_in(client, "admin@example.com")
        response = client.post(
            f"/conversations/{ids.refund_conversation_id}/assignments/{ids.suggestion_id}",
            data={"decision": "confirm", "csrf": "forged"},
        )
    assert response.status_code == 400
    with store.session() as s:
        assert s.get(TagAssignment, ids.suggestion_id).status == "suggested"  # type: ignore[union-attr]


def test_quote_marking_tags_a_span(store: Store, workspace: Workspace) -> None:
    ids = seed(store, workspace_id=workspace.id)
    with TestClient(create_app(store)) as client:
        sign_in(client, "admin@example.com")
        page = client.get(f"/conversations/{ids.refund_conversation_id}").text
        import re

        message_id = re.search(r'data-message-id="(\d+)"', page).group(1)  # type: ignore[union-attr]
        client.post(
            f"/conversations/{ids.refund_conversation_id}/tags",
            data={
                "tag_id": ids.tag_refund_id,
                "message_id": message_id,
                "start": 8,
                "end": 13,
                "csrf": csrf_of(page),
            },
        )
        html = client.get(f"/conversations/{ids.refund_conversation_id}").text
    assert '<blockquote class="quote">금액 환불</blockquote>' in html


def test_engineer_may_read_but_not_tag_or_administer(store: Store, workspace: Workspace) -> None:
    ids = seed(store, workspace_id=workspace.id)
    add_user(store, workspace_id=workspace.id, email="eng@example.com", role=Role.ENGINEER)
    with TestClient(create_app(store)) as client:
        sign_in(client, "eng@example.com")
        page = client.get(f"/conversations/{ids.refund_conversation_id}")
        assert page.status_code == 200 and 'value="confirm"' not in page.text
        response = client.post(
            f"/conversations/{ids.refund_conversation_id}/assignments/{ids.suggestion_id}",
            data={"decision": "confirm", "csrf": csrf_of(page.text)},
        )
        assert response.status_code == 403
        assert client.get("/settings").status_code == 403


def test_other_workspace_ids_are_not_found(store: Store, workspace: Workspace) -> None:
    seed(store, workspace_id=workspace.id)
    other = seed(store, slug="globex", prefix="g-")
    with TestClient(create_app(store)) as client:
        sign_in(client, "admin@example.com")
        assert client.get(f"/conversations/{other.refund_conversation_id}").status_code == 404
        assert client.get(f"/accounts/{other.account_id}").status_code == 404
        assert "g-channel" not in client.get("/conversations").text
        page = client.get("/conversations").text
        response = client.post(
            f"/conversations/{other.refund_conversation_id}/assignments/{other.suggestion_id}",
            data={"decision": "confirm", "csrf": csrf_of(page)},
        )
        assert response.status_code == 404


def test_invitation_is_single_use(store: Store, workspace: Workspace) -> None:
    with TestClient(create_app(store)) as admin_client:
        sign_in(admin_client, "admin@example.com")
        page = admin_client.get("/settings").text
        created = admin_client.post(
            "/settings/invitations",
            data={"email": "new@example.com", "role": "product", "csrf": csrf_of(page)},
        )
        import re

        link = re.search(r'id="invite-link">[^<]*(/invite/[^<]+)</code>', created.text).group(1)  # type: ignore[union-attr]
    with TestClient(create_app(store)) as client:
        form = client.get(link)
        assert form.status_code == 200 and "new@example.com" in form.text
        short = client.post(link, data={"name": "New", "password": "short", "csrf": csrf_of(form.text)})
        assert short.status_code == 400  # a typo does not burn the link
        joined = client.post(
            link,
            data={"name": "New", "password": "long-enough-pw", "language": "ko", "csrf": csrf_of(form.text)},
        )
        assert joined.status_code == 200 and "로그아웃" in joined.text
    with TestClient(create_app(store)) as again:
        assert again.get(link).status_code == 404
    with TestClient(create_app(store)) as client:
        sign_in(client, "new@example.com", "long-enough-pw")
        assert client.get("/settings").status_code == 403  # product is not admin


def test_move_and_merge_from_the_taxonomy_page(store: Store, workspace: Workspace) -> None:
    ids = seed(store, workspace_id=workspace.id)
    with TestClient(create_app(store)) as client:
        sign_in(client, "admin@example.com")
        page = client.get("/taxonomy").text
        moved = client.post(
            "/taxonomy/move",
            data={"tag_id": ids.tag_export_id, "parent_id": "", "action": "move", "csrf": csrf_of(page)},
        )
        assert moved.status_code == 200
        merged = client.post(
            "/taxonomy/move",
            data={
                "tag_id": ids.tag_refund_id,
                "merge_into_id": ids.tag_export_id,
                "action": "merge",
                "csrf": csrf_of(page),
            },
        )
        assert merged.status_code == 200, merged.text[:500]
        tree = client.get("/taxonomy").text
        assert 'data-tag-path="area/billing/refund"' not in tree  # merged tags leave the active tree


def test_settings_tokens_secrets_and_pii(store: Store, workspace: Workspace) -> None:
    ids = seed(store, workspace_id=workspace.id)
    with TestClient(create_app(store)) as client:
        sign_in(client, "admin@example.com")
        page = client.get("/settings").text
        assert f"/hooks/{ids.source_id}</code>" in page
        created = client.post(
            "/settings/tokens", data={"name": "bi", "scopes": ["read"], "csrf": csrf_of(page)}
        )
        token = re.search(r'id="new-token">(fd_[^<]+)</code>', created.text).group(1)  # type: ignore[union-attr]
        assert client.get("/api/v1/tags", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        assert token not in client.get("/settings").text  # shown once
        secret_page = client.post(f"/settings/sources/{ids.source_id}/secret", data={"csrf": csrf_of(page)})
        secret = re.search(r'class="secret-once">([^<]+)</code>', secret_page.text).group(1)  # type: ignore[union-attr]
        # Channel Talk signs nothing: its URL carries the token, so it is shown once too.
        assert f"/hooks/{ids.source_id}?token=" in secret_page.text
        masked = client.get("/settings").text
        assert "?token=" not in masked
        assert secret not in masked and "••••••••" + secret[-4:] in masked
        saved = client.post(
            "/settings/pii",
            data={"kinds": ["email", "phone"], "rules": "ORDER_ID=ORD-\\d{8}", "csrf": csrf_of(page)},
        )
        assert saved.status_code == 200
        assert "ORDER_ID=ORD-\\d{8}" in saved.text
        bad = client.post(
            "/settings/pii", data={"kinds": ["email"], "rules": "nonsense", "csrf": csrf_of(page)}
        )
        assert bad.status_code == 400
    with store.session() as s:
        assert s.get(Workspace, workspace.id).settings["pii"]["kinds"] == ["email", "phone"]  # type: ignore[union-attr]


def test_session_cookie_flags(store: Store, workspace: Workspace) -> None:
    with TestClient(create_app(store)) as client:
        response = client.get("/login")
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_no_inline_styles_or_scripts_in_pages(store: Store, workspace: Workspace) -> None:
    # The CSP (default-src 'self') would silently drop them; everything lives in /static.
    ids = seed(store, workspace_id=workspace.id)
    with TestClient(create_app(store)) as client:
        sign_in(client, "admin@example.com")
        for path in [*PAGES, f"/conversations/{ids.refund_conversation_id}", f"/accounts/{ids.account_id}"]:
            html = client.get(path).text
            assert ' style="' not in html and "<style" not in html, path
            assert "<script>" not in html and " onclick=" not in html, path


def test_review_page_asks_the_informative_suggestion_with_its_reason(
    store: Store, workspace: Workspace
) -> None:
    ids = seed(store, workspace_id=workspace.id)
    with TestClient(create_app(store)) as client:
        sign_in(client, "admin@example.com")
        page = client.get("/taxonomy/review").text
    # The seeded suggestion (0.83 on a tag with one confirmed example) is asked, with why.
    assert f"/assignments/{ids.suggestion_id}" in page
    assert "few examples" in page and ">83<" in page
