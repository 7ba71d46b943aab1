"""``frontdoor accounts``: usage import (one-line errors, idempotent), snapshots, red list, priority."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

from sqlalchemy import func, select

from frontdoor.core.config import Settings
from frontdoor.core.store import Store
from frontdoor.models import Account, AccountHealthSnapshot, Workspace


def _run(args: list[str], settings: Settings) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRONTDOOR_")}
    env.update({"FRONTDOOR_HOME": str(settings.home), "FRONTDOOR_DATABASE_URL": settings.database_url})
    return subprocess.run(
        [sys.executable, "-m", "frontdoor", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_accounts_commands(settings: Settings, store: Store, workspace: Workspace) -> None:
    with store.session() as session:
        session.add(Account(workspace_id=workspace.id, name="Quiet Shop", arr=1_000, seats=10))
    settings.home.mkdir(parents=True, exist_ok=True)
    usage = settings.home / "usage.csv"
    usage.write_text("account,active_users\nQuiet Shop,1\nGhost,2\n", encoding="utf-8")
    first = _run(["accounts", "import-usage", str(usage)], settings)
    assert first.returncode == 0, first.stderr
    assert "1 accounts updated, 0 unchanged" in first.stdout and "'Ghost'" in first.stderr
    again = _run(["accounts", "import-usage", str(usage)], settings)
    assert "0 accounts updated, 1 unchanged" in again.stdout
    bad = settings.home / "bad.csv"
    bad.write_text("account,active_users\nQuiet Shop,-3\n", encoding="utf-8")
    failed = _run(["accounts", "import-usage", str(bad)], settings)
    assert failed.returncode == 1 and failed.stderr.strip().count("\n") == 0
    assert "line 2" in failed.stderr

    # No conversation ever: recency 0 (critical) and usage 10% (critical) -> red.
    health = _run(["accounts", "health", "--backfill-weeks", "2", "--list", "red"], settings)
    assert health.returncode == 0, health.stderr
    assert "1 accounts as of" in health.stdout and "1 red" in health.stdout
    assert "no conversation on record" in health.stdout and "1 of 10 seats active (10.0%" in health.stdout
    with store.session() as session:
        days = session.scalar(select(func.count(func.distinct(AccountHealthSnapshot.taken_on))))
    assert days == 3  # today and two weeks back
    priority = _run(["accounts", "priority"], settings)
    assert priority.returncode == 0, priority.stderr
    assert "1. Quiet Shop" in priority.stdout and "health red" in priority.stdout
    # A date in the past is accepted; a bad one is one line.
    assert (
        _run(
            ["accounts", "health", "--as-of", (dt.date.today() - dt.timedelta(days=3)).isoformat()], settings
        ).returncode
        == 0
    )
    assert _run(["accounts", "health", "--as-of", "soon"], settings).returncode != 0
    conf = settings.home / "health.json"
    conf.write_text('{"bands": {"red": 90, "yellow": 50}}', encoding="utf-8")
    refused = _run(["accounts", "settings", "--file", str(conf)], settings)
    assert refused.returncode == 1 and "red must not be above yellow" in refused.stderr
    conf.write_text('{"weights": {"usage": 1}}', encoding="utf-8")
    assert _run(["accounts", "settings", "--file", str(conf)], settings).returncode == 0
    assert '"usage": 1' in _run(["accounts", "settings"], settings).stdout
