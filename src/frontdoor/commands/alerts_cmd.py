"""``frontdoor alerts``: evaluate tags for spikes now (or at a past time) and list alerts."""

from __future__ import annotations

import datetime as dt
import json

import click

from frontdoor.commands._common import store_from, workspace_option
from frontdoor.core.errors import ValidationError


def _parse_at(raw: str | None) -> dt.datetime | None:
    if not raw:
        return None
    try:
        when = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise ValidationError(f"--at must be an ISO date-time like 2026-04-15T12:00, got {raw!r}") from None
    # A time without an offset is taken as UTC.
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


@click.group("alerts")
def alerts_group() -> None:
    """Spike alerts: a tag far above its usual volume for the time of week."""


@alerts_group.command("check")
@click.option("--at", "at", default=None, help="Evaluate at this time (ISO, UTC unless an offset is given).")
@click.option("--tag", "tags", multiple=True, help="Only this tag path (repeatable).")
@click.option("--no-deliver", is_flag=True, help="Record alerts but send nothing to Slack or email.")
@click.option("--all", "show_all", is_flag=True, help="Show every tag's numbers, not only spikes.")
@workspace_option
@click.pass_context
def check_command(
    ctx: click.Context,
    at: str | None,
    tags: tuple[str, ...],
    no_deliver: bool,
    show_all: bool,
    workspace: str | None,
) -> None:
    """Evaluate tags now (as ingest does) and record and deliver new alerts."""
    from sqlalchemy import select

    from frontdoor.alerts.service import check_tags
    from frontdoor.alerts.spikes import describe
    from frontdoor.models import Tag
    from frontdoor.workspace.workspaces import default_workspace

    store = store_from(ctx)
    with store.session() as session:
        ws_id = default_workspace(session, slug=workspace).id
        tag_ids = None
        if tags:
            found = dict(
                session.execute(
                    select(Tag.path, Tag.id).where(Tag.workspace_id == ws_id, Tag.path.in_(tags))
                ).all()
            )
            missing = [t for t in tags if t not in found]
            if missing:
                raise ValidationError(f"no tag {missing[0]!r} in this workspace")
            tag_ids = list(found.values())
    results = check_tags(
        store, workspace_id=ws_id, tag_ids=tag_ids, as_of=_parse_at(at), deliver=not no_deliver
    )
    fired = [r for r in results if r.spike.fired]
    for r in results if show_all else fired:
        if r.alert_id is not None:
            state = f"new alert #{r.alert_id}"
        elif r.spike.fired:
            state = f"spike ({r.held_back})"
        else:
            state = r.spike.reason
        click.echo(f"{r.path}: {describe(r.spike)}  {state}")
    new = sum(1 for r in fired if r.alert_id is not None)
    click.echo(f"{len(results)} tags evaluated, {len(fired)} spiking, {new} new alerts")


@alerts_group.command("list")
@click.option("--status", type=click.Choice(["open", "acknowledged"]), default=None)
@click.option("--limit", type=int, default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@workspace_option
@click.pass_context
def list_command(
    ctx: click.Context, status: str | None, limit: int, as_json: bool, workspace: str | None
) -> None:
    """List alerts, newest first."""
    from frontdoor.alerts.listing import list_alerts
    from frontdoor.workspace.workspaces import default_workspace

    store = store_from(ctx)
    with store.session() as session:
        ws_id = default_workspace(session, slug=workspace).id
        alerts = list_alerts(session, workspace_id=ws_id, status=status, limit=limit)
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "id": a.id,
                        "tag": a.tag_path,
                        "window_start": a.window_start.isoformat(),
                        "window_end": a.window_end.isoformat(),
                        "observed": a.observed,
                        "expected": a.expected,
                        "p_value": a.p_value,
                        "status": a.status,
                        "examples": a.examples,
                        "accounts": a.accounts,
                    }
                    for a in alerts
                ],
                ensure_ascii=False,
            )
        )
        return
    if not alerts:
        click.echo("no alerts")
        return
    for a in alerts:
        click.echo(
            f"#{a.id} {a.window_end:%Y-%m-%d %H:%M} UTC  {a.tag_path}: {a.observed} vs "
            f"{a.expected:.1f} expected (p={a.p_value:.1e}), {len(a.accounts)} accounts  [{a.status}]"
        )
