"""The command line: help for every command, one-line errors, init on both backends."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from frontdoor.cli import cli
from frontdoor.core.config import Settings
from frontdoor.core.store import Store
from frontdoor.models import Role, User, Workspace

ROOT = Path(__file__).parents[2]


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("FRONTDOOR_")}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "frontdoor", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
        check=False,
    )


def test_help_lists_every_command_with_a_one_line_help() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name, command in cli.commands.items():
        assert name in result.output
        summary = command.get_short_help_str(limit=200)
        assert summary and "\n" not in summary, name


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = [name for name in cli.commands if f"frontdoor {name}" not in readme]
    assert missing == []


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"FRONTDOOR_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}, "cannot open database"),
        ({"FRONTDOOR_DATABASE_URL": "sqlite:////nonexistent-dir/x/y.db"}, "cannot open database"),
        ({"FRONTDOOR_DATABASE_URL": "oracle://scott@db"}, "must start with sqlite://"),
        ({"FRONTDOOR_DATABASE_URL": "postgresql://u@h:notaport/db"}, "bad database URL"),
    ],
)
def test_bad_database_prints_one_line_and_exits_non_zero(
    tmp_path: Path, env: dict[str, str], expected: str
) -> None:
    result = _run(["db", "upgrade"], {"FRONTDOOR_HOME": str(tmp_path), **env})
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]


def test_unwritable_data_dir_prints_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = _run(["db", "upgrade"], {"FRONTDOOR_HOME": str(blocker / "home")})
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"error: data dir {blocker / 'home'} is not writable (Not a directory); set FRONTDOOR_HOME"
    ]


def test_commands_before_upgrade_ask_for_it(tmp_path: Path) -> None:
    result = _run(["db", "check"], {"FRONTDOOR_HOME": str(tmp_path)})
    assert result.returncode == 1
    assert result.stderr.strip() == "error: database is empty; run `frontdoor db upgrade`"


def test_init_creates_workspace_and_admin(settings: Settings, store: Store) -> None:
    env = {"FRONTDOOR_HOME": str(settings.home), "FRONTDOOR_DATABASE_URL": settings.database_url}
    result = _run(
        [
            "init",
            "--workspace",
            "shop",
            "--admin-email",
            "Boss@Example.com",
            "--admin-password",
            "s3cret-pass",
        ],
        env,
    )
    assert result.returncode == 0, result.stderr
    assert "created workspace shop with admin boss@example.com" in result.stdout
    with store.session() as session:
        ws = session.scalars(select(Workspace).where(Workspace.slug == "shop")).one()
        admin = session.scalars(select(User).where(User.workspace_id == ws.id)).one()
        assert admin.role == Role.ADMIN and admin.email == "boss@example.com"
    again = _run(
        ["init", "--workspace", "shop", "--admin-email", "x@example.com", "--admin-password", "s3cret-pass"],
        env,
    )
    assert again.returncode == 1
    assert again.stderr.strip() == "error: workspace 'shop' already exists"
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(Workspace)) == 1


def test_db_upgrade_is_idempotent_and_check_finds_no_drift(settings: Settings, store: Store) -> None:
    env = {"FRONTDOOR_HOME": str(settings.home), "FRONTDOOR_DATABASE_URL": settings.database_url}
    upgraded = _run(["db", "upgrade"], env)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "database already at" in upgraded.stdout
    checked = _run(["db", "check"], env)
    assert checked.returncode == 0, checked.stderr
    assert "schema matches the models" in checked.stdout


def test_exit_status_of_a_command_reaches_the_shell(settings: Settings, workspace: Workspace) -> None:
    # `frontdoor import` ends with ctx.exit(1) when it quarantined something; scripts rely on it.
    settings.home.mkdir(parents=True, exist_ok=True)
    bad = settings.home / "bad.csv"
    bad.write_text("conversation_id,text,created_at\nc1,hello,2026-01-01\nc2,hi,not-a-date\n")
    env = {"FRONTDOOR_HOME": str(settings.home), "FRONTDOOR_DATABASE_URL": settings.database_url}
    result = _run(["import", "csv", str(bad), "--workspace", workspace.slug], env)
    assert result.returncode == 1, result.stderr
    assert "quarantined: 1" in result.stdout
    good = settings.home / "good.csv"
    good.write_text("conversation_id,text,created_at\nc3,hello,2026-01-01\n")
    result = _run(["import", "csv", str(good), "--workspace", workspace.slug], env)
    assert result.returncode == 0, result.stderr
