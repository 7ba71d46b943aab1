"""Real-browser journeys: sign in, search in Korean, confirm a suggestion, role refusal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the fixture's type; conftest modules are not imported by name at run time
    from conftest import LiveApp

ADMIN = ("admin@example.com", "correct-horse-battery")
ENGINEER = ("eng@example.com", "correct-horse-battery")


def sign_in(page: Any, app: LiveApp, who: tuple[str, str]) -> None:
    page.goto(f"{app.url}/login")
    page.fill("input[name=email]", who[0])
    page.fill("input[name=password]", who[1])
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"{app.url}/")


def tag_count(page: Any, app: LiveApp, path: str) -> int:
    page.goto(f"{app.url}/taxonomy")
    return int(page.locator(f"tr[data-tag-path='{path}'] td.count").inner_text())


def test_sign_in_and_every_main_page(page: Any, live_app: LiveApp) -> None:
    page.goto(f"{live_app.url}/conversations")
    assert page.url.startswith(f"{live_app.url}/login")
    live_app.shot(page, "login")
    page.fill("input[name=email]", ADMIN[0])
    page.fill("input[name=password]", "wrong-password")
    page.click("form[action='/login'] button[type=submit]")
    assert page.locator("p.error").is_visible()
    sign_in(page, live_app, ADMIN)
    assert page.locator("h1").inner_text() == "Acme"
    live_app.shot(page, "home")
    ids = live_app.ids
    for name, path in [
        ("conversations", "/conversations"),
        ("conversation", f"/conversations/{ids.refund_conversation_id}"),
        ("taxonomy", "/taxonomy"),
        ("review", "/taxonomy/review"),
        ("themes", "/taxonomy/themes"),
        ("accounts", "/accounts"),
        ("account", f"/accounts/{ids.account_id}"),
        ("insights", "/insights"),
        ("roadmap", "/roadmap"),
        ("surveys", "/surveys"),
        ("oncall", "/oncall"),
        ("settings", "/settings"),
    ]:
        response = page.goto(f"{live_app.url}{path}")
        assert response.status == 200, path
        live_app.shot(page, name)
    # The customer's markup is shown as text; nothing it contains ran.
    page.goto(f"{live_app.url}/conversations/{ids.xss_conversation_id}")
    assert "<script>alert(1)</script>" in page.locator(".msg-text").first.inner_text()
    assert page.locator(".message img").count() == 0
    live_app.shot(page, "xss-as-text")


def test_filter_and_search_in_korean(page: Any, live_app: LiveApp) -> None:
    sign_in(page, live_app, ADMIN)
    page.goto(f"{live_app.url}/conversations")
    assert page.locator("tr.row").count() == 3
    page.fill("#search", "환불")
    page.select_option("select[name=language]", "ko")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**q=*")
    rows = page.locator("tr.row")
    assert rows.count() == 1
    assert "환불 문의" in rows.first.inner_text()
    live_app.shot(page, "conversations-search-ko")
    # Keyboard: j selects the row, Enter opens it.
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/conversations/{live_app.ids.refund_conversation_id}")
    # The interface in Korean, switched per user.
    page.click("form.lang button")
    # The click reloads the page: wait for the new one rather than reading the old nav.
    korean_nav = page.locator("nav a[href='/conversations']", has_text="대화")
    korean_nav.wait_for()
    assert korean_nav.inner_text() == "대화"


def test_confirm_suggestion_updates_taxonomy_count_and_quotes(page: Any, live_app: LiveApp) -> None:
    sign_in(page, live_app, ADMIN)
    assert tag_count(page, live_app, "area/billing/refund") == 0
    page.goto(f"{live_app.url}/conversations/{live_app.ids.refund_conversation_id}")
    suggestion = page.locator("li.assignment.suggested")
    assert "Refund" in suggestion.inner_text()
    suggestion.locator("button.confirm").click()
    page.wait_for_selector("li.assignment.confirmed")
    assert tag_count(page, live_app, "area/billing/refund") == 1
    live_app.shot(page, "taxonomy-after-confirm")
    # Mark a quote by selecting text in the first message.
    page.goto(f"{live_app.url}/conversations/{live_app.ids.refund_conversation_id}")
    page.evaluate(
        """() => {
        const el = document.querySelector('.msg-text');
        const node = el.firstChild;
        const range = document.createRange();
        range.setStart(node, 8); range.setEnd(node, 13);
        const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
        document.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
    }"""
    )
    assert page.locator(".quote-preview").inner_text() == "“금액 환불”"
    page.select_option("#add-tag select[name=tag_id]", label="area/billing/refund")
    page.click("#add-tag button[type=submit]")
    page.wait_for_selector("blockquote.quote")
    assert page.locator("blockquote.quote").inner_text() == "금액 환불"
    live_app.shot(page, "conversation-quote")


def test_engineer_cannot_edit(page: Any, live_app: LiveApp) -> None:
    sign_in(page, live_app, ENGINEER)
    page.goto(f"{live_app.url}/conversations/{live_app.ids.refund_conversation_id}")
    assert page.locator("button.confirm").count() == 0
    assert page.locator("#add-tag").count() == 0
    # Forge the confirm form the page did not offer: the server refuses it.
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    page.evaluate(
        """([url, csrf]) => {
        const f = document.createElement('form'); f.method = 'post'; f.action = url;
        for (const [k, v] of [['csrf', csrf], ['decision', 'confirm']]) {
            const i = document.createElement('input');
            i.type = 'hidden'; i.name = k; i.value = v; f.appendChild(i);
        }
        document.body.appendChild(f); f.submit();
    }""",
        [
            f"/conversations/{live_app.ids.refund_conversation_id}/assignments/{live_app.ids.suggestion_id}",
            csrf,
        ],
    )
    page.wait_for_selector("h1")
    assert "not allowed" in page.locator("h1").inner_text()
    live_app.shot(page, "engineer-refused")
    response = page.goto(f"{live_app.url}/settings")
    assert response.status == 403
    assert tag_count(page, live_app, "area/billing/refund") == 0
