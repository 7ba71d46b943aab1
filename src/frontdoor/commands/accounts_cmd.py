"""``frontdoor accounts``: usage import, health snapshots, red accounts and the priority list."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from frontdoor.commands._common import store_from, workspace_option


@click.group("accounts")
def accounts_group() -> None:
    """Account health, relationship priority and product usage."""


def _as_of(value: str | None) -> dt.datetime | None:
    from frontdoor.commands.tags_cmd import parse_since

    return parse_since(value)


@accounts_group.command("import-usage")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@workspace_option
@click.pass_context
def import_usage_command(ctx: click.Context, file: Path, workspace: str | None) -> None:
    """Read product usage (CSV: account,active_users[,seats][,as_of]) for the usage signal."""
    from frontdoor.accounts.usage import import_usage
    from frontdoor.workspace.workspaces import default_workspace

    store = store_from(ctx)
    with store.session() as session:
        ws_id = default_workspace(session, slug=workspace).id
        result = import_usage(session, workspace_id=ws_id, path=file)
    click.echo(f"usage: {result.updated} accounts updated, {result.unchanged} unchanged")
    if result.unknown:
        shown = ", ".join(repr(k) for k in result.unknown[:10])
        click.echo(f"{len(result.unknown)} rows name no known account: {shown}", err=True)


@accounts_group.command("health")
@click.option("--as-of", "as_of", default=None, help="Take the snapshot as of this date (default now).")
@click.option(
    "--backfill-weeks", type=click.IntRange(0, 104), default=0, help="Also one snapshot per week back."
)
@click.option(
    "--list", "band", type=click.Choice(["red", "yellow", "green"]), default=None, help="Print these."
)
@workspace_option
@click.pass_context
def health_command(
    ctx: click.Context, as_of: str | None, backfill_weeks: int, band: str | None, workspace: str | None
) -> None:
    """Record every account's health (one snapshot per day; again the same day replaces it)."""
    from collections import Counter

    from frontdoor.accounts.health import health_of_accounts, load_health_config, take_snapshots
    from frontdoor.accounts.text import signal_name, signal_text
    from frontdoor.db.base import utcnow
    from frontdoor.models import Account
    from frontdoor.workspace.workspaces import default_workspace

    store = store_from(ctx)
    when = _as_of(as_of) or utcnow()
    with store.session() as session:
        ws_id = default_workspace(session, slug=workspace).id
    for weeks in range(backfill_weeks, -1, -1):
        with store.session() as session:
            n = take_snapshots(session, workspace_id=ws_id, as_of=when - dt.timedelta(weeks=weeks))
    with store.session() as session:
        healths = health_of_accounts(session, workspace_id=ws_id, as_of=when)
        bands = Counter(h.band for h in healths.values())
        click.echo(
            f"{n} accounts as of {when.date().isoformat()}: "
            + ", ".join(f"{bands.get(b, 0)} {b}" for b in ("red", "yellow", "green", "unknown"))
        )
        if band is None:
            return
        config = load_health_config(session, ws_id)
        chosen = sorted((h.score, aid) for aid, h in healths.items() if h.band == band)
        for score, aid in chosen:
            account = session.get(Account, aid)
            assert account is not None
            health = healths[aid]
            click.echo(
                f"\n{account.name} (#{aid}, {account.plan or '-'}, ARR {account.arr:,}) {band} {score:g}"
            )
            for sig in health.reasons:
                flag = " [red on its own]" if health.is_critical(sig) else ""
                click.echo(
                    f"  - {signal_name(sig.key, 'en')} {sig.score:g}/100, -{sig.points_lost:g} points{flag}: "
                    f"{signal_text(sig, 'en', config)}"
                )


@accounts_group.command("priority")
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option("--stage", type=click.Choice(["csm", "adr", "am"]), default=None)
@workspace_option
@click.pass_context
def priority_command(ctx: click.Context, limit: int, stage: str | None, workspace: str | None) -> None:
    """Print the accounts to meet first, each term with its points and numbers."""
    from frontdoor.accounts.health import load_health_config
    from frontdoor.accounts.priority import load_priority_config, priority_list
    from frontdoor.accounts.text import signal_name, signal_text, term_name, term_text
    from frontdoor.workspace.workspaces import default_workspace

    store = store_from(ctx)
    with store.session() as session:
        ws_id = default_workspace(session, slug=workspace).id
        pconfig = load_priority_config(session, ws_id)
        hconfig = load_health_config(session, ws_id)
        for row in priority_list(session, workspace_id=ws_id, stage=stage, limit=limit):
            a = row.account
            click.echo(
                f"{row.rank}. {a.name} (#{a.id}, {a.plan or '-'}, {a.stage}) priority {row.priority.score:g}"
                f" | health {row.health.band} {row.health.score:g}"
            )
            for term in row.priority.terms:
                if term.points > 0:
                    click.echo(
                        f"   +{term.points:g}/{term.max_points:g} {term_name(term.key, 'en')}: "
                        f"{term_text(term, 'en', pconfig, a.currency)}"
                    )
            reason = row.health.main_reason
            if reason is not None:
                why = signal_text(reason, "en", hconfig)
                click.echo(f"   health, main reason: {signal_name(reason.key, 'en')}: {why}")


@accounts_group.command("settings")
@click.option("--file", "file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None)
@workspace_option
@click.pass_context
def settings_command(ctx: click.Context, file: Path | None, workspace: str | None) -> None:
    """Print the health, priority and depth settings, or replace them from a JSON file."""
    import json

    from frontdoor.accounts.health import health_settings, save_health_settings
    from frontdoor.core.errors import ValidationError
    from frontdoor.workspace.workspaces import default_workspace

    store = store_from(ctx)
    with store.session() as session:
        ws_id = default_workspace(session, slug=workspace).id
        if file is not None:
            try:
                raw = json.loads(file.read_text(encoding="utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise ValidationError(f"{file.name}: not JSON ({exc})") from None
            save_health_settings(session, workspace_id=ws_id, raw=raw)
            click.echo("health settings saved")
            return
        click.echo(json.dumps(health_settings(session, ws_id), ensure_ascii=False, indent=1))
