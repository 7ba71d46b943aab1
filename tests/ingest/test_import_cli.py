"""``frontdoor import`` and ``frontdoor quarantine`` through click's runner."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from frontdoor.cli import cli
from frontdoor.core.config import Settings
from frontdoor.models import Workspace

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _env(settings: Settings) -> dict[str, str]:
    return {
        "FRONTDOOR_DATABASE_URL": settings.database_url,
        "FRONTDOOR_HOME": str(settings.home),
        "FRONTDOOR_SECRET_KEY": settings.secret_key,
    }


def test_import_help_lists_kinds() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["import", "--help"])
    assert result.exit_code == 0
    assert "csv" in result.output and "jsonl" in result.output and "Generic CSV" in result.output
    result = runner.invoke(cli, ["import", "csv", "--help"])
    assert result.exit_code == 0 and "--map" in result.output and "conversation_id" in result.output


def test_import_json_and_exit_codes(settings: Settings, workspace: Workspace) -> None:
    runner = CliRunner()
    env = _env(settings)
    good = str(FIXTURES / "csv" / "conversations.csv")
    result = runner.invoke(cli, ["import", "csv", good, "--json"], env=env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["conversations"] == {"new": 4, "updated": 0, "unchanged": 0}
    assert data["messages"]["new"] == 8 and data["quarantined"] == 0
    result = runner.invoke(cli, ["import", "csv", good, "--workspace", "acme"], env=env)
    assert result.exit_code == 0
    assert "messages: 0 new, 0 updated, 8 unchanged" in result.output

    bad = str(FIXTURES / "csv" / "with_bad_row.csv")
    result = runner.invoke(cli, ["import", "csv", bad, "--source", "legacy", "--json"], env=env)
    assert result.exit_code == 1
    assert json.loads(result.output)["quarantined"] == 1

    result = runner.invoke(cli, ["quarantine", "list", "--json"], env=env)
    assert result.exit_code == 0
    listed = json.loads(result.output)
    assert listed["total"] == 1 and listed["records"][0]["position"] == "line 4"
    qid = listed["records"][0]["id"]

    result = runner.invoke(cli, ["quarantine", "retry", str(qid)], env=env)
    assert result.exit_code == 1 and "still failing" in result.output
    raw = listed["records"][0]["raw"].replace("어제 오후", "2026-05-03 15:00")
    fixed = Path(settings.home) / "fixed.json"
    fixed.write_text(raw, encoding="utf-8")
    result = runner.invoke(cli, ["quarantine", "retry", str(qid), "--raw-file", str(fixed)], env=env)
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["quarantine", "list"], env=env)
    assert "no quarantined records" in result.output


def test_import_map_option(settings: Settings, workspace: Workspace) -> None:
    runner = CliRunner()
    path = str(FIXTURES / "csv" / "custom_columns.csv")
    args = ["import", "csv", path, "--json", "--map", "conversation_id=ticket", "--map", "created_at=when"]
    args += ["--map", "text=body", "--map", "author_kind=who", "-o", "tz=Asia/Seoul"]
    result = runner.invoke(cli, args, env=_env(settings))
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["messages"]["new"] == 2
    result = runner.invoke(cli, ["import", "csv", path], env=_env(settings))
    assert result.exit_code != 0 and "missing column" in str(result.exception or result.output)
