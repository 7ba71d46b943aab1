"""``frontdoor oncall schedule|rotate|override|digest``: the engineers' customer on-call."""

from __future__ import annotations

import datetime as dt
import json

import click

from frontdoor.commands._common import store_from, workspace_option


def _day(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _workspace_id(ctx: click.Context, workspace: str | None) -> int:
    from frontdoor.workspace.workspaces import default_workspace

    with store_from(ctx).session() as session:
        return default_workspace(session, slug=workspace).id


def _user_id(session: object, workspace_id: int, email: str) -> int:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from frontdoor.core.errors import NotFound
    from frontdoor.models import User

    assert isinstance(session, Session)
    found = session.scalar(
        select(User.id).where(User.workspace_id == workspace_id, User.email == email.strip())
    )
    if found is None:
        raise NotFound(f"no member with email {email!r} in this workspace")
    return int(found)


@click.group("oncall")
def oncall_group() -> None:
    """The weekly customer on-call rotation of engineers and its digest."""


@oncall_group.command("schedule")
@click.option("--weeks", default=8, show_default=True, help="Weeks to show from this one.")
@click.option("--from", "start", default=None, help="Start at the week holding this date (YYYY-MM-DD).")
@workspace_option
@click.pass_context
def schedule_command(ctx: click.Context, weeks: int, start: str | None, workspace: str | None) -> None:
    """Who is on call, week by week (* marks an override or swap)."""
    from frontdoor.oncall.rotation import schedule

    ws_id = _workspace_id(ctx, workspace)
    with store_from(ctx).session() as session:
        shifts = schedule(session, workspace_id=ws_id, start=_day(start), weeks=weeks)
    for s in shifts:
        mark = "*" if s.overridden else " "
        click.echo(f"{s.week.isoformat()} {mark} {s.user_name or '(nobody)'} {s.product_area or ''}".rstrip())


@oncall_group.command("rotate")
@click.argument("emails", nargs=-1, required=True)
@click.option("--week-start", default="monday", show_default=True, help="First day of an on-call week.")
@click.option("--email-to", multiple=True, help="Digest recipients (default: the engineers in the rotation).")
@click.option("--slack-webhook", default=None, help="Slack incoming webhook for the digest.")
@click.option(
    "--auto-digest/--no-auto-digest", default=True, show_default=True, help="Workers send last week's digest."
)
@workspace_option
@click.pass_context
def rotate_command(
    ctx: click.Context,
    emails: tuple[str, ...],
    week_start: str,
    email_to: tuple[str, ...],
    slack_webhook: str | None,
    auto_digest: bool,
    workspace: str | None,
) -> None:
    """Set the rotation to EMAILS in order; the first is on call this week."""
    from frontdoor.oncall.rotation import save_rotation

    ws_id = _workspace_id(ctx, workspace)
    with store_from(ctx).session() as session:
        ids = [_user_id(session, ws_id, e) for e in emails]
        config = save_rotation(
            session,
            workspace_id=ws_id,
            user=None,
            engineers=ids,
            week_start=week_start,
            email_to=list(email_to),
            slack_webhook=slack_webhook,
            auto_digest=auto_digest,
        )
    click.echo(f"rotation of {len(config.engineers)} from the week of {config.anchor.isoformat()}")


@oncall_group.command("override")
@click.argument("week")
@click.argument("email", required=False)
@workspace_option
@click.pass_context
def override_command(ctx: click.Context, week: str, email: str | None, workspace: str | None) -> None:
    """Put EMAIL on call in the week holding WEEK (YYYY-MM-DD); without EMAIL, undo the override."""
    from frontdoor.oncall.rotation import set_override

    day = _day(week)
    assert day is not None
    ws_id = _workspace_id(ctx, workspace)
    with store_from(ctx).session() as session:
        uid = _user_id(session, ws_id, email) if email else None
        set_override(session, workspace_id=ws_id, user=None, week=day, engineer_id=uid)
    click.echo(f"week of {day.isoformat()}: {'override set' if email else 'override removed'}")


@oncall_group.command("digest")
@click.option("--week", default=None, help="Any day of the week to report (default: last week).")
@click.option("--preview", is_flag=True, help="Print the digest; send and record nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@workspace_option
@click.pass_context
def digest_command(
    ctx: click.Context, week: str | None, preview: bool, as_json: bool, workspace: str | None
) -> None:
    """Send the weekly digest (top quotes per area, rising tags) once; a second run sends nothing."""
    from frontdoor.oncall.digest import preview_digest
    from frontdoor.oncall.digest_delivery import send_digest

    ws_id = _workspace_id(ctx, workspace)
    if preview:
        with store_from(ctx).session() as session:
            content, text = preview_digest(session, workspace_id=ws_id, week=_day(week))
        click.echo(json.dumps(content, ensure_ascii=False) if as_json else text)
        return
    result = send_digest(store_from(ctx), workspace_id=ws_id, week=_day(week))
    if as_json:
        click.echo(json.dumps({**result.to_dict(), "content": result.content}, ensure_ascii=False))
        return
    if result.created:
        click.echo(f"digest for the week of {result.week.isoformat()} sent by {', '.join(result.channels)}")
    else:
        click.echo(f"digest for the week of {result.week.isoformat()} was already sent; nothing new")
