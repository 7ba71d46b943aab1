"""Real browser: ship a roadmap item and see one draft per contact; read a queue item with a note."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from frontdoor.core.store import Store
from frontdoor.models import Contact, Conversation, RoadmapItem, User

if TYPE_CHECKING:  # the fixture's type; conftest modules are not imported by name at run time
    from conftest import LiveApp


def _sign_in(page: Any, app: LiveApp, email: str) -> None:
    page.goto(f"{app.url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"{app.url}/")


def test_ship_drafts_once_and_oncall_read_with_a_note(page: Any, live_app: LiveApp, store: Store) -> None:
    ids = live_app.ids
    with store.session() as s:
        contact = Contact(
            workspace_id=ids.workspace_id,
            name="Ann Lee",
            email="ann@example.com",
            language="en",
            attributes={},
        )
        s.add(contact)
        s.flush()
        conv = s.get(Conversation, ids.export_conversation_id)
        assert conv is not None
        conv.contact_id = contact.id
        item_id = s.scalars(select(RoadmapItem.id).where(RoadmapItem.workspace_id == ids.workspace_id)).one()
        eng = s.scalars(select(User).where(User.email == "eng@example.com")).one()
        eng.product_area = "area/dashboard-export"

    _sign_in(page, live_app, "admin@example.com")
    page.goto(f"{live_app.url}/roadmap/{item_id}/loop")
    page.click(f"form[action='/roadmap/{item_id}/loop/ship'] button")
    page.wait_for_url(f"**/roadmap/{item_id}/loop?done=drafted*")
    assert "New drafts: 1" in page.locator("p.notice").inner_text()
    rows = page.locator("table.list tbody tr")
    assert rows.count() == 1 and "ann@example.com" in rows.first.inner_text()
    rows.first.locator("summary").click()
    assert "Hi Ann Lee," in rows.first.locator(".msg-text").inner_text()
    # Nothing new to draft: the button is gone.
    assert page.locator(f"form[action='/roadmap/{item_id}/loop/draft']").count() == 0
    live_app.shot(page, "loop-drafted")

    page.context.clear_cookies()
    _sign_in(page, live_app, "eng@example.com")
    # Seeded on Sunday 1 November, 20:00 in Seoul: the week of Monday 26 October.
    page.goto(f"{live_app.url}/oncall?week=2026-10-28")
    queued = page.locator("tr", has=page.locator("form[action='/oncall/read']"))
    assert queued.count() == 1
    item = queued.first
    assert "CSV export is broken" in item.inner_text()
    item.locator("textarea[name=note]").fill("timeouts above 90 days; issue #42")
    item.locator("button[type=submit]").click()
    page.wait_for_url("**/oncall?week=*done=read*")
    item = page.locator("tr", has=page.locator("form[action='/oncall/read']")).first
    assert item.locator("textarea[name=note]").input_value() == "timeouts above 90 days; issue #42"
    assert "Read" in item.inner_text()
    live_app.shot(page, "oncall-read")
