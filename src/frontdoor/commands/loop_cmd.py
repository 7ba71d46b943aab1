"""``frontdoor loop status|draft|send|export ITEM_ID``: tell the customers who asked that it shipped."""

from __future__ import annotations

import json
from pathlib import Path

import click

from frontdoor.commands._common import store_from, workspace_option


def _workspace_id(ctx: click.Context, workspace: str | None) -> int:
    from frontdoor.workspace.workspaces import default_workspace

    with store_from(ctx).session() as session:
        return default_workspace(session, slug=workspace).id


@click.group("loop")
def loop_group() -> None:
    """Close the loop: draft, email or export one message per contact who asked for a shipped item."""


@loop_group.command("status")
@click.argument("item_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@workspace_option
@click.pass_context
def status_command(ctx: click.Context, item_id: int, as_json: bool, workspace: str | None) -> None:
    """Who asked for ITEM_ID, and who was told, how and when."""
    from frontdoor.roadmap.close_loop.sending import sync_delivery
    from frontdoor.roadmap.close_loop.view import loop_view

    ws_id = _workspace_id(ctx, workspace)
    with store_from(ctx).session() as session:
        sync_delivery(session, workspace_id=ws_id, item_id=item_id)
        view = loop_view(session, workspace_id=ws_id, item_id=item_id)
        if as_json:
            click.echo(
                json.dumps(
                    {
                        "item": {
                            "id": view.item.id,
                            "title": view.item.title,
                            "status": str(view.item.status),
                        },
                        "counts": view.counts,
                        "undrafted": len(view.undrafted),
                        "rows": [
                            {
                                "contact_id": r.contact_id,
                                "name": r.name,
                                "email": r.email,
                                "account": r.account_name,
                                "status": r.status,
                                "told_at": r.told_at.isoformat() if r.told_at else None,
                                "conversation_ids": r.conversation_ids,
                            }
                            for r in view.rows
                        ],
                    },
                    ensure_ascii=False,
                )
            )
            return
        click.echo(f"#{view.item.id} {view.item.title} ({view.item.status})")
        for r in view.rows:
            told = r.told_at.strftime("%Y-%m-%d %H:%M") if r.told_at else "-"
            click.echo(
                f"  {r.status:<9} {told:<16} {r.name or '-'} <{r.email or 'no email'}> "
                f"{r.account_name or '-'} conversations {' '.join(map(str, r.conversation_ids))}"
            )
        counts = ", ".join(f"{k} {v}" for k, v in view.counts.items() if v)
        click.echo(
            f"{len(view.rows)} contacts ({counts or 'none drafted'}); {len(view.undrafted)} not drafted yet"
        )


@loop_group.command("draft")
@click.argument("item_id", type=int)
@click.option("--ship", is_flag=True, help="Mark the item shipped first (keeps an earlier ship date).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@workspace_option
@click.pass_context
def draft_command(ctx: click.Context, item_id: int, ship: bool, as_json: bool, workspace: str | None) -> None:
    """Draft one message per contact who asked for shipped ITEM_ID (new contacts only)."""
    from frontdoor.roadmap.close_loop.drafts import draft, mark_shipped

    ws_id = _workspace_id(ctx, workspace)
    with store_from(ctx).session() as session:
        if ship:
            result = mark_shipped(session, workspace_id=ws_id, item_id=item_id, user=None)
        else:
            result = draft(session, workspace_id=ws_id, item_id=item_id)
    if as_json:
        click.echo(json.dumps(result.to_dict()))
        return
    click.echo(
        f"item {item_id}: {result.created} new drafts, {result.already} already drafted, "
        f"{result.without_email} without email (export them)"
    )


@loop_group.command("send")
@click.argument("item_id", type=int)
@click.option("--retry-failed", is_flag=True, help="Instead, try the failed emails once more (same keys).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@workspace_option
@click.pass_context
def send_command(
    ctx: click.Context, item_id: int, retry_failed: bool, as_json: bool, workspace: str | None
) -> None:
    """Email the drafted messages of ITEM_ID that were not sent yet (needs FRONTDOOR_SMTP_URL)."""
    from frontdoor.roadmap.close_loop import sending

    ws_id = _workspace_id(ctx, workspace)
    if retry_failed:
        retried = sending.retry_failed(store_from(ctx), workspace_id=ws_id, item_id=item_id)
        click.echo(
            json.dumps({"retried": retried})
            if as_json
            else f"item {item_id}: {retried} failed emails retried"
        )
        return
    result = sending.send(store_from(ctx), workspace_id=ws_id, item_id=item_id)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
        return
    click.echo(
        f"item {item_id}: {result.queued} emails queued, {result.already_told} already told, "
        f"{result.without_email} without email, {result.failed} failed"
    )
    for line in result.errors:
        click.echo(f"  {line}", err=True)


@loop_group.command("export")
@click.argument("item_id", type=int)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write here, not stdout."
)
@click.option(
    "--mark-told", is_flag=True, help="Record the contacts not told yet as told by hand (exported)."
)
@workspace_option
@click.pass_context
def export_command(
    ctx: click.Context, item_id: int, output: Path | None, mark_told: bool, workspace: str | None
) -> None:
    """Every drafted contact of ITEM_ID as CSV, contacts without email included."""
    from frontdoor.roadmap.close_loop.csv_export import export_csv

    ws_id = _workspace_id(ctx, workspace)
    with store_from(ctx).session() as session:
        text = export_csv(session, workspace_id=ws_id, item_id=item_id, mark_told=mark_told)
    if output is None:
        click.echo(text, nl=False)
    else:
        # UTF-8 with a BOM so spreadsheet programs read Korean names correctly.
        output.write_text(text, encoding="utf-8-sig", newline="")
        click.echo(f"wrote {output}", err=True)
