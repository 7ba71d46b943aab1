"""Real browser: move an account in the CX pipeline with a reason; see it logged and ranked."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the fixture's type; conftest modules are not imported by name at run time
    from conftest import LiveApp


def test_stage_change_is_logged_and_priority_lists_the_account(page: Any, live_app: LiveApp) -> None:
    page.goto(f"{live_app.url}/login")
    page.fill("input[name=email]", "admin@example.com")
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"{live_app.url}/")
    account = live_app.ids.account_id
    page.goto(f"{live_app.url}/accounts/{account}")
    assert page.locator("h1 .band").count() == 1  # the health band is in the heading
    form = page.locator(f"form[action='/accounts/{account}/stage']")
    form.locator("select[name=stage]").select_option("am")
    form.locator("input[name=reason]").fill("renewal talks with the CEO")
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**/accounts/{account}#pipeline")
    log = page.locator("#pipeline ~ table.list").first.inner_text()
    assert "CSM → AM" in log and "renewal talks with the CEO" in log
    live_app.shot(page, "account-pipeline")
    page.goto(f"{live_app.url}/accounts/priority?stage=am")
    assert page.locator(f"a[href='/accounts/{account}']").count() == 1
    live_app.shot(page, "account-priority")
