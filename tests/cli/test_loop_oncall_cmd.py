"""``frontdoor loop`` and ``frontdoor oncall`` against a real database and a real SMTP server."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from frontdoor.cli import cli
from frontdoor.core.errors import NotFound, ValidationError
from frontdoor.core.store import Store
from frontdoor.models import Role, Workspace
from frontdoor.notifications import send as notifications
from frontdoor.workspace.users import create_user
from local_servers import SmtpSink, drain, drop_queue, prepare_queue

sys.path.insert(0, str(Path(__file__).parents[1] / "services"))
from loopseed import seed_loop


@pytest.fixture
def queue(store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setattr(notifications, "INLINE_BACKOFF", 0.0)
    prepare_queue(store)
    yield store
    drop_queue(store)


def _env(store: Store, **extra: str) -> dict[str, str]:
    return {
        "FRONTDOOR_DATABASE_URL": store.settings.database_url,
        "FRONTDOOR_HOME": str(store.settings.home),
        "FRONTDOOR_SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "FRONTDOOR_WORKSPACE": "acme",
        **extra,
    }


def _run(args: list[str], env: dict[str, str]) -> Result:
    return CliRunner().invoke(cli, args, env=env, catch_exceptions=True)


def test_loop_commands_draft_send_export_once(queue: Store, workspace: Workspace, tmp_path: Path) -> None:
    loop = seed_loop(queue, workspace_id=workspace.id)
    item = str(loop.item_id)
    with SmtpSink() as smtp:
        env = _env(queue, FRONTDOOR_SMTP_URL=smtp.url)
        # drain() works as a worker with the same settings as the commands.
        queue.settings = dataclasses.replace(queue.settings, smtp_url=smtp.url)
        not_shipped = _run(["loop", "draft", item], env)
        assert isinstance(not_shipped.exception, ValidationError)
        first = _run(["loop", "draft", item, "--ship"], env)
        assert (
            first.output.strip()
            == f"item {item}: 4 new drafts, 0 already drafted, 1 without email (export them)"
        )
        again = _run(["loop", "draft", item], env)
        assert (
            again.output.strip()
            == f"item {item}: 0 new drafts, 4 already drafted, 1 without email (export them)"
        )
        sent = _run(["loop", "send", item], env)
        drain(queue)
        resent = _run(["loop", "send", item], env)
        drain(queue)
    assert sent.output.strip() == f"item {item}: 3 emails queued, 0 already told, 1 without email, 0 failed"
    assert resent.output.strip() == f"item {item}: 0 emails queued, 3 already told, 1 without email, 0 failed"
    assert len(smtp.messages) == 3
    out = tmp_path / "loop.csv"
    exported = _run(["loop", "export", item, "-o", str(out), "--mark-told"], env)
    assert exported.exit_code == 0, exported.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM for spreadsheet programs
    table = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["status"] for r in table] == ["sent", "sent", "sent", "exported"]  # Park had no email
    assert table[3]["email"] == "" and table[3]["body"].startswith("박준님, 안녕하세요.\n\n")
    status = json.loads(_run(["loop", "status", item, "--json"], env).output)
    assert status["counts"]["sent"] == 3 and status["counts"]["exported"] == 1
    retried = _run(["loop", "send", item, "--retry-failed"], env)
    assert retried.output.strip() == f"item {item}: 0 failed emails retried"
    missing = _run(["loop", "status", "987654"], env)
    assert isinstance(missing.exception, NotFound)


def test_oncall_commands_rotate_schedule_digest(queue: Store, workspace: Workspace) -> None:
    with queue.session() as s:
        for name in ("a", "b"):
            create_user(
                s, workspace_id=workspace.id, email=f"{name}@team.example", role=Role.ENGINEER, name=name
            )
    with SmtpSink() as smtp:
        env = _env(queue, FRONTDOOR_SMTP_URL=smtp.url)
        # drain() works as a worker with the same settings as the commands.
        queue.settings = dataclasses.replace(queue.settings, smtp_url=smtp.url)
        rotated = _run(["oncall", "rotate", "a@team.example", "b@team.example", "--no-auto-digest"], env)
        assert rotated.exit_code == 0, rotated.output
        lines = _run(["oncall", "schedule", "--weeks", "3"], env).output.splitlines()
        assert [line.split()[1:] for line in lines] == [["a"], ["b"], ["a"]]
        override = _run(["oncall", "override", lines[0].split()[0], "b@team.example"], env)
        assert override.exit_code == 0
        assert _run(["oncall", "schedule", "--weeks", "1"], env).output.split()[1:] == ["*", "b"]
        first = _run(["oncall", "digest", "--week", "2026-11-30"], env)
        drain(queue)
        second = _run(["oncall", "digest", "--week", "2026-12-02"], env)
        drain(queue)
        unknown = _run(["oncall", "rotate", "nobody@team.example"], env)
    assert first.output.strip() == "digest for the week of 2026-11-30 sent by email"
    assert second.output.strip() == "digest for the week of 2026-11-30 was already sent; nothing new"
    assert len(smtp.messages) == 1
    assert smtp.envelopes[0][1] == ["a@team.example", "b@team.example"]
    assert isinstance(unknown.exception, NotFound)
