"""``frontdoor route`` and ``frontdoor routing accuracy|rules|train`` on both backends."""

from __future__ import annotations

import json

from click.testing import CliRunner
from tests.routing.conftest import conversation

from frontdoor.cli import cli
from frontdoor.core.store import Store
from frontdoor.models import User, Workspace
from frontdoor.routing import config as routing_config
from frontdoor.routing.corrections import set_route


def test_route_accuracy_rules_and_train_commands(store: Store, workspace: Workspace, admin: User) -> None:
    ws = workspace.id
    with store.session() as s:
        routing_config.add_rule(
            s, workspace_id=ws, user=admin, rule={"name": "quotes", "team": "sales", "keywords": "견적"}
        )
        quote = conversation(s, ws, "견적 주세요").id
        other = conversation(s, ws, "hello").id
    runner = CliRunner()

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(cli, list(args), obj={"settings": store.settings})
        assert result.exit_code == code, result.output
        return result.output

    routed = json.loads(run("route", "--json"))
    assert routed == {
        "conversations": 2,
        "routed": 2,
        "unchanged": 0,
        "confirmed_skipped": 0,
        "by_method": {"rule": 1, "default": 1},
        "by_team": {"sales": 1, "support": 1},
    }
    assert json.loads(run("route", "--json"))["unchanged"] == 2  # idempotent
    with store.session() as s:
        set_route(s, workspace_id=ws, conversation_id=quote, route="sales", user=admin)
        set_route(s, workspace_id=ws, conversation_id=other, route="self-serve", user=admin)
    text = run("routing", "accuracy")
    assert text.splitlines()[0] == "accuracy 50.0%: 1 of 2 predictions kept by people"
    assert "  predicted support, people chose: self-serve 1" in text
    assert json.loads(run("routing", "accuracy", "--json"))["by_method"]["rule"]["accuracy"] == 1.0
    rules = run("routing", "rules")
    assert "1. quotes -> sales: keywords: 견적" in rules
    assert "team support (default): Support / 고객지원" in rules
    # Two confirmed routes are not enough to train: one line, exit 1.
    result = runner.invoke(cli, ["routing", "train"], obj={"settings": store.settings})
    assert result.exit_code == 1
    assert "need at least 6 conversations with a confirmed route" in str(result.exception or result.output)
