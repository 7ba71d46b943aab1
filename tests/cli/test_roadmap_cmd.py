"""``frontdoor roadmap list|export`` against a real database (both backends)."""

from __future__ import annotations

import sys
from pathlib import Path

from click.testing import CliRunner, Result

from frontdoor.cli import cli
from frontdoor.core.errors import NotFound
from frontdoor.core.store import Store
from frontdoor.models import Role, User, Workspace
from frontdoor.roadmap.items import ItemInput, create_item

sys.path.insert(0, str(Path(__file__).parents[1] / "insights"))
from aggregates_fixture import build


def _run(store: Store, args: list[str]) -> Result:
    env = {
        "FRONTDOOR_DATABASE_URL": store.settings.database_url,
        "FRONTDOOR_HOME": str(store.settings.home),
        "FRONTDOOR_SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "FRONTDOOR_WORKSPACE": "acme",
    }
    return CliRunner().invoke(cli, args, env=env, catch_exceptions=True)


def test_export_writes_markdown_and_unknown_item_is_one_line(
    store: Store, workspace: Workspace, tmp_path: Path
) -> None:
    with store.session() as s:
        fx = build(s, workspace.id)
        admin = s.query(User).filter_by(workspace_id=workspace.id, role=Role.ADMIN).one()
        item_id = create_item(
            s, user=admin, data=ItemInput(title="Billing overhaul", tag_ids=[fx.tags["B"]])
        ).id
    out = tmp_path / "item.md"
    result = _run(
        store, ["roadmap", "export", str(item_id), "--output", str(out), "--base-url", "https://fd.example/"]
    )
    assert result.exit_code == 0, result.output
    md = out.read_text(encoding="utf-8")
    assert md.startswith("# Billing overhaul\n")
    assert "> 환불은 언제 되나요? \\*급해요\\*" in md
    assert f"(https://fd.example/conversations/{fx.conversations['c1']})" in md
    printed = _run(store, ["roadmap", "export", str(item_id), "--base-url", "https://fd.example"])
    assert printed.exit_code == 0 and printed.output == md
    board = _run(store, ["roadmap", "list"])
    assert board.exit_code == 0 and f"[{item_id}] Billing overhaul" in board.output
    missing = _run(store, ["roadmap", "export", "999999"])
    # The CLI entry point prints a FrontdoorError as one line; the runner shows the error itself.
    assert missing.exit_code != 0
    assert isinstance(missing.exception, NotFound) and str(missing.exception) == "no roadmap item 999999"
