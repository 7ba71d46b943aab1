"""The /alerts page (list, acknowledge, settings) and `frontdoor alerts check|list`."""

from __future__ import annotations

import datetime as dt
import json
import re

from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import select

from conftest import KEYWORD, Tagged, chat, ingest
from frontdoor.cli import cli
from frontdoor.core.errors import ValidationError
from frontdoor.core.store import Store
from frontdoor.db.base import utcnow
from frontdoor.models import Alert, AlertStatus, Workspace
from frontdoor.web.app import create_app

PASSWORD = "correct-horse-battery"
XSS = "<script>alert(1)</script>"
WEEK = dt.timedelta(weeks=1)


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, html[:300]
    return match.group(1)


def _spike(store: Store, tagged: Tagged, now: dt.datetime, text: str) -> None:
    ingest(store, tagged, [chat("old", now - 10 * WEEK, "세금계산서")], tag=True)
    ingest(
        store,
        tagged,
        [chat(f"h{k}", now - k * WEEK - dt.timedelta(hours=3), text) for k in range(1, 9)],
        tag=True,
    )
    ingest(
        store, tagged, [chat(f"b{i}", now - dt.timedelta(minutes=30 + i), text) for i in range(9)], tag=True
    )


def test_page_lists_the_alert_escapes_quotes_and_acknowledges(
    store: Store, tagged: Tagged, no_alert_handler: None
) -> None:
    now = utcnow()
    text = f"{KEYWORD} 오류 {XSS}"
    _spike(store, tagged, now, text)
    runner = CliRunner()
    env = {
        "FRONTDOOR_DATABASE_URL": store.settings.database_url,
        "FRONTDOOR_HOME": str(store.settings.home),
        "FRONTDOOR_SECRET_KEY": store.settings.secret_key,
    }
    checked = runner.invoke(cli, ["alerts", "check", "--no-deliver"], env=env)
    assert checked.exit_code == 0, checked.output
    assert "area/dashboard/data-sync: 9 vs 1.0 expected" in checked.output
    assert "2 tags evaluated, 1 spiking, 1 new alerts" in checked.output
    again = runner.invoke(cli, ["alerts", "check", "--no-deliver"], env=env)
    assert "1 spiking, 0 new alerts" in again.output
    listed = runner.invoke(cli, ["alerts", "list", "--json"], env=env)
    [row] = json.loads(listed.output)
    assert (row["tag"], row["observed"], row["status"]) == ("area/dashboard/data-sync", 9, "open")
    bad = runner.invoke(cli, ["alerts", "check", "--at", "yesterday"], env=env)
    # main() turns this error into one line on stderr; the group itself raises it.
    assert isinstance(bad.exception, ValidationError)
    assert "--at must be an ISO date-time" in str(bad.exception)

    with TestClient(create_app(store)) as client:
        login = client.get("/login")
        client.post(
            "/login",
            data={"email": "admin@example.com", "password": PASSWORD, "csrf": _csrf(login.text), "next": "/"},
        )
        page = client.get("/alerts")
        assert page.status_code == 200
        assert 'href="/alerts"' in page.text  # the nav entry
        assert "area/dashboard/data-sync" in page.text
        assert XSS not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
        assert ' style="' not in page.text and "<script>" not in page.text
        alert_id = row["id"]
        done = client.post(
            f"/alerts/{alert_id}/acknowledge", data={"csrf": _csrf(page.text)}, follow_redirects=False
        )
        assert done.status_code == 303
        no_csrf = client.post(f"/alerts/{alert_id}/acknowledge", data={}, follow_redirects=False)
        assert no_csrf.status_code == 400
        saved = client.post(
            "/alerts/settings",
            data={
                "csrf": _csrf(page.text),
                "enabled": "on",
                "slack_webhook_url": "https://hooks.slack.com/services/T/B/x",
                "email": "ops@example.com, cto@example.kr",
                "cooldown_hours": "12",
                "min_count": "6",
            },
            follow_redirects=False,
        )
        assert saved.status_code == 303
        english = client.get("/alerts?status=acknowledged")
        assert "admin" in english.text.lower()
    with store.session() as session:
        alert = session.scalars(select(Alert)).one()
        assert alert.status is AlertStatus.ACKNOWLEDGED
        ws = session.get_one(Workspace, tagged.workspace_id)
        cfg = ws.settings["alerts"]
        assert (cfg["email"], cfg["cooldown_hours"], cfg["min_count"]) == (
            ["ops@example.com", "cto@example.kr"],
            12,
            6,
        )
