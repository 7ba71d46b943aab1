"""``frontdoor demo --no-serve`` end to end on the embedded SQLite store, then sign in."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner
from fastapi.testclient import TestClient

from frontdoor.cli import cli
from frontdoor.core.config import load_settings
from frontdoor.db.store import open_store
from frontdoor.demo import names
from frontdoor.web.app import create_app


def test_demo_command_builds_once_and_the_overview_shows_it(tmp_path: Path) -> None:
    env: dict[str, str | None] = {
        "FRONTDOOR_HOME": str(tmp_path / "home"),
        "FRONTDOOR_DATABASE_URL": None,  # the embedded SQLite store, whatever the environment says
        "FRONTDOOR_SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
    }
    runner = CliRunner()
    first = runner.invoke(cli, ["demo", "--no-serve"], env=env, catch_exceptions=False)
    assert first.exit_code == 0, first.output
    assert "created" in first.output and f"login: {names.ADMIN_EMAIL} / {names.DEMO_PASSWORD}" in first.output
    # The tour names the pages that show the product at work, with this build's ids.
    tour = first.output[first.output.index("where to look") :].splitlines()[1:]
    pages = [line.split(":")[0].strip() for line in tour if line.startswith("  /")]
    assert {"/alerts", "/routing", "/roadmap", "/surveys"} <= set(pages)
    assert any(p.startswith("/oncall?week=") for p in pages)
    loops = [p for p in pages if p.startswith("/roadmap/") and p.endswith("/loop")]
    assert len(loops) == 2
    again = runner.invoke(cli, ["demo", "--no-serve"], env=env, catch_exceptions=False)
    assert again.exit_code == 0 and "already present" in again.output
    assert (
        again.output[again.output.index("where to look") :]
        == first.output[first.output.index("where to look") :]
    )
    conversations = re.search(r"([\d,]+) conversations", again.output)
    assert conversations is not None

    settings = load_settings({k: v for k, v in env.items() if v})
    store = open_store(settings)
    try:
        client = TestClient(create_app(store))
        page = client.get("/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert token is not None
        home = client.post(
            "/login",
            data={
                "email": names.ADMIN_EMAIL,
                "password": names.DEMO_PASSWORD,
                "csrf": token.group(1),
                "next": "/",
            },
            follow_redirects=True,
        )
        assert home.status_code == 200
        assert names.WORKSPACE_NAME in home.text
        assert conversations.group(1) in home.text
        # Each toured page answers for the demo login and shows what the tour says it holds.
        for page in pages:
            assert client.get(page).status_code == 200, page
        alerts = client.get("/alerts").text
        assert "area/dashboard/data-sync" in alerts
        loop = client.get(loops[0]).text
        assert "카카오톡 주간 리포트" in loop
    finally:
        store.close()
